// Package unchecked holds //isolate:unchecked types: each gets the marker
// method that tells ports to send it as a plain copy, generic ones with
// their type parameters, unless it has one or cannot have one.
package unchecked

import "sync"

// Registry synchronizes itself.
//
//isolate:unchecked
type Registry struct {
	mu sync.Mutex
	m  map[string]int
}

// Cache is generic.
//
//isolate:unchecked
type Cache[K comparable, V any] struct {
	m map[K]V
}

// Names is a named slice, never written after it is made.
//
//isolate:unchecked
type Names []string

// Reader is an interface: its dynamic values are judged, so it gets no
// method.
//
//isolate:unchecked
type Reader interface{ Read() string }

// Hand has its marker written by hand.
//
//isolate:unchecked
type Hand struct{ p *int }

// IsolateUnchecked marks Hand.
func (Hand) IsolateUnchecked() {}

// Order holds unchecked values, assigned as they are.
//
//isolate:message
type Order struct {
	Reg   *Registry
	Cache Cache[string, []int]
	Names Names
}
