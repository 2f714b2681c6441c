// Package empty has no message types: nothing is generated.
package empty

// Plain is not annotated.
type Plain struct{ Values []int }
