package runtime

import (
	"context"
	"errors"
	goruntime "runtime"
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
// The free members wait in a lock-free set (memberSet); the pool's lock
// is only for callers that must wait (then served first come, first
// served), for replacing members and for closing.
//
// An idle member has no goroutine: it counts as blocked in a receive from
// one of its ports, by idleMark in Isolate.state, so Ping answers at once
// and Kill with BeforeNextEvent kills it at once. A member in a caller's
// hand is not blocked: Kill(BeforeNextEvent), Ping and Pause wait for the
// end of the call, as for an isolate between two receives.
//
// idleMark is also who owns a member: whoever removes it (a caller with
// take, or a kill with onKill) owns it; the other finds it gone. A kill of
// an idle member ends it at once (onKill), but leaves it where it is, in
// the set or in the hand of a waiting caller: whoever takes that ended
// member next makes its replacement. So every member of the pool is in one
// place (the set, a waiting caller's hand, a running call), the pool
// never shrinks, and a kill never has to find a member in the set.

// idleMark in Isolate.state marks an idle member: above the count of
// blocked receives (which a goroutine started by an earlier call may still
// change), and counted as one, so that Kill and Ping see it blocked.
const idleMark = blockedOne << 32

// member is an isolate of a RunOn pool.
type member struct {
	Isolate
	pool *Pool
	slot uint32 // in the pool's memberSet; a replacement takes it over
	// last is the context of the last call; a call with the same caller
	// ctx reuses it (it is immutable: a ctx kept from an earlier call
	// means the same). Only the caller holding the member touches it.
	last *callCtx
}

// take makes the member the caller's; false: a kill has taken it.
func (m *member) take() bool {
	for {
		s := m.state.Load()
		if s&idleMark == 0 {
			return false
		}
		if m.state.CompareAndSwap(s, s-idleMark) {
			return true
		}
	}
}

// makeIdle marks the member idle unless an event is pending (a flag).
func (m *member) makeIdle() bool {
	for {
		s := m.state.Load()
		if s&flagMask != 0 {
			return false
		}
		if m.state.CompareAndSwap(s, s+idleMark) {
			return true
		}
	}
}

// poolWaiter is a caller waiting for a member; ready is signalled once m is
// set, or with m nil once the pool has closed.
type poolWaiter struct {
	ready      chan struct{}
	m          *member
	prev, next *poolWaiter // the queue; under Pool.mu
	queued     bool        // under Pool.mu
}

var signals = sync.Pool{New: func() any { return make(chan struct{}, 1) }}

// newMemberLocked makes one more member in slot: idle, or the caller's.
func (p *Pool) newMemberLocked(slot uint32, idle bool) (*member, error) {
	m := &member{pool: p, slot: slot}
	o := &m.Isolate
	if err := p.initMemberLocked(o); err != nil {
		return nil, err
	}
	if idle {
		o.state.Add(idleMark)
	}
	// A kill of an idle member ends it at once. If the pool's ctx has just
	// ended, the kill has come already and onKill runs on a goroutine.
	(*isolateContext)(o).AfterFunc(m.onKill)
	return m, nil
}

// startMemberLocked makes one more member and makes it idle: handed to
// the first waiting caller, or put in the free set.
func (p *Pool) startMemberLocked() error {
	m, err := p.newMemberLocked(uint32(p.made), true) // made so far: the first size slots
	if err != nil {
		return err
	}
	p.giveLocked(m)
	return nil
}

// giveLocked hands an idle member to the first waiting caller, or puts it
// in the free set.
func (p *Pool) giveLocked(m *member) {
	if w := p.head; w != nil {
		p.unqueueLocked(w)
		w.m = m
		w.ready <- struct{}{}
		return
	}
	p.free.put(m)
}

// pumpLocked hands members from the free set to waiting callers: a member put
// in the free set while a caller started to wait.
func (p *Pool) pumpLocked() {
	for p.head != nil {
		m := p.free.take()
		if m == nil {
			return
		}
		p.giveLocked(m)
	}
}

// onKill runs when a member's context is cancelled (under its mu, or on a
// goroutine of its own): an idle member is ended now. It stays where it is
// (free set, waiter) until taken: its taker makes the replacement.
func (m *member) onKill() {
	if m.take() {
		go m.pool.retire(m, false) // not under m.mu, which the kill holds
	}
}

// retire ends a member that is not running a call; replace says whether
// to make its replacement now (onKill leaves that to the member's taker).
// It returns the replacement, the caller's, or nil.
func (p *Pool) retire(m *member, replace bool) *member {
	m.end(nil)
	return p.memberEnded(m.slot, replace)
}

// memberEnded counts an ended member and, while the pool is open and if
// asked, makes its replacement (in its slot), the caller's.
func (p *Pool) memberEnded(slot uint32, replace bool) *member {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.live--
	var r *member
	if replace && !p.closed {
		r, _ = p.newMemberLocked(slot, false) // fails only when the pool's ctx ended: it is closing
	}
	if p.closed && p.live == 0 {
		close(p.done)
	}
	return r
}

// replace makes the replacement of m, ended by onKill, the caller's; nil
// when the pool is closing.
func (p *Pool) replace(m *member) *member {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	r, _ := p.newMemberLocked(m.slot, false)
	return r
}

// acquire waits for a member, in FIFO order, and starts an event on it:
// the member is no longer idle and what its flags asked (a kill, a ping, a
// pause) is done. It fails with ctx.Err() or ErrClosed; fn must not run
// then.
func (p *Pool) acquire(ctx context.Context) (*member, error) {
	var m *member
	if !p.closedFlag.Load() && p.nwait.Load() == 0 {
		m = p.free.take()
	}
	if m == nil {
		var err error
		if m, err = p.wait(ctx); err != nil {
			return nil, err
		}
	}
	if !m.take() {
		// Killed while idle, and ended: its replacement is ours.
		if m = p.replace(m); m == nil {
			return nil, ErrClosed
		}
	}
	if m.state.Load()&flagMask == 0 && m.ctxEnd.Load() == nil {
		return m, nil
	}
	return p.beginSlow(ctx, m)
}

// beginSlow starts an event on a member that has one pending: a kill ends
// it and makes a replacement (ErrClosed when the pool is closing), a ping is answered, a pause
// is waited out. While paused, the caller's ctx ending or the pool closing
// gives the member back and fails the call.
func (p *Pool) beginSlow(ctx context.Context, m *member) (*member, error) {
	for {
		o := &m.Isolate
		o.mu.Lock()
		f := o.betweenEventsLocked()
		var unpaused chan struct{}
		if !o.killed && f&flagPaused != 0 && o.rare != nil && len(o.rare.pauses) > 0 {
			unpaused = o.rare.unpaused
			o.state.Add(idleMark) // idle while paused: Ping answers, a kill is at once
		}
		killed := o.killed
		o.mu.Unlock()
		if killed {
			if m = p.retire(m, true); m == nil {
				return nil, ErrClosed
			}
			continue
		}
		if unpaused == nil {
			return m, nil
		}
		var err error
		select {
		case <-unpaused:
		case <-o.context().Done():
		case <-ctx.Done():
			err = ctx.Err()
		case <-p.closing:
			err = ErrClosed
		}
		if err != nil {
			p.put(m) // idle, or taken by a kill: its next taker replaces it
			return nil, err
		}
		if !m.take() {
			if m = p.replace(m); m == nil {
				return nil, ErrClosed
			}
		}
	}
}

// wait queues the caller and waits for a member, first come, first
// served. If ctx ends first, the caller leaves the queue, or gives back
// the member it got meanwhile.
func (p *Pool) wait(ctx context.Context) (*member, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrClosed
	}
	if p.closePort != nil {
		p.mu.Unlock()
		return nil, errPortPool
	}
	w := &poolWaiter{ready: signals.Get().(chan struct{})}
	p.queueLocked(w)
	p.pumpLocked() // a member may be in the free set after all (nwait was 0)
	p.mu.Unlock()
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
				p.put(w.m)
			}
			return nil, ctx.Err()
		}
	}
	if w.m == nil {
		return nil, ErrClosed
	}
	return w.m, nil
}

// put gives back an idle member (or one a kill took: a tombstone for its
// next taker): to the first waiting caller, else into the free set. After a
// close it ends what it finds.
func (p *Pool) put(m *member) {
	if p.nwait.Load() != 0 {
		p.mu.Lock()
		if !p.closed {
			p.giveLocked(m)
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
	}
	p.free.put(m)
	// Look after putting: a caller that began to wait, or a close, that
	// did not see m in the free set is seen now.
	if p.nwait.Load() != 0 {
		p.mu.Lock()
		if !p.closed {
			p.pumpLocked()
		}
		p.mu.Unlock()
	}
	if p.closedFlag.Load() {
		p.drain()
	}
}

// drain ends the members in the free set once the pool has closed.
func (p *Pool) drain() {
	for m := p.free.take(); m != nil; m = p.free.take() {
		if m.take() {
			p.retire(m, false)
		}
	}
}

func (p *Pool) queueLocked(w *poolWaiter) {
	w.queued, w.prev, w.next = true, p.tail, nil
	if p.tail == nil {
		p.head = w
	} else {
		p.tail.next = w
	}
	p.tail = w
	p.nwait.Add(1)
}

func (p *Pool) unqueueLocked(w *poolWaiter) {
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
	p.nwait.Add(-1)
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
func (c *callCtx) Done() <-chan struct{}       { return c.iso().context().Done() }
func (c *callCtx) Err() error                  { return c.iso().context().Err() }
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
// isolate or Exit in fn (RunOn then returns what Run returns: ErrKilled
// when the isolate was killed before fn returned, even if fn returned
// afterwards; fn's results after a Kill(BeforeNextEvent), which lets the
// call in hand finish; the error Run reports for Exit).
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
	if m.Isolate.ctxEnd.Load() != nil {
		// Ended while fn ran: as in Run, an end that came first (a kill,
		// a fatal error caught by Guard) decides the call, and fn's
		// results are dropped. The pool's own shutdown is not such an
		// end: it lets running calls finish, only cancelling their ctx.
		o := &m.Isolate
		o.mu.Lock()
		outcome := o.outcomeLocked()
		ended := o.outcomeSet && outcome != nil
		o.mu.Unlock()
		if ended && m.pool.parent.Err() == nil && !m.pool.closedFlag.Load() {
			var zero R
			return zero, outcome
		}
	}
	return res, err
}

// endEvent ends the event of a call that returned (or never ran): what
// came for the member meanwhile is done (a BeforeNextEvent kill, pings),
// and the member is given back idle, or ended and replaced if it was
// killed.
func (p *Pool) endEvent(m *member) {
	o := &m.Isolate
	if !m.makeIdle() {
		o.mu.Lock()
		o.betweenEventsLocked()
		killed := o.killed
		if !killed {
			o.state.Add(idleMark) // idle, paused or not
		}
		o.mu.Unlock()
		if killed {
			p.endKilled(m)
			return
		}
	}
	// A kill that came before makeIdle did not see the member idle: it is
	// the caller's to end. One that comes after takes it (onKill).
	if o.ctxEnd.Load() != nil && m.take() {
		p.endKilled(m)
		return
	}
	p.put(m) // idle, or taken by the kill: its next taker replaces it
}

// endKilled ends a killed member of the caller's and gives back its
// replacement.
func (p *Pool) endKilled(m *member) {
	if r := p.retire(m, true); r != nil {
		r.state.Add(idleMark)
		p.put(r)
	}
}

// endFailed ends a member whose fn did not return, gives back its
// replacement, and reports what RunOn returns: the *RemoteError of a
// panic (even if the isolate had been killed first: the panic is what
// became of the call), else, as Run, the first cause the isolate ended
// with, or the error of Exit.
func (p *Pool) endFailed(m *member, rerr *RemoteError) error {
	o := &m.Isolate
	m.end(rerr)
	var err error = rerr
	if rerr == nil {
		o.mu.Lock()
		err = o.outcomeLocked()
		o.mu.Unlock()
		if err == nil {
			err = errRunExited
		}
	}
	if r := p.memberEnded(m.slot, true); r != nil {
		r.state.Add(idleMark)
		p.put(r)
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
