package send

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"sort"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/go-isolate/isolate/analyzer/internal/annotations"
	"github.com/go-isolate/isolate/analyzer/internal/boundary"
	"github.com/go-isolate/isolate/analyzer/internal/ignore"
	"github.com/go-isolate/isolate/analyzer/internal/typeparams"
	"github.com/go-isolate/isolate/internal/directive"
	"github.com/go-isolate/isolate/internal/sendable"
)

// Doc is the rule's documentation, as isolatevet help send prints it.
const Doc = `report values that cannot cross the isolate boundary they are given to

A value crossing an isolate boundary must not leave memory shared between
two isolates. SendPort.Send, Spawn's message and the parameters and results
of an //isolate:port interface copy the value: it must be sendable (a plain
Go copy shares nothing) or copyable (an //isolate:message type, or a pointer
to one, copied by its generated deep copy). SendPort.Transfer, Exit and
Run's result move the value: it need only be transferable, holding no
channel, func or ReceivePort. The rule judges the value's own static type,
also when the port carries an interface type, and names the path to the
offending part, as in

	cannot send *Cache to another isolate: Cache.items is map[string]*Entry (shared mutable memory); annotate Cache with //isolate:message and run go generate

A generic function that passes a value of its type parameter to a boundary
is a boundary itself: its callers are judged with the instantiated type,
in other packages too. A Send of a value that is transferable, made in
the function and not used afterwards comes with a fix that moves it with
Transfer instead.`

// Analyzer is the send rule.
var Analyzer = &analysis.Analyzer{
	Name:     "send",
	Doc:      Doc,
	URL:      "https://pkg.go.dev/github.com/go-isolate/isolate/analyzer/send",
	Requires: []*analysis.Analyzer{inspect.Analyzer, annotations.Analyzer},
	Run:      run,
	// Each boundary is judged by the types of its own expressions; where
	// those are missing the rule says nothing.
	RunDespiteErrors: true,
	ResultType:       reflect.TypeFor[ignore.Used](),
	FactTypes:        []analysis.Fact{new(wrapperFact)},
}

// site is a call that passes a value across a boundary: a runtime
// operation, or a generic function that is a boundary for its type
// parameters.
type site struct {
	call *ast.CallExpr
	// decl is the function declaration whose body holds the call, or nil.
	decl *types.Func
	// generated is set for calls in generated files: they teach which
	// generic functions are boundaries, but are not reported.
	generated bool

	// A runtime operation.
	b boundary.Site

	// A call of a generic function: its origin.
	callee *types.Func
}

type state struct {
	pass *analysis.Pass
	ann  *annotations.Result
	r    *ignore.Reporter
	qual types.Qualifier
	// check judges types; best judges them with type parameters replaced
	// by a stand-in that any boundary accepts.
	check, best *sendable.Checker
	any         types.Type

	sites []site
	// local holds what this package's generic functions pass across
	// boundaries, as inferred so far.
	local map[*types.Func][]Crossing
	// ranged maps a variable declared by "for _, v := range p" to the
	// parameter p it ranges over, so that a crossing of v is one of p.
	ranged map[*types.Var]*types.Var
	// decls maps each function to its declaration.
	decls map[*types.Func]*ast.FuncDecl
}

func run(pass *analysis.Pass) (any, error) {
	ann, ok := pass.ResultOf[annotations.Analyzer].(*annotations.Result)
	if !ok || ann == nil {
		return ignore.Used(nil), nil
	}
	r := ignore.NewReporter(pass, ann)
	ports := portSpecs(pass, ann)
	if len(ports) == 0 && !boundary.ReachesRuntime(pass.Pkg) && len(pass.AllObjectFacts()) == 0 {
		// Nothing here can cross a boundary: the common case, kept cheap.
		return r.Used(), nil
	}
	s := &state{
		pass:   pass,
		ann:    ann,
		r:      r,
		qual:   boundary.Qualifier(pass.Pkg),
		local:  map[*types.Func][]Crossing{},
		ranged: map[*types.Var]*types.Var{},
		decls:  map[*types.Func]*ast.FuncDecl{},
	}
	s.check = ann.Checker(s.qual)
	stand := typeparams.StandIn()
	s.any = stand.Type()
	base := s.check.Annotations
	s.best = &sendable.Checker{
		Annotations: func(tn *types.TypeName) sendable.Annotation {
			if tn == stand {
				return sendable.Annotation{Unchecked: true}
			}
			if base == nil {
				return sendable.Annotation{}
			}
			return base(tn)
		},
		Extra:     s.check.Extra,
		Qualifier: s.qual,
	}

	for _, p := range ports {
		s.checkPort(p.spec, p.generated)
	}
	s.collect()
	s.infer()
	s.reportSites()
	s.exportFacts()
	return r.Used(), nil
}

// collect finds every call that may cross a boundary.
func (s *state) collect() {
	in := s.pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	info := s.pass.TypesInfo
	var (
		generated bool
		decl      *ast.FuncDecl
		fn        *types.Func
	)
	filter := []ast.Node{(*ast.File)(nil), (*ast.FuncDecl)(nil), (*ast.RangeStmt)(nil), (*ast.CallExpr)(nil)}
	in.Preorder(filter, func(n ast.Node) {
		switch n := n.(type) {
		case *ast.File:
			generated = ast.IsGenerated(n)
			decl, fn = nil, nil
		case *ast.FuncDecl:
			decl = n
			fn, _ = info.Defs[n.Name].(*types.Func)
			if fn != nil {
				s.decls[fn] = n
			}
		case *ast.RangeStmt:
			if n.Tok != token.DEFINE || fn == nil || !inside(n, decl) {
				return
			}
			x, ok := ast.Unparen(n.X).(*ast.Ident)
			if !ok {
				return
			}
			p, ok := info.Uses[x].(*types.Var)
			if !ok || paramIndex(fn, p) < 0 {
				return
			}
			if id, ok := n.Value.(*ast.Ident); ok {
				if v, ok := info.Defs[id].(*types.Var); ok {
					s.ranged[v] = p
				}
			}
		case *ast.CallExpr:
			owner := fn
			if !inside(n, decl) {
				owner = nil // a package-level initializer
			}
			if b, ok := boundary.SiteOf(info, n); ok {
				s.sites = append(s.sites, site{call: n, decl: owner, generated: generated, b: b})
				return
			}
			if origin := genericCallee(info, n); origin != nil {
				s.sites = append(s.sites, site{call: n, decl: owner, generated: generated, callee: origin})
			}
		}
	})
}

func inside(n ast.Node, decl *ast.FuncDecl) bool {
	return decl != nil && decl.Pos() <= n.Pos() && n.End() <= decl.End()
}

// A crossing is one value crossing one boundary at a site.
type crossing struct {
	op    string
	move  bool
	typ   types.Type // the type judged
	value ast.Expr   // where the value is, for the finding and the fix
	via   *types.Func
	b     *boundary.Site // the runtime operation, if direct
}

// crossings lists what crosses at s, with what is known so far of the
// generic functions it calls.
func (s *state) crossings(st *site) []crossing {
	if st.callee == nil {
		b := &st.b
		return []crossing{{op: b.Op.String(), move: b.Op.Moves(), typ: b.Type, value: b.Value, b: b}}
	}
	var out []crossing
	for _, c := range s.crossingsOf(st.callee) {
		t := resolve(s.pass.TypesInfo, st.call, c.Type)
		if t == nil {
			continue
		}
		value := ast.Expr(st.call)
		if c.Arg >= 0 {
			sig := st.callee.Signature()
			if sig.Variadic() && c.Arg == sig.Params().Len()-1 && len(st.call.Args) <= c.Arg {
				continue // no variadic argument: nothing crosses
			}
			if c.Arg < len(st.call.Args) {
				value = st.call.Args[c.Arg]
			} else if len(st.call.Args) > 0 {
				value = st.call.Args[len(st.call.Args)-1] // f(g()) with g's many results
			}
		}
		out = append(out, crossing{op: c.Op, move: c.Move, typ: t, value: value, via: st.callee})
	}
	return out
}

func (s *state) crossingsOf(fn *types.Func) []Crossing {
	if fn.Pkg() == s.pass.Pkg {
		return s.local[fn]
	}
	var f wrapperFact
	if s.pass.ImportObjectFact(fn, &f) {
		return f.Crossings
	}
	return nil
}

// judge decides a crossing in decl: fine, a finding (its reason), or, in
// a generic body where the type parameters decide, a crossing of decl.
func (s *state) judge(decl *types.Func, c crossing) (reason *sendable.Reason, deferred *Crossing) {
	if c.typ == nil || !valid(c.typ) {
		return nil, nil
	}
	ok, reason := s.can(s.check, c.typ, c.move)
	tps := typeparams.Of(decl)
	if ok && (!c.move || len(tps) == 0) {
		return nil, nil
	}
	isOwn := func(tp *types.TypeParam) bool {
		for _, x := range tps {
			if x == tp {
				return true
			}
		}
		return false
	}
	if ok {
		// The checker moves a type parameter whose constraint names no
		// types, such as any; only the callers know whether it holds a
		// channel or func.
		open := func(tp *types.TypeParam) bool { return isOwn(tp) && !hasTerms(tp) }
		if !typeparams.Mentions(c.typ, open, map[types.Type]bool{}) {
			return nil, nil
		}
	} else if len(tps) == 0 || !typeparams.Mentions(c.typ, isOwn, map[types.Type]bool{}) {
		return reason, nil
	} else if ok, _ := s.can(s.best, typeparams.BestCase(c.typ, tps, s.any), c.move); !ok {
		return reason, nil // no instantiation could cross: the body is wrong
	}
	path, found := pathTo(decl, c.typ)
	if !found {
		return nil, nil // the callers cannot be judged: a blind spot
	}
	return nil, &Crossing{Op: c.op, Move: c.move, Arg: s.argIndex(decl, c.value), Type: path}
}

func (s *state) can(check *sendable.Checker, t types.Type, move bool) (bool, *sendable.Reason) {
	if move {
		return check.CanMove(t)
	}
	return check.CanCopy(t)
}

// valid reports whether t was fully typed.
func valid(t types.Type) bool {
	b, ok := t.(*types.Basic)
	return !ok || b.Kind() != types.Invalid
}

// argIndex returns which parameter of decl the value is, or comes from by
// ranging over it; -1 if none.
func (s *state) argIndex(decl *types.Func, value ast.Expr) int {
	id, ok := ast.Unparen(value).(*ast.Ident)
	if !ok {
		return -1
	}
	v, ok := s.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok {
		return -1
	}
	if p, ok := s.ranged[v]; ok {
		v = p
	}
	return paramIndex(decl, v)
}

func paramIndex(fn *types.Func, v *types.Var) int {
	params := fn.Signature().Params()
	for i := 0; i < params.Len(); i++ {
		if params.At(i) == v {
			return i
		}
	}
	return -1
}

// infer computes, to a fixpoint, which generic functions of the package
// pass values of their type parameters across boundaries, directly or
// through other such functions.
func (s *state) infer() {
	for round := 0; round < 8; round++ {
		changed := false
		for i := range s.sites {
			st := &s.sites[i]
			if st.decl == nil {
				continue
			}
			for _, c := range s.crossings(st) {
				if _, d := s.judge(st.decl, c); d != nil && s.add(st.decl, *d) {
					changed = true
				}
			}
		}
		if !changed {
			return
		}
	}
}

func (s *state) add(fn *types.Func, c Crossing) bool {
	for _, x := range s.local[fn] {
		if x.String() == c.String() && x.Move == c.Move {
			return false
		}
	}
	s.local[fn] = append(s.local[fn], c)
	return true
}

func (s *state) exportFacts() {
	fns := make([]*types.Func, 0, len(s.local))
	for fn := range s.local {
		fns = append(fns, fn)
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].Pos() < fns[j].Pos() })
	for _, fn := range fns {
		cs := append([]Crossing(nil), s.local[fn]...)
		sort.Slice(cs, func(i, j int) bool { return cs[i].String() < cs[j].String() })
		s.pass.ExportObjectFact(fn, &wrapperFact{Crossings: cs})
	}
}

func (s *state) reportSites() {
	seen := map[string]bool{}
	for i := range s.sites {
		st := &s.sites[i]
		if st.generated {
			continue
		}
		for _, c := range s.crossings(st) {
			reason, _ := s.judge(st.decl, c)
			if reason == nil {
				continue
			}
			d := analysis.Diagnostic{
				Pos: c.value.Pos(),
				End: c.value.End(),
			}
			if fix, why := s.transferFix(st, c); fix != nil {
				d.Message = s.message(c, reason, true) + "; " + why
				d.SuggestedFixes = []analysis.SuggestedFix{*fix}
			} else {
				d.Message = s.message(c, reason, false)
			}
			key := fmt.Sprint(d.Pos, d.Message)
			if seen[key] {
				continue
			}
			seen[key] = true
			s.r.Report(d)
		}
	}
}

// message renders a finding: "cannot send *Cache to another isolate:
// Cache.items is map[string]*Entry (shared mutable memory); annotate ...".
// It ends with what to do, unless fixed: then the suggested fix's own words
// follow.
func (s *state) message(c crossing, reason *sendable.Reason, fixed bool) string {
	t := types.TypeString(c.typ, s.qual)
	var what string
	move := false
	switch c.op {
	case "Run", "RunOn":
		what = fmt.Sprintf("return %s from an isolate", t)
		move = true
	case "Transfer", "Exit":
		what = fmt.Sprintf("transfer %s to another isolate", t)
		move = true
	default:
		what = fmt.Sprintf("send %s to another isolate", t)
	}
	if c.via != nil {
		what += " through " + boundary.FuncName(c.via, s.pass.Pkg)
	}
	out := "cannot " + what + ": " + boundary.Describe(reason, s.qual)
	if fixed && reason.Hint == "" {
		return out
	}
	transfer := c.b != nil && c.b.Op == boundary.Send && c.via == nil
	if transfer {
		transfer, _ = s.check.CanMove(c.typ)
	}
	return withFix(out, boundary.Fix(reason, c.typ, move, transfer, s.qual))
}

// withFix ends a finding with what to do about it, when there is advice.
func withFix(msg, fix string) string {
	if fix == "" {
		return msg
	}
	return msg + "; " + fix
}

type portSpec struct {
	spec      *ast.TypeSpec
	generated bool
}

// portSpecs returns the //isolate:port interfaces declared in the package.
func portSpecs(pass *analysis.Pass, ann *annotations.Result) []portSpec {
	var out []portSpec
	for _, f := range pass.Files {
		df := ann.Files[f]
		if df == nil {
			continue
		}
		for spec, ds := range df.Types {
			if _, ok := directive.Find(ds, directive.Port); ok {
				out = append(out, portSpec{spec, ast.IsGenerated(f)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].spec.Pos() < out[j].spec.Pos() })
	return out
}

// checkPort judges the parameters and results of every method of an
// //isolate:port interface: each is copied between isolates.
func (s *state) checkPort(spec *ast.TypeSpec, generated bool) {
	it, ok := spec.Type.(*ast.InterfaceType)
	if !ok || generated || it.Methods == nil {
		return
	}
	info := s.pass.TypesInfo
	for _, field := range it.Methods.List {
		if len(field.Names) == 0 {
			// An embedded interface: its methods are the port's too.
			t := info.TypeOf(field.Type)
			if t == nil {
				continue
			}
			iface, ok := t.Underlying().(*types.Interface)
			if !ok {
				continue
			}
			for i := 0; i < iface.NumMethods(); i++ {
				m := iface.Method(i)
				s.checkPortSignature(spec.Name.Name, m.Name(), m.Signature(), nil, nil, field.Type)
			}
			continue
		}
		ft, ok := field.Type.(*ast.FuncType)
		if !ok {
			continue
		}
		for _, name := range field.Names {
			m, ok := info.Defs[name].(*types.Func)
			if !ok {
				continue
			}
			s.checkPortSignature(spec.Name.Name, m.Name(), m.Signature(), ft.Params, ft.Results, name)
		}
	}
}

func (s *state) checkPortSignature(port, method string, sig *types.Signature, params, results *ast.FieldList, at ast.Node) {
	check := func(tuple *types.Tuple, fields *ast.FieldList, verb string) {
		pos := positions(fields)
		for i := 0; i < tuple.Len(); i++ {
			t := tuple.At(i).Type()
			if !valid(t) {
				continue
			}
			if ok, reason := s.check.CanCopy(t); !ok {
				var n ast.Node = at
				if i < len(pos) {
					n = pos[i]
				}
				s.r.Report(analysis.Diagnostic{
					Pos:     n.Pos(),
					End:     n.End(),
					Message: fmt.Sprintf("port method %s.%s cannot %s %s across isolates: %s", port, method, verb, types.TypeString(t, s.qual), withFix(boundary.Describe(reason, s.qual), boundary.Fix(reason, t, false, false, s.qual))),
				})
			}
		}
	}
	check(sig.Params(), params, "take")
	check(sig.Results(), results, "return")
}

// positions returns, for each parameter of a field list, where a finding
// about it sits: its name, or its type when it has none.
func positions(fields *ast.FieldList) []ast.Node {
	if fields == nil {
		return nil
	}
	var out []ast.Node
	for _, f := range fields.List {
		if len(f.Names) == 0 {
			out = append(out, f.Type)
		}
		for _, name := range f.Names {
			out = append(out, name)
		}
	}
	return out
}
