// Package orders defines the messages of an order service.
package orders

// Item is one line of an order.
type Item struct {
	SKU string
	Qty int
}

// Order is moved between isolates rather than copied.
//
//isolate:message
type Order struct {
	ID    string
	Items []Item
	Tags  map[string]string
	Note  string
}

// New returns an empty order.
func New(id string) *Order {
	return &Order{ID: id, Tags: map[string]string{}}
}

// Summary is sendable: a plain copy shares nothing.
type Summary struct {
	ID    string
	Count int
}

// DeepCopyInto copies in into out.
func (in *Order) DeepCopyInto(out *Order) {
	*out = *in
	out.Items = append([]Item(nil), in.Items...)
	out.Tags = make(map[string]string, len(in.Tags))
	for k, v := range in.Tags {
		out.Tags[k] = v
	}
}

// DeepCopy returns a copy of in.
func (in *Order) DeepCopy() *Order {
	out := new(Order)
	in.DeepCopyInto(out)
	return out
}

// Transfer moves the order out of in and leaves *in zero, as the generated
// method does.
func (in *Order) Transfer() Order {
	out := *in
	*in = Order{}
	return out
}
