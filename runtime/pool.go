package runtime

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
)

// Pool is a fixed number of warm isolates that serve calls, so that a call
// does not pay a spawn as Run does: NewPool makes one for RunOn, and
// SpawnPortPool one whose isolates serve a shared port (a generated
// SpawnIPool is built on it).
//
// A pool never shrinks and never stalls: an isolate of it that ends (a
// panic, Exit, a kill) is replaced by a new one while the pool is open (in
// a RunOn pool, an idle isolate killed is replaced when its place is next
// taken). Close, or cancelling the context the pool was made with, shuts
// it down; after that it leaves no goroutine behind.
//
// An idle isolate of a RunOn pool has no goroutine: a call runs on its
// caller's goroutine (see RunOn). Each isolate of a port pool has one.
//
// A *Pool is a handle, sendable as *Isolate is: its methods are safe for
// concurrent use, so it may be shared with other isolates (a generated port
// to a pool carries one).
type Pool struct {
	size   int
	parent context.Context // the pool's ctx: its values, deadline and cancellation
	opts   []Option
	// start makes one more isolate of the pool (and starts its goroutine,
	// in a port pool); called under mu.
	start func() error
	// closePort closes the shared port of a port pool; nil for RunOn's.
	closePort func()

	mu         sync.Mutex
	closed     bool
	free       *memberSet    // idle isolates of a RunOn pool
	head, tail *poolWaiter   // callers waiting for an isolate, first come first
	live       int           // isolates of the pool not yet ended
	made       int           // isolates made, to number their names
	closing    chan struct{} // closed when Close begins
	done       chan struct{} // closed when closed and no goroutine is left
	stopWatch  func() bool   // stops the watch on parent; nil once stopped
	watchFired bool          // the watch ran (or runs): wait for watchDone
	watchDone  chan struct{} // closed when the watch has finished

	closedFlag atomic.Bool  // closed, for RunOn's path without the lock
	nwait      atomic.Int32 // callers in the queue; changed under mu
}

// errPortPool is RunOn's error on a pool made by SpawnPortPool.
var errPortPool = errors.New("isolate: RunOn on a pool made by SpawnPortPool")

// NewPool starts size warm isolates for RunOn and returns the pool at once,
// without waiting for them to run. opts are those of Spawn and apply to each
// isolate (WithPaused is ignored); a name given by WithName is numbered per
// isolate: "name-1", "name-2", and so on for replacements.
//
// The isolates' contexts carry the values and deadline of ctx. Cancelling
// ctx closes the pool as Close does and also kills its isolates, which
// cancels the contexts of the calls running. NewPool fails when size < 1 or
// ctx has already ended. Call Close (or cancel ctx and then Close) when done:
// until then its isolates live.
func NewPool(ctx context.Context, size int, opts ...Option) (*Pool, error) {
	p, err := newPool(ctx, size, opts)
	if err != nil {
		return nil, err
	}
	p.free = newMemberSet(size)
	p.start = p.startMemberLocked
	return p, p.fill()
}

func newPool(ctx context.Context, size int, opts []Option) (*Pool, error) {
	if size < 1 {
		return nil, errors.New("isolate: a pool needs at least one isolate, size is " + strconv.Itoa(size))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &Pool{
		size:    size,
		parent:  ctx,
		opts:    opts,
		closing: make(chan struct{}),
		done:    make(chan struct{}),
	}, nil
}

// fill starts the pool's isolates and its watch on the parent context.
func (p *Pool) fill() error {
	p.mu.Lock()
	var err error
	for range p.size {
		if err = p.start(); err != nil {
			break
		}
	}
	if err == nil && p.parent.Done() != nil {
		p.watchDone = make(chan struct{})
		p.stopWatch = context.AfterFunc(p.parent, func() {
			p.shutdown()
			close(p.watchDone)
		})
	}
	p.mu.Unlock()
	if err != nil {
		p.Close()
		return err
	}
	return nil
}

// Size returns the number of isolates of the pool, as given to NewPool or
// SpawnPortPool. It never changes: an isolate that ends is replaced.
func (p *Pool) Size() int { return p.size }

// Done returns a channel that is closed once the pool has shut down (Close,
// or its context cancelled) and no goroutine of it is left: every call it
// took has finished. Callers waiting for a reply from a port pool watch it
// (see Reply.WaitPool).
func (p *Pool) Done() <-chan struct{} { return p.done }

// Close shuts the pool down and waits for it: from now on RunOn returns
// ErrClosed (and sends to a port pool's port return ErrClosed); callers
// still waiting for an isolate get ErrClosed and their functions never run
// (messages still queued in a port pool's port are dropped); calls already
// running finish and their callers get their results. Close returns when
// the last isolate of the pool has ended and no goroutine of the pool is
// left, so it blocks as long as a running call does: cancel the pool's
// context to cancel the running calls' contexts too.
//
// Close may be called any number of times, also concurrently; every call
// waits as the first does. Its error is always nil (Pool is an io.Closer).
func (p *Pool) Close() error {
	p.shutdown()
	p.mu.Lock()
	if stop := p.stopWatch; stop != nil {
		p.stopWatch = nil
		p.watchFired = !stop()
	}
	fired := p.watchFired
	p.mu.Unlock()
	if fired {
		<-p.watchDone
	}
	<-p.done
	return nil
}

// shutdown closes the pool without waiting for it: it fails the waiting
// callers, ends the idle isolates of a RunOn pool, closes a port pool's
// port.
func (p *Pool) shutdown() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.closedFlag.Store(true)
	close(p.closing)
	var failed *poolWaiter
	for w := p.head; w != nil; {
		next := w.next
		w.queued, w.prev, w.next = false, nil, failed
		failed = w
		w = next
	}
	p.head, p.tail = nil, nil
	p.nwait.Store(0)
	if p.live == 0 {
		close(p.done)
	}
	closePort := p.closePort
	p.mu.Unlock()
	for w := failed; w != nil; {
		next := w.next
		w.next = nil
		w.ready <- struct{}{} // m is nil: ErrClosed
		w = next
	}
	if p.free != nil {
		p.drain()
	}
	if closePort != nil {
		closePort()
	}
}

// initMemberLocked prepares one more isolate of the pool.
func (p *Pool) initMemberLocked(o *Isolate) error {
	if err := initIsolate(o, p.parent, p.opts, false, false); err != nil {
		return err
	}
	p.made++
	if o.state.Load()&stateNamed != 0 {
		o.setName(o.rare.name + "-" + strconv.Itoa(p.made))
	}
	p.live++
	return nil
}

// memberGoneLocked counts an isolate of the pool as ended (its Done is
// closed) and replaces it while the pool is open.
func (p *Pool) memberGoneLocked() {
	p.live--
	if !p.closed {
		if p.start() == nil {
			return
		}
		// The pool's ctx has ended: its watch is closing the pool.
	}
	if p.closed && p.live == 0 {
		close(p.done)
	}
}
