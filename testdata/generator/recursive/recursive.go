// Package recursive holds message types whose values can share and cycle:
// their copies keep identity through a memo table.
package recursive

//isolate:message
type Node struct {
	Name     string
	Parent   *Node
	Children []*Node
	ByName   map[string]*Node
	Meta     *Meta
}

// Meta is not recursive, but it is reached through a pointer in a type
// that is, so sharing it is kept too.
type Meta struct{ Tags []string }

//isolate:message
type Graph struct {
	Roots []*Node
	Edges map[string][]*Node
}

// List recurses through a slice of itself, without pointers.
//
//isolate:message
type List []List

// Holder is not recursive itself but holds a recursive message.
//
//isolate:message
type Holder struct {
	Title string
	Root  Node
}

// Interior holds a pointer to itself and a pointer to that field: a
// pointer into a copied value points into the copy.
//
//isolate:message
type Interior struct {
	Struct    *Interior
	StructPtr **Interior
	Inner     struct{ N *int }
	NPtr      **int
}
