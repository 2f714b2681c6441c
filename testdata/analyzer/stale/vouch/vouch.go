// Package vouch holds //isolate:unchecked types, with and without the
// marker method isolategen writes.
package vouch

import "sync"

// Registry shares its map and has no marker: ports would refuse it.
//
//isolate:unchecked
type Registry struct { // want `unchecked type Registry has no generated IsolateUnchecked method, so ports refuse to send it \(a plain copy shares memory\): run go generate`
	mu sync.Mutex
	m  map[string]int
}

// Marked has its marker in isolate_gen.go.
//
//isolate:unchecked
type Marked struct{ m map[string]int }

// Locked has its marker on the pointer, as for types holding a lock.
//
//isolate:unchecked
type Locked struct {
	mu sync.Mutex
	m  map[string]int
}

// Plain shares nothing in a plain copy: no marker needed.
//
//isolate:unchecked
type Plain struct{ N int }

// Table is generic and marked.
//
//isolate:unchecked
type Table[V any] map[string]V

// Reader is an interface: it cannot have the method.
//
//isolate:unchecked
type Reader interface{ Read() string }

// Silenced is unmarked, on purpose.
//
//isolate:unchecked
//isolate:ignore sent only within one isolate
type Silenced struct{ p *int }
