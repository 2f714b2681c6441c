// Package annotations reads the //isolate: directives of each package and
// carries them to importing packages as facts, so that every rule sees the
// annotations of the whole program: a type marked //isolate:message in one
// package is copyable at a Send in another.
package annotations

import (
	"go/ast"
	"go/types"
	"reflect"

	"golang.org/x/tools/go/analysis"

	"github.com/go-isolate/isolate/internal/directive"
	"github.com/go-isolate/isolate/internal/sendable"
)

// Fact records what the directives say of one declared object: their
// fold, directive.Annotation. It is attached to the origin object (the
// generic declaration, never an instantiation), so look it up through
// Result.Of.
type Fact directive.Annotation

// AFact marks Fact as an analysis fact.
func (*Fact) AFact() {}

func (f *Fact) String() string {
	s := "isolate"
	for _, x := range []struct {
		on   bool
		name string
	}{{f.Message, "message"}, {f.Tree, "tree"}, {f.Unchecked, "unchecked"}, {f.Port, "port"}, {f.Shared, "shared"}, {f.Entry, "entry"}} {
		if x.on {
			s += ":" + x.name
		}
	}
	return s
}

// Analyzer collects the annotations of a package and those of its
// dependencies. It reports nothing; the directive rule reports the problems
// it finds.
var Analyzer = newAnalyzer()

func newAnalyzer() *analysis.Analyzer {
	a := &analysis.Analyzer{
		Name:             "isolateannotations",
		Doc:              "collect //isolate: annotations as facts for the isolate rules",
		Run:              run,
		RunDespiteErrors: true,
		FactTypes:        []analysis.Fact{new(Fact)},
		ResultType:       reflect.TypeFor[*Result](),
	}
	a.Flags.Var(&Sendable, "sendable", sendableUsage)
	return a
}

// Result is what the annotations analyzer hands the rules.
type Result struct {
	facts map[types.Object]Fact
	// Files maps each file of the package to its directives.
	Files map[*ast.File]*directive.File
	// Ignores lists the well-formed //isolate:ignore directives of the package.
	Ignores []Ignore
	// Extra is the allow-list extension of the -sendable flag.
	Extra []string
}

// Ignore is one //isolate:ignore and the line it silences.
type Ignore struct {
	directive.IgnoreDirective
	File string // file name, as token.Position.Filename
}

// Of returns the annotations of obj, from this package's directives or from
// the facts of the package that declared it. Instantiated generic types,
// functions and methods find their generic declaration's annotations.
func (r *Result) Of(obj types.Object) Fact {
	return r.facts[origin(obj)]
}

// Checker returns a sendability checker that knows every annotation the
// package can see.
func (r *Result) Checker(q types.Qualifier) *sendable.Checker {
	return &sendable.Checker{
		Annotations: func(tn *types.TypeName) sendable.Annotation {
			f := r.Of(tn)
			return sendable.Annotation{Message: f.Message, Tree: f.Tree, Unchecked: f.Unchecked}
		},
		Extra:     r.Extra,
		Qualifier: q,
	}
}

// origin maps an object to the object its annotations are attached to.
func origin(obj types.Object) types.Object {
	switch o := obj.(type) {
	case *types.Func:
		return o.Origin()
	case *types.Var:
		return o.Origin()
	case *types.TypeName:
		if n, ok := types.Unalias(o.Type()).(*types.Named); ok && n.Obj() != nil {
			return n.Origin().Obj()
		}
	}
	return obj
}

// Sendable extends the allow-list of sendable types (DESIGN §2) with types
// users cannot annotate. It is a flag.Value: isolatevet registers it as
// -sendable, and the golangci-lint plugin sets it from its settings.
var Sendable StringList

const sendableUsage = "comma-separated types to treat as sendable, as importpath.Name (e.g. net/http.Client); T and *T both become sendable"

func run(pass *analysis.Pass) (any, error) {
	res := &Result{
		facts: map[types.Object]Fact{},
		Files: map[*ast.File]*directive.File{},
		Extra: Sendable,
	}
	for _, of := range pass.AllObjectFacts() {
		if f, ok := of.Fact.(*Fact); ok {
			res.facts[of.Object] = *f
		}
	}
	for _, file := range pass.Files {
		df := directive.Scan(pass.Fset, file)
		res.Files[file] = df
		name := pass.Fset.Position(file.Pos()).Filename
		for _, ig := range df.Ignores {
			res.Ignores = append(res.Ignores, Ignore{ig, name})
		}
		for spec, ds := range df.Types {
			record(pass, res, pass.TypesInfo.Defs[spec.Name], ds)
		}
		for fn, ds := range df.Funcs {
			record(pass, res, pass.TypesInfo.Defs[fn.Name], ds)
		}
		for spec, ds := range df.Vars {
			for _, name := range spec.Names {
				record(pass, res, pass.TypesInfo.Defs[name], ds)
			}
		}
	}
	return res, nil
}

func record(pass *analysis.Pass, res *Result, obj types.Object, ds []directive.Directive) {
	if obj == nil {
		return
	}
	f := Fact(directive.Annotation(res.facts[obj]).With(ds...))
	res.facts[obj] = f
	// Only package-level objects can be seen from other packages.
	if obj.Pkg() == pass.Pkg && (obj.Parent() == pass.Pkg.Scope() || isMethod(obj)) {
		exported := f
		pass.ExportObjectFact(obj, &exported)
	}
}

func isMethod(obj types.Object) bool {
	fn, ok := obj.(*types.Func)
	return ok && fn.Signature().Recv() != nil
}
