package dispatch

import (
	"fmt"

	"github.com/go-isolate/isolate/runtime"

	"example.com/transfer/orders"
)

// ledger keeps the last order it saw.
type ledger struct {
	last  *orders.Order
	count int
}

// Record keeps the order in the ledger before moving it.
func Record(out runtime.SendPort[*orders.Order], l *ledger, o *orders.Order) {
	l.last = o
	_ = out.Transfer(o)
	l.count++                // another field: fine
	fmt.Println(l.last.Note) // want `l.last shares memory with o and is used after its ownership was transferred to another isolate`
}

// Replace keeps the order, then replaces it before moving it.
func Replace(out runtime.SendPort[*orders.Order], l *ledger, o, next *orders.Order) {
	l.last = o
	l.last = next
	_ = out.Transfer(o)
	fmt.Println(l.last.Note)
}

// Audit collects orders in a slice before moving one.
func Audit(out runtime.SendPort[*orders.Order], o *orders.Order) {
	var seen []*orders.Order
	seen = append(seen, o)
	_ = out.Transfer(o)
	fmt.Println(len(seen)) // the length only: fine
	for _, x := range seen {
		fmt.Println(x.ID) // want `x shares memory with o and is used after its ownership was transferred to another isolate`
	}
}

// Index keeps the order in a map before moving it.
func Index(out runtime.SendPort[*orders.Order], o *orders.Order) {
	byID := map[string]*orders.Order{}
	byID[o.ID] = o
	_ = out.Transfer(o)
	fmt.Println(byID["a"].Note) // want `byID\["a"\] shares memory with o and is used after its ownership was transferred to another isolate`
}

// Detach takes the items out of the order before moving it: they stay.
func Detach(out runtime.SendPort[*orders.Order], o *orders.Order) []orders.Item {
	items := o.Items
	o.Items = nil
	_ = out.Transfer(o)
	return items
}

// Later keeps the order in a closure before moving it.
func Later(out runtime.SendPort[*orders.Order], o *orders.Order) {
	show := func() { fmt.Println(o.ID) }
	_ = out.Transfer(o)
	show() // want `show shares memory with o and is used after its ownership was transferred to another isolate`
}

// Parts keeps a part of the order before moving it.
func Parts(out runtime.SendPort[*orders.Order], o *orders.Order) {
	items := o.Items
	_ = out.Transfer(o)
	items[0].Qty++ // want `items shares memory with o and is used after its ownership was transferred to another isolate`
}

// Rename keeps another name for the order before moving it.
func Rename(out runtime.SendPort[*orders.Order], o *orders.Order) {
	keep := o
	_ = out.Transfer(o)
	keep.Note = "kept" // want `keep shares memory with o and is used after its ownership was transferred to another isolate`
}

// Unpack moves an order out of a value with its Transfer method: the
// source is left zero and may be used again.
func Unpack(out runtime.SendPort[orders.Order], m orders.Order) {
	v := m.Transfer()
	_ = out.Transfer(v)
	m.ID = "reused"
	fmt.Println(len(m.Items), m.Note)
	fmt.Println(v.Items[0].SKU) // want `v used after its ownership was transferred to another isolate`
}
