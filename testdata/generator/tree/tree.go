// Package tree holds recursive message types whose author promises that
// values never share or cycle.
package tree

//isolate:message tree
type Node struct {
	Left, Right *Node
	Value       int
	Label       string
}

type entry struct {
	Name string
	Next *entry
}

//isolate:message tree
type Dir struct {
	Name    string
	Entries []*entry
	Subdirs map[string]Dir
}
