package generator_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

// member implements port.Ledger for the pool tests: each newImpl call of
// a members makes one, numbered from 1, whose Snapshot reports which member
// served it and how many Snapshots it has served (state of its own), and
// whose Sleep holds its isolate until the test lets it go.
type member struct {
	*ledger
	id     int
	served int
	held   chan<- int      // Sleep says which member holds
	gate   <-chan struct{} // Sleep waits for it to close
}

func (m *member) Snapshot(ctx context.Context) (port.Order, int, error) {
	m.served++
	return port.Order{ID: strconv.Itoa(m.id), Items: []string{runtime.Current(ctx).Name()}}, m.served, nil
}

func (m *member) Sleep(ctx context.Context, d time.Duration) error {
	m.held <- m.id
	select {
	case <-m.gate:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// members makes the members of one pool and holds them in Sleep.
type members struct {
	made    atomic.Int32
	held    chan int
	gate    chan struct{}
	release func() // lets every Sleep go, now and later
}

func newMembers() *members {
	ms := &members{held: make(chan int, 100), gate: make(chan struct{})}
	ms.release = sync.OnceFunc(func() { close(ms.gate) })
	return ms
}

func (ms *members) newImpl() port.Ledger {
	id := int(ms.made.Add(1))
	return &member{ledger: &ledger{orders: map[string]*port.Order{}}, id: id, held: ms.held, gate: ms.gate}
}

// hold has n Sleep calls each hold an isolate of the pool, and returns the
// members holding and a func that releases them and reports the Sleeps'
// errors.
func (ms *members) hold(t *testing.T, p port.LedgerPort, n int) (ids []int, release func() []error) {
	t.Helper()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = p.Sleep(context.Background(), 0) })
	}
	for range n {
		select {
		case id := <-ms.held:
			ids = append(ids, id)
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of %d Sleeps are held", len(ids), n)
		}
	}
	return ids, func() []error { ms.release(); wg.Wait(); return errs }
}

func spawnLedgerPool(t *testing.T, ctx context.Context, size int, ms *members, opts ...runtime.Option) (port.LedgerPort, *runtime.Pool) {
	t.Helper()
	p, pool, err := port.SpawnLedgerPool(ctx, size, ms.newImpl, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	t.Cleanup(ms.release) // runs first: Close waits for held Sleeps
	return p, pool
}

func TestPortPoolPerIsolateState(t *testing.T) {
	noLeaks(t)
	ms := newMembers()
	p, pool := spawnLedgerPool(t, context.Background(), 3, ms, runtime.WithName("ledger"))
	if pool.Size() != 3 {
		t.Fatalf("Size = %d, want 3", pool.Size())
	}
	// Three calls at once are served at once, by three members: each
	// isolate has made its own implementation.
	ids, release := ms.hold(t, p, 3)
	slices.Sort(ids)
	if !slices.Equal(ids, []int{1, 2, 3}) {
		t.Fatalf("held by members %v, want 1, 2 and 3", ids)
	}
	if n := ms.made.Load(); n != 3 {
		t.Fatalf("newImpl called %d times, want 3", n)
	}
	// Every member busy: a call waits in the queue until its ctx ends, and
	// is then skipped (the Snapshot counts below show no trace of it).
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, _, err := p.Snapshot(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Snapshot with every member busy = %v, want its deadline", err)
	}
	for i, err := range release() {
		if err != nil {
			t.Fatalf("Sleep %d = %v", i, err)
		}
	}

	// Many callers: each member counts what it served, in its own state.
	var mu sync.Mutex
	last := map[string]int{}   // member → highest count seen
	served := map[string]int{} // member → Snapshots it answered
	names := map[string]string{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				o, n, err := p.Snapshot(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				last[o.ID] = max(last[o.ID], n)
				served[o.ID]++
				if names[o.ID] == "" {
					names[o.ID] = o.Items[0]
				} else if names[o.ID] != o.Items[0] {
					t.Errorf("member %s served in %s and %s", o.ID, names[o.ID], o.Items[0])
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	sum := 0
	for id, n := range served {
		if last[id] != n {
			t.Errorf("member %s counted %d after serving %d: state shared or lost", id, last[id], n)
		}
		if !strings.HasPrefix(names[id], "ledger-") {
			t.Errorf("member %s served in %q", id, names[id])
		}
		sum += n
	}
	if sum != 400 {
		t.Fatalf("%d Snapshots served, want 400", sum)
	}
	if n := ms.made.Load(); n != 3 {
		t.Fatalf("newImpl called %d times, want 3", n)
	}
}

func TestPortPoolPanicStartsFreshState(t *testing.T) {
	noLeaks(t)
	ctx := context.Background()
	ms := newMembers()
	p, _ := spawnLedgerPool(t, ctx, 1, ms, runtime.WithName("ledger"))
	p.Record(ctx, &port.Order{ID: "a"})
	if o, n, err := p.Snapshot(ctx); err != nil || o.ID != "1" || n != 1 || o.Items[0] != "ledger-1" {
		t.Fatalf("Snapshot = %+v, %d, %v", o, n, err)
	}
	var re *runtime.RemoteError
	if err := p.Panic("bad input"); !errors.As(err, &re) || re.Message != "bad input" || re.Isolate != "ledger-1" {
		t.Fatalf("Panic = %v, want *RemoteError from ledger-1", err)
	}
	// The pool goes on, on a new isolate with a new implementation.
	if o, n, err := p.Snapshot(ctx); err != nil || o.ID != "2" || n != 1 || o.Items[0] != "ledger-2" {
		t.Fatalf("Snapshot after a panic = %+v, %d, %v; want member 2's first, in ledger-2", o, n, err)
	}
	if _, err := p.Get(ctx, "a"); err == nil || !strings.Contains(err.Error(), `no order "a"`) {
		t.Fatalf("Get of an order recorded before the panic = %v, want none: fresh state", err)
	}
	if n := ms.made.Load(); n != 2 {
		t.Fatalf("newImpl called %d times, want 2", n)
	}
}

func TestPortPoolKeepsServingAfterPanics(t *testing.T) {
	noLeaks(t)
	ms := newMembers()
	p, _ := spawnLedgerPool(t, context.Background(), 2, ms)
	for i := range 6 {
		var re *runtime.RemoteError
		if err := p.Panic(fmt.Sprint("panic ", i)); !errors.As(err, &re) || re.Message != fmt.Sprint("panic ", i) {
			t.Fatalf("Panic %d = %v, want *RemoteError", i, err)
		}
	}
	// Still two isolates: two calls held at once, by replacements.
	ids, release := ms.hold(t, p, 2)
	if ids[0] == ids[1] || ids[0] <= 2 && ids[1] <= 2 {
		t.Fatalf("held by members %v, want two replacements", ids)
	}
	for _, err := range release() {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := ms.made.Load(); n != 8 {
		t.Fatalf("newImpl called %d times, want 2 + 6 replacements", n)
	}
}

func TestPortPoolPanicNotFatal(t *testing.T) {
	noLeaks(t)
	ctx := context.Background()
	ms := newMembers()
	p, _ := spawnLedgerPool(t, ctx, 1, ms, runtime.WithErrorsFatal(false))
	p.Snapshot(ctx)
	var re *runtime.RemoteError
	if err := p.Panic("once"); !errors.As(err, &re) {
		t.Fatalf("Panic = %v, want *RemoteError", err)
	}
	if o, n, err := p.Snapshot(ctx); err != nil || o.ID != "1" || n != 2 {
		t.Fatalf("Snapshot after a contained panic = %+v, %d, %v; want member 1's second", o, n, err)
	}
}

func TestPortPoolClose(t *testing.T) {
	noLeaks(t)
	ctx := context.Background()
	ms := newMembers()
	p, pool := spawnLedgerPool(t, ctx, 1, ms)
	_, release := ms.hold(t, p, 1)
	// Queued behind the held call: dropped by Close.
	queued := make(chan error, 1)
	go func() { _, err := p.Count(ctx); queued <- err }()
	closed := make(chan struct{})
	go func() { pool.Close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("Close returned while a call was being served")
	case <-time.After(20 * time.Millisecond):
	}
	if errs := release(); errs[0] != nil {
		t.Fatalf("Sleep served during Close = %v, want it to finish", errs[0])
	}
	if err := <-queued; err != runtime.ErrClosed {
		t.Fatalf("queued Count = %v, want ErrClosed", err)
	}
	<-closed
	<-pool.Done()
	if err := p.Fail("x"); err != runtime.ErrClosed {
		t.Fatalf("Fail after Close = %v, want ErrClosed", err)
	}
	if _, err := p.Count(ctx); err != runtime.ErrClosed {
		t.Fatalf("Count after Close = %v, want ErrClosed", err)
	}
	if got := p.Total(); got != 0 {
		t.Fatalf("Total after Close = %d, want the zero value", got)
	}
	p.Add(1) // dropped, no panic
	p.Record(ctx, &port.Order{ID: "x"})
	if err := pool.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
}

func TestPortPoolCallerContext(t *testing.T) {
	noLeaks(t)
	ms := newMembers()
	p, _ := spawnLedgerPool(t, context.Background(), 1, ms)
	// Already cancelled: no call at all.
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	if _, err := p.Count(done); err != context.Canceled {
		t.Fatalf("Count with a cancelled ctx = %v", err)
	}
	// Its ctx ends while the call is being served: the caller returns at
	// once, and the isolate goes on.
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Sleep(ctx, 0) }()
	<-ms.held
	start := time.Now()
	cancel()
	if err := <-errc; err != context.Canceled {
		t.Fatalf("Sleep whose ctx ended = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Sleep returned %v after its ctx ended", d)
	}
	ms.release()
	if _, n, err := p.Snapshot(context.Background()); err != nil || n != 1 {
		t.Fatalf("Snapshot after a cancelled call = %d, %v", n, err)
	}
}

func TestPortPoolContextCancelled(t *testing.T) {
	noLeaks(t)
	ctx, cancel := context.WithCancel(context.Background())
	ms := newMembers()
	p, pool := spawnLedgerPool(t, ctx, 2, ms)
	_, release := ms.hold(t, p, 1)
	cancel()
	select {
	case <-pool.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("pool not done after its ctx was cancelled")
	}
	// The held Sleep's context ended with its isolate's.
	if err := release()[0]; err != context.Canceled && err != runtime.ErrClosed {
		t.Fatalf("Sleep served when the pool's ctx ended = %v, want context.Canceled or ErrClosed", err)
	}
	if _, err := p.Count(context.Background()); err != runtime.ErrClosed {
		t.Fatalf("Count after the pool's ctx ended = %v, want ErrClosed", err)
	}
}

func TestPortPoolSpawnErrors(t *testing.T) {
	noLeaks(t)
	ctx := context.Background()
	ms := newMembers()
	if _, pool, err := port.SpawnLedgerPool(ctx, 0, ms.newImpl); err == nil || pool != nil {
		t.Fatalf("size 0: %v, %v; want an error", pool, err)
	}
	if _, pool, err := port.SpawnLedgerPool(ctx, 2, nil); err == nil || !strings.Contains(err.Error(), "nil newImpl") || pool != nil {
		t.Fatalf("nil newImpl: %v, %v; want an error", pool, err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, pool, err := port.SpawnLedgerPool(done, 2, ms.newImpl); err != context.Canceled || pool != nil {
		t.Fatalf("ended ctx: %v, %v; want context.Canceled", pool, err)
	}
	if n := ms.made.Load(); n != 0 {
		t.Fatalf("newImpl called %d times", n)
	}
}

func TestPortPoolPortIsAValue(t *testing.T) {
	noLeaks(t)
	p, _ := spawnLedgerPool(t, context.Background(), 2, newMembers())
	q, _ := spawnLedger(t)
	var zero port.LedgerPort
	if p != p || p == q || p == zero {
		t.Fatal("pool ports do not compare as values")
	}
	// A copy is the same port.
	c := p
	if o, _, err := c.Snapshot(context.Background()); err != nil || o.ID == "" {
		t.Fatalf("Snapshot through a copy = %+v, %v", o, err)
	}
}
