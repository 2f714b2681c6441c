package runtime

import (
	"context"
	"errors"
)

// SpawnPortPool starts size isolates that serve one shared port, the
// runtime side of a generated SpawnIPool: each isolate runs entry(ctx,
// port) with its own context (Current(ctx) is that isolate) and the same
// port, so that state entry makes is born in, and stays in, its isolate.
// A message sent to the returned SendPort goes to whichever isolate
// receives first: the first free one. SpawnPortPool returns at once,
// without waiting for the isolates to run.
//
// The port belongs to the pool, not to any one isolate: it stays open while
// isolates come and go, and messages wait in it (unbounded, as a Spawn
// port) until an isolate is free. An isolate whose entry returns, panics
// or is killed is replaced by a new one running entry afresh, while the
// pool is open. Each entry must return once Receive fails: the port has
// closed or its isolate was killed.
//
// Close stops accepting (Send and Transfer return ErrClosed), drops the
// messages still queued, lets the isolates finish the messages in hand and
// returns once every isolate has ended; then Done closes. A caller waiting
// for a reply to a dropped message learns it from Reply.WaitPool.
// Cancelling ctx closes the pool and kills its isolates, which cancels
// their contexts. opts apply to each isolate as in NewPool. Errors are as
// for NewPool.
func SpawnPortPool[T any](ctx context.Context, size int, entry func(ctx context.Context, port *ReceivePort[T]), opts ...Option) (SendPort[T], *Pool, error) {
	if entry == nil {
		return SendPort[T]{}, nil, errors.New("isolate: SpawnPortPool with a nil entry")
	}
	p, err := newPool(ctx, size, opts)
	if err != nil {
		return SendPort[T]{}, nil, err
	}
	// Owned by no isolate: it lives until the pool closes it.
	port := NewReceivePort[T](context.Background())
	p.closePort = func() { port.Close() }
	p.start = func() error {
		s := &spawned[*ReceivePort[T]]{entry: entry, msg: port}
		if err := p.initMemberLocked(&s.Isolate); err != nil {
			return err
		}
		go p.serveMember(s)
		return nil
	}
	if err := p.fill(); err != nil {
		return SendPort[T]{}, nil, err
	}
	return port.SendPort(), p, nil
}

// serveMember is the goroutine of an isolate of a port pool.
func (p *Pool) serveMember(e entrant) {
	defer func() {
		p.mu.Lock()
		p.memberGoneLocked()
		p.mu.Unlock()
	}()
	run(e)
}
