package sendable

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"
)

// An instantiation cycle is a compile error, but the analyzer still reads
// such code (RunDespiteErrors): judging it must end.
func TestInstantiationCycleEnds(t *testing.T) {
	const src = `package p

type N[T any] struct {
	v T
	x *N[N[T]]
}

type S[T any] struct {
	f func(T)
	x *S[[]T]
}

type Deep[T any] struct{ v T }

var (
	n N[int]
	s S[string]
	d Deep[Deep[Deep[Deep[map[string]int]]]]
)
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	conf := types.Config{Importer: importer.Default(), Error: func(error) {}}
	pkg, _ := conf.Check("p", fset, []*ast.File{f}, nil)
	for _, name := range []string{"n", "s"} {
		c := &Checker{}
		typ := pkg.Scope().Lookup(name).Type()
		c.Classify(typ)
		c.CanMove(typ)
		c.CanMove(types.NewPointer(typ))
	}
	// Nesting that code really writes is still judged.
	c := &Checker{}
	if class, r := c.Classify(pkg.Scope().Lookup("d").Type()); class != Transferable || r == nil {
		t.Errorf("Deep[...map...]: got %v, %v; want transferable with a reason", class, r)
	}
}
