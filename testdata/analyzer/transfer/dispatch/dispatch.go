// Package dispatch hands orders to the isolates that ship them.
package dispatch

import (
	"context"
	"fmt"
	"log"

	"github.com/go-isolate/isolate/runtime"

	"example.com/transfer/orders"
)

// Ship moves one order to the shipping isolate. A failed transfer moved
// nothing, so the order is still ours on the error branch.
func Ship(out runtime.SendPort[*orders.Order], id string) error {
	o := orders.New(id)
	if err := out.Transfer(o); err != nil {
		log.Printf("keeping order %s: %v", o.ID, err)
		return err
	}
	fmt.Println("shipped", o.ID) // want `o used after its ownership was transferred to another isolate`
	return nil
}

// Route moves urgent orders and queues the others.
func Route(urgent, normal runtime.SendPort[*orders.Order], o *orders.Order, isUrgent bool) {
	if isUrgent {
		_ = urgent.Transfer(o)
		log.Printf("urgent %s", o.ID) // want `o used after its ownership was transferred to another isolate`
	} else {
		o.Note = "queued" // this branch never moved o
		_ = normal.Transfer(o)
	}
}

// Tag marks an order after maybe moving it: wrong on one path.
func Tag(out runtime.SendPort[*orders.Order], o *orders.Order, now bool) {
	if now {
		_ = out.Transfer(o)
	}
	o.Tags["seen"] = "yes" // want `o used after its ownership was transferred to another isolate`
}

// Restock moves the order, then starts a fresh one in the same variable.
func Restock(out runtime.SendPort[*orders.Order]) *orders.Order {
	o := orders.New("restock-1")
	_ = out.Transfer(o)
	o = orders.New("restock-2")
	o.Note = "new"
	return o
}

// ShipAll moves a freshly made order on every iteration.
func ShipAll(ctx context.Context, out runtime.SendPort[*orders.Order], ids []string) error {
	for _, id := range ids {
		o := orders.New(id)
		o.Note = "bulk"
		if err := out.Transfer(o); err != nil {
			return err
		}
	}
	for i := range 3 {
		o := &orders.Order{ID: fmt.Sprint("extra-", i)}
		_ = out.Transfer(o)
	}
	return nil
}

// Batch fills batches of items and moves each full one, starting afresh.
func Batch(out runtime.SendPort[[]orders.Item], items []orders.Item) {
	var batch []orders.Item
	for _, it := range items {
		batch = append(batch, it)
		if len(batch) == 10 {
			_ = out.Transfer(batch)
			batch = nil
		}
	}
	if len(batch) > 0 {
		_ = out.Transfer(batch)
	}
}

// Resend moves the same order twice.
func Resend(out runtime.SendPort[*orders.Order], o *orders.Order) {
	for range 2 {
		_ = out.Transfer(o) // want `o used after its ownership was transferred to another isolate`
	}
}

// Forward moves each order it was given: elements of a slice are distinct.
func Forward(out runtime.SendPort[*orders.Order], pending []*orders.Order) {
	for _, o := range pending {
		_ = out.Transfer(o)
	}
	for i := range pending {
		_ = out.Transfer(pending[i])
	}
}

// ShipFilled moves each order of a batch it filled itself: moving one
// element restricts neither the others nor the batch.
func ShipFilled(out runtime.SendPort[*orders.Order], ids []string) int {
	batch := make([]*orders.Order, 0, len(ids))
	for _, id := range ids {
		batch = append(batch, orders.New(id))
	}
	for _, o := range batch {
		_ = out.Transfer(o)
	}
	return len(batch)
}

// Count uses only the length of what it moved.
func Count(out runtime.SendPort[[]orders.Item], tags runtime.SendPort[map[string]string], items []orders.Item, m map[string]string) int {
	_ = out.Transfer(items)
	_ = tags.Transfer(m)
	return len(items) + cap(items) + len(m)
}

// Summarize sends a sendable value: a copy, which restricts nothing.
func Summarize(out runtime.SendPort[orders.Summary], o *orders.Order) {
	s := orders.Summary{ID: o.ID, Count: len(o.Items)}
	_ = out.Transfer(s)
	s.Count++
	fmt.Println(s)
}

// Report logs only the first use of a moved order on each path.
func Report(out runtime.SendPort[*orders.Order], o *orders.Order) {
	_ = out.Transfer(o)
	log.Printf("moved %s", o.ID) // want `o used after its ownership was transferred to another isolate`
	log.Printf("note %s", o.Note)
	log.Printf("items %d", len(o.Items))
}

// Anything moves through a port of any: its own type is judged.
func Anything(out runtime.SendPort[any], o *orders.Order) {
	_ = out.Transfer(o)
	o.Note = "gone" // want `o used after its ownership was transferred to another isolate`
}

// Quiet is silenced on purpose.
func Quiet(out runtime.SendPort[*orders.Order], o *orders.Order) {
	_ = out.Transfer(o)
	fmt.Println(o.ID) //isolate:ignore the shipping isolate only reads the order, and this test pins it
}
