// Package slab holds collections whose elements' pointees and small slices
// are copied from one backing array per collection (a slab).
package slab

// Product is reached through a map of pointers.
type Product struct {
	SKU  string
	Tags []string
	Dims [3]float64
}

// Line is an element of a slice of structs.
//
//isolate:message
type Line struct {
	SKU  string
	Tags []string
	Qty  []int
}

//isolate:message
type Order struct {
	Lines    []Line
	Products map[string]*Product
	Ptrs     []*Product
	Tags     []string
}
