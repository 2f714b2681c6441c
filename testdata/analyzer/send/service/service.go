// Package service places orders and prices them in worker isolates.
package service

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"example.com/send/orders"
	"example.com/send/pool"

	"github.com/go-isolate/isolate/runtime"
)

// Service routes orders to pricing workers.
type Service struct {
	orders    runtime.SendPort[*orders.Order]
	requests  runtime.SendPort[orders.Request]
	summaries runtime.SendPort[orders.Summary]
	events    runtime.SendPort[any]
	envelopes runtime.SendPort[orders.Envelope]
	caches    runtime.SendPort[*orders.Cache]
	jobs      runtime.SendPort[orders.Job]
	batches   runtime.SendPort[orders.Batch]
	ports     runtime.SendPort[runtime.SendPort[orders.Summary]]
	inbox     *runtime.ReceivePort[orders.Summary]
	catalog   *orders.Catalog
	cache     *orders.Cache
	log       *slog.Logger
}

// Place sends the order to the pricing workers.
func (s *Service) Place(ctx context.Context, o *orders.Order) error {
	if err := s.orders.Send(o); err != nil { // a pointer to a message is copied
		return err
	}
	req := orders.Request{Order: o, Reply: s.inbox.SendPort()}
	if err := s.requests.Send(req); err != nil { // a SendPort inside a message
		return err
	}
	sum := orders.Summary{ID: o.ID, Total: len(o.Items), Placed: time.Now()}
	_ = s.summaries.Send(sum)
	_ = s.ports.Send(s.inbox.SendPort())
	_ = s.events.Send(o)   // judged as *orders.Order, not as any
	_ = s.events.Send(sum) // judged as orders.Summary
	_ = s.events.Send(errors.New("placed"))
	_ = s.events.Send(s.cache)                                     // want `cannot send \*orders.Cache to another isolate: Cache.items is map\[string\]\*orders.Entry \(shared mutable memory\); annotate Cache with //isolate:message and run go generate`
	_ = s.events.Send(s.inbox)                                     // want `cannot send \*runtime.ReceivePort\[orders.Summary\] to another isolate: ReceivePort is runtime.ReceivePort\[orders.Summary\] \(a ReceivePort, which belongs to its isolate\); send its SendPort\(\) instead`
	_ = s.envelopes.Send(orders.Envelope{Seq: 1, Order: *o})       // want `cannot send orders.Envelope to another isolate: Envelope.Order is orders.Order \(copyable, inside a type that is not a message\); annotate Envelope with //isolate:message and run go generate`
	_ = s.caches.Send(s.cache)                                     // want `cannot send \*orders.Cache to another isolate: Cache.items is`
	_ = s.events.Send(s.catalog)                                   // unchecked: the author vouches
	_ = s.events.Send(s.log)                                       // on the allow-list
	_ = s.events.Send(map[string]int{"a": 1})                      // want `cannot send map\[string\]int to another isolate: map\[string\]int is shared mutable memory`
	_ = s.events.Send(func() {})                                   // want `cannot send func\(\) to another isolate: func\(\) is a func`
	_ = s.jobs.Send(orders.Job{ID: 1})                             // want `cannot send orders.Job to another isolate: Job.Done is chan struct{} \(a channel\); send a runtime.SendPort instead`
	_ = s.jobs.Transfer(orders.Job{ID: 2})                         // want `cannot transfer orders.Job to another isolate: Job.Done is chan struct{} \(a channel, which other goroutines may still use\); send a runtime.SendPort instead`
	_ = s.batches.Transfer(orders.Batch{Totals: map[string]int{}}) // moved, not copied
	_ = s.events.Send(s.cache)                                     //isolate:ignore the cache is frozen before the service starts
	return nil
}

// price runs in a worker isolate.
func price(ctx context.Context, req orders.Request) {
	_ = req.Reply.Send(orders.Summary{ID: req.Order.ID})
}

// Start spawns the workers.
func (s *Service) Start(ctx context.Context, o *orders.Order) error {
	if _, err := runtime.Spawn(ctx, price, orders.Request{Order: o}); err != nil {
		return err
	}
	if _, err := runtime.Spawn(ctx, func(ctx context.Context, c *orders.Catalog) {}, s.catalog); err != nil {
		return err
	}
	_, err := runtime.Spawn(ctx, func(ctx context.Context, c *orders.Cache) {}, s.cache) // want `cannot send \*orders.Cache to another isolate: Cache.items is map`
	return err
}

// Totals computes per-customer totals in an isolate; the map is moved back.
func Totals(ctx context.Context, placed []orders.Summary) (map[string]int, error) {
	return runtime.Run(ctx, func(ctx context.Context) (map[string]int, error) {
		totals := make(map[string]int)
		for _, p := range placed {
			totals[p.ID] += p.Total
		}
		return totals, nil
	})
}

// Watch cannot hand a channel back.
func Watch(ctx context.Context) (chan orders.Summary, error) {
	return runtime.Run(ctx, func(ctx context.Context) (chan orders.Summary, error) { // want `cannot return chan orders.Summary from an isolate: chan orders.Summary is a channel, which other goroutines may still use; send a runtime.SendPort instead`
		return make(chan orders.Summary), nil
	})
}

// Finish ends the worker with its last batch, moved to the collector.
func Finish(ctx context.Context, collector runtime.SendPort[orders.Batch], jobs runtime.SendPort[orders.Job], b orders.Batch) {
	if len(b.Orders) == 0 {
		runtime.Exit(ctx, jobs, orders.Job{}) // want `cannot transfer orders.Job to another isolate: Job.Done is chan struct{}`
	}
	runtime.Exit(ctx, collector, b)
}
