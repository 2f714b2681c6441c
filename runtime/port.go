package runtime

import (
	"context"
	"iter"
	"sync"
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
// linked chunks and a list of blocked receivers, guarded by mu. A message
// sent while a receiver waits on an empty queue goes straight to that
// receiver (handed over, as a channel hands a value to a waiting receiver);
// otherwise it is queued. Nothing is copied as the queue grows, and the
// chunks and waiters are reused, so a port in steady use allocates nothing.
type port[T any] struct {
	mu          sync.Mutex
	q           queue[T]
	waiters     waitList[T] // blocked receivers, first come first served
	limit       int         // 0: unbounded
	closed      bool
	closeErr    error
	sendWaiters int
	room        chan struct{} // cap 1: a message was taken, or the port closed (bounded ports)
	closedCh    chan struct{} // closed on close, for receivers of a paused isolate (made on first wait)
	copy        copier[T]     // nil: send the plain value
	owner       *Isolate      // nil: belongs to no isolate
	idx         int           // position in owner.ports, -1 when not there; guarded by owner.mu
	free        *waiter[T]    // a waiter for the next blocked receive
	signalled   *waiter[T]    // one whose signal may not have been taken yet
}

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
func (p *port[T]) put(v T, force bool) error {
	p.mu.Lock()
	for {
		if p.closed {
			if p.sendWaiters > 0 {
				signal(p.room) // wake the next sender: it must see the close too
			}
			p.mu.Unlock()
			return ErrClosed
		}
		if force || p.limit == 0 || p.q.n < p.limit {
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
	if w := p.waiters.pop(); w != nil {
		// A receiver waits, so the queue was empty when it began to. The
		// flags are read under mu, as Receive reads them (Pause's barrier
		// relies on it): with an event pending, the receiver must look
		// again rather than take the message.
		if o := p.owner; p.q.n == 0 && (o == nil || o.state.Load()&flagMask == 0) {
			p.signalLocked(w, wakeup[T]{v: v, what: gotMessage})
		} else {
			p.q.push(v)
			p.signalLocked(w, wakeup[T]{what: gotRetry})
		}
		p.mu.Unlock()
		return nil
	}
	p.q.push(v)
	if p.sendWaiters > 0 && p.q.n < p.limit {
		signal(p.room) // pass the wake-up on to the next blocked sender
	}
	p.mu.Unlock()
	return nil
}

func (p *port[T]) popLocked() T {
	v := p.q.pop()
	if p.sendWaiters > 0 {
		signal(p.room)
	}
	p.passOnLocked()
	return v
}

// passOnLocked wakes a waiting receiver to look again when messages are
// queued: one that was woken for them did not take them all.
func (p *port[T]) passOnLocked() {
	if p.q.n > 0 {
		if w := p.waiters.pop(); w != nil {
			p.signalLocked(w, wakeup[T]{what: gotRetry})
		}
	}
}

// receive is Receive. While its isolate has no event pending (no flag set),
// it takes only the port's lock, also to block: its waiter, listed on the
// port, is what shows Kill and Ping that it is blocked (see
// Isolate.setFlagUnlessBlocked). Otherwise it is receiveSlow.
func (p *port[T]) receive(ctx context.Context) (v T, err error) {
	o := p.owner
	// The owner's own ctx ends only by a kill, which closes the port first
	// and wakes its receivers: no need to watch it (a select costs more than
	// a plain channel receive).
	ownCtx := o != nil && ctx == o.context()
	p.mu.Lock()
	// The flags are read under p.mu: Pause's barrier relies on it.
	if o != nil && o.state.Load()&flagMask != 0 {
		p.mu.Unlock()
		return p.receiveSlow(ctx)
	}
	switch {
	case p.q.n > 0:
		v = p.popLocked()
		p.mu.Unlock()
		return v, nil
	case p.closed:
		err = p.closeErr
		p.mu.Unlock()
		if o != nil {
			o.mu.Lock()   // see outcome: a kill may still be cancelling ctx
			o.mu.Unlock() //nolint:staticcheck // an empty critical section is the point
		}
		return v, err
	case !ownCtx && ctx.Err() != nil:
		p.mu.Unlock()
		return v, ctx.Err()
	}
	// Listed, having seen no flag: Kill and Ping find this receive
	// blocked (see Isolate.setFlagUnlessBlocked).
	w := p.waitLocked()
	p.mu.Unlock()
	var ctxDone <-chan struct{}
	if !ownCtx {
		ctxDone = ctx.Done()
	}
	if v, err, done := p.await(w, ctxDone); done {
		return v, err
	}
	// Look again: an event is pending, or ctx ended (receiveSlow returns
	// ctx.Err(), or a message queued meanwhile).
	return p.receiveSlow(ctx)
}

// await blocks a receive until w is signalled or ctxDone closes; done is
// false when the receive must look again.
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
	return p.outcome(got)
}

// receiveSlow is Receive when its isolate has an event pending (kill, ping,
// pause). Lock order: owner.mu, then p.mu.
func (p *port[T]) receiveSlow(ctx context.Context) (v T, err error) {
	o := p.owner
	ownCtx := o != nil && ctx == o.context() // see receive
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
		done := true
		switch {
		case p.closed:
			err = p.closeErr
		case p.q.n > 0 && !paused:
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
			w = p.waitLocked()
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

// waiter is one blocked Receive. Whoever takes it off the port's list (a
// sender, the close, a pass-on) sends it what it got on wake, under the
// port's lock; the receive takes that from wake, and does not touch the
// waiter again. So the port knows, under its lock, when a waiter is free
// for another receive: once its wake is empty again (see signalLocked).
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
	gotRetry // look again: an event is pending, or messages are queued
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

// waitLocked lists a waiter for a receive about to block: a free one, or
// a new one.
func (p *port[T]) waitLocked() *waiter[T] {
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

// signalLocked sends w, taken off the list, what it got. Under the lock,
// so that an empty wake means its receive has taken the signal: a receive
// parked on wake takes it before the send returns, and one that was not
// yet takes it later. w is kept for a later receive: free at once if its
// signal was taken, else as signalled, free once its wake is empty.
func (p *port[T]) signalLocked(w *waiter[T], got wakeup[T]) {
	w.wake <- got // never blocks: one signal per wait
	if len(w.wake) == 0 {
		p.keepLocked(w)
		return
	}
	if s := p.signalled; s != nil && len(s.wake) == 0 {
		p.keepLocked(s)
	}
	p.signalled = w
}

// keepLocked keeps w, no longer used, for a later receive.
func (p *port[T]) keepLocked(w *waiter[T]) {
	if p.free == nil {
		p.free = w
	}
}

// stopWaiting ends a wait that its receive gives up (its ctx ended, or an
// event is pending). If w was still listed, nothing reached it: done is
// false. Otherwise a message or the close did: that is the outcome.
func (p *port[T]) stopWaiting(w *waiter[T]) (v T, err error, done bool) {
	p.mu.Lock()
	listed := p.waiters.remove(w)
	if listed {
		p.keepLocked(w)
	}
	p.mu.Unlock()
	if listed {
		return v, nil, false
	}
	return p.outcome(<-w.wake)
}

// outcome is what a waiter got, taken from its wake; done is false for a
// retry. A message handed over while the isolate was being killed or
// ending is not delivered: the port closed, as Receive reports.
func (p *port[T]) outcome(got wakeup[T]) (v T, err error, done bool) {
	switch got.what {
	case gotMessage:
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
		for w := p.waiters.pop(); w != nil; w = p.waiters.pop() {
			p.signalLocked(w, wakeup[T]{what: gotClosed})
		}
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
	return p.waiters.head != nil
}

// barrier waits until no Receive holds the port's lock, so that every later
// one sees the owner's flags as they are now.
func (p *port[T]) barrier() {
	p.mu.Lock()
	p.mu.Unlock() //nolint:staticcheck // an empty critical section is the point
}

func (p *port[T]) index() int     { return p.idx }
func (p *port[T]) setIndex(i int) { p.idx = i }

// queue is a FIFO of linked chunks: it grows by linking a new chunk (twice
// the last one's size, up to maxChunkBytes), never by copying, and a chunk
// that has been read through is kept as the spare for the next one needed,
// so that a queue whose length stays bounded allocates nothing.
type queue[T any] struct {
	head, tail *chunk[T]
	r, w       int // next read in head.items, next write in tail.items
	n          int
	spare      *chunk[T]
}

type chunk[T any] struct {
	next  *chunk[T]
	items []T
}

const (
	minChunk      = 8
	maxChunkBytes = 8 << 10
)

func (q *queue[T]) push(v T) {
	if q.tail == nil || q.w == len(q.tail.items) {
		q.grow()
	}
	q.tail.items[q.w] = v
	q.w++
	q.n++
}

func (q *queue[T]) grow() {
	c := q.spare
	q.spare = nil
	if c == nil {
		size := minChunk
		if q.tail != nil {
			size = 2 * len(q.tail.items)
			if limit := max(minChunk, maxChunkBytes/max(1, int(unsafe.Sizeof(*new(T))))); size > limit {
				size = max(limit, len(q.tail.items))
			}
		}
		c = &chunk[T]{items: make([]T, size)}
	}
	if q.tail == nil {
		q.head, q.r = c, 0
	} else {
		q.tail.next = c
	}
	q.tail, q.w = c, 0
}

func (q *queue[T]) pop() T {
	var zero T
	h := q.head
	v := h.items[q.r]
	h.items[q.r] = zero
	q.r++
	q.n--
	switch {
	case q.n == 0:
		// Empty: write from the start of the same chunk again; any chunks
		// after it are the spare at most (pop moves past them as it reads).
		q.r, q.w = 0, 0
	case q.r == len(h.items):
		q.head, q.r = h.next, 0
		h.next = nil
		if q.spare == nil || len(h.items) > len(q.spare.items) {
			q.spare = h
		}
	}
	return v
}

// clear drops every message and gives the memory back.
func (q *queue[T]) clear() {
	*q = queue[T]{}
}
