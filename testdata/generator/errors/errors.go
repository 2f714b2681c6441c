// Package errors holds fields that can never be copied: every one is
// reported, with its path, and nothing is written.
package errors

import (
	"bytes"
	"io"
	"sync"
	"unsafe"
)

type Item struct {
	Name string
	Hook func()
}

//isolate:message
type Order struct {
	Items  []Item
	Done   chan struct{}
	Raw    unsafe.Pointer
	Any    any
	Reader io.Reader
	Mu     sync.Mutex
	ByPtr  map[*Item]int
	Buf    bytes.Buffer
}

//isolate:message
type Box[T any] struct {
	Value T
}

//isolate:message bogus
type Bad struct{}

//isolate:message
type Ptr *Item

//isolate:unchecked
type UPtr *Item
