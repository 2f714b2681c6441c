package runtime

import (
	"context"
	"errors"
	goruntime "runtime"
)

// This file is the runtime side of request/response calls, such as the
// methods of a generated //isolate:port: a server isolate that owns its
// request port from birth (SpawnPort), and a reusable one-shot signal that
// carries "your reply is ready" back to the caller (Reply).

// SpawnPort starts a new isolate, as Spawn does, that owns a new ReceivePort
// from its birth: entry receives that port, and SpawnPort returns its
// SendPort at once, without waiting for the isolate to run. Messages sent
// before the entry starts (also while the isolate is paused, WithPaused)
// wait in the port. The port is owned by the isolate, as one its entry made
// with NewReceivePort: it closes when the isolate ends, and receives from
// it are the isolate's events.
//
// It is the start of a server isolate, such as the one a generated
// //isolate:port serves its calls in. Errors are as for Spawn.
func SpawnPort[T any](ctx context.Context, entry func(ctx context.Context, port *ReceivePort[T]), opts ...Option) (SendPort[T], *Isolate, error) {
	if entry == nil {
		return SendPort[T]{}, nil, errors.New("isolate: SpawnPort with a nil entry")
	}
	s := &spawned[*ReceivePort[T]]{entry: entry}
	o := &s.Isolate
	if err := initIsolate(o, ctx, opts, true, false); err != nil {
		return SendPort[T]{}, nil, err
	}
	// o.context() carries the isolate, so the port is owned by it (and born
	// closed if a cancelled parent has already killed it).
	s.msg = NewReceivePort[T](o.context())
	go run(s)
	return s.msg.SendPort(), o, nil
}

// Reply is a one-shot signal from a server isolate to a caller waiting for
// its reply: the caller puts a Reply (with the request's arguments and room
// for its results) in the message it sends, the server writes the results
// and calls Done, and the caller's Wait returns and reads them. Done
// happens before Wait returns nil, so the results need no other
// synchronisation.
//
// A Reply may be reused for the next call once Wait has returned nil, which
// is what makes pooling requests cheap: no allocation per call. After Wait
// returned an error, the server may still call Done later: the caller must
// drop the Reply (and the request it belongs to) rather than reuse it; the
// late signal then costs nothing and leaks nothing.
//
// The zero Reply is not usable: make one with NewReply.
type Reply struct {
	c chan struct{}
}

// NewReply returns a Reply ready for its first call.
func NewReply() Reply {
	return Reply{make(chan struct{}, 1)}
}

// Done tells the waiting caller that the reply is ready. It never blocks;
// call it once per call, after writing the results.
func (r Reply) Done() {
	r.c <- struct{}{}
}

// Wait blocks until Done is called and returns nil; or until server has
// ended (ErrClosed: the request will not be served, or was cut short by a
// fatal error that this reply does not carry); or until ctx ends
// (ctx.Err(); the server may still serve the request later). A reply that
// is ready wins over both. A nil ctx, or one that never ends, waits for the
// reply or the server's end only.
func (r Reply) Wait(ctx context.Context, server *Isolate) error {
	return r.wait(ctx, server.Done())
}

// WaitPool is Wait for a request to a port pool (SpawnPortPool), whose
// calls no single isolate serves: it blocks until Done is called (nil), the
// pool has shut down and every isolate of it has ended (ErrClosed: the
// request was dropped by Close, or cut short by a fatal error that this
// reply does not carry), or ctx ends (ctx.Err(); an isolate may still
// serve the request later). A reply that is ready wins over both.
func (r Reply) WaitPool(ctx context.Context, pool *Pool) error {
	return r.wait(ctx, pool.done)
}

// wait is Wait with the channel that closes when the server has ended.
func (r Reply) wait(ctx context.Context, serverDone <-chan struct{}) error {
	// Yield once first, as a receive does before it blocks: the server,
	// just handed the request, is often runnable on this processor, and
	// a short call is then answered before this caller would have parked.
	goruntime.Gosched()
	select {
	case <-r.c:
		return nil
	default:
	}
	var ctxDone <-chan struct{}
	if ctx != nil {
		ctxDone = ctx.Done()
	}
	select {
	case <-r.c:
		return nil
	case <-serverDone:
		select {
		case <-r.c:
			return nil
		default:
			return ErrClosed
		}
	case <-ctxDone:
		select {
		case <-r.c:
			return nil
		default:
			return ctx.Err()
		}
	}
}
