// Package named holds message types that are not structs.
package named

//isolate:message
type Tags []string

type Item struct {
	Name string
	Refs []int
}

//isolate:message
type Items []*Item

//isolate:message
type Index map[string][]int

//isolate:message
type Ring [4]*Item

//isolate:message
type ID int
