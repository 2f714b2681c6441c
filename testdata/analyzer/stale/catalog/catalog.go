// Package catalog lost a field after its code was generated: the generated
// copy no longer compiles, and the stale rule still says why.
package catalog

// Product dropped its Tags field; isolate_gen.go still copies it.
//
//isolate:message
type Product struct { // want `generated code no longer matches the fields of Product: run go generate`
	SKU   string
	Price int64
}
