package testtypes

import (
	"fmt"
	"testing"
	"time"
)

// handCopy is the best hand-written deep copy of an Order: what a careful
// engineer writes, knowing the type.
func handCopy(in *Order) *Order {
	out := new(Order)
	*out = *in
	if in.Changes != nil {
		out.Changes = make([]string, len(in.Changes))
		copy(out.Changes, in.Changes)
	}
	if in.Items != nil {
		out.Items = make([]LineItem, len(in.Items))
		for i := range in.Items {
			src, dst := &in.Items[i], &out.Items[i]
			*dst = *src
			if src.Tags != nil {
				dst.Tags = make([]string, len(src.Tags))
				copy(dst.Tags, src.Tags)
			}
			if src.Discount != nil {
				d := *src.Discount
				if d.Until != nil {
					u := *d.Until
					d.Until = &u
				}
				dst.Discount = &d
			}
		}
	}
	if in.Attrs != nil {
		m := make(map[string]*Attr, len(in.Attrs))
		for k, v := range in.Attrs {
			if v != nil {
				a := *v
				if a.Flags != nil {
					a.Flags = make([]bool, len(v.Flags))
					copy(a.Flags, v.Flags)
				}
				v = &a
			}
			m[k] = v
		}
		out.Attrs = m
	}
	if in.Tags != nil {
		out.Tags = make([]string, len(in.Tags))
		copy(out.Tags, in.Tags)
	}
	for i, t := range in.Totals {
		if t != nil {
			c := *t
			out.Totals[i] = &c
		}
	}
	if in.Matrix != nil {
		out.Matrix = make([][]int, len(in.Matrix))
		for i, row := range in.Matrix {
			if row != nil {
				out.Matrix[i] = make([]int, len(row))
				copy(out.Matrix[i], row)
			}
		}
	}
	if in.Note != nil {
		n := *in.Note
		out.Note = &n
	}
	if in.Depth != nil {
		p := new(*int)
		if *in.Depth != nil {
			v := **in.Depth
			*p = &v
		}
		out.Depth = p
	}
	if in.Ship.Lines != nil {
		out.Ship.Lines = make([]string, len(in.Ship.Lines))
		copy(out.Ship.Lines, in.Ship.Lines)
	}
	if in.Sizes != nil {
		m := make(map[string][]int, len(in.Sizes))
		for k, v := range in.Sizes {
			if v != nil {
				c := make([]int, len(v))
				copy(c, v)
				v = c
			}
			m[k] = v
		}
		out.Sizes = m
	}
	if in.memo != nil {
		out.memo = make([]byte, len(in.memo))
		copy(out.memo, in.memo)
	}
	return out
}

// realisticOrder is a mid-sized order: 20 line items, 8 attributes.
func realisticOrder() *Order {
	until := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	note := "leave at the door"
	o := &Order{
		Audit:    Audit{CreatedBy: "api", Created: time.Now(), Changes: []string{"created", "paid"}},
		ID:       1234567,
		Customer: "ACME Corporation",
		Placed:   time.Now(),
		Tags:     []string{"priority", "gift", "eu", "repeat"},
		Attrs:    map[string]*Attr{},
		Note:     &note,
	}
	o.Ship.Street, o.Ship.City, o.Ship.Lines = "1 Main St", "Springfield", []string{"Floor 3"}
	for i := range 20 {
		it := LineItem{SKU: fmt.Sprintf("SKU-%05d", i), Name: "Widget", Qty: i + 1, Price: Money{Units: int64(10 + i), Currency: "EUR"}, Tags: []string{"a", "b"}}
		if i%4 == 0 {
			it.Discount = &Discount{Code: "TEN", Percent: 10, Until: &until}
		}
		o.Items = append(o.Items, it)
	}
	for i := range 8 {
		o.Attrs[fmt.Sprint("attr", i)] = &Attr{Value: "v", Weight: float64(i), Flags: []bool{true, false}}
	}
	o.Totals[0] = &Money{Units: 500, Currency: "EUR"}
	return o
}

func TestHandCopyMatchesGenerated(t *testing.T) {
	o := realisticOrder()
	checkEqual(t, o.DeepCopy(), handCopy(o))
}

func checkEqual(t *testing.T, a, b *Order) {
	t.Helper()
	if diff := cmpDiff(a, b); diff != "" {
		t.Fatal(diff)
	}
}

// Copies are stored here so that they escape as they would in a program:
// a discarded copy of an inlined DeepCopy could live on the stack, which
// the hand-written copy does not get.
var (
	sinkOrder     *Order
	sinkTree      *Tree
	sinkIdentTree *IdentTree
)

// BenchmarkDeepCopyOrder compares the generated copy of a realistic order
// with the hand-written one.
func BenchmarkDeepCopyOrder(b *testing.B) {
	o := realisticOrder()
	b.Run("generated", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkOrder = o.DeepCopy()
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkOrder = handCopy(o)
		}
	})
}

func buildTree(depth int) *Tree {
	if depth == 0 {
		return nil
	}
	return &Tree{Left: buildTree(depth - 1), Right: buildTree(depth - 1), Value: depth, Label: "node"}
}

func buildIdentTree(depth int) *IdentTree {
	if depth == 0 {
		return nil
	}
	return &IdentTree{Left: buildIdentTree(depth - 1), Right: buildIdentTree(depth - 1), Value: depth, Label: "node"}
}

// BenchmarkDeepCopyTreeShaped compares the identity-keeping copy with the
// tree copy of the same tree-shaped value (255 nodes).
func BenchmarkDeepCopyTreeShaped(b *testing.B) {
	t, it := buildTree(8), buildIdentTree(8)
	b.Run("tree", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkTree = t.DeepCopy()
		}
	})
	b.Run("identity", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkIdentTree = it.DeepCopy()
		}
	})
}
