// Package annotations holds misplaced annotations beside types with field
// errors: every error is reported in one run, the annotations' first.
package annotations

// Shape is an interface annotated as a message.
//
//isolate:message
type Shape interface{ Area() float64 }

// Ref is a named pointer annotated as a message.
//
//isolate:message
type Ref *Item

type Item struct{ Name string }

//isolate:message
type Order struct {
	Items []Item
	Hook  func()
	Shape Shape
}

//isolate:message
type Other struct {
	Done chan int
}
