package runtime

import (
	"context"
	"iter"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// PortOption configures NewReceivePort. Make one with WithCapacity.
type PortOption struct {
	capacity int
}

// WithCapacity bounds the port to n queued messages, for backpressure. When
// the port holds n messages, Send and Transfer block until the receiver takes
// one (there is room again) or the port closes, in which case they return
// ErrClosed and the message was not queued. There is deliberately no
// non-blocking send: Send and Transfer are the only boundaries the vet check
// knows, and a message never vanishes silently.
//
// Messages to a paused isolate count against the capacity, so a sender to a
// full port of a paused isolate waits until it is resumed. Exit and error
// listener notifications are never refused or held back by a full port: they
// may exceed the capacity.
//
// n <= 0 means unbounded, the default, as Dart's ports are.
func WithCapacity(n int) PortOption {
	if n < 0 {
		n = 0
	}
	return PortOption{capacity: n}
}

// ReceivePort is the reading end of a port: a queue of messages of type T
// that any number of SendPorts feed. It belongs to the isolate whose context
// made it (NewReceivePort) and is closed when that isolate ends; a port made
// outside an isolate belongs to none and lives until Close.
//
// A ReceivePort is not sendable (as in Dart): keep it in its isolate and hand
// out its SendPort instead. Its methods are safe for concurrent use.
type ReceivePort[T any] struct {
	state port[T]
}

// SendPort is the writing end of a port: a small comparable value, itself
// sendable, that may be copied, compared, stored and sent anywhere. Every
// SendPort of one ReceivePort compares equal. The zero SendPort is closed.
//
// A SendPort made by NewSendPort carries its messages to an Endpoint
// instead of a local port (see package remote).
type SendPort[T any] struct {
	p *port[T]
	e Endpoint[T] // nil for a local port
}

// port is the state shared by a ReceivePort and its SendPorts: a queue of
// linked chunks, the park where the first blocked receive waits, and a
// list of the receives blocked behind it. Receives take mu. A send to an
// unbounded port takes no lock: it hands its message to a parked receive,
// or queues it (see queue), and takes mu only to wake a receive listed
// behind the park. Sends to a bounded port, and the close, take mu. A
// message sent while a receive waits on an empty queue goes straight to
// that receive (as a channel hands a value to a waiting receiver). Nothing
// is copied as the queue grows, and the chunks and waiters are reused, so
// a port in steady use allocates nothing.
type port[T any] struct {
	// Read by every send, written rarely: kept apart from what receives
	// write (see queue), so that a send does not miss the cache on them.
	gate   atomic.Uint32 // gateWaiting | gateClosed; written under mu
	pstate atomic.Uint32 // the park's: parkFree, parkWaiting, parkTaken
	limit  int           // 0: unbounded
	copy   copier[T]     // nil: send the plain value
	owner  *Isolate      // nil: belongs to no isolate
	q      queue[T]

	mu      sync.Mutex
	waiters waitList[T] // blocked receivers, first come first served
	n       int         // messages queued, counted on bounded ports only
	closed  bool
	// closeErr is set once, under mu, before closed.
	closeErr    error
	sendWaiters int
	room        chan struct{} // cap 1: a message was taken, or the port closed (bounded ports)
	closedCh    chan struct{} // closed on close, for receivers of a paused isolate (made on first wait)
	idx         int           // position in owner.ports, -1 when not there; guarded by owner.mu
	pw          *waiter[T]    // the park: the waiter of the first receive to wait; made once
	free        *waiter[T]    // a waiter for the next blocked receive
	signalled   *waiter[T]    // one whose signal may not have been taken yet
}

// The port's gate: what a send to an unbounded port must look at.
const (
	gateWaiting uint32 = 1 << iota // a receive is parked or listed (see setGateLocked)
	gateClosed
)

// closedChan is shared by ports that were closed before anyone waited.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// NewReceivePort makes a port owned by Current(ctx): it closes when that
// isolate ends (Receive then returns ErrKilled after a kill, else ErrClosed),
// and the isolate's Pause, Kill and Ping act on receives from it. With a ctx
// that carries no isolate, the port belongs to none and lives until Close. A
// port made by an isolate that is already ending is born closed.
//
// If T (or *T) has the generated deep copy (DESIGN §4: DeepCopy() T on T,
// else DeepCopyInto(*T) on *T), every Send copies the message with it; the
// choice is made here, once, without reflection on the send path.
//
// The port is unbounded unless WithCapacity is given.
func NewReceivePort[T any](ctx context.Context, opts ...PortOption) *ReceivePort[T] {
	r := &ReceivePort[T]{}
	p := &r.state
	p.idx = -1
	p.copy = copierFor[T]()
	for _, o := range opts {
		p.limit = o.capacity
	}
	if o := Current(ctx); o != nil {
		o.mu.Lock()
		if o.killed {
			p.closed, p.closeErr, p.closedCh = true, o.portErrLocked(), closedChan
			p.gate.Store(gateClosed)
		} else {
			p.owner = o
			p.idx = len(o.ports)
			o.ports = append(o.ports, p)
		}
		o.mu.Unlock()
	}
	return r
}

// SendPort returns the port's sending end.
func (r *ReceivePort[T]) SendPort() SendPort[T] {
	return SendPort[T]{p: &r.state}
}

// Receive returns the next message, in send order per sender. It blocks until
// a message is there and may be delivered, the port closes (ErrClosed), the
// port's isolate is killed (ErrKilled, at once, even if messages are queued),
// or ctx ends (ctx.Err(); no message is taken then). A queued message is
// returned even if ctx has already ended.
//
// On a port owned by an isolate, each Receive is an event of that isolate: a
// pending Kill(BeforeNextEvent) takes effect here, pending Pings are answered
// here (and at once while Receive blocks), and while the isolate is paused
// Receive waits for it to be resumed.
func (r *ReceivePort[T]) Receive(ctx context.Context) (T, error) {
	return r.state.receive(ctx)
}

// All returns an iterator over the messages of the port. Each step is a
// Receive; the iteration ends when Receive fails: the port closes, its
// isolate is killed, or ctx ends. Breaking out of the loop loses no message:
// nothing is taken from the port beyond what the loop body saw.
func (r *ReceivePort[T]) All(ctx context.Context) iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			v, err := r.Receive(ctx)
			if err != nil || !yield(v) {
				return
			}
		}
	}
}

// Close closes the port: messages still queued are discarded, blocked and
// later Receives return ErrClosed, blocked and later Sends return ErrClosed.
// Close is idempotent; its error is always nil (ReceivePort is an io.Closer).
func (r *ReceivePort[T]) Close() error {
	p := &r.state
	if o := p.owner; o != nil {
		o.mu.Lock()
		o.removePortLocked(p)
		o.mu.Unlock()
	}
	p.shut(ErrClosed)
	return nil
}

// Send queues msg on the port, copying it first when its type has the
// generated deep copy (see NewReceivePort), so the receiver never shares
// memory with the sender. It never blocks on an unbounded port; on a full
// bounded port it blocks until there is room or the port closes (see
// WithCapacity). It returns ErrClosed, and queues nothing, once the port is
// closed. Messages from one goroutine arrive in the order sent.
func (s SendPort[T]) Send(msg T) error {
	p := s.p
	if p == nil {
		return s.sendElsewhere(msg)
	}
	if p.copy != nil {
		var err error
		if msg, err = p.copy(msg); err != nil {
			return err
		}
	}
	return p.put(msg, false)
}

// Transfer queues msg without copying it: ownership moves to the receiver,
// which gets the very same value (the same pointer). The sender must not
// touch msg, or anything reached through it, afterwards; the vet check's
// transfer rule proves it. Blocking and errors are as for Send; after an
// error nothing moved.
func (s SendPort[T]) Transfer(msg T) error {
	p := s.p
	if p == nil {
		return s.sendElsewhere(msg)
	}
	return p.put(msg, false)
}

// notifyListener delivers an exit or error notification: never blocked by a
// full bounded port, dropped only when the port is closed.
func (s SendPort[T]) notifyListener(msg T) {
	if s.p != nil {
		_ = s.p.put(msg, true)
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

func (p *port[T]) ensureClosedChLocked() chan struct{} {
	if p.closedCh == nil {
		p.closedCh = make(chan struct{})
	}
	return p.closedCh
}

// put queues v, or hands it to a waiting receiver; force ignores the
// capacity.
//
// On an unbounded port, v goes to the parked receive, if there is one, or
// is queued, without the lock. A receive about to block sets gateWaiting,
// then looks at the queue again; this send queues v, then looks at the
// gate again. One of the two sees the other (atomics are sequentially
// consistent in Go), so either the receive takes v or this send wakes it.
func (p *port[T]) put(v T, force bool) error {
	if p.limit == 0 {
		if g := p.gate.Load(); g&gateClosed == 0 {
			if g&gateWaiting != 0 {
				if w := p.takeParked(); w != nil {
					// It parked having found nothing queued, so no
					// earlier message of this sender waits before v.
					w.wake <- wakeup[T]{v: v, what: gotHanded}
					return nil
				}
			}
			p.q.push(v)
			if p.gate.Load()&gateWaiting != 0 {
				if w := p.takeParked(); w != nil {
					// Wake it to take v (or what is queued before v)
					// under the lock, where it checks its isolate's
					// events first.
					w.wake <- wakeup[T]{what: gotRetry}
				} else {
					p.mu.Lock()
					p.passOnLocked()
					p.setGateLocked()
					p.mu.Unlock()
				}
			}
			return nil
		}
	}
	// A bounded port, or a closed one (closed is set before the gate).
	p.mu.Lock()
	for {
		if p.closed {
			if p.sendWaiters > 0 {
				signal(p.room) // wake the next sender: it must see the close too
			}
			p.mu.Unlock()
			return ErrClosed
		}
		if force || p.n < p.limit {
			break
		}
		if p.room == nil {
			p.room = make(chan struct{}, 1)
		}
		room := p.room
		p.sendWaiters++
		p.mu.Unlock()
		<-room
		p.mu.Lock()
		p.sendWaiters--
	}
	p.n++
	if w := p.popWaiterLocked(); w != nil {
		// A receiver waits, so the queue was empty when it began to. The
		// flags are read under mu, as Receive reads them (Pause's barrier
		// relies on it): with an event pending, the receiver must look
		// again rather than take the message.
		if o := p.owner; !p.q.ready() && (o == nil || o.state.Load()&flagMask == 0) {
			p.n--
			p.signalLocked(w, wakeup[T]{v: v, what: gotMessage})
		} else {
			p.q.push(v)
			p.signalLocked(w, wakeup[T]{what: gotRetry})
		}
		p.mu.Unlock()
		return nil
	}
	p.q.push(v)
	p.setGateLocked()
	if p.sendWaiters > 0 && p.n < p.limit {
		signal(p.room) // pass the wake-up on to the next blocked sender
	}
	p.mu.Unlock()
	return nil
}

// takeLocked takes the first message; p.q.ready must have said there is
// one.
func (p *port[T]) takeLocked() T {
	v := p.q.pop()
	if p.limit > 0 {
		p.n--
		if p.sendWaiters > 0 {
			signal(p.room)
		}
	}
	return v
}

// popLocked takes the first queued message for this receive, and passes
// the rest on to other waiting receivers.
func (p *port[T]) popLocked() T {
	v := p.takeLocked()
	p.passOnLocked()
	return v
}

// passOnLocked serves waiting receivers while messages are queued: a
// message queued without the lock, or one a receive woken for it did not
// take. Each waiter gets a message, or, with an event of its isolate
// pending, is told to look again.
func (p *port[T]) passOnLocked() {
	for p.q.ready() {
		w := p.popWaiterLocked()
		if w == nil {
			return
		}
		if o := p.owner; o != nil && o.state.Load()&flagMask != 0 {
			p.signalLocked(w, wakeup[T]{what: gotRetry})
			continue
		}
		p.signalLocked(w, wakeup[T]{v: p.takeLocked(), what: gotMessage})
	}
}

// receive is Receive. While its isolate has no event pending (no flag set),
// it takes only the port's lock, also to block: its waiter, parked or
// listed on the port, is what shows Kill and Ping that it is blocked (see
// Isolate.setFlagUnlessBlocked). Otherwise it is receiveSlow.
func (p *port[T]) receive(ctx context.Context) (v T, err error) {
	o := p.owner
	// The owner's own ctx ends only by a kill, which closes the port first
	// and wakes its receivers: no need to watch it (a select costs more than
	// a plain channel receive).
	ownCtx := o != nil && ctx == o.context()
	var back *waiter[T] // a waiter this receive was woken on, to keep
	yielded := false
	for {
		p.mu.Lock()
		if back != nil {
			p.keepLocked(back)
			back = nil
		}
		// The flags are read under p.mu: Pause's barrier relies on it.
		if o != nil && o.state.Load()&flagMask != 0 {
			p.mu.Unlock()
			return p.receiveSlow(ctx)
		}
		switch {
		case p.closed:
			// Before the queue: a send that raced with the close may have
			// queued a message after the close emptied it.
			err = p.closeErr
			p.mu.Unlock()
			if o != nil {
				o.mu.Lock()   // see outcome: a kill may still be cancelling ctx
				o.mu.Unlock() //nolint:staticcheck // an empty critical section is the point
			}
			return v, err
		case p.q.ready():
			v = p.popLocked()
			p.mu.Unlock()
			return v, nil
		case !ownCtx && ctx.Err() != nil:
			p.passOnLocked() // a wake-up this receive took may belong to another
			p.mu.Unlock()
			return v, ctx.Err()
		}
		if !yielded && p.limit == 0 {
			// Yield once before blocking. The sender this receive waits
			// for is often runnable on this very processor (a receive
			// woken by a send runs next where the sender ran): run it
			// first, and its message is likely queued when this receive
			// looks again, which spares it a park and its sender a
			// wake-up. With nothing else runnable, the yield returns at
			// once. Not on a bounded port: its senders queue under the
			// lock, and there the yield measured slower.
			yielded = true
			p.mu.Unlock()
			goruntime.Gosched()
			continue
		}
		// Parked or listed, having seen no flag: Kill and Ping find this
		// receive blocked (see Isolate.setFlagUnlessBlocked).
		w := p.waitLocked()
		if w == nil {
			v = p.popLocked()
			p.mu.Unlock()
			return v, nil
		}
		p.mu.Unlock()
		var ctxDone <-chan struct{}
		if !ownCtx {
			ctxDone = ctx.Done()
		}
		var done bool
		if v, err, done = p.await(w, ctxDone); done {
			return v, err
		}
		// Look again: a message was queued, an event is pending, or ctx
		// ended.
		back = w
	}
}

// await blocks a receive until w is signalled or ctxDone closes; done is
// false when the receive must look again, and w is then the receive's
// again, to keep for a later wait.
func (p *port[T]) await(w *waiter[T], ctxDone <-chan struct{}) (v T, err error, done bool) {
	var got wakeup[T]
	if ctxDone == nil {
		got = <-w.wake // a plain receive costs less than a select
	} else {
		select {
		case got = <-w.wake:
		case <-ctxDone:
			return p.stopWaiting(w)
		}
	}
	return p.outcome(w, got)
}

// receiveSlow is Receive when its isolate has an event pending (kill, ping,
// pause). Lock order: owner.mu, then p.mu.
func (p *port[T]) receiveSlow(ctx context.Context) (v T, err error) {
	o := p.owner
	ownCtx := o != nil && ctx == o.context() // see receive
	var back *waiter[T]                      // see receive
	for {
		paused := false
		var unpaused chan struct{}
		if o != nil {
			o.mu.Lock()
			if f := o.betweenEventsLocked(); f != 0 {
				if f&flagPaused != 0 && o.rare != nil && len(o.rare.pauses) > 0 {
					paused, unpaused = true, o.rare.unpaused
				}
			}
		}
		p.mu.Lock()
		if back != nil {
			p.keepLocked(back)
			back = nil
		}
		done := true
		switch {
		case p.closed:
			err = p.closeErr
		case p.q.ready() && !paused:
			v = p.popLocked()
		case !ownCtx && ctx.Err() != nil:
			err = ctx.Err()
			p.passOnLocked() // a wake-up this receive took may belong to another
		default:
			done = false
		}
		if done {
			p.mu.Unlock()
			if o != nil {
				o.mu.Unlock()
			}
			return v, err
		}
		var w *waiter[T]
		var closed chan struct{}
		if paused {
			closed = p.ensureClosedChLocked()
		} else {
			if w = p.waitLocked(); w == nil {
				// Queued without the lock meanwhile: look again.
				p.mu.Unlock()
				if o != nil {
					o.mu.Unlock()
				}
				continue
			}
		}
		p.mu.Unlock()
		if o != nil {
			// Blocked, under mu: Kill and Ping act at once from now on
			// (a waiter is listed; a paused receive is counted).
			if paused {
				o.state.Add(blockedOne)
			}
			o.mu.Unlock()
		}
		var ctxDone <-chan struct{}
		if !ownCtx {
			ctxDone = ctx.Done()
		}
		if !paused {
			if v, err, done := p.await(w, ctxDone); done {
				return v, err
			}
			back = w
			continue
		}
		select {
		case <-closed:
		case <-unpaused:
		case <-ctxDone:
		}
		if o != nil {
			o.leaveBlocked()
		}
	}
}

// waiter is one blocked Receive: parked on the port, or listed in its
// waiters. Whoever takes it off (a sender, the close, a pass-on) sends it
// what it got on wake, once. A message or the close is sent under the
// port's lock, and the port keeps the waiter for another receive once that
// signal is taken (see signalLocked); after a retry, the receive keeps it
// itself, under the lock it takes to look again.
type waiter[T any] struct {
	next *waiter[T]
	wake chan wakeup[T] // cap 1: one signal per wait
}

// wakeup is what a waiter got: a message, the close, or a retry.
type wakeup[T any] struct {
	v    T // gotMessage: the message handed over
	what uint8
}

// What a waiter got.
const (
	gotMessage uint8 = iota + 1
	gotClosed
	gotRetry  // look again: messages are queued, or an event is pending
	gotHanded // a message handed over without the lock (see put)
)

// waitList is the port's blocked receivers, in the order they came.
type waitList[T any] struct{ head, tail *waiter[T] }

func (l *waitList[T]) push(w *waiter[T]) {
	w.next = nil
	if l.tail == nil {
		l.head = w
	} else {
		l.tail.next = w
	}
	l.tail = w
}

func (l *waitList[T]) pop() *waiter[T] {
	w := l.head
	if w != nil {
		l.head = w.next
		if l.head == nil {
			l.tail = nil
		}
		w.next = nil
	}
	return w
}

// remove takes w off the list and reports whether it was there.
func (l *waitList[T]) remove(w *waiter[T]) bool {
	var prev *waiter[T]
	for c := l.head; c != nil; prev, c = c, c.next {
		if c != w {
			continue
		}
		if prev == nil {
			l.head = c.next
		} else {
			prev.next = c.next
		}
		if l.tail == c {
			l.tail = prev
		}
		c.next = nil
		return true
	}
	return false
}

// waitLocked readies a receive to block, having found nothing to take. It
// sets gateWaiting, then looks at the queue again: a send that queued
// without the lock before it saw the gate has its message there (see put).
// If so it returns nil, and the receive takes that. Otherwise it returns
// the waiter the receive blocks on: the park, if no other receive waits
// there or has yet to take its signal from it, where a sender takes it
// without the lock; else a free or new waiter, listed behind. A sender
// that takes the park hands it its message: the receive parked only after
// it saw nothing queued.
func (p *port[T]) waitLocked() *waiter[T] {
	if g := p.gate.Load(); g&gateWaiting == 0 {
		p.gate.Store(g | gateWaiting)
	}
	if p.q.ready() {
		p.setGateLocked()
		return nil
	}
	if p.waiters.head == nil && p.pstate.Load() == parkFree {
		if p.pw == nil {
			p.pw = &waiter[T]{wake: make(chan wakeup[T], 1)}
		}
		p.pstate.Store(parkWaiting)
		return p.pw
	}
	w := p.free
	switch {
	case w != nil:
		p.free = nil
	case p.signalled != nil && len(p.signalled.wake) == 0:
		w, p.signalled = p.signalled, nil
	default:
		w = &waiter[T]{wake: make(chan wakeup[T], 1)}
	}
	p.waiters.push(w)
	return w
}

// The park's states: a receive waits on the port's own waiter pw
// (parkWaiting) until whoever takes it off (parkTaken) sends it its one
// signal, and its receive, having taken that, frees it (parkFree).
const (
	parkFree uint32 = iota
	parkWaiting
	parkTaken
)

// takeParked takes the parked receive off, if there is one; the caller
// then sends it exactly one signal.
func (p *port[T]) takeParked() *waiter[T] {
	// A load first: a failed compare-and-swap would still take the cache
	// line from the receive.
	if p.pstate.Load() == parkWaiting && p.pstate.CompareAndSwap(parkWaiting, parkTaken) {
		return p.pw // written before the park was first taken
	}
	return nil
}

// popWaiterLocked takes the first waiting receive off: the parked one, or
// the first listed.
func (p *port[T]) popWaiterLocked() *waiter[T] {
	if w := p.takeParked(); w != nil {
		return w
	}
	return p.waiters.pop()
}

// unlistLocked takes w off, if nothing has taken it yet, and reports
// whether it did. w is then the receive's again (the park is free again).
func (p *port[T]) unlistLocked(w *waiter[T]) bool {
	if w == p.pw {
		return p.pstate.CompareAndSwap(parkWaiting, parkFree)
	}
	return p.waiters.remove(w)
}

// setGateLocked makes gate say what the port is now. gateWaiting is set
// as a receive lists itself, and cleared only here, by a send that found
// no receive waiting: a receive that waits again and again (a ping-pong)
// then costs its senders no write to the gate.
func (p *port[T]) setGateLocked() {
	var g uint32
	if p.pstate.Load() == parkWaiting || p.waiters.head != nil {
		g |= gateWaiting
	}
	if p.closed {
		g |= gateClosed
	}
	if p.gate.Load() != g {
		p.gate.Store(g)
	}
}

// signalLocked sends w, taken off, what it got. A retry makes the receive
// look again under the lock, and keep w then. For a message or the close,
// the port keeps w for a later receive: free at once if its signal was
// taken, else as signalled, free once its wake is empty. Under the lock,
// so that an empty wake means its receive has taken the signal: a receive
// parked on wake takes it before the send returns, and one that was not
// yet takes it later.
func (p *port[T]) signalLocked(w *waiter[T], got wakeup[T]) {
	w.wake <- got // never blocks: one signal per wait
	if got.what == gotRetry || w == p.pw {
		return
	}
	if len(w.wake) == 0 {
		p.keepLocked(w)
		return
	}
	if s := p.signalled; s != nil && len(s.wake) == 0 {
		p.keepLocked(s)
	}
	p.signalled = w
}

// keepLocked keeps w, no longer used, for a later receive. The park is
// the port's anyway.
func (p *port[T]) keepLocked(w *waiter[T]) {
	if p.free == nil && w != p.pw {
		p.free = w
	}
}

// stopWaiting ends a wait that its receive gives up (its ctx ended). If w
// was still waiting, nothing reached it: done is false. Otherwise a
// message, the close or a retry did: that is the outcome.
func (p *port[T]) stopWaiting(w *waiter[T]) (v T, err error, done bool) {
	p.mu.Lock()
	listed := p.unlistLocked(w)
	p.mu.Unlock()
	if listed {
		return v, nil, false
	}
	return p.outcome(w, <-w.wake)
}

// outcome is what a waiter got, taken from its wake; done is false for a
// retry. A message handed over while the isolate was being killed or
// ending is not delivered: the port closed, as Receive reports.
func (p *port[T]) outcome(w *waiter[T], got wakeup[T]) (v T, err error, done bool) {
	if w == p.pw {
		p.pstate.Store(parkFree) // its signal is taken
	}
	switch got.what {
	case gotMessage, gotHanded:
		v, done = got.v, true
		if o := p.owner; o != nil && o.ctxEnd.Load() != nil {
			// Its ports closed before its context ended.
			var zero T
			p.mu.Lock()
			v, err = zero, p.closeErr
			p.mu.Unlock()
		}
	case gotClosed:
		// Set once, before the signal was sent.
		err, done = p.closeErr, true
		if o := p.owner; o != nil {
			// A kill closes the ports, then cancels the context, under the
			// owner's lock: wait for it, so that the receive that reports
			// the kill finds its ctx cancelled.
			o.mu.Lock()
			o.mu.Unlock() //nolint:staticcheck // an empty critical section is the point
		}
	}
	return v, err, done
}

// shut closes the port with the error Receive reports from now on.
func (p *port[T]) shut(err error) {
	p.mu.Lock()
	if !p.closed {
		p.closed, p.closeErr = true, err
		p.q.clear()
		if p.closedCh == nil {
			p.closedCh = closedChan
		} else {
			close(p.closedCh)
		}
		for w := p.popWaiterLocked(); w != nil; w = p.popWaiterLocked() {
			p.signalLocked(w, wakeup[T]{what: gotClosed})
		}
		p.setGateLocked()
		// Blocked senders wait on room alone; each one woken passes the
		// wake-up on.
		if p.sendWaiters > 0 {
			signal(p.room)
		}
	}
	p.mu.Unlock()
}

// waiting reports whether a receive waits for a message on the port.
func (p *port[T]) waiting() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pstate.Load() == parkWaiting || p.waiters.head != nil
}

// barrier waits until no Receive holds the port's lock, so that every later
// one sees the owner's flags as they are now, and has a parked receive look
// again: a sender would hand it a message without looking at the flags. A
// message handed before is delivered, as one taken before the flags were
// set.
func (p *port[T]) barrier() {
	p.mu.Lock()
	if w := p.takeParked(); w != nil {
		p.signalLocked(w, wakeup[T]{what: gotRetry})
	}
	p.mu.Unlock()
}

func (p *port[T]) index() int     { return p.idx }
func (p *port[T]) setIndex(i int) { p.idx = i }

// queue is a FIFO of linked chunks of slots, for many senders and one
// receive at a time (receives hold the port's lock). It grows by linking a
// new chunk (twice the last one's size, up to maxChunkBytes), never by
// copying, and a chunk that has been read through is kept as the spare for
// the next one needed, so that a queue whose length stays bounded
// allocates nothing. Two spares are kept: a burst that fills more than
// the chunk being read then needs no new chunk either.
//
// Senders take no lock. A sender reserves a slot of the tail chunk by
// advancing the chunk's w, writes its message there, then marks the slot
// ready; the receive reads slots in order and stops at the first one not
// ready yet. The sender that finds the tail chunk full links the next one.
// A chunk is reused only after every slot of it was read, and each reuse
// starts a new generation in w's high half, so that a sender still holding
// the chunk from its last use cannot reserve a slot in it (its
// compare-and-swap fails) unless the chunk is the live tail again. A slot
// is marked ready with its generation, so reading it needs no write.
type queue[T any] struct {
	tail  atomic.Pointer[chunk[T]]    // where senders write; nil until the first send
	spare [4]atomic.Pointer[chunk[T]] // chunks read through, for the next links
	_     [cacheLine]byte             // what senders read, apart from what the receive writes
	head  *chunk[T]                   // where the receive reads; receive side only
	r     int                         // next slot to read in head
	hseq  uint32                      // seq of a ready slot of head
	stub  chunk[T]                    // no slots: where the queue starts
}

type chunk[T any] struct {
	// w is the generation << 32 | the next slot to reserve. A full chunk
	// has len(slots); len(slots)+1 once a sender has taken the turn to
	// link the next chunk.
	w     atomic.Uint64
	next  atomic.Pointer[chunk[T]]
	slots []slot[T]
}

type slot[T any] struct {
	v T
	// seq is the generation in which v was written, plus one: the slot is
	// ready when it is the chunk's current generation's. So no write is
	// needed to make a slot that was read not ready again.
	seq atomic.Uint32
}

const (
	minChunk      = 8
	maxChunkBytes = 8 << 10
	cacheLine     = 64
)

// push adds v at the tail. Any number of senders may push at once.
func (q *queue[T]) push(v T) {
	for {
		c := q.tail.Load()
		if c == nil {
			q.tail.CompareAndSwap(nil, &q.stub)
			continue
		}
		w := c.w.Load()
		switch i, n := int(uint32(w)), len(c.slots); {
		case i < n:
			if c.w.CompareAndSwap(w, w+1) {
				s := &c.slots[i]
				s.v = v
				s.seq.Store(uint32(w>>32) + 1)
				return
			}
		case i == n:
			if c.w.CompareAndSwap(w, w+1) {
				q.link(c)
			}
		case q.tail.Load() == c:
			// Another sender is linking the next chunk: a sender holds
			// that turn only for an allocation, so yield until it is done.
			goruntime.Gosched()
		}
	}
}

// link makes a chunk after c, which is full, and the new tail: the spare,
// or a new chunk.
func (q *queue[T]) link(c *chunk[T]) {
	var nc *chunk[T]
	for i := range q.spare {
		if q.spare[i].Load() != nil {
			if nc = q.spare[i].Swap(nil); nc != nil {
				break
			}
		}
	}
	if nc == nil {
		size := minChunk
		if n := len(c.slots); n > 0 {
			size = min(2*n, max(n, minChunk, maxChunkBytes/max(1, int(unsafe.Sizeof(slot[T]{})))))
		}
		nc = &chunk[T]{slots: make([]slot[T], size)}
	} else {
		nc.w.Store((nc.w.Load()>>32 + 1) << 32) // a new generation, from slot 0
	}
	c.next.Store(nc)
	q.tail.Store(nc)
}

// ready reports whether a message is there for pop.
func (q *queue[T]) ready() bool {
	c := q.head
	if c == nil {
		c = &q.stub
		q.head = c
	}
	if q.r == len(c.slots) {
		nc := c.next.Load()
		if nc == nil {
			return false
		}
		// nc's generation was set before it was linked.
		q.head, q.r, q.hseq = nc, 0, uint32(nc.w.Load()>>32)+1
		q.recycle(c)
		c = nc
	}
	return c.slots[q.r].seq.Load() == q.hseq
}

// pop takes the first message; ready must have said there is one.
func (q *queue[T]) pop() T {
	var zero T
	s := &q.head.slots[q.r]
	v := s.v
	s.v = zero
	q.r++
	return v
}

// recycle keeps c, every slot of it read, as a spare, unless both spares
// are at least as large. Its w stays past full until link starts its next
// generation.
func (q *queue[T]) recycle(c *chunk[T]) {
	if len(c.slots) == 0 {
		return // the stub
	}
	c.next.Store(nil)
	for i := range q.spare {
		if s := q.spare[i].Load(); s == nil || len(s.slots) < len(c.slots) {
			q.spare[i].Store(c)
			return
		}
	}
}

// clear drops the messages queued, for a port that closed. A send that
// raced with the close may still queue one after it; the port's Receive
// looks at closed first.
func (q *queue[T]) clear() {
	for q.ready() {
		q.pop()
	}
	for i := range q.spare {
		q.spare[i].Store(nil)
	}
}
