// Package message holds the messages every copier in this module is measured
// on: the same values for all, so that the numbers compare.
//
// Order is the realistic message: what a shop's order service hands to a
// worker. It has strings, a nested struct, line items in a slice of structs,
// tags, a map of pointers, a time.Time and an optional pointer. Its values are
// trees: nothing in it is shared or cyclic, so copiers that do not track
// identity copy it correctly.
//
// Basket is the cyclic variant: every item points back to its basket, and the
// basket's shopper lists the basket among their baskets. A copier that does
// not keep cycles recurses forever on it.
//
// Ledger is the smallest message with unexported fields: a copier that
// skips them silently loses data.
package message

//go:generate go run github.com/go-isolate/isolate/cmd/isolategen

import "time"

// Order is the realistic message; wire gives it the generated wire codec
// of package remote.
//
//isolate:message wire
type Order struct {
	ID        string
	Customer  Customer
	Items     []LineItem
	Products  map[string]*Product // by SKU
	Tags      []string
	Attrs     map[string]string
	CreatedAt time.Time
	Shipping  *Address // nil for a pickup order
	Note      string
	Total     int64 // cents
}

// Customer is sendable: strings and a struct of strings.
type Customer struct {
	ID, Name, Email string
	Address         Address
}

// Address is sendable.
type Address struct {
	Street, City, Zip, Country string
}

// LineItem is one line of an order.
//
//isolate:message
type LineItem struct {
	SKU        string
	Quantity   int
	PriceCents int64
	Tags       []string // nil when the line has none
}

// Product is the catalogue entry a line refers to.
//
//isolate:message
type Product struct {
	SKU, Name, Description string
	PriceCents             int64
	Dimensions             [3]float64 // cm
	Tags                   []string
}

// Basket is the cyclic variant of Order.
//
//isolate:message
type Basket struct {
	ID    string
	Owner *Shopper
	Items []*BasketItem
	Tags  []string
	Saved time.Time
}

// BasketItem points back to the basket that holds it.
//
//isolate:message
type BasketItem struct {
	Basket   *Basket
	Product  *Product
	Quantity int
}

// Shopper lists their baskets, the current one among them.
//
//isolate:message
type Shopper struct {
	Name    string
	Baskets []*Basket
}

// Ledger has unexported fields only, as a type whose invariants its
// package guards does.
//
//isolate:message
type Ledger struct {
	owner   string
	entries []int64
	index   map[string]int
}

// NewLedger returns a small ledger; its fields can be read back with
// Owner, Entries and Index.
func NewLedger() *Ledger {
	return &Ledger{
		owner:   "acct-7",
		entries: []int64{120, -40, 999, 13},
		index:   map[string]int{"rent": 0, "refund": 1, "laptop": 2, "fee": 3},
	}
}

// Owner returns the ledger's owner.
func (l *Ledger) Owner() string { return l.owner }

// Entries returns the ledger's entries (not a copy).
func (l *Ledger) Entries() []int64 { return l.entries }

// Index returns the ledger's index (not a copy).
func (l *Ledger) Index() map[string]int { return l.index }
