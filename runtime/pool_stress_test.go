package runtime

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var errSawCancel = errors.New("fn saw its ctx cancelled")

// TestPoolStress runs many callers against several pools while calls panic,
// callers cancel (before and while their call runs) and one pool is closed
// by cancelling its context midway. Every call must return exactly once,
// with a result of the right kind: fn's own results if it ran and returned,
// *RemoteError if it panicked, the caller's ctx.Err() only if fn never ran,
// ErrClosed only from the closed pool and only if fn never ran.
func TestPoolStress(t *testing.T) {
	leakCheck(t)
	callers, perCaller := 32, 300
	if testing.Short() {
		callers, perCaller = 8, 100
	}
	const pools = 4
	ctxs := make([]context.CancelFunc, pools)
	ps := make([]*Pool, pools)
	for i := range ps {
		ctx, cancel := context.WithCancel(context.Background())
		ctxs[i] = cancel
		p, err := NewPool(ctx, i+1)
		if err != nil {
			t.Fatal(err)
		}
		ps[i] = p
	}
	const doomed = pools - 1 // its ctx is cancelled midway

	type outcome int
	const (
		returned outcome = iota
		panicked
		cancelled
		closed
		killed
	)
	var counts [5]atomic.Int64
	var ran atomic.Int64
	var wg sync.WaitGroup
	for g := range callers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for i := range perCaller {
				pi := rng.IntN(pools)
				p := ps[pi]
				kind := rng.IntN(10) // 0: panic; 1: cancel while waiting or running; 2: block until cancelled; else tiny work
				ctx, cancel := context.WithCancel(context.Background())
				if kind == 1 {
					time.AfterFunc(time.Duration(rng.IntN(200))*time.Microsecond, cancel)
				}
				var runs atomic.Int32
				want := g*perCaller + i
				v, err := RunOn(ctx, p, func(fctx context.Context) (int, error) {
					runs.Add(1)
					ran.Add(1)
					switch kind {
					case 0:
						panic("stress")
					case 1, 2:
						if kind == 2 {
							cancel()
						}
						select {
						case <-fctx.Done():
							return want, errSawCancel
						case <-time.After(time.Duration(rng.IntN(100)) * time.Microsecond):
						}
					}
					return want, nil
				})
				cancel()
				n := runs.Load()
				if n > 1 {
					t.Errorf("fn ran %d times", n)
				}
				var re *RemoteError
				switch {
				case err == nil || err == errSawCancel:
					if n != 1 || v != want {
						t.Errorf("result %d (ran %d), want %d from one run", v, n, want)
					}
					counts[returned].Add(1)
				case errors.As(err, &re):
					if kind != 0 || n != 1 {
						t.Errorf("RemoteError from a call of kind %d that ran %d times", kind, n)
					}
					counts[panicked].Add(1)
				case err == ErrKilled:
					// Cancelled while fn ran: the kill came first, as in Run.
					if kind != 1 && kind != 2 || n != 1 {
						t.Errorf("ErrKilled from a call of kind %d that ran %d times", kind, n)
					}
					counts[killed].Add(1)
				case err == context.Canceled:
					if n != 0 {
						t.Errorf("ctx.Err() from a call whose fn ran")
					}
					counts[cancelled].Add(1)
				case err == ErrClosed:
					if pi != doomed || n != 0 {
						t.Errorf("ErrClosed from pool %d, fn ran %d times", pi, n)
					}
					counts[closed].Add(1)
				default:
					t.Errorf("unexpected error %v (kind %d)", err, kind)
				}
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	ctxs[doomed]()
	wg.Wait()
	for i, p := range ps {
		p.Close()
		ctxs[i]()
	}
	total := int64(0)
	for i := range counts {
		total += counts[i].Load()
	}
	if total != int64(callers*perCaller) {
		t.Fatalf("%d calls returned, want %d", total, callers*perCaller)
	}
	t.Logf("returned %d, panicked %d, cancelled %d, closed %d, killed %d; fn ran %d times",
		counts[returned].Load(), counts[panicked].Load(), counts[cancelled].Load(), counts[closed].Load(), counts[killed].Load(), ran.Load())
	if counts[panicked].Load() == 0 || counts[returned].Load() == 0 {
		t.Fatal("the stress test exercised too little")
	}
}
