package stale

import (
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"sort"

	"golang.org/x/tools/go/analysis"

	"github.com/go-isolate/isolate/analyzer/internal/annotations"
	"github.com/go-isolate/isolate/analyzer/internal/ignore"
	"github.com/go-isolate/isolate/internal/directive"
	"github.com/go-isolate/isolate/internal/fingerprint"
	"github.com/go-isolate/isolate/internal/sendable"
)

// Doc is the rule's documentation, as isolatevet help stale prints it.
const Doc = `report //isolate:message types whose generated code is missing or stale

A type annotated //isolate:message is copied at every Send by its
DeepCopyInto method, which isolategen generates from the type's fields.
The rule reports a message type without a DeepCopyInto method, and one whose
generated DeepCopyInto carries a //isolategen:fingerprint line that no longer
matches the type's fields: a field added since the last go generate would be
left out of the copy, or shared between isolates. Run go generate to fix
either. A DeepCopyInto without a fingerprint line was written by hand and is
trusted.

It also reports an //isolate:unchecked type without the IsolateUnchecked
method isolategen writes on it, when a plain copy of the type would share
memory: ports refuse to send such a type at run time. Run go generate.`

// Analyzer is the stale rule.
var Analyzer = &analysis.Analyzer{
	Name:     "stale",
	Doc:      Doc,
	URL:      "https://pkg.go.dev/github.com/go-isolate/isolate/analyzer/stale",
	Requires: []*analysis.Analyzer{annotations.Analyzer},
	Run:      run,
	// Stale generated code often no longer compiles (it copies a field that
	// was removed); the type's declaration is still typed, and saying why is
	// the most useful answer there is.
	RunDespiteErrors: true,
	ResultType:       reflect.TypeFor[ignore.Used](),
}

func run(pass *analysis.Pass) (any, error) {
	ann, ok := pass.ResultOf[annotations.Analyzer].(*annotations.Result)
	if !ok || ann == nil {
		return ignore.Used(nil), nil
	}
	r := ignore.NewReporter(pass, ann)
	var methods map[token.Pos]*ast.FuncDecl // DeepCopyInto declarations by name position, built on demand
	for _, file := range pass.Files {
		df := ann.Files[file]
		if df == nil || len(df.Types) == 0 {
			continue
		}
		for _, spec := range messageTypes(df) {
			named := namedOf(pass.TypesInfo, spec)
			if named == nil || !copiable(named.Underlying()) {
				continue // misplaced: the directive rule says so
			}
			if methods == nil {
				methods = deepCopyDecls(pass.Files)
			}
			check(pass, r, spec, named, ann.Of(named.Obj()).Tree, methods)
		}
		for _, spec := range annotatedTypes(df, directive.Unchecked) {
			if named := namedOf(pass.TypesInfo, spec); named != nil {
				checkUnchecked(pass, r, ann, spec, named)
			}
		}
	}
	return r.Used(), nil
}

// uncheckedMethod is the method isolategen writes on an //isolate:unchecked
// type, which the runtime asks for (runtime.Unchecked).
const uncheckedMethod = "IsolateUnchecked"

// checkUnchecked reports an //isolate:unchecked type without its generated
// marker method when a plain copy of it would share memory: ports refuse to
// send such a type at run time.
func checkUnchecked(pass *analysis.Pass, r *ignore.Reporter, ann *annotations.Result, spec *ast.TypeSpec, named *types.Named) {
	switch named.Underlying().(type) {
	case *types.Interface, *types.Pointer:
		return // no method possible: isolategen says so for pointers
	}
	if obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(named), false, named.Obj().Pkg(), uncheckedMethod); obj != nil {
		return
	}
	checker := ann.Checker(nil)
	annotationsOf := checker.Annotations
	checker.Annotations = func(tn *types.TypeName) sendable.Annotation {
		a := annotationsOf(tn)
		if tn == named.Obj() {
			a.Unchecked = false
		}
		return a
	}
	if class, _ := checker.Classify(named); class == sendable.Sendable {
		return // a plain copy shares nothing: the runtime needs no mark
	}
	name := named.Obj().Name()
	r.Reportf(spec.Name.Pos(), "unchecked type %s has no generated %s method, so ports refuse to send it (a plain copy shares memory): run go generate", name, uncheckedMethod)
}

// messageTypes returns the type declarations of df annotated
// //isolate:message, in source order.
func messageTypes(df *directive.File) []*ast.TypeSpec {
	return annotatedTypes(df, directive.Message)
}

// annotatedTypes returns the type declarations of df annotated with kind,
// in source order.
func annotatedTypes(df *directive.File, kind directive.Kind) []*ast.TypeSpec {
	var out []*ast.TypeSpec
	for spec, ds := range df.Types {
		if _, ok := directive.Find(ds, kind); ok {
			out = append(out, spec)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pos() < out[j].Pos() })
	return out
}

func namedOf(info *types.Info, spec *ast.TypeSpec) *types.Named {
	obj, ok := info.Defs[spec.Name].(*types.TypeName)
	if !ok || obj == nil || obj.IsAlias() {
		return nil
	}
	named, _ := obj.Type().(*types.Named)
	return named
}

// copiable reports whether isolategen generates a deep copy for a type of
// this underlying type (DESIGN §4: structs, named slice, map and array types).
func copiable(u types.Type) bool {
	switch u.(type) {
	case *types.Struct, *types.Slice, *types.Map, *types.Array:
		return true
	}
	return false
}

// deepCopyDecls indexes the DeepCopyInto method declarations of the package
// by the position of their name, which is the position of their *types.Func.
func deepCopyDecls(files []*ast.File) map[token.Pos]*ast.FuncDecl {
	out := map[token.Pos]*ast.FuncDecl{}
	for _, f := range files {
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Recv != nil && fn.Name.Name == "DeepCopyInto" {
				out[fn.Name.Pos()] = fn
			}
		}
	}
	return out
}

func check(pass *analysis.Pass, r *ignore.Reporter, spec *ast.TypeSpec, named *types.Named, tree bool, methods map[token.Pos]*ast.FuncDecl) {
	name := named.Obj().Name()
	m := declaredMethod(named, "DeepCopyInto")
	if m == nil {
		r.Reportf(spec.Name.Pos(), "message type %s has no generated methods: run go generate", name)
		return
	}
	if !deepCopyShape(m) {
		r.Report(analysis.Diagnostic{
			Pos:     spec.Name.Pos(),
			Message: "message type " + name + " has a DeepCopyInto method that is not func (*" + name + ") DeepCopyInto(*" + name + "), so ports cannot copy it: fix or remove the method and run go generate",
			Related: []analysis.RelatedInformation{{Pos: m.Pos(), Message: "DeepCopyInto declared here"}},
		})
		return
	}
	decl := methods[m.Pos()]
	if decl == nil || decl.Doc == nil {
		return // not in this package's syntax, or hand-written without a doc comment
	}
	lines := make([]string, len(decl.Doc.List))
	for i, c := range decl.Doc.List {
		lines[i] = c.Text
	}
	recorded := fingerprint.Find(lines)
	if recorded == "" {
		return // hand-written: its author owns it
	}
	if recorded == fingerprint.Of(named, tree) {
		return
	}
	r.Report(analysis.Diagnostic{
		Pos:     spec.Name.Pos(),
		Message: "generated code no longer matches the fields of " + name + ": run go generate",
		Related: []analysis.RelatedInformation{{Pos: decl.Name.Pos(), Message: "DeepCopyInto generated here for other fields"}},
	})
}

// declaredMethod returns the method of named declared with the given name,
// ignoring methods promoted from embedded fields (an embedded message's
// DeepCopyInto copies only that field).
func declaredMethod(named *types.Named, name string) *types.Func {
	for i := 0; i < named.NumMethods(); i++ {
		if m := named.Method(i); m.Name() == name {
			return m
		}
	}
	return nil
}

// deepCopyShape reports whether m is func (*T or T) DeepCopyInto(*T), with
// no results: the Kubernetes convention the runtime calls.
func deepCopyShape(m *types.Func) bool {
	sig, ok := m.Type().(*types.Signature)
	if !ok || sig.Recv() == nil || sig.Params().Len() != 1 || sig.Results().Len() != 0 || sig.Variadic() {
		return false
	}
	recv := sig.Recv().Type()
	if p, ok := recv.(*types.Pointer); ok {
		recv = p.Elem()
	}
	param, ok := sig.Params().At(0).Type().(*types.Pointer)
	return ok && types.Identical(param.Elem(), recv)
}
