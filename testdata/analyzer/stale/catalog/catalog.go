// Package catalog lost a field after its code was generated: the generated
// copy no longer compiles, and the stale rule still says why.
package catalog

// Product dropped its Tags field; isolate_gen.go still copies it.
//
//isolate:message
type Product struct { // want `^generated code no longer matches the fields of Product: the package has no //go:generate line for isolategen, so go generate would do nothing; add //go:generate go run github.com/go-isolate/isolate/cmd/isolategen \(the suggested fix, isolatevet -fix\) and run go generate$`
	SKU   string
	Price int64
}
