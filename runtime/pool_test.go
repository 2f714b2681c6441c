package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// leakCheck fails the test if a goroutine outlives it.
func leakCheck(t *testing.T) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
}

func newTestPool(t *testing.T, ctx context.Context, size int, opts ...Option) *Pool {
	t.Helper()
	p, err := NewPool(ctx, size, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// waiting returns how many callers wait for an isolate of p.
func (p *Pool) waiting() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for c := p.head; c != nil; c = c.next {
		n++
	}
	return n
}

// eventually polls cond for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// occupy runs n calls on p that block until the returned func is called;
// it returns once all n run.
func occupy(t *testing.T, p *Pool, n int) (release func()) {
	t.Helper()
	var running sync.WaitGroup
	running.Add(n)
	gate := make(chan struct{})
	var done sync.WaitGroup
	for range n {
		done.Go(func() {
			_, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) {
				running.Done()
				<-gate
				return 0, nil
			})
			if err != nil {
				t.Errorf("occupying call: %v", err)
			}
		})
	}
	running.Wait()
	return func() { close(gate); done.Wait() }
}

func TestPoolRunOnResultErrorAndIsolate(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1, WithName("warm"))
	if p.Size() != 1 {
		t.Fatalf("Size = %d", p.Size())
	}
	type big struct{ xs []int }
	var sent *big
	got, err := RunOn(context.Background(), p, func(ctx context.Context) (*big, error) {
		sent = &big{xs: []int{1, 2, 3}}
		return sent, nil
	})
	if err != nil || got != sent {
		t.Fatalf("RunOn = %p, %v; want the very pointer fn returned (%p)", got, err, sent)
	}
	myErr := errors.New("mine")
	if _, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) { return 7, myErr }); err != myErr {
		t.Fatalf("error = %v, want fn's own error value", err)
	}
	// Warm: the same isolate serves call after call.
	var isos [3]*Isolate
	for i := range isos {
		isos[i], _ = RunOn(context.Background(), p, func(ctx context.Context) (*Isolate, error) {
			return Current(ctx), nil
		})
	}
	if isos[0] == nil || isos[0] != isos[1] || isos[1] != isos[2] {
		t.Fatalf("Current in calls = %v; want one pool isolate", isos)
	}
	if name := isos[0].Name(); name != "warm-1" {
		t.Fatalf("name = %q, want warm-1", name)
	}
}

type poolKey struct{}

func TestPoolCallContext(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 2)
	deadline := time.Now().Add(time.Hour)
	ctx, cancel := context.WithDeadline(context.WithValue(context.Background(), poolKey{}, "v"), deadline)
	defer cancel()
	_, err := RunOn(ctx, p, func(ctx context.Context) (int, error) {
		if v := ctx.Value(poolKey{}); v != "v" {
			return 0, fmt.Errorf("value = %v", v)
		}
		if d, ok := ctx.Deadline(); !ok || !d.Equal(deadline) {
			return 0, fmt.Errorf("deadline = %v %v", d, ok)
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		child, stop := context.WithCancel(ctx)
		defer stop()
		if Current(child) != Current(ctx) || Current(ctx) == nil {
			return 0, errors.New("derived context lost the isolate")
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPoolPanicReturnsRemoteErrorAndReplaces(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 2)
	first, _ := RunOn(context.Background(), p, func(ctx context.Context) (*Isolate, error) { return Current(ctx), nil })
	for range 5 {
		_, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) {
			poolPanicker()
			return 1, nil
		})
		var re *RemoteError
		if !errors.As(err, &re) || re.Message != "pool boom" || !strings.Contains(re.Stack, "poolPanicker") {
			t.Fatalf("err = %#v; want *RemoteError from poolPanicker", err)
		}
	}
	// Never shrinks: both isolates still serve at once.
	release := occupy(t, p, 2)
	release()
	_ = first
}

//go:noinline
func poolPanicker() { panic("pool boom") }

func TestPoolFIFO(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1)
	release := occupy(t, p, 1)
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			RunOn(context.Background(), p, func(ctx context.Context) (int, error) {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				return 0, nil
			})
		})
		eventually(t, "caller queued", func() bool { return p.waiting() == i+1 })
	}
	release()
	wg.Wait()
	for i, v := range order {
		if v != i {
			t.Fatalf("served in order %v, want first come first served", order)
		}
	}
	if len(order) != 10 {
		t.Fatalf("ran %d calls, want 10", len(order))
	}
}

func TestPoolWaitingCallerContextEnds(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1)
	release := occupy(t, p, 1)
	ctx, cancel := context.WithCancel(context.Background())
	ran := atomic.Bool{}
	errc := make(chan error, 1)
	go func() {
		_, err := RunOn(ctx, p, func(ctx context.Context) (int, error) {
			ran.Store(true)
			return 0, nil
		})
		errc <- err
	}()
	eventually(t, "caller queued", func() bool { return p.waiting() == 1 })
	cancel()
	if err := <-errc; err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// Nothing is left behind in a queue: backpressure is the callers.
	if n := p.waiting(); n != 0 {
		t.Fatalf("%d callers still queued", n)
	}
	release()
	if _, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) { return 0, nil }); err != nil {
		t.Fatal(err)
	}
	if ran.Load() {
		t.Fatal("fn of a caller whose ctx ended while waiting ran")
	}
	// An ended ctx never runs fn either.
	if _, err := RunOn(ctx, p, func(ctx context.Context) (int, error) { ran.Store(true); return 0, nil }); err != context.Canceled || ran.Load() {
		t.Fatalf("RunOn with an ended ctx = %v, ran %v", err, ran.Load())
	}
}

func TestPoolBackpressureWaitsForAFreeIsolate(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 2)
	release := occupy(t, p, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := RunOn(ctx, p, func(ctx context.Context) (int, error) { return 0, nil }); err != context.DeadlineExceeded {
		t.Fatalf("RunOn on a busy pool = %v, want to wait until the deadline", err)
	}
	release()
}

func TestPoolCallerCancelCancelsRunningCall(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1)
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	go func() { <-started; cancel() }()
	v, err := RunOn(ctx, p, func(ctx context.Context) (int, error) {
		close(started)
		<-ctx.Done()
		return 42, nil
	})
	if v != 0 || err != ErrKilled {
		t.Fatalf("RunOn = %d, %v; want 0, ErrKilled: the kill came before fn returned, as in Run", v, err)
	}
	// The killed isolate was replaced.
	iso, err := RunOn(context.Background(), p, func(ctx context.Context) (*Isolate, error) {
		return Current(ctx), ctx.Err()
	})
	if err != nil || iso == nil {
		t.Fatalf("after a cancelled call: %v", err)
	}
}

func TestPoolKillAndExitInsideFn(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1)
	var killed *Isolate
	v, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) {
		killed = Current(ctx)
		killed.Kill(Immediate)
		if ctx.Err() == nil {
			return 0, errors.New("ctx alive after Kill(Immediate)")
		}
		return 5, nil
	})
	if v != 0 || err != ErrKilled {
		t.Fatalf("RunOn after killing its own isolate = %d, %v; want 0, ErrKilled as Run returns", v, err)
	}
	if err := killed.Wait(context.Background()); err != ErrKilled {
		t.Fatalf("killed isolate Wait = %v", err)
	}
	_, err = RunOn(context.Background(), p, func(ctx context.Context) (int, error) {
		Exit(ctx, SendPort[int]{}, 1)
		return 0, nil
	})
	if err == nil {
		t.Fatal("RunOn whose fn called Exit returned no error")
	}
	iso, err := RunOn(context.Background(), p, func(ctx context.Context) (*Isolate, error) { return Current(ctx), nil })
	if err != nil || iso == killed {
		t.Fatalf("after Kill and Exit: %v, same isolate %v", err, iso == killed)
	}
	// BeforeNextEvent from inside: the call finishes with a live ctx.
	v, err = RunOn(context.Background(), p, func(ctx context.Context) (int, error) {
		Current(ctx).Kill(BeforeNextEvent)
		return 6, ctx.Err()
	})
	if v != 6 || err != nil {
		t.Fatalf("Kill(BeforeNextEvent) inside fn: %d, %v", v, err)
	}
}

func TestPoolIdleIsolateAnswersPingAndKill(t *testing.T) {
	leakCheck(t)
	p := newTestPool(t, context.Background(), 1)
	iso, _ := RunOn(context.Background(), p, func(ctx context.Context) (*Isolate, error) { return Current(ctx), nil })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	eventually(t, "the isolate is idle", func() bool { return iso.Ping(ctx) == nil })
	c := iso.Pause()
	iso.Resume(c)
	iso.Kill(BeforeNextEvent) // idle: at once
	if err := iso.Wait(ctx); err != ErrKilled {
		t.Fatalf("Wait = %v", err)
	}
	if _, err := RunOn(ctx, p, func(ctx context.Context) (int, error) { return 0, nil }); err != nil {
		t.Fatal(err)
	}
}

func TestPoolClose(t *testing.T) {
	leakCheck(t)
	p, err := NewPool(context.Background(), 2)
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	var started sync.WaitGroup
	started.Add(2)
	results := make(chan error, 2)
	for i := range 2 {
		go func() {
			v, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) {
				started.Done()
				<-gate
				return i + 100, ctx.Err()
			})
			if err == nil && v != i+100 {
				err = fmt.Errorf("result %d", v)
			}
			results <- err
		}()
	}
	started.Wait()
	ran := atomic.Bool{}
	waiters := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) { ran.Store(true); return 0, nil })
			waiters <- err
		}()
	}
	eventually(t, "callers queued", func() bool { return p.waiting() == 3 })
	closed := make(chan struct{})
	go func() { p.Close(); close(closed) }()
	for range 3 {
		if err := <-waiters; err != ErrClosed {
			t.Fatalf("waiting caller got %v, want ErrClosed", err)
		}
	}
	if _, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) { return 0, nil }); err != ErrClosed {
		t.Fatalf("RunOn on a closing pool = %v, want ErrClosed", err)
	}
	select {
	case <-closed:
		t.Fatal("Close returned while calls were running")
	case <-time.After(20 * time.Millisecond):
	}
	close(gate)
	for range 2 {
		if err := <-results; err != nil {
			t.Fatalf("running call: %v; want it to finish undisturbed", err)
		}
	}
	<-closed
	goleak.VerifyNone(t) // no goroutine of the pool is left
	if err := p.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	select {
	case <-p.Done():
	default:
		t.Fatal("Done not closed after Close")
	}
	if ran.Load() {
		t.Fatal("a waiting caller's fn ran")
	}
	if _, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) { return 0, nil }); err != ErrClosed {
		t.Fatalf("RunOn after Close = %v", err)
	}
}

func TestPoolCancelContext(t *testing.T) {
	leakCheck(t)
	ctx, cancel := context.WithCancel(context.Background())
	p, err := NewPool(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	running := make(chan error, 1)
	go func() {
		_, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) {
			close(started)
			<-ctx.Done() // cancelled with the pool's ctx
			return 0, ctx.Err()
		})
		running <- err
	}()
	<-started
	waiter := make(chan error, 1)
	go func() {
		_, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) { return 0, nil })
		waiter <- err
	}()
	eventually(t, "caller queued", func() bool { return p.waiting() == 1 })
	cancel()
	if err := <-running; err != context.Canceled {
		t.Fatalf("running call = %v, want its ctx cancelled", err)
	}
	if err := <-waiter; err != ErrClosed {
		t.Fatalf("waiting call = %v, want ErrClosed", err)
	}
	<-p.Done()
	if _, err := RunOn(context.Background(), p, func(ctx context.Context) (int, error) { return 0, nil }); err != ErrClosed {
		t.Fatalf("RunOn after cancel = %v", err)
	}
	p.Close()
	p.Close()
}

func TestPoolBadArguments(t *testing.T) {
	leakCheck(t)
	if _, err := NewPool(context.Background(), 0); err == nil {
		t.Fatal("NewPool with size 0 succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewPool(ctx, 1); err != context.Canceled {
		t.Fatalf("NewPool with an ended ctx = %v", err)
	}
	p := newTestPool(t, context.Background(), 1)
	if _, err := RunOn[int](context.Background(), p, nil); err == nil {
		t.Fatal("RunOn with a nil fn succeeded")
	}
	if _, err := RunOn(context.Background(), nil, func(ctx context.Context) (int, error) { return 0, nil }); err == nil {
		t.Fatal("RunOn with a nil pool succeeded")
	}
}
