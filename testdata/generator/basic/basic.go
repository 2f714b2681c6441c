// Package basic holds message types with every kind of field that is not
// recursive: the generated copy is straight-line code without helpers.
package basic

import (
	"net/netip"
	"time"
)

// Base is embedded in Order.
type Base struct {
	ID      int64
	Created time.Time
	Labels  []string
}

// Line is an element of a slice of structs.
type Line struct {
	SKU   string
	Qty   int
	Price float64
	Tags  []string
	Attr  *Attr
}

// Attr is reached through pointers.
type Attr struct {
	Key, Value string
	Weight     *float64
}

//isolate:message
type Order struct {
	Base
	Customer string
	Addr     netip.Addr
	When     time.Time
	Timeout  time.Duration
	Loc      *time.Location
	Err      error
	Lines    []Line
	Attrs    map[string]*Attr
	Counts   map[string]int
	Groups   map[string][]string
	Best     *Line
	Deep     **int
	Grid     [3]*Attr
	Fixed    [4]int
	Matrix   [][]float64
	Opts     struct {
		Retries int
		Hosts   []string `json:"hosts"`
	}
	note  *string
	cache []byte
}

//isolate:message
type Point struct{ X, Y int }
