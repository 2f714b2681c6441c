package generator_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/go-isolate/isolate/runtime"
	"github.com/go-isolate/isolate/testdata/generator/port"
)

// ledger implements port.Ledger with plain fields and no lock: the
// generated port serves it one call at a time.
type ledger struct {
	total  int
	orders map[string]*port.Order
	last   string
	iso    *runtime.Isolate // the isolate newImpl ran in
	ctxIso *runtime.Isolate // the isolate the methods' ctx belongs to
}

func newLedger(ctx context.Context) func() port.Ledger {
	return func() port.Ledger { return &ledger{orders: map[string]*port.Order{}} }
}

func (l *ledger) Add(n int) { l.total += n }

func (l *ledger) Record(ctx context.Context, o *port.Order) {
	l.ctxIso = runtime.Current(ctx)
	l.orders[o.ID] = o
	l.last = o.ID
}

func (l *ledger) Total() int { return l.total }

func (l *ledger) Get(ctx context.Context, id string) (*port.Order, error) {
	o, ok := l.orders[id]
	if !ok {
		return nil, fmt.Errorf("no order %q", id)
	}
	return o, nil // the port copies it: the caller cannot reach l.orders
}

func (l *ledger) Snapshot(ctx context.Context) (port.Order, int, error) {
	o := l.orders[l.last]
	if o == nil {
		return port.Order{}, 0, errors.New("no orders")
	}
	return *o, len(l.orders), nil
}

func (l *ledger) Sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *ledger) Fail(msg string) error { return errors.New(msg) }

func (l *ledger) Panic(msg string) error { panic(msg) }

func (l *ledger) Count(ctx context.Context) (int, error) { return len(l.orders), nil }

// noLeaks checks, after the test and its cleanups, that no goroutine
// outlives it. Call it first: cleanups run last registered first.
func noLeaks(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
}

func spawnLedger(t *testing.T, opts ...runtime.Option) (port.LedgerPort, *runtime.Isolate) {
	t.Helper()
	p, iso, err := port.SpawnLedger(context.Background(), newLedger(context.Background()), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		iso.Kill(runtime.Immediate)
		iso.Wait(context.Background())
	})
	return p, iso
}

func TestPortConcurrentCallers(t *testing.T) {
	noLeaks(t)
	p, _ := spawnLedger(t)
	ctx := context.Background()
	const callers, calls = 8, 300
	var wg sync.WaitGroup
	for g := range callers {
		wg.Go(func() {
			for i := range calls {
				id := fmt.Sprintf("%d-%d", g, i)
				p.Add(1)
				// One-way then two-way from one caller: served in that order.
				p.Record(ctx, &port.Order{ID: id, Items: []string{id}})
				o, err := p.Get(ctx, id)
				if err != nil {
					t.Errorf("Get(%s): %v", id, err)
					return
				}
				if o.ID != id || len(o.Items) != 1 || o.Items[0] != id {
					t.Errorf("Get(%s) = %+v", id, o)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := p.Total(); got != callers*calls {
		t.Errorf("Total = %d, want %d", got, callers*calls)
	}
	if n, err := p.Count(ctx); err != nil || n != callers*calls {
		t.Errorf("Count = %d, %v; want %d", n, err, callers*calls)
	}
}

func TestPortCancelledCallReturnsPromptly(t *testing.T) {
	noLeaks(t)
	p, iso := spawnLedger(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := p.Sleep(ctx, time.Second)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Sleep past its deadline = %v, want deadline exceeded", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Fatalf("Sleep returned after %v, want promptly after its deadline", d)
	}
	// Already cancelled: no call at all.
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	if _, err := p.Get(done, "x"); err != context.Canceled {
		t.Fatalf("Get with a cancelled ctx = %v", err)
	}
	// The isolate is healthy: the next call is answered once Sleep is over.
	if err := p.Fail("next"); err == nil || err.Error() != "next" {
		t.Fatalf("call after a cancelled one = %v", err)
	}
	if err := iso.Ping(context.Background()); err != nil {
		t.Fatalf("Ping = %v", err)
	}
}

func TestPortErrorIsTheImplementations(t *testing.T) {
	noLeaks(t)
	p, _ := spawnLedger(t)
	if err := p.Fail("boom"); err == nil || err.Error() != "boom" {
		t.Fatalf("Fail = %v", err)
	}
	if _, err := p.Get(context.Background(), "missing"); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("Get of a missing order = %v", err)
	}
}

func TestPortPanicFatal(t *testing.T) {
	noLeaks(t)
	p, iso := spawnLedger(t, runtime.WithName("ledger"))
	p.Add(5)
	err := p.Panic("bad input")
	var re *runtime.RemoteError
	if !errors.As(err, &re) {
		t.Fatalf("Panic = %v (%T), want *runtime.RemoteError", err, err)
	}
	if re.Message != "bad input" || re.Isolate != "ledger" || !strings.Contains(re.Stack, "Panic") {
		t.Fatalf("RemoteError = %q in %q, stack:\n%s", re.Message, re.Isolate, re.Stack)
	}
	if err := iso.Wait(context.Background()); !errors.As(err, &re) {
		t.Fatalf("Wait = %v, want the *RemoteError", err)
	}
	if err := p.Fail("x"); err != runtime.ErrClosed {
		t.Fatalf("call after a fatal panic = %v, want ErrClosed", err)
	}
	if _, err := p.Count(context.Background()); err != runtime.ErrClosed {
		t.Fatalf("Count after a fatal panic = %v, want ErrClosed", err)
	}
	if got := p.Total(); got != 0 {
		t.Fatalf("Total after a fatal panic = %d, want the zero value", got)
	}
	p.Add(1) // dropped, no panic
}

func TestPortPanicNotFatal(t *testing.T) {
	noLeaks(t)
	ctx := context.Background()
	errs := runtime.NewReceivePort[*runtime.RemoteError](ctx)
	defer errs.Close()
	p, iso := spawnLedger(t, runtime.WithErrorsFatal(false), runtime.WithOnError(errs.SendPort()))
	p.Add(2)
	var re *runtime.RemoteError
	if err := p.Panic("once"); !errors.As(err, &re) || re.Message != "once" {
		t.Fatalf("Panic = %v, want *RemoteError", err)
	}
	if got, err := errs.Receive(ctx); err != nil || got.Message != "once" {
		t.Fatalf("error listener got %v, %v", got, err)
	}
	if got := p.Total(); got != 2 {
		t.Fatalf("Total after a contained panic = %d, want 2", got)
	}
	iso.SetErrorsFatal(true)
	if err := p.Panic("twice"); !errors.As(err, &re) || re.Message != "twice" {
		t.Fatalf("Panic = %v", err)
	}
	if err := p.Fail("x"); err != runtime.ErrClosed {
		t.Fatalf("after SetErrorsFatal(true) and a panic: %v, want ErrClosed", err)
	}
}

func TestPortCopiesArgumentsAndResults(t *testing.T) {
	noLeaks(t)
	p, iso := spawnLedger(t)
	ctx := context.Background()
	o := &port.Order{ID: "a", Items: []string{"apple", "pear"}}
	p.Record(ctx, o)
	// Mutations after a one-way call do not reach the isolate.
	o.Items[0] = "rotten"
	o.ID = "b"
	got, err := p.Get(ctx, "a")
	if err != nil || got.Items[0] != "apple" || len(got.Items) != 2 {
		t.Fatalf("Get = %+v, %v: the isolate saw the caller's mutation", got, err)
	}
	// Results are copies too: mutating one does not reach the isolate.
	got.Items[1] = "eaten"
	again, _ := p.Get(ctx, "a")
	if again.Items[1] != "pear" {
		t.Fatalf("Get after mutating a result = %+v", again)
	}
	snap, n, err := p.Snapshot(ctx)
	if err != nil || n != 1 || snap.ID != "a" {
		t.Fatalf("Snapshot = %+v, %d, %v", snap, n, err)
	}
	snap.Items[0] = "gone"
	if again, _ := p.Get(ctx, "a"); again.Items[0] != "apple" {
		t.Fatalf("Snapshot result shares memory with the isolate")
	}
	// A nil copyable pointer crosses as nil.
	p.Record(ctx, &port.Order{ID: "nil-items"})
	if got, err := p.Get(ctx, "nil-items"); err != nil || got.Items != nil {
		t.Fatalf("nil slice crossed as %#v, %v", got.Items, err)
	}
	_ = iso
}

func TestPortImplementationRunsInTheIsolate(t *testing.T) {
	noLeaks(t)
	ctx := context.Background()
	var impl *ledger
	p, iso, err := port.SpawnLedger(ctx, func() port.Ledger {
		impl = &ledger{orders: map[string]*port.Order{}}
		return impl
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { iso.Kill(runtime.Immediate); iso.Wait(ctx) }()
	p.Record(ctx, &port.Order{ID: "x"})
	if _, err := p.Get(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	// Get happened after Record was served: impl's fields are settled.
	if impl.ctxIso != iso {
		t.Fatalf("the implementation's ctx belongs to %v, want the serving isolate %v", impl.ctxIso, iso)
	}
}

func TestPortPausedAndKilled(t *testing.T) {
	noLeaks(t)
	p, iso := spawnLedger(t, runtime.WithPaused())
	p.Add(3) // queued while paused
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := p.Count(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Count on a paused isolate = %v, want its deadline", err)
	}
	iso.Resume(iso.PauseCapability())
	if got := p.Total(); got != 3 {
		t.Fatalf("Total after resume = %d", got)
	}
	iso.Kill(runtime.Immediate)
	if err := p.Fail("x"); err != runtime.ErrClosed {
		t.Fatalf("call to a killed isolate = %v, want ErrClosed", err)
	}
}

func TestPortZeroValue(t *testing.T) {
	var p port.LedgerPort
	if err := p.Fail("x"); err != runtime.ErrClosed {
		t.Fatalf("zero port: %v, want ErrClosed", err)
	}
	if p.Total() != 0 {
		t.Fatal("zero port: Total != 0")
	}
	p.Add(1)
	q, _ := spawnLedger(t)
	if q == p || q != q {
		t.Fatal("ports do not compare as values")
	}
}

// BenchmarkPortCall measures a call that waits for its reply, through the
// generated port; examples/kvstore compares the same against channels.
func BenchmarkPortCall(b *testing.B) {
	p, iso, err := port.SpawnLedger(context.Background(), newLedger(context.Background()))
	if err != nil {
		b.Fatal(err)
	}
	defer func() { iso.Kill(runtime.Immediate); iso.Wait(context.Background()) }()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Count(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
