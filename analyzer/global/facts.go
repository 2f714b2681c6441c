package global

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Ref names a package-level variable or a function across packages: facts
// cannot hold types.Objects, and a chain must print the same in every
// package.
type Ref struct {
	Path string // import path of the declaring package
	Pkg  string // its name, to qualify the rendering
	Name string // "hits", or "Counter.Inc" for a method
}

// String renders the reference as seen from the package at path from.
func (r Ref) in(from string) string {
	if r.Path == from {
		return r.Name
	}
	return r.Pkg + "." + r.Name
}

func (r Ref) key() string { return r.Path + "\x00" + r.Name }

// Access is one package-level variable a function reaches.
type Access struct {
	Var Ref
	// Write is set when the access writes the variable outside its
	// initialisation; the variable is then mutable whatever other packages do.
	Write bool `json:",omitempty"`
	// At is the file:line of the access.
	At string
	// Via lists the functions called, from the summarised function's callee
	// down to the function that makes the access; empty when the summarised
	// function makes it itself.
	Via []Ref `json:",omitempty"`
}

// better reports whether a is a better witness than b: the shorter chain,
// a write over a read, then the first in a fixed order, so that the
// summary of a function does not depend on the order of the analysis.
func (a *Access) better(b *Access) bool {
	if b == nil {
		return true
	}
	if len(a.Via) != len(b.Via) {
		return len(a.Via) < len(b.Via)
	}
	if a.Write != b.Write {
		return a.Write
	}
	for i := range a.Via {
		if c := cmp.Compare(a.Via[i].key(), b.Via[i].key()); c != 0 {
			return c < 0
		}
	}
	return a.At < b.At
}

// Summary is the fact exported for a function or method: the package-level
// variables outside the standard library it reaches, directly or through
// static calls, that may be mutable: each written by the function or its
// callees, or a variable that some other code could write (any exported
// variable, and the unexported ones their package writes). One access per
// variable, the best witness, sorted by variable.
type Summary struct {
	Accesses []Access
}

// AFact marks Summary as an analysis fact.
func (*Summary) AFact() {}

func (s *Summary) String() string {
	var b strings.Builder
	b.WriteString("reaches")
	for i, a := range s.Accesses {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(" " + a.Var.Pkg + "." + a.Var.Name)
		if a.Write {
			b.WriteString("(w)")
		}
	}
	return b.String()
}

// Writes is the package fact: the package-level variables, of this package
// or another one outside the standard library, that the package writes
// outside their initialisation, each with the first place it does. Every
// package the rule analyses exports one, empty or not; a package without
// it (the standard library) is out of scope.
type Writes struct {
	Vars []Write
}

// Write is one variable a package writes.
type Write struct {
	Var Ref
	At  string
}

// AFact marks Writes as an analysis fact.
func (*Writes) AFact() {}

func (w *Writes) String() string {
	names := make([]string, len(w.Vars))
	for i, v := range w.Vars {
		names[i] = v.Var.Pkg + "." + v.Var.Name
	}
	if len(names) == 0 {
		return "writes nothing"
	}
	return fmt.Sprintf("writes %s", strings.Join(names, ", "))
}

func sortAccesses(as []Access) {
	slices.SortFunc(as, func(a, b Access) int { return cmp.Compare(a.Var.key(), b.Var.key()) })
}

func sortWrites(ws []Write) {
	slices.SortFunc(ws, func(a, b Write) int { return cmp.Compare(a.Var.key(), b.Var.key()) })
}
