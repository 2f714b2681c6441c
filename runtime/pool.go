package runtime

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Pool is a fixed number of warm isolates that serve calls, so that a call
// does not pay a spawn as Run does: NewPool makes one for RunOn, and
// SpawnPortPool one whose isolates serve a shared port (a generated
// SpawnIPool is built on it).
//
// A pool never shrinks and never stalls: an isolate of it that ends (a
// panic, Exit, a kill) is replaced by a new one while the pool is open.
// Close, or cancelling the context the pool was made with, shuts it down;
// after that it leaves no goroutine behind.
//
// A *Pool is a handle, sendable as *Isolate is: its methods are safe for
// concurrent use, so it may be shared with other isolates (a generated port
// to a pool carries one).
type Pool struct {
	size   int
	parent context.Context // the pool's ctx: its values, deadline and cancellation
	opts   []Option
	// start makes one more isolate of the pool and starts its goroutine;
	// called under mu.
	start func() error
	// closePort closes the shared port of a port pool; nil for RunOn's.
	closePort func()

	mu         sync.Mutex
	closed     bool
	free       []*poolWorker // idle isolates of a RunOn pool, the last one idle first
	head, tail *poolCall     // callers waiting for an isolate, first come first
	live       int           // goroutines of the pool's isolates
	made       int           // isolates made, to number their names
	closing    chan struct{} // closed when Close begins
	done       chan struct{} // closed when closed and no goroutine is left
	stopWatch  func() bool   // stops the watch on parent; nil once stopped
	watchFired bool          // the watch ran (or runs): wait for watchDone
	watchDone  chan struct{} // closed when the watch has finished
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
// until then the pool's goroutines live.
func NewPool(ctx context.Context, size int, opts ...Option) (*Pool, error) {
	p, err := newPool(ctx, size, opts)
	if err != nil {
		return nil, err
	}
	p.start = p.startWorkerLocked
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

// shutdown closes the pool without waiting: it fails the waiting callers,
// tells the idle isolates to end, closes a port pool's port.
func (p *Pool) shutdown() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	close(p.closing)
	var failed *poolCall
	for c := p.head; c != nil; {
		next := c.next
		c.queued, c.prev, c.next = false, nil, failed
		c.outcome = ErrClosed
		failed = c
		c = next
	}
	p.head, p.tail = nil, nil
	for i, w := range p.free {
		w.calls <- nil // idle: its channel is empty
		p.free[i] = nil
	}
	p.free = nil
	if p.live == 0 {
		close(p.done)
	}
	closePort := p.closePort
	p.mu.Unlock()
	for c := failed; c != nil; {
		next := c.next
		c.next = nil
		c.done <- struct{}{}
		c = next
	}
	if closePort != nil {
		closePort()
	}
}

// initMemberLocked prepares one more isolate of the pool.
func (p *Pool) initMemberLocked(o *Isolate) error {
	if err := initIsolate(o, p.parent, p.opts, false); err != nil {
		return err
	}
	p.made++
	if o.name != "" {
		o.name += "-" + strconv.Itoa(p.made)
	}
	p.live++
	return nil
}

// memberGoneLocked counts an isolate of the pool as ended and replaces it
// while the pool is open.
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

// poolCall is a RunOn call: it waits in the pool's queue (queued) or is in
// the hand of a worker (w, w.cur == the call), and is completed by one
// signal on done.
type poolCall struct {
	caller     context.Context
	done       chan struct{}
	task       poolTask
	w          *poolWorker // the worker that took it; under Pool.mu
	prev, next *poolCall   // the queue; under Pool.mu
	queued     bool        // under Pool.mu
	// Written by the worker's goroutine before done is signalled.
	started  bool  // fn was called
	returned bool  // fn returned
	outcome  error // why fn did not return: *RemoteError, ErrKilled, errRunExited, ErrClosed
}

type poolTask interface{ runTask() }

// call is a RunOn call with its function and results. It is also the
// context fn runs with (see RunOn).
type call[R any] struct {
	poolCall
	fn  func(ctx context.Context) (R, error)
	res R
	err error
}

func (c *call[R]) runTask() {
	c.res, c.err = c.fn(c)
}

// The context of a call: the caller's values and deadline, the worker
// isolate for Current, cancelled with the worker isolate's context.

func (c *call[R]) iso() *Isolate { return &c.w.Isolate }

func (c *call[R]) Deadline() (time.Time, bool) { return c.caller.Deadline() }
func (c *call[R]) Done() <-chan struct{}       { return c.iso().ctx.Done() }
func (c *call[R]) Err() error                  { return c.iso().ctx.Err() }
func (c *call[R]) String() string              { return "isolate " + c.iso().Name() + " (pool)" }

func (c *call[R]) Value(key any) any {
	o := c.iso()
	if key == (isolateKey{}) {
		return o
	}
	if e := o.ctxEnd.Load(); e != nil {
		if v := e.ctx.Value(key); v != nil {
			return v
		}
	}
	return c.caller.Value(key)
}

// AfterFunc lets contexts derived from a call's context follow its
// cancellation without a goroutine, as the isolate's own context does.
func (c *call[R]) AfterFunc(f func()) (stop func() bool) {
	return (*isolateContext)(c.iso()).AfterFunc(f)
}

var signals = sync.Pool{New: func() any { return make(chan struct{}, 1) }}

// RunOn runs fn on a warm isolate of p and returns its result: Run's
// semantics without Run's spawn. The result is moved, not copied (the same
// pointer arrives); the error is the very value fn returned (==), never
// wrapped; a panic in fn returns a *RemoteError (its Stack shows the
// panicking frame) and the pool replaces that isolate; so does a kill of the
// isolate or Exit in fn (RunOn then returns fn's results if it returned,
// else ErrKilled or the error Run reports for Exit).
//
// RunOn first waits until an isolate of p is free. Callers are served in
// the order they came; nothing else is queued, so the waiting callers are
// all there is: backpressure by waiting. If ctx ends while RunOn waits, it
// returns ctx.Err() and fn never runs. If p is closed, or closes while
// RunOn waits, it returns ErrClosed and fn never runs.
//
// fn's ctx belongs to the pool's isolate (Current(ctx) returns it) and
// carries the values and deadline of the ctx given to RunOn. It is
// cancelled when that ctx ends while fn runs (the isolate is killed then,
// and replaced once fn has returned) and when the pool's context is
// cancelled. Like Run, RunOn blocks until fn has returned, so no goroutine
// of the call outlives it: Go cannot preempt fn, which must watch
// ctx.Done() to stop early.
func RunOn[R any](ctx context.Context, p *Pool, fn func(ctx context.Context) (R, error)) (R, error) {
	var zero R
	if fn == nil {
		return zero, errors.New("isolate: RunOn with a nil function")
	}
	if p == nil {
		return zero, errors.New("isolate: RunOn with a nil pool")
	}
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	c := &call[R]{fn: fn}
	pc := &c.poolCall
	pc.caller, pc.task = ctx, c
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return zero, ErrClosed
	}
	if p.closePort != nil {
		p.mu.Unlock()
		return zero, errPortPool
	}
	pc.done = signals.Get().(chan struct{})
	if w := p.takeFreeLocked(); w != nil {
		pc.w, w.cur = w, pc
		p.mu.Unlock()
		w.calls <- pc
	} else {
		p.queueLocked(pc, false)
		p.mu.Unlock()
	}
	if !pc.wait(ctx, p) {
		signals.Put(pc.done)
		return zero, ctx.Err()
	}
	signals.Put(pc.done)
	switch {
	case pc.returned:
		return c.res, c.err
	case pc.outcome != nil:
		return zero, pc.outcome
	}
	return zero, ctx.Err() // skipped: ctx ended before fn started
}

// wait waits for c's completion; it reports false when ctx ended while c
// was still queued (then c is out of the queue and will never run).
func (c *poolCall) wait(ctx context.Context, p *Pool) bool {
	d := ctx.Done()
	if d == nil {
		<-c.done
		return true
	}
	select {
	case <-c.done:
		return true
	case <-d:
	}
	p.mu.Lock()
	if c.queued {
		p.unqueueLocked(c)
		p.mu.Unlock()
		return false
	}
	if w := c.w; w != nil && w.cur == c {
		// Running (or about to be): cancel fn's context by killing its
		// isolate, as Run's cancellation does; the worker skips a call
		// whose caller has gone before it starts.
		w.Kill(Immediate)
	}
	p.mu.Unlock()
	<-c.done
	return true
}

func (p *Pool) takeFreeLocked() *poolWorker {
	n := len(p.free)
	if n == 0 {
		return nil
	}
	w := p.free[n-1]
	p.free[n-1] = nil
	p.free = p.free[:n-1]
	return w
}

// queueLocked adds c to the waiting callers: last, or first for a call
// given back by an isolate that ended before running it.
func (p *Pool) queueLocked(c *poolCall, first bool) {
	c.queued, c.w = true, nil
	switch {
	case p.head == nil:
		c.prev, c.next = nil, nil
		p.head, p.tail = c, c
	case first:
		c.prev, c.next = nil, p.head
		p.head.prev = c
		p.head = c
	default:
		c.prev, c.next = p.tail, nil
		p.tail.next = c
		p.tail = c
	}
}

func (p *Pool) unqueueLocked(c *poolCall) {
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		p.head = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		p.tail = c.prev
	}
	c.prev, c.next, c.queued = nil, nil, false
}

func (p *Pool) popLocked() *poolCall {
	c := p.head
	if c != nil {
		p.unqueueLocked(c)
	}
	return c
}

// poolWorker is an isolate of a RunOn pool. cur is the call in its hand,
// set under Pool.mu by whoever hands it over (and then sent on calls, unless
// the worker took it itself), cleared under Pool.mu when it is done.
type poolWorker struct {
	Isolate
	pool  *Pool
	calls chan *poolCall // cap 1; nil: end
	cur   *poolCall
}

func (w *poolWorker) isolate() *Isolate { return &w.Isolate }

// startWorkerLocked starts one more worker; it takes the first waiting
// caller or joins the idle ones.
func (p *Pool) startWorkerLocked() error {
	w := &poolWorker{pool: p, calls: make(chan *poolCall, 1)}
	if err := p.initMemberLocked(&w.Isolate); err != nil {
		return err
	}
	if c := p.popLocked(); c != nil {
		c.w, w.cur = w, c
		w.calls <- c
	} else {
		p.free = append(p.free, w)
	}
	go p.serveWorker(w)
	return nil
}

// serveWorker is a worker's goroutine. A panic in a call (recovered by run)
// or Exit (runtime.Goexit) ends it through the deferred workerEnded.
func (p *Pool) serveWorker(w *poolWorker) {
	defer p.workerEnded(w)
	run(w)
}

func (w *poolWorker) enter(ctx context.Context) {
	o := &w.Isolate
	p := w.pool
	var c *poolCall
	for {
		if c == nil {
			if c = w.idle(); c == nil {
				return
			}
		}
		if o.ctxEnd.Load() != nil {
			return // killed: workerEnded gives c back
		}
		if c.caller.Err() == nil {
			c.started = true
			c.task.runTask()
			c.returned = true
		}
		alive := w.afterCall()
		// Take the next caller before waking this one, and hand the
		// isolate straight over: no trip through the idle list.
		p.mu.Lock()
		w.cur = nil
		var next *poolCall
		if alive && !p.closed {
			if next = p.popLocked(); next != nil {
				next.w, w.cur = w, next
			} else {
				p.free = append(p.free, w)
			}
		}
		closed := p.closed
		p.mu.Unlock()
		c.done <- struct{}{}
		if !alive || next == nil && closed {
			return
		}
		c = next
	}
}

// idle waits for the next call, as a receive from an own port would: Kill,
// Ping and Pause act here. It returns nil when the worker must end.
func (w *poolWorker) idle() *poolCall {
	o := &w.Isolate
	for {
		if o.enterBlocked() {
			var c *poolCall
			select {
			case c = <-w.calls:
			case <-o.ctx.Done():
			}
			o.leaveBlocked()
			return c
		}
		if !w.event() {
			return nil
		}
	}
}

// afterCall ends an event: a pending kill takes effect, pings are answered.
// It reports whether the isolate lives on.
func (w *poolWorker) afterCall() bool {
	o := &w.Isolate
	if o.state.Load()&(flagKill|flagPing) == 0 {
		return o.ctxEnd.Load() == nil
	}
	return w.event()
}

// event handles what the isolate's flags ask for (kill, ping, pause), as a
// receive from an own port does; it reports whether the isolate lives on.
func (w *poolWorker) event() bool {
	o := &w.Isolate
	o.mu.Lock()
	f := o.state.Load() & flagMask
	if f&flagKill != 0 && !o.killed {
		o.killLocked(ErrKilled, ErrKilled)
	}
	if f&flagPing != 0 {
		o.answerPingsLocked()
	}
	var unpaused chan struct{}
	if f&flagPaused != 0 && o.rare != nil && len(o.rare.pauses) > 0 {
		unpaused = o.rare.unpaused
		o.state.Add(blockedOne) // idle while paused: Ping answers, a kill is at once
	}
	killed := o.killed
	o.mu.Unlock()
	if killed {
		if unpaused != nil {
			o.leaveBlocked()
		}
		return false
	}
	if unpaused != nil {
		select {
		case <-unpaused:
		case <-o.ctx.Done():
		case <-w.pool.closing:
		}
		o.leaveBlocked()
		select {
		case <-w.pool.closing:
			return false
		default:
		}
	}
	return o.ctxEnd.Load() == nil
}

// workerEnded runs on the worker's goroutine once its isolate has ended: it
// completes or gives back the call in its hand and replaces the worker.
func (p *Pool) workerEnded(w *poolWorker) {
	o := &w.Isolate
	p.mu.Lock()
	c := w.cur
	w.cur = nil
	if i := slices.Index(p.free, w); i >= 0 {
		p.free = slices.Delete(p.free, i, i+1)
	}
	complete := false
	if c != nil {
		switch {
		case c.started && !c.returned:
			o.mu.Lock()
			c.outcome = o.outcome
			o.mu.Unlock()
			if c.outcome == nil {
				c.outcome = errRunExited
			}
			complete = true
		case c.started || c.caller.Err() != nil:
			complete = true
		case p.closed:
			c.outcome, complete = ErrClosed, true
		default:
			// Never ran: the next free isolate takes it, first.
			if f := p.takeFreeLocked(); f != nil {
				c.w, f.cur = f, c
				f.calls <- c
			} else {
				p.queueLocked(c, true)
			}
		}
	}
	p.memberGoneLocked()
	p.mu.Unlock()
	if complete {
		c.done <- struct{}{}
	}
}
