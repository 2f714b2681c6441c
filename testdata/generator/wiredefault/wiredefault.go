// Package wiredefault holds plain //isolate:message types and
// //isolate:port interfaces, without the wire option: those that can cross
// get the wire codec, the others none, and no error.
package wiredefault

import (
	"context"

	"github.com/go-isolate/isolate/runtime"
)

// Point crosses.
//
//isolate:message
type Point struct {
	X, Y int
}

// Shape crosses, and so does the Point it holds.
//
//isolate:message
type Shape struct {
	Name   string
	Points []Point
	Center *Point
}

// Anon holds an unnamed struct: it has no wire codec.
//
//isolate:message
type Anon struct {
	Opts struct{ Retries int }
}

// Holder holds an Anon, so it has no wire codec either.
//
//isolate:message
type Holder struct {
	Name string
	Anon Anon
}

// Tagged keeps its unnamed struct off the wire: it crosses.
//
//isolate:message
type Tagged struct {
	Name string
	Opts struct{ Retries int } `isolate:"-"`
}

// Request carries a port whose messages cannot cross: the port itself
// crosses (as an address), so Request does.
//
//isolate:message
type Request struct {
	ID    int
	Reply runtime.SendPort[Anon]
}

// Shapes is a port whose values all cross.
//
//isolate:port
type Shapes interface {
	Area(ctx context.Context, s Shape) (float64, error)
	Move(p Point)
}

// Holders is a port one of whose values cannot cross: it has no wire calls.
//
//isolate:port
type Holders interface {
	Keep(ctx context.Context, h Holder) error
}
