package service

import (
	"context"

	"example.com/send/orders"
)

// Reservation is the answer of Inventory.Reserve.
type Reservation struct {
	SKU     string
	Qty     int
	Expires int64
}

// Event is what Inventory.Watch reports.
type Event struct{ SKU string }

// Inventory is served by an isolate through a generated port.
//
//isolate:port
type Inventory interface {
	Reserve(ctx context.Context, sku string, qty int) (Reservation, error)
	Restock(ctx context.Context, o *orders.Order) error
	Levels(ctx context.Context) (map[string]int, error)               // want `port method Inventory.Levels cannot return map\[string\]int across isolates: map\[string\]int is shared mutable memory`
	Watch(ctx context.Context, events chan<- Event) error             // want `port method Inventory.Watch cannot take chan<- Event across isolates: chan<- Event is a channel; send a runtime.SendPort instead`
	Prime(ctx context.Context, c *orders.Cache, skus ...string) error // want `port method Inventory.Prime cannot take \*orders.Cache across isolates: Cache.items is` `port method Inventory.Prime cannot take \[\]string across isolates`
	Auditor                                                           // want `port method Inventory.Audit cannot return \[\]Event across isolates: \[\]Event is shared mutable memory`
}

// Auditor is embedded in Inventory: its methods are the port's too.
type Auditor interface {
	Audit(ctx context.Context, since int64) ([]Event, error)
}

// Ledger is an ordinary interface: not a port, never judged.
type Ledger interface {
	Entries() map[string][]Event
}
