// Package generic holds generic message types whose constraints make a
// copy possible.
package generic

import "time"

// Number is a constraint of sendable types.
type Number interface {
	~int | ~int64 | ~float64
}

//isolate:message
type Series[T Number] struct {
	Name   string
	Points []T
	Last   *T
	ByDay  map[time.Weekday][]T
}

//isolate:message
type Pair[K ~string | ~int, V Number] struct {
	Values map[K]V
	Keys   []K
}

//isolate:message
type Chain[T Number] struct {
	Value T
	Next  *Chain[T]
}

//isolate:message
type Batch struct {
	Ints   Series[int]
	Floats *Series[float64]
}
