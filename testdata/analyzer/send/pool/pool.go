// Package pool fans work out to isolates. Its generic helpers are boundaries
// for their type parameters: their callers are checked, not their bodies.
package pool

import (
	"context"
	"errors"

	"github.com/go-isolate/isolate/runtime"
)

// Broadcast sends msg to every port and joins the errors.
func Broadcast[T any](ports []runtime.SendPort[T], msg T) error { // want Broadcast:`boundary\(Send T0 arg 1\)`
	var errs []error
	for _, p := range ports {
		errs = append(errs, p.Send(msg))
	}
	return errors.Join(errs...)
}

// SendAll sends each message in order.
func SendAll[T any](p runtime.SendPort[T], msgs ...T) error { // want SendAll:`boundary\(Send T0 arg 1\)`
	for _, m := range msgs {
		if err := p.Send(m); err != nil {
			return err
		}
	}
	return nil
}

// Compute runs fn in a new isolate and hands its result back.
func Compute[R any](ctx context.Context, fn func(context.Context) (R, error)) (R, error) { // want Compute:`boundary\(Run T0 arg 1\)`
	return runtime.Run(ctx, fn)
}

// Go starts entry in a new isolate with msg.
func Go[M any](ctx context.Context, entry func(context.Context, M), msg M) (*runtime.Isolate, error) { // want Go:`boundary\(Spawn T0 arg 2\)`
	return runtime.Spawn(ctx, entry, msg)
}

// Hand moves v to p.
func Hand[T any](p runtime.SendPort[T], v T) error { // want Hand:`boundary\(Transfer T0 arg 1\)`
	return p.Transfer(v)
}

// Relay forwards everything in to every port of out.
func Relay[T any](ctx context.Context, in *runtime.ReceivePort[T], out []runtime.SendPort[T]) { // want Relay:`boundary\(Send T0\)`
	for v := range in.All(ctx) {
		_ = Broadcast(out, v)
	}
}

// Bus publishes values to its subscribers.
type Bus[T any] struct {
	subs []runtime.SendPort[T]
}

// Subscribe adds p.
func (b *Bus[T]) Subscribe(p runtime.SendPort[T]) { b.subs = append(b.subs, p) }

// Publish sends v to every subscriber.
func (b *Bus[T]) Publish(v T) { // want Publish:`boundary\(Send R0 arg 0\)`
	for _, p := range b.subs {
		_ = p.Send(v)
	}
}

// Counted pairs a value with a sequence number.
type Counted[T any] struct {
	Seq int
	V   T
}

// Numbered sends v wrapped with its sequence number: sendable when T is.
func Numbered[T any](p runtime.SendPort[Counted[T]], seq int, v T) error { // want Numbered:`boundary\(Send P0.a0\)`
	return p.Send(Counted[T]{Seq: seq, V: v})
}

// Number is the constraint of plain numbers: always sendable.
type Number interface {
	~int | ~int64 | ~float64
}

// Sum sends the total of xs; a Number always crosses.
func Sum[N Number](p runtime.SendPort[N], xs []N) error {
	var total N
	for _, x := range xs {
		total += x
	}
	return p.Send(total)
}

// SendSlice sends the whole slice, which no instantiation can copy.
func SendSlice[T any](p runtime.SendPort[[]T], batch []T) error {
	return p.Send(batch) // want `cannot send \[\]T to another isolate: \[\]T is shared mutable memory`
}

// Stream hands back a channel, which no instantiation can move.
func Stream[T any](ctx context.Context) (chan T, error) {
	return runtime.Run(ctx, func(ctx context.Context) (chan T, error) { // want `cannot return chan T from an isolate: chan T is a channel, which other goroutines may still use; send a runtime.SendPort instead`
		return make(chan T), nil
	})
}
