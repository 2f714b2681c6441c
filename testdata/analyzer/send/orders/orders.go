// Package orders holds the domain types of the order service.
package orders

import (
	"sync"
	"time"

	"github.com/go-isolate/isolate/runtime"
)

// Order is placed by a customer; the generated deep copy makes it copyable.
//
//isolate:message
type Order struct {
	ID       string
	Customer string
	Items    []Item
	Notes    map[string]string
}

// Item is one line of an order.
type Item struct {
	SKU string
	Qty int
}

// Summary is sendable as it is: plain values only.
type Summary struct {
	ID     string
	Total  int
	Placed time.Time
}

// Request asks a worker to price an order; the reply port travels with it.
//
//isolate:message
type Request struct {
	Order *Order
	Reply runtime.SendPort[Summary]
}

// Envelope is not a message: its Order would be shared, not copied.
type Envelope struct {
	Seq   int
	Order Order
}

// Catalog is internally synchronized, so the author vouches for it.
//
//isolate:unchecked
type Catalog struct {
	mu     sync.RWMutex
	prices map[string]int
}

// Price returns the price of sku.
func (c *Catalog) Price(sku string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.prices[sku]
}

// Cache keeps recent lookups; nothing protects it.
type Cache struct {
	items map[string]*Entry
}

// Entry is one cached value.
type Entry struct {
	Value   []byte
	Expires time.Time
}

// Job is a unit of work with a completion signal.
type Job struct {
	ID   int
	Done chan struct{}
}

// Batch is plain data that can be moved but not copied.
type Batch struct {
	Orders []Summary
	Totals map[string]int
}
