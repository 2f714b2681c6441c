package service

import (
	"context"

	"example.com/send/orders"
	"example.com/send/pool"

	"github.com/go-isolate/isolate/runtime"
)

// Notify tells every listener about a placed order, through the generic
// helpers of package pool: each call is judged with its own type argument.
func Notify(ctx context.Context, listeners []runtime.SendPort[orders.Summary], caches []runtime.SendPort[*orders.Cache], sum orders.Summary, c *orders.Cache, o *orders.Order) {
	_ = pool.Broadcast(listeners, sum)
	_ = pool.Broadcast(caches, c) // want `cannot send \*orders.Cache to another isolate through pool.Broadcast: Cache.items is map\[string\]\*orders.Entry \(shared mutable memory\); annotate Cache with //isolate:message and run go generate`
	_ = pool.SendAll(listeners, sum, sum)
	_ = pool.SendAll(caches[0], c, c) // want `cannot send \*orders.Cache to another isolate through pool.SendAll`
	_ = pool.SendAll(caches[0])       // nothing to send

	var bus pool.Bus[*orders.Order]
	bus.Publish(o)
	var cacheBus pool.Bus[*orders.Cache]
	cacheBus.Publish(c) // want `cannot send \*orders.Cache to another isolate through pool.Bus.Publish`

	_ = pool.Numbered(runtime.SendPort[pool.Counted[orders.Summary]]{}, 1, sum)
	_ = pool.Numbered(runtime.SendPort[pool.Counted[*orders.Order]]{}, 2, o) // want `cannot send pool.Counted\[\*orders.Order\] to another isolate through pool.Numbered: Counted.V is \*orders.Order \(copyable, inside a type that is not a message\)`
	_ = pool.Sum(runtime.SendPort[float64]{}, []float64{1, 2})
}

// Tally counts in an isolate; the map comes back moved.
func Tally(ctx context.Context, words []string) (map[string]int, error) {
	return pool.Compute(ctx, func(ctx context.Context) (map[string]int, error) {
		n := map[string]int{}
		for _, w := range words {
			n[w]++
		}
		return n, nil
	})
}

// Feed cannot hand its channel back.
func Feed(ctx context.Context) (chan int, error) {
	return pool.Compute(ctx, func(ctx context.Context) (chan int, error) { // want `cannot return chan int from an isolate through pool.Compute: chan int is a channel`
		return make(chan int), nil
	})
}

// Launch starts workers through pool.Go.
func Launch(ctx context.Context, o *orders.Order, c *orders.Cache) {
	_, _ = pool.Go(ctx, func(ctx context.Context, o *orders.Order) {}, o)
	_, _ = pool.Go(ctx, func(ctx context.Context, c *orders.Cache) {}, c) // want `cannot send \*orders.Cache to another isolate through pool.Go`
	_ = pool.Hand(runtime.SendPort[orders.Batch]{}, orders.Batch{})
	_ = pool.Hand(runtime.SendPort[orders.Job]{}, orders.Job{}) // want `cannot transfer orders.Job to another isolate through pool.Hand: Job.Done is chan struct{}`
}

// fanOut is a generic helper of this package built on another package's:
// it becomes a boundary itself, and its callers are judged.
func fanOut[T any](ports []runtime.SendPort[T], v T) error { // want fanOut:`boundary\(Send T0 arg 1\)`
	return pool.Broadcast(ports, v)
}

// forward relays through pool.Relay, which sends whatever it receives.
func forward(ctx context.Context, in *runtime.ReceivePort[*orders.Cache], out []runtime.SendPort[*orders.Cache]) {
	pool.Relay(ctx, in, out) // want `cannot send \*orders.Cache to another isolate through pool.Relay`
}

// Announce uses fanOut.
func Announce(sums []runtime.SendPort[orders.Summary], caches []runtime.SendPort[*orders.Cache], s orders.Summary, c *orders.Cache) {
	_ = fanOut(sums, s)
	_ = fanOut(caches, c)        // want `cannot send \*orders.Cache to another isolate through fanOut`
	_ = announceLater(caches, c) // want `cannot send \*orders.Cache to another isolate through announceLater`
}

// announceLater is declared after its caller and calls a helper declared
// after it: the inference does not depend on order.
func announceLater[T any](ports []runtime.SendPort[T], v T) error { // want announceLater:`boundary\(Send T0 arg 1\)`
	return lastly(ports, v)
}

func lastly[T any](ports []runtime.SendPort[T], v T) error { // want lastly:`boundary\(Send T0 arg 1\)`
	for _, p := range ports {
		if err := p.Send(v); err != nil {
			return err
		}
	}
	return nil
}
