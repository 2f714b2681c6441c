// Package wire holds wire message types and a wire port: a field of each
// kind, sharing and cycles, a tree, two versions of a type.
package wire

import (
	"context"
	"net/netip"
	"time"

	"github.com/go-isolate/isolate/runtime"
)

// Job is a message with a field of every kind.
//
//isolate:message wire
type Job struct {
	ID    string
	Items []Item
	Attrs map[string]string
	At    time.Time
	Wait  time.Duration
	Err   error
	Reply runtime.SendPort[Ack]
	Data  []byte
	Score float64
	Ship  *Address
	Dims  [2]int32
}

// Item is a line of a Job.
//
//isolate:message wire
type Item struct {
	SKU  string
	Qty  int
	Tags []string
}

// Address is sendable: it gets a codec because a message holds it.
type Address struct {
	City string
}

// Ack answers a Job.
type Ack struct {
	ID string
	N  int
}

// Graph can reach itself: its codec keeps sharing and cycles.
//
//isolate:message wire
type Graph struct {
	Name  string
	Next  *Graph
	Peers []*Graph
}

// UserV1 and UserV2 are two versions of one message: V2 dropped Age (its
// number 2 stays retired) and added Email as number 3.
//
//isolate:message wire
type UserV1 struct {
	Name string `isolate:"1"`
	Age  int    `isolate:"2"`
}

// UserV2 is the later version of UserV1.
//
//isolate:message wire
type UserV2 struct {
	Name  string `isolate:"1"`
	Email string `isolate:"3"`
}

// Notes are the notes a Counter took: a named slice message type.
//
//isolate:message wire
type Notes []string

// Counter is served by an isolate.
//
//isolate:port wire
type Counter interface {
	Add(ctx context.Context, n int64) (int64, error)
	Boom(ctx context.Context) error
	Note(s string)
	Notes(ctx context.Context) (Notes, error)
}

// Level is a named basic type: it converts on the wire.
type Level int8

// Point is a sendable struct of the package: it gets a codec.
type Point struct{ X, Y float32 }

// Kinds holds a field of each kind the wire carries.
//
//isolate:message wire
type Kinds struct {
	B       bool
	I8      int8
	U16     uint16
	U       uint
	Ptr     uintptr
	F32     float32
	C64     complex64
	C128    complex128
	Lvl     Level
	Lvls    []Level
	ByLvl   map[Level][]string
	Grid    [][]int
	Nested  map[string]map[string]int
	Arr     [3]Point
	PtrArr  *[2]string
	PtrInt  *int
	Pts     []*Point
	Loc     *time.Location
	Remote  *runtime.RemoteError
	Addr    netip.Addr
	Prefix  netip.Prefix
	Ctx     context.Context
	Skipped Point  `isolate:"-"`
	Later   string `isolate:"40"`
}

// Chain is a tree by promise: nothing tracked, nesting bounded.
//
//isolate:message tree wire
type Chain struct {
	Next  *Chain
	Kids  []*Chain
	Value int
}

// Web reaches itself through a map: maps keep identity too.
//
//isolate:message wire
type Web struct {
	Name  string
	Links map[string]*Web
	Refs  []*Web
}
