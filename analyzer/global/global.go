package global

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/go-isolate/isolate/analyzer/internal/annotations"
	"github.com/go-isolate/isolate/analyzer/internal/boundary"
	"github.com/go-isolate/isolate/analyzer/internal/ignore"
	"github.com/go-isolate/isolate/internal/sendable"
)

// Doc is the rule's documentation, as isolatevet help global prints it.
const Doc = `report isolate code that reaches a mutable package-level variable

Every isolate has its own memory, but a Go program has one set of
package-level variables, shared by all goroutines. Code that runs inside an
isolate (the function given to Spawn or Run, a func declaration annotated
//isolate:entry, the methods of the implementation that a generated SpawnI
function serves) must not reach, through static calls and across packages,
a package-level variable that is written anywhere outside its
initialisation: assigned, incremented, a field or element of it assigned,
its address taken or a pointer method called on it, outside init functions
and its own initializer. The rule reports at the entry, with the call chain:

	isolate entry worker reaches mutable global stats.hits: worker → record → stats.bump (written at stats.go:41); keep the state in the isolate (a port's implementation, or a message), or, if a lock or atomic guards every access, mark stats.hits //isolate:shared

Variables only read after initialisation are fine, as are variables
annotated //isolate:shared and those of a synchronized type (sync and
sync/atomic types, //isolate:unchecked types). Calls through interfaces and
func values are not followed, and the standard library's variables are out
of scope.`

// Analyzer is the global rule.
var Analyzer = &analysis.Analyzer{
	Name:     "global",
	Doc:      Doc,
	URL:      "https://pkg.go.dev/github.com/go-isolate/isolate/analyzer/global",
	Requires: []*analysis.Analyzer{inspect.Analyzer, annotations.Analyzer},
	Run:      run,
	// Accesses and calls are read from the syntax and its types; where the
	// types are missing the rule sees no access and no call.
	RunDespiteErrors: true,
	ResultType:       reflect.TypeFor[ignore.Used](),
	FactTypes:        []analysis.Fact{new(Summary), new(Writes)},
}

func run(pass *analysis.Pass) (any, error) {
	ann, ok := pass.ResultOf[annotations.Analyzer].(*annotations.Result)
	if !ok || ann == nil {
		return ignore.Used(nil), nil
	}
	r := ignore.NewReporter(pass, ann)
	if !analysed(pass) {
		return r.Used(), nil
	}
	c := newCollector(pass, ann)
	c.collectPackage()
	s := newSummarizer(c)
	s.summarize()
	s.export()

	ck := &checker{s: s, r: r, here: pass.Pkg.Path(), generated: generatedFiles(pass)}
	ck.entries(pass.ResultOf[inspect.Analyzer].(*inspector.Inspector))
	return r.Used(), nil
}

// analysed reports whether the rule computes summaries for the package:
// not for the standard library (nor cmd), whose variables are out of scope,
// nor for the isolate runtime, which synchronizes its own state.
func analysed(pass *analysis.Pass) bool {
	path := pass.Pkg.Path()
	if path == sendable.RuntimePath || strings.HasPrefix(path, sendable.RuntimePath+"/") {
		return false
	}
	if m := pass.Module; m != nil && m.Path != "" {
		return m.Path != "std" && m.Path != "cmd"
	}
	first, _, _ := strings.Cut(path, "/")
	return strings.Contains(first, ".")
}

func generatedFiles(pass *analysis.Pass) map[*token.File]bool {
	gen := map[*token.File]bool{}
	for _, f := range pass.Files {
		if ast.IsGenerated(f) {
			gen[pass.Fset.File(f.Pos())] = true
		}
	}
	return gen
}

// checker finds the isolate entries of the package and reports what they
// reach.
type checker struct {
	s         *summarizer
	r         *ignore.Reporter
	here      string // the package's path, to qualify names
	generated map[*token.File]bool
	writes    map[string][]writer // variable key → its writers; built on demand
}

// writer is a package that writes a variable, and where.
type writer struct {
	pkg, at string
}

// root is one function that runs inside an isolate, with what it reaches.
type root struct {
	name Ref
	sum  map[string]*Access
}

func (ck *checker) isGenerated(pos token.Pos) bool {
	return ck.generated[ck.s.c.pass.Fset.File(pos)]
}

// entries checks every isolate entry of the package.
func (ck *checker) entries(insp *inspector.Inspector) {
	pass := ck.s.c.pass
	// Func declarations annotated //isolate:entry.
	for _, fd := range ck.s.c.funcs {
		if !ck.s.c.ann.Of(fd.obj).Entry || ck.isGenerated(fd.obj.Pos()) {
			continue
		}
		ref := funcRef(fd.obj)
		ck.report(fd.obj.Pos(), fd.obj.Pos()+token.Pos(len(fd.obj.Name())), "entry "+ref.in(ck.here), []root{{ref, ck.s.sums[fd.obj]}})
	}
	// Spawn, Run and RunOn, and generated SpawnI and SpawnIPool functions.
	for n := range insp.PreorderSeq((*ast.CallExpr)(nil)) {
		call := n.(*ast.CallExpr)
		if name := calleeName(call); name != "Run" && name != "RunOn" && !strings.HasPrefix(name, "Spawn") || ck.isGenerated(call.Pos()) {
			continue
		}
		if site, ok := boundary.SiteOf(pass.TypesInfo, call); ok && site.Entry != nil && site.Op.Runs() {
			if rt, ok := ck.rootOf(site.Entry); ok {
				ck.report(site.Entry.Pos(), site.Entry.End(), "entry "+rt.name.in(ck.here), []root{rt})
			}
			continue
		}
		if iface, arg := ck.portSpawn(call); arg != nil {
			ck.port(iface, arg)
		}
	}
}

// calleeName returns the name a call's function is spelled with, for a
// cheap filter before type information is consulted.
func calleeName(call *ast.CallExpr) string {
	fun := ast.Unparen(call.Fun)
	switch x := fun.(type) {
	case *ast.IndexExpr:
		fun = x.X
	case *ast.IndexListExpr:
		fun = x.X
	}
	switch x := ast.Unparen(fun).(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	}
	return ""
}

// rootOf resolves an entry expression to the function it denotes. Func
// values and interface methods are a blind spot.
func (ck *checker) rootOf(e ast.Expr) (root, bool) {
	info := ck.s.c.pass.TypesInfo
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.FuncLit:
		fd := &fnData{}
		w := &walker{c: ck.s.c, fd: fd}
		w.walk(x, scope{kind: normal, direct: true})
		sum := ck.s.direct(fd)
		ck.s.propagate(sum, fd.calls)
		return root{Ref{Path: ck.here, Name: "func literal"}, sum}, true
	case *ast.IndexExpr:
		return ck.rootOf(x.X)
	case *ast.IndexListExpr:
		return ck.rootOf(x.X)
	}
	var obj types.Object
	switch x := e.(type) {
	case *ast.Ident:
		obj = info.Uses[x]
	case *ast.SelectorExpr:
		if sel := info.Selections[x]; sel != nil {
			if sel.Kind() == types.FieldVal {
				return root{}, false
			}
			// A method value w.run or method expression T.run; an
			// interface method is no static call.
			if types.IsInterface(sel.Recv()) {
				return root{}, false
			}
			obj = sel.Obj()
		} else {
			obj = info.Uses[x.Sel]
		}
	}
	fn, ok := obj.(*types.Func)
	if !ok {
		return root{}, false
	}
	fn = fn.Origin()
	return root{funcRef(fn), ck.summaryOf(fn)}, true
}

// summaryOf returns what fn reaches.
func (ck *checker) summaryOf(fn *types.Func) map[string]*Access {
	if sum, ok := ck.s.sums[fn]; ok {
		return sum
	}
	out := map[string]*Access{}
	for _, a := range ck.s.calleeAccesses(fn) {
		out[a.Var.key()] = a
	}
	return out
}

// portSpawn recognises a call of a function isolategen generates for an
// //isolate:port interface I, SpawnI(ctx, newImpl func() I, opts...) or
// SpawnIPool(ctx, size, newImpl func() I, opts...), and returns I and the
// newImpl argument.
func (ck *checker) portSpawn(call *ast.CallExpr) (*types.Named, ast.Expr) {
	info := ck.s.c.pass.TypesInfo
	fn := typeutil.StaticCallee(info, call)
	if fn == nil || fn.Signature().Recv() != nil || !strings.HasPrefix(fn.Name(), "Spawn") {
		return nil, nil
	}
	params := fn.Signature().Params()
	for i := 0; i < params.Len() && i < len(call.Args); i++ {
		sig, ok := params.At(i).Type().Underlying().(*types.Signature)
		if !ok || sig.Params().Len() != 0 || sig.Results().Len() != 1 {
			continue
		}
		n, ok := types.Unalias(sig.Results().At(0).Type()).(*types.Named)
		if !ok || !types.IsInterface(n) || n.Obj().Pkg() != fn.Pkg() || fn.Name() != "Spawn"+n.Obj().Name() && fn.Name() != "Spawn"+n.Obj().Name()+"Pool" {
			continue
		}
		if ck.s.c.ann.Of(n.Obj()).Port {
			return n, call.Args[i]
		}
	}
	return nil, nil
}

// port checks the isolate a generated SpawnI starts (or each isolate of a
// SpawnIPool): newImpl runs in it, and so do the methods of I on the
// concrete types newImpl returns.
func (ck *checker) port(iface *types.Named, arg ast.Expr) {
	rt, ok := ck.rootOf(arg)
	if !ok {
		return
	}
	roots := []root{rt}
	it, _ := iface.Underlying().(*types.Interface)
	for _, T := range ck.concreteResults(arg) {
		for i := 0; it != nil && i < it.NumMethods(); i++ {
			m := it.Method(i)
			obj, _, _ := types.LookupFieldOrMethod(T, true, m.Pkg(), m.Name())
			if fn, ok := obj.(*types.Func); ok {
				fn = fn.Origin()
				roots = append(roots, root{funcRef(fn), ck.summaryOf(fn)})
			}
		}
	}
	name := Ref{Path: iface.Obj().Pkg().Path(), Pkg: iface.Obj().Pkg().Name(), Name: iface.Obj().Name()}
	ck.report(arg.Pos(), arg.End(), "port "+name.in(ck.here), roots)
}

// concreteResults returns the concrete types newImpl returns, when its body
// is at hand (a func literal, or a function of the package); a value
// returned as an interface is a blind spot.
func (ck *checker) concreteResults(arg ast.Expr) []types.Type {
	info := ck.s.c.pass.TypesInfo
	var body *ast.BlockStmt
	switch x := ast.Unparen(arg).(type) {
	case *ast.FuncLit:
		body = x.Body
	case *ast.Ident:
		if fn, ok := info.Uses[x].(*types.Func); ok {
			if fd := ck.s.c.byObj[fn]; fd != nil {
				body = fd.body
			}
		}
	}
	if body == nil {
		return nil
	}
	var out []types.Type
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			for _, res := range n.Results {
				t := info.TypeOf(res)
				if t == nil || types.IsInterface(t) {
					continue
				}
				if !slices.ContainsFunc(out, func(u types.Type) bool { return types.Identical(t, u) }) {
					out = append(out, t)
				}
			}
		}
		return true
	})
	return out
}

// report reports, at pos, every mutable variable the roots reach, with the
// best chain to it.
func (ck *checker) report(pos, end token.Pos, what string, roots []root) {
	best := map[string]*Access{}
	for _, rt := range roots {
		for k, a := range rt.sum {
			cand := &Access{Var: a.Var, Write: a.Write, At: a.At, Via: append([]Ref{rt.name}, a.Via...)}
			if cand.better(best[k]) {
				best[k] = cand
			}
		}
	}
	for _, a := range flatten(best) {
		written := a.At
		if !a.Write {
			var ok bool
			if written, ok = ck.writtenAt(a.Var); !ok {
				continue // never written after initialisation
			}
		}
		chain := make([]string, len(a.Via))
		for i, f := range a.Via {
			chain[i] = f.in(ck.here)
		}
		ck.r.Report(analysis.Diagnostic{
			Pos: pos,
			End: end,
			Message: fmt.Sprintf("isolate %s reaches mutable global %s: %s (written at %s); keep the state in the isolate (a port's implementation, or a message), or, if a lock or atomic guards every access, mark %s //isolate:shared",
				what, a.Var.in(ck.here), strings.Join(chain, " → "), written, a.Var.in(ck.here)),
		})
	}
}

// writtenAt returns where v is written outside its initialisation, by this
// package or any package it depends on: the write in v's own package if
// there is one, else the first by package path.
func (ck *checker) writtenAt(v Ref) (string, bool) {
	if ck.writes == nil {
		ck.writes = map[string][]writer{}
		pass := ck.s.c.pass
		add := func(pkg string, ws []Write) {
			for _, w := range ws {
				k := w.Var.key()
				ck.writes[k] = append(ck.writes[k], writer{pkg, w.At})
			}
		}
		for _, pf := range pass.AllPackageFacts() {
			if ws, ok := pf.Fact.(*Writes); ok && pf.Package != pass.Pkg {
				add(pf.Package.Path(), ws.Vars)
			}
		}
		add(pass.Pkg.Path(), ck.s.ownWrites())
	}
	ws := ck.writes[v.key()]
	if len(ws) == 0 {
		return "", false
	}
	w := slices.MinFunc(ws, func(a, b writer) int {
		// The variable's own package first, then by path.
		if (a.pkg == v.Path) != (b.pkg == v.Path) {
			if a.pkg == v.Path {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.pkg, b.pkg), cmp.Compare(a.at, b.at))
	})
	return w.at, true
}
