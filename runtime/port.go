package runtime

import (
	"context"
	"iter"
	"sync"
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
type SendPort[T any] struct {
	p *port[T]
}

// port is the state shared by a ReceivePort and its SendPorts: a ring buffer
// guarded by mu, plus the channels that wake blocked receivers and senders.
type port[T any] struct {
	mu          sync.Mutex
	buf         []T // ring buffer; its length grows by doubling
	head, n     int
	limit       int // 0: unbounded
	closed      bool
	closeErr    error
	recvWaiters int
	sendWaiters int
	notify      chan struct{} // cap 1: a message was queued, or the port closed (made on first wait)
	room        chan struct{} // cap 1: a message was taken, or the port closed (bounded ports)
	closedCh    chan struct{} // closed on close, for receivers of a paused isolate (made on first wait)
	copy        copier[T]     // nil: send the plain value
	owner       *Isolate      // nil: belongs to no isolate
	idx         int           // position in owner.ports, -1 when not there; guarded by owner.mu
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
			p.closed, p.closeErr, p.closedCh = true, o.portErr, closedChan
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
		return ErrClosed
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
		return ErrClosed
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

// put queues v; force ignores the capacity.
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
		if force || p.limit == 0 || p.n < p.limit {
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
	p.pushLocked(v)
	var notify chan struct{}
	if p.recvWaiters > 0 {
		notify = p.notify
	}
	if p.sendWaiters > 0 && p.n < p.limit {
		signal(p.room) // pass the wake-up on to the next blocked sender
	}
	p.mu.Unlock()
	if notify != nil {
		// After the unlock, so that the receiver it wakes does not find
		// the lock still held.
		signal(notify)
	}
	return nil
}

func (p *port[T]) pushLocked(v T) {
	if p.n == len(p.buf) {
		size := 2 * len(p.buf)
		if size < 8 {
			size = 8
		}
		if p.limit > 0 && p.n < p.limit && size > p.limit {
			size = p.limit
		}
		buf := make([]T, size)
		k := copy(buf, p.buf[p.head:])
		copy(buf[k:], p.buf[:p.head])
		p.buf, p.head = buf, 0
	}
	i := p.head + p.n
	if i >= len(p.buf) {
		i -= len(p.buf)
	}
	p.buf[i] = v
	p.n++
}

func (p *port[T]) popLocked() T {
	var zero T
	v := p.buf[p.head]
	p.buf[p.head] = zero
	p.head++
	if p.head == len(p.buf) {
		p.head = 0
	}
	p.n--
	if p.n == 0 && len(p.buf) > 4096 {
		// Give a burst's memory back rather than keep it for the port's life.
		p.buf, p.head = nil, 0
	}
	if p.sendWaiters > 0 {
		signal(p.room)
	}
	if p.n > 0 && p.recvWaiters > 0 {
		signal(p.notify) // pass the wake-up on to the next blocked receiver
	}
	return v
}

// receive is Receive. While its isolate has no event pending (no flag set),
// it takes only the port's lock, also to block: the owner's state word
// counts it as blocked without the owner's lock (see Isolate.state).
// Otherwise it is receiveSlow.
func (p *port[T]) receive(ctx context.Context) (v T, err error) {
	o := p.owner
	// The owner's own ctx ends only by a kill, which closes the port first
	// and wakes its receivers: no need to watch it (a select costs more than
	// a plain channel receive).
	ownCtx := o != nil && ctx == o.ctx
	p.mu.Lock()
	for {
		// The flags are read under p.mu: Pause's barrier relies on it.
		if o != nil && o.state.Load()&flagMask != 0 {
			break
		}
		switch {
		case p.closed:
			err = p.closeErr
			if p.recvWaiters > 0 {
				signal(p.notify) // wake the next receiver: it must see the close too
			}
			p.mu.Unlock()
			return v, err
		case p.n > 0:
			v = p.popLocked()
			p.mu.Unlock()
			return v, nil
		case !ownCtx && ctx.Err() != nil:
			p.mu.Unlock()
			return v, ctx.Err()
		}
		if p.notify == nil {
			p.notify = make(chan struct{}, 1)
		}
		notify := p.notify
		p.recvWaiters++
		p.mu.Unlock()
		if o != nil && !o.enterBlocked() {
			// An event arrived since: receiveSlow handles it.
			p.mu.Lock()
			p.recvWaiters--
			break
		}
		var ctxDone <-chan struct{}
		if !ownCtx {
			ctxDone = ctx.Done()
		}
		if ctxDone == nil {
			<-notify // a plain receive costs less than a select
		} else {
			select {
			case <-notify:
			case <-ctxDone:
			}
		}
		// No longer blocked before anything is taken: a Kill or Ping from
		// now on sets its flag, and the check above sees it.
		if o != nil {
			o.leaveBlocked()
		}
		p.mu.Lock()
		p.recvWaiters--
	}
	p.mu.Unlock()
	return p.receiveSlow(ctx)
}

// receiveSlow is Receive when its isolate has an event pending (kill, ping,
// pause). Lock order: owner.mu, then p.mu.
func (p *port[T]) receiveSlow(ctx context.Context) (v T, err error) {
	o := p.owner
	// The owner's own ctx ends only by a kill, which closes the port first
	// and wakes its receivers: no need to watch it (a select costs more than
	// a plain channel receive).
	ownCtx := o != nil && ctx == o.ctx
	blocked, waiting := false, false
	for {
		paused := false
		var unpaused chan struct{}
		if o != nil {
			o.mu.Lock()
			if f := o.state.Load() & flagMask; f != 0 {
				if f&flagKill != 0 && !o.killed {
					o.killLocked(ErrKilled, ErrKilled)
				}
				if f&flagPing != 0 {
					o.answerPingsLocked()
				}
				if f&flagPaused != 0 && o.rare != nil && len(o.rare.pauses) > 0 {
					paused, unpaused = true, o.rare.unpaused
				}
			}
		}
		p.mu.Lock()
		if waiting {
			p.recvWaiters--
			waiting = false
		}
		done := true
		switch {
		case p.closed:
			err = p.closeErr
			if p.recvWaiters > 0 {
				signal(p.notify) // wake the next receiver: it must see the close too
			}
		case p.n > 0 && !paused:
			v = p.popLocked()
		case !ownCtx && ctx.Err() != nil:
			err = ctx.Err()
			if p.n > 0 && p.recvWaiters > 0 {
				signal(p.notify) // a wake-up this receiver took belongs to another
			}
		default:
			done = false
		}
		if done {
			p.mu.Unlock()
			if o != nil {
				if blocked {
					o.leaveBlocked()
				}
				o.mu.Unlock()
			}
			return v, err
		}
		var notify, closed chan struct{}
		if paused {
			closed = p.ensureClosedChLocked()
		} else {
			if p.notify == nil {
				p.notify = make(chan struct{}, 1)
			}
			notify = p.notify
			p.recvWaiters++
			waiting = true
		}
		p.mu.Unlock()
		if o != nil {
			if !blocked {
				o.state.Add(blockedOne)
				blocked = true
			}
			o.mu.Unlock()
		}
		var ctxDone <-chan struct{}
		if !ownCtx {
			ctxDone = ctx.Done()
		}
		switch {
		case paused:
			select {
			case <-closed:
			case <-unpaused:
			case <-ctxDone:
			}
		case ctxDone == nil:
			<-notify
		default:
			select {
			case <-notify:
			case <-ctxDone:
			}
		}
	}
}

// shut closes the port with the error Receive reports from now on.
func (p *port[T]) shut(err error) {
	p.mu.Lock()
	if !p.closed {
		p.closed, p.closeErr = true, err
		clear(p.buf)
		p.buf, p.head, p.n = nil, 0, 0
		if p.closedCh == nil {
			p.closedCh = closedChan
		} else {
			close(p.closedCh)
		}
		// Blocked receivers and senders wait on notify and room alone; each
		// one woken passes the wake-up on.
		if p.recvWaiters > 0 {
			signal(p.notify)
		}
		if p.sendWaiters > 0 {
			signal(p.room)
		}
	}
	p.mu.Unlock()
}

// barrier waits until no Receive holds the port's lock, so that every later
// one sees the owner's flags as they are now.
func (p *port[T]) barrier() {
	p.mu.Lock()
	p.mu.Unlock() //nolint:staticcheck // an empty critical section is the point
}

func (p *port[T]) index() int     { return p.idx }
func (p *port[T]) setIndex(i int) { p.idx = i }
