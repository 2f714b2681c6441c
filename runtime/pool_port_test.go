package runtime_test

// This file is a port pool written by hand the way isolategen writes
// SpawnIPool for an //isolate:port interface, using only the exported
// runtime API, and the tests that pin its behaviour down.

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/go-isolate/isolate/runtime"
)

// Tally is the //isolate:port interface served: each implementation keeps
// a running total of its own.
type Tally interface {
	Add(ctx context.Context, n int) (total int, who string, err error)
	Hold(ctx context.Context) error // blocks until the test lets it go
	Note(s string)                  // one-way
}

// TallyPort is what isolategen generates for Tally; isolategenPool is set
// for a pool, isolategenServer for a single isolate (SpawnTally).
type TallyPort struct {
	isolategenCalls  runtime.SendPort[isolategenTallyCall]
	isolategenServer *runtime.Isolate
	isolategenPool   *runtime.Pool
}

var _ Tally = TallyPort{}

// SpawnTallyPool starts size isolates, each with its own newImpl() state,
// serving one shared queue of calls.
func SpawnTallyPool(ctx context.Context, size int, newImpl func() Tally, opts ...runtime.Option) (TallyPort, *runtime.Pool, error) {
	calls, pool, err := runtime.SpawnPortPool(ctx, size, func(ctx context.Context, calls *runtime.ReceivePort[isolategenTallyCall]) {
		impl := newImpl()
		for {
			c, err := calls.Receive(ctx)
			if err != nil || c.isolategenServe(ctx, impl) {
				return
			}
		}
	}, opts...)
	if err != nil {
		return TallyPort{}, nil, err
	}
	return TallyPort{isolategenCalls: calls, isolategenPool: pool}, pool, nil
}

// isolategenWait waits for the reply to a call: from the pool, or from the
// single isolate.
func (p TallyPort) isolategenWait(ctx context.Context, r runtime.Reply) error {
	if p.isolategenPool != nil {
		return r.WaitPool(ctx, p.isolategenPool)
	}
	return r.Wait(ctx, p.isolategenServer)
}

type isolategenTallyCall interface {
	isolategenServe(ctx context.Context, impl Tally) (fatal bool)
}

type isolategenTally_Add struct {
	ctx   context.Context
	a0    int
	r0    int
	r1    string
	err   error
	reply runtime.Reply
}

var isolategenTally_AddPool = sync.Pool{New: func() any {
	return &isolategenTally_Add{reply: runtime.NewReply()}
}}

func (p TallyPort) Add(ctx context.Context, a0 int) (r0 int, r1 string, err error) {
	if err = ctx.Err(); err != nil {
		return
	}
	c := isolategenTally_AddPool.Get().(*isolategenTally_Add)
	c.ctx = ctx
	c.a0 = a0
	if err = p.isolategenCalls.Transfer(c); err != nil {
		*c = isolategenTally_Add{reply: c.reply}
		isolategenTally_AddPool.Put(c)
		return
	}
	if err = p.isolategenWait(ctx, c.reply); err != nil {
		return
	}
	r0, r1, err = c.r0, c.r1, c.err
	*c = isolategenTally_Add{reply: c.reply}
	isolategenTally_AddPool.Put(c)
	return
}

func (c *isolategenTally_Add) isolategenServe(ctx context.Context, impl Tally) bool {
	if c.ctx.Err() != nil {
		return false
	}
	rerr, fatal := runtime.Guard(ctx, func() {
		c.r0, c.r1, c.err = impl.Add(ctx, c.a0)
	})
	if rerr != nil {
		c.err = rerr
	}
	c.reply.Done()
	return fatal
}

type isolategenTally_Hold struct {
	ctx   context.Context
	err   error
	reply runtime.Reply
}

func (p TallyPort) Hold(ctx context.Context) (err error) {
	if err = ctx.Err(); err != nil {
		return
	}
	c := &isolategenTally_Hold{ctx: ctx, reply: runtime.NewReply()}
	if err = p.isolategenCalls.Transfer(c); err != nil {
		return
	}
	if err = p.isolategenWait(ctx, c.reply); err != nil {
		return
	}
	return c.err
}

func (c *isolategenTally_Hold) isolategenServe(ctx context.Context, impl Tally) bool {
	if c.ctx.Err() != nil {
		return false
	}
	rerr, fatal := runtime.Guard(ctx, func() {
		c.err = impl.Hold(ctx)
	})
	if rerr != nil {
		c.err = rerr
	}
	c.reply.Done()
	return fatal
}

type isolategenTally_Note struct{ a0 string }

func (p TallyPort) Note(a0 string) {
	_ = p.isolategenCalls.Transfer(&isolategenTally_Note{a0: a0})
}

func (c *isolategenTally_Note) isolategenServe(ctx context.Context, impl Tally) bool {
	_, fatal := runtime.Guard(ctx, func() { impl.Note(c.a0) })
	return fatal
}

// tally is the implementation: plain state, no locks.
type tally struct {
	held  chan<- struct{} // Hold says it has started
	gate  <-chan struct{} // Hold waits for it to close
	total int
	who   string
	notes []string
}

func (t *tally) Add(ctx context.Context, n int) (int, string, error) {
	if n < 0 {
		panic("negative")
	}
	if t.who == "" {
		t.who = runtime.Current(ctx).Name()
	} else if t.who != runtime.Current(ctx).Name() {
		return 0, "", errors.New("implementation moved between isolates")
	}
	t.total += n
	return t.total, t.who, nil
}

func (t *tally) Hold(ctx context.Context) error {
	t.held <- struct{}{}
	select {
	case <-t.gate:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// newTally returns newImpl for SpawnTallyPool, a channel that hears of
// every Hold that starts, and the func that lets every Hold go.
func newTally() (newImpl func() Tally, held <-chan struct{}, release func()) {
	gate := make(chan struct{})
	h := make(chan struct{}, 100)
	return func() Tally { return &tally{held: h, gate: gate} }, h, func() { close(gate) }
}

func (t *tally) Note(s string) { t.notes = append(t.notes, s) }

func TestPortPoolServesFromPerIsolateState(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	ctx := context.Background()
	newImpl, held, release := newTally()
	port, pool, err := SpawnTallyPool(ctx, 3, newImpl, runtime.WithName("tally"))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if pool.Size() != 3 {
		t.Fatalf("Size = %d", pool.Size())
	}
	// Hold all three isolates so that each of them serves one Add at least.
	var holds sync.WaitGroup
	for range 3 {
		holds.Go(func() { port.Hold(ctx) })
	}
	for range 3 {
		<-held
	}
	var mu sync.Mutex
	last := map[string]int{} // isolate → highest total seen
	adds := map[string]int{} // isolate → number of Adds
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				total, who, err := port.Add(ctx, 1)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				last[who] = max(last[who], total)
				adds[who]++
				mu.Unlock()
			}
		})
	}
	release()
	holds.Wait()
	wg.Wait()
	sum := 0
	for who, n := range adds {
		if !strings.HasPrefix(who, "tally-") {
			t.Errorf("served by %q", who)
		}
		if last[who] != n {
			t.Errorf("%s: total %d after %d Adds: state shared or lost", who, last[who], n)
		}
		sum += n
	}
	if sum != 400 {
		t.Fatalf("%d Adds served, want 400", sum)
	}
}

func TestPortPoolPanicReplacesIsolate(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	ctx := context.Background()
	newImpl, held, release := newTally()
	port, pool, err := SpawnTallyPool(ctx, 2, newImpl)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for range 4 {
		_, _, err := port.Add(ctx, -1)
		var re *runtime.RemoteError
		if !errors.As(err, &re) || re.Message != "negative" {
			t.Fatalf("Add(-1) = %v, want *RemoteError", err)
		}
	}
	// Still two isolates: two Holds run at once, and an Add still works
	// once they are released; the replacement starts from fresh state.
	var holds sync.WaitGroup
	for range 2 {
		holds.Go(func() { port.Hold(ctx) })
	}
	<-held
	<-held
	release()
	holds.Wait()
	if total, _, err := port.Add(ctx, 1); err != nil || total < 1 {
		t.Fatalf("Add after panics = %d, %v", total, err)
	}
}

func TestPortPoolClose(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	ctx := context.Background()
	newImpl, held, release := newTally()
	port, pool, err := SpawnTallyPool(ctx, 1, newImpl)
	if err != nil {
		t.Fatal(err)
	}
	holdErr := make(chan error, 1)
	go func() { holdErr <- port.Hold(ctx) }()
	// Wait until the only isolate holds, then queue an Add behind it.
	<-held
	addErr := make(chan error, 1)
	go func() { _, _, err := port.Add(ctx, 1); addErr <- err }()
	time.Sleep(10 * time.Millisecond)
	closed := make(chan struct{})
	go func() { pool.Close(); close(closed) }()
	// The queued call is dropped; its caller learns once the pool is done,
	// which is after the running call has finished.
	select {
	case <-closed:
		t.Fatal("Close returned while a call was running")
	case <-time.After(20 * time.Millisecond):
	}
	release()
	if err := <-holdErr; err != nil {
		t.Fatalf("running Hold = %v, want it to finish", err)
	}
	if err := <-addErr; err != runtime.ErrClosed {
		t.Fatalf("queued Add = %v, want ErrClosed", err)
	}
	<-closed
	if _, _, err := port.Add(ctx, 1); err != runtime.ErrClosed {
		t.Fatalf("Add after Close = %v, want ErrClosed", err)
	}
	port.Note("dropped") // one-way on a closed pool: dropped, no panic
	pool.Close()
}

func TestPortPoolCancelContext(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	ctx, cancel := context.WithCancel(context.Background())
	port, pool, err := SpawnTallyPool(ctx, 2, func() Tally { return &tally{} })
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := port.Add(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-pool.Done()
	if _, _, err := port.Add(context.Background(), 1); err != runtime.ErrClosed {
		t.Fatalf("Add after cancel = %v, want ErrClosed", err)
	}
	pool.Close()
}
