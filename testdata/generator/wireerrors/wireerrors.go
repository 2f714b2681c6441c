// Package wireerrors holds wire message types with fields that cannot cross
// the wire, beside fields that can: each is reported at its position.
package wireerrors

import (
	"github.com/go-isolate/isolate/testdata/generator/foreign/dep"
)

// Box is generic: it has no wire codec.
//
//isolate:message
type Box[T ~int] struct{ V []T }

// Envelope holds types of another package that have no wire codec.
//
//isolate:message wire
type Envelope struct {
	Name    string
	Version dep.Version
	Body    dep.Buffer
	Kept    dep.Buffer `isolate:"-"`
	Anon    struct{ A int }
	Boxed   Box[int]
}

// Numbers has two fields with one number, and a tag that is no number.
//
//isolate:message wire
type Numbers struct {
	A string `isolate:"2"`
	B string
	C string `isolate:"two"`
}

// Generic cannot be wire.
//
//isolate:message wire
type Generic[T ~int] struct{ V []T }

// Bad has a port option it does not know.
//
//isolate:port remote
type Bad interface{ M() }
