package runtime

import (
	"context"
	"errors"
	goruntime "runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// How a RunOn call runs
//
// A RunOn caller blocks until fn has returned, so fn need not run on a
// goroutine of its own: RunOn takes a free isolate of the pool (a member),
// runs fn on the caller's goroutine as that isolate's event, with that
// isolate's context, and gives the isolate back. Everything fn can observe
// is as on a goroutine of the isolate: Current(ctx) is the member, its ctx
// is cancelled by a kill, ports fn makes belong to the member and close
// when it ends, and the caller sees fn's writes because it is the goroutine
// that made them. What it saves is two goroutine switches, a goroutine
// parked per isolate and an allocation or two per call.
//
// An idle member has no goroutine: it counts as blocked in a receive from
// one of its ports (Isolate.state), so Ping answers at once, Kill with
// BeforeNextEvent kills it at once, and a kill ends it at once (onKill).
// A member in a caller's hand is not blocked: Kill(BeforeNextEvent), Ping
// and Pause wait for the end of the call, as for an isolate between two
// receives.
//
// Who ends a member: the caller that holds it, once its call is over, or,
// for an idle member, whoever takes it out of the free list for that
// (onKill, shutdown). idle, under Pool.mu, says which.

// member is an isolate of a RunOn pool.
type member struct {
	Isolate
	pool *Pool
	idle bool // in pool.free; under Pool.mu
	// last is the context of the last call; a call with the same caller
	// ctx reuses it (it is immutable: a ctx kept from an earlier call
	// means the same). Only the caller holding the member touches it.
	last *callCtx
}

// waiter is a caller waiting for a member; ready is signalled once m is
// set, or with m nil once the pool has closed.
type waiter struct {
	ready      chan struct{}
	m          *member
	prev, next *waiter // the queue; under Pool.mu
	queued     bool    // under Pool.mu
}

var signals = sync.Pool{New: func() any { return make(chan struct{}, 1) }}

// startMemberLocked makes one more member and hands it to the first
// waiting caller, or makes it idle.
func (p *Pool) startMemberLocked() error {
	m := &member{pool: p}
	o := &m.Isolate
	if err := p.initMemberLocked(o); err != nil {
		return err
	}
	o.state.Add(blockedOne) // idle
	// A kill of an idle member ends it at once. If the pool's ctx has just
	// ended, the kill has come already and onKill runs on a goroutine.
	(*isolateContext)(o).AfterFunc(m.onKill)
	p.giveLocked(m)
	return nil
}

// giveLocked gives an idle member (counted blocked) to the first waiting
// caller, or puts it in the free list.
func (p *Pool) giveLocked(m *member) {
	if w := p.head; w != nil {
		p.unqueueLocked(w)
		w.m = m
		w.ready <- struct{}{}
		return
	}
	m.idle = true
	p.free = append(p.free, m)
}

// onKill runs when a member's context is cancelled (under its mu, or on a
// goroutine of its own): an idle member is ended and replaced; one in a
// caller's hand is left to that caller, which sees the kill under p.mu
// before it would make the member idle.
func (m *member) onKill() {
	p := m.pool
	p.mu.Lock()
	idle := m.idle
	if idle {
		m.idle = false
		if i := slices.Index(p.free, m); i >= 0 {
			p.free = slices.Delete(p.free, i, i+1)
		}
	}
	p.mu.Unlock()
	if idle {
		go p.retire(m) // not under m.mu, which the kill holds
	}
}

// retire ends a member that has no call and replaces it while the pool is
// open. Its kill, if any, has decided its outcome.
func (p *Pool) retire(m *member) {
	m.end(nil)
	p.mu.Lock()
	p.memberGoneLocked()
	p.mu.Unlock()
}

// acquire waits for a member, in FIFO order, and starts an event on it:
// the member is no longer counted blocked and what its flags asked (a
// kill, a ping, a pause) is done. It fails with ctx.Err() or ErrClosed;
// fn must not run then.
func (p *Pool) acquire(ctx context.Context) (*member, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, ErrClosed
		}
		var m *member
		if n := len(p.free); n > 0 {
			m = p.free[n-1]
			p.free[n-1] = nil
			p.free = p.free[:n-1]
			m.idle = false
			p.mu.Unlock()
		} else {
			if p.closePort != nil {
				p.mu.Unlock()
				return nil, errPortPool
			}
			w := &waiter{ready: signals.Get().(chan struct{})}
			p.queueLocked(w)
			p.mu.Unlock()
			var err error
			if m, err = p.wait(ctx, w); err != nil {
				return nil, err
			}
		}
		o := &m.Isolate
		o.leaveBlocked()
		if o.state.Load()&flagMask == 0 && o.ctxEnd.Load() == nil {
			return m, nil
		}
		if err := p.beginSlow(ctx, m); err != errMemberGone {
			return m, err
		}
	}
}

// errMemberGone: the member taken had been killed; take another.
var errMemberGone = errors.New("member gone")

// beginSlow starts an event on a member that has one pending: a kill ends
// it (errMemberGone), a ping is answered, a pause is waited out. While
// paused, the caller's ctx ending or the pool closing gives the member
// back and fails the call.
func (p *Pool) beginSlow(ctx context.Context, m *member) error {
	o := &m.Isolate
	for {
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
			p.retire(m)
			return errMemberGone
		}
		if unpaused == nil {
			return nil
		}
		var err error
		select {
		case <-unpaused:
		case <-o.ctx.Done():
		case <-ctx.Done():
			err = ctx.Err()
		case <-p.closing:
			err = ErrClosed
		}
		if err != nil {
			p.release(m, true) // still counted blocked
			return err
		}
		o.leaveBlocked()
	}
}

// wait waits for w's member. If ctx ends first, w leaves the queue, or
// gives back the member it got meanwhile.
func (p *Pool) wait(ctx context.Context, w *waiter) (*member, error) {
	defer signals.Put(w.ready)
	if d := ctx.Done(); d == nil {
		<-w.ready
	} else {
		select {
		case <-w.ready:
		case <-d:
			p.mu.Lock()
			if w.queued {
				p.unqueueLocked(w)
				p.mu.Unlock()
				return nil, ctx.Err()
			}
			p.mu.Unlock()
			<-w.ready // given a member (or failed) meanwhile
			if w.m != nil {
				p.release(w.m, true)
			}
			return nil, ctx.Err()
		}
	}
	if w.m == nil {
		return nil, ErrClosed
	}
	return w.m, nil
}

// release gives back a member whose event is over and that is counted
// blocked again, or ends it: when it was killed (the kill ends it now,
// under p.mu or here) or the pool has closed.
func (p *Pool) release(m *member, alive bool) {
	p.mu.Lock()
	if alive && !p.closed && m.ctxEnd.Load() == nil {
		p.giveLocked(m)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	p.retire(m)
}

func (p *Pool) queueLocked(w *waiter) {
	w.queued, w.prev, w.next = true, p.tail, nil
	if p.tail == nil {
		p.head = w
	} else {
		p.tail.next = w
	}
	p.tail = w
}

func (p *Pool) unqueueLocked(w *waiter) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		p.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		p.tail = w.prev
	}
	w.prev, w.next, w.queued = nil, nil, false
}

// callCtx is the context a call's fn runs with: the caller's values and
// deadline, the member for Current, cancelled with the member's context.
type callCtx struct {
	caller context.Context
	m      *member
}

// context returns the context of a call by caller on m.
func (m *member) context(caller context.Context) *callCtx {
	if c := m.last; c != nil && sameContext(c.caller, caller) {
		return c
	}
	c := &callCtx{caller: caller, m: m}
	m.last = c
	return c
}

// sameContext reports whether a and b are the very same context value
// (same dynamic type and data word), without comparing by ==, which
// panics on a context type that is not comparable.
func sameContext(a, b context.Context) bool {
	type iface struct{ tab, data unsafe.Pointer }
	return *(*iface)(unsafe.Pointer(&a)) == *(*iface)(unsafe.Pointer(&b))
}

func (c *callCtx) iso() *Isolate { return &c.m.Isolate }

func (c *callCtx) Deadline() (time.Time, bool) { return c.caller.Deadline() }
func (c *callCtx) Done() <-chan struct{}       { return c.iso().ctx.Done() }
func (c *callCtx) Err() error                  { return c.iso().ctx.Err() }
func (c *callCtx) String() string              { return "isolate " + c.iso().Name() + " (pool)" }

func (c *callCtx) Value(key any) any {
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
func (c *callCtx) AfterFunc(f func()) (stop func() bool) {
	return (*isolateContext)(c.iso()).AfterFunc(f)
}

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
//
// Since the caller waits anyway, fn runs on the caller's goroutine, as an
// event of the isolate it was given; this is what makes a call cheap, and
// nothing fn can observe through the isolate differs. Exit in fn ends the
// call, not the caller: it unwinds fn with a panic of its own that RunOn
// recovers (a recover in fn that catches it stops Exit's unwinding; the
// isolate ends all the same once fn returns). A runtime.Goexit called
// directly in fn ends the caller's goroutine (the isolate is ended and
// replaced on the way).
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
	m, err := p.acquire(ctx)
	if err != nil {
		return zero, err
	}
	if err := ctx.Err(); err != nil {
		p.endEvent(m) // ended while waiting: fn never runs
		return zero, err
	}
	return runInline(m, ctx, fn)
}

// runInline runs fn as an event of m on the calling goroutine, and gives m
// back or ends it. Exit finds this frame on the stack (inInlineCall).
func runInline[R any](m *member, caller context.Context, fn func(ctx context.Context) (R, error)) (res R, err error) {
	var watch *callerWatch
	if caller.Done() != nil {
		watch = watchCaller(caller, m)
	}
	returned := false
	defer func() {
		if returned {
			watch.stop()
			m.pool.endEvent(m)
			return
		}
		// A panic, Exit's panic, or runtime.Goexit (recover returns nil).
		var rerr *RemoteError
		if r := recover(); r != nil {
			if _, exited := r.(exitCall); !exited {
				rerr = newRemoteError(m.Name(), r)
			}
		}
		watch.stop()
		var zero R
		res, err = zero, m.pool.endFailed(m, rerr)
	}()
	res, err = fn(m.context(caller))
	returned = true
	return res, err
}

// endEvent ends the event of a call that returned (or never ran): what
// came for the member meanwhile is done (a BeforeNextEvent kill, pings),
// and the member is given back, or ended if it was killed.
func (p *Pool) endEvent(m *member) {
	o := &m.Isolate
	if !o.enterBlocked() {
		o.mu.Lock()
		f := o.state.Load() & flagMask
		if f&flagKill != 0 && !o.killed {
			o.killLocked(ErrKilled, ErrKilled)
		}
		if f&flagPing != 0 {
			o.answerPingsLocked()
		}
		o.state.Add(blockedOne) // idle, paused or not
		o.mu.Unlock()
	}
	p.release(m, true)
}

// endFailed ends a member whose fn did not return and reports what RunOn
// returns, as Run does: the first cause the isolate ended with.
func (p *Pool) endFailed(m *member, rerr *RemoteError) error {
	o := &m.Isolate
	m.end(rerr)
	o.mu.Lock()
	err := o.outcome
	o.mu.Unlock()
	p.mu.Lock()
	p.memberGoneLocked()
	p.mu.Unlock()
	if err == nil {
		err = errRunExited
	}
	return err
}

// end ends the member's isolate: Wait, Done and the listeners see it.
func (m *member) end(rerr *RemoteError) { m.Isolate.end(rerr) }

// callerWatch kills a member whose caller's ctx ends while fn runs, as
// Run's cancellation does; stop waits for a kill under way.
type callerWatch struct {
	stopf func() bool
	fired chan struct{}
}

func watchCaller(caller context.Context, m *member) *callerWatch {
	w := &callerWatch{fired: make(chan struct{})}
	w.stopf = context.AfterFunc(caller, func() {
		m.Kill(Immediate)
		close(w.fired)
	})
	return w
}

func (w *callerWatch) stop() {
	if w != nil && !w.stopf() {
		<-w.fired
	}
}

// exitCall is the panic by which Exit ends a RunOn call running inline;
// runInline recovers it.
type exitCall struct{}

// exitInlineCall ends the RunOn call running inline on the calling
// goroutine, if there is one, by a panic that runInline recovers; else it
// returns and Exit ends the goroutine. Exit is rare, so it may look at the
// stack.
func exitInlineCall() {
	if inInlineCall() {
		panic(exitCall{})
	}
}

// inInlineCall reports whether runInline is on the calling goroutine's
// stack.
func inInlineCall() bool {
	name := inlineFrame()
	pcs := make([]uintptr, 64)
	for skip := 2; ; skip += len(pcs) {
		n := goruntime.Callers(skip, pcs)
		frames := goruntime.CallersFrames(pcs[:n])
		for {
			f, more := frames.Next()
			if f.Function == name {
				return true
			}
			if !more {
				break
			}
		}
		if n < len(pcs) {
			return false
		}
	}
}

// inlineFrame is the name runInline's frames have: this package's path,
// then "runInline[...]".
var inlineFrame = sync.OnceValue(func() string {
	pc, _, _, _ := goruntime.Caller(0)
	name := goruntime.FuncForPC(pc).Name() // path.glob..func…, or similar
	if i := strings.LastIndex(name, "/"); i >= 0 {
		if j := strings.Index(name[i:], "."); j >= 0 {
			return name[:i+j] + ".runInline[...]"
		}
	}
	return "runInline[...]"
})
