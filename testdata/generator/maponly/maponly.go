// Package maponly holds types that reach themselves through maps alone: a
// map has identity, so the copy tracks it, keeping sharing and cycles.
package maponly

//isolate:message
type Env map[string]Env

// Menu reaches itself through a slice and through a map.
//
//isolate:message
type Menu struct {
	Name  string
	Items []Menu
	ByKey map[string]Menu
}

// Flat holds maps of sendable values on a cycle through maps.
//
//isolate:message
type Flat struct {
	Next  map[string]Flat
	Count map[string]int
}

// Forest promises a tree: no identity tracking.
//
//isolate:message tree
type Forest map[string]Forest
