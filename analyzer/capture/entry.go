package capture

import (
	"fmt"
	"go/ast"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/go-isolate/isolate/analyzer/internal/boundary"
)

// A function that hands one of its func parameters to Spawn or Run as the
// entry runs whatever its callers give there in a new isolate:
//
//	func Go[M any](ctx context.Context, entry func(context.Context, M), msg M) (*runtime.Isolate, error) {
//		return runtime.Spawn(ctx, entry, msg)
//	}
//
// Inside it, entry is a func value, a blind spot; at its calls, the
// closure is known, and judged as if given to Spawn itself. A fact carries
// this to importing packages, as printf carries its wrappers.

// entryFact lists the parameters of a function that run in a new isolate.
type entryFact struct {
	Params []EntryParam
}

func (*entryFact) AFact() {}

func (f *entryFact) String() string {
	parts := make([]string, len(f.Params))
	for i, p := range f.Params {
		parts[i] = fmt.Sprintf("%s %d", p.Op, p.Index)
	}
	return "entry(" + strings.Join(parts, ", ") + ")"
}

// EntryParam is a parameter whose argument runs in a new isolate.
type EntryParam struct {
	Index int
	Op    string // Spawn or Run, at the end of the chain of calls
}

// entryCall is a call that passes a function on, directly to the runtime
// or to a function that does.
type entryCall struct {
	cur    inspector.Cursor
	call   *ast.CallExpr
	decl   *types.Func // the function whose body holds the call, or nil
	site   boundary.Site
	callee *types.Func // nil for a runtime call
}

// collectEntries finds the calls that may pass a function to an isolate,
// and infers which parameters of this package's functions are run in one.
func (s *state) collectEntries(in *inspector.Inspector) {
	info := s.pass.TypesInfo
	for cur := range in.Root().Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		var decl *types.Func
		for c := range cur.Enclosing((*ast.FuncDecl)(nil)) {
			decl, _ = info.Defs[c.Node().(*ast.FuncDecl).Name].(*types.Func)
			break
		}
		if site, ok := boundary.SiteOf(info, call); ok {
			if site.Entry != nil && decl != nil {
				s.calls = append(s.calls, entryCall{cur: cur, call: call, decl: decl, site: site})
				if lit, ok := ast.Unparen(site.Entry).(*ast.FuncLit); ok {
					for _, i := range s.calledParams(decl, lit) {
						s.add(decl, EntryParam{Index: i, Op: site.Op.String()})
					}
				}
			}
			continue
		}
		fn, ok := typeutil.Callee(info, call).(*types.Func)
		if !ok || fn.Pkg() == nil || len(call.Args) == 0 || isMethodExpr(info, call) {
			continue
		}
		if !hasFuncParam(fn) {
			continue
		}
		s.calls = append(s.calls, entryCall{cur: cur, call: call, decl: decl, callee: fn.Origin()})
	}
	for round := 0; round < 8; round++ {
		changed := false
		for _, c := range s.calls {
			if c.decl == nil {
				continue
			}
			for _, p := range s.passed(c) {
				if i := paramIndex(info, c.decl, p.arg); i >= 0 && s.add(c.decl, EntryParam{Index: i, Op: p.op}) {
					changed = true
				}
			}
		}
		if !changed {
			break
		}
	}
}

// calledParams returns the func parameters of decl that lit only calls:
// they run in lit's isolate, so decl's callers are judged for what they
// give there, and lit is not judged for capturing them.
func (s *state) calledParams(decl *types.Func, lit *ast.FuncLit) []int {
	info := s.pass.TypesInfo
	params := decl.Signature().Params()
	callee := map[*ast.Ident]bool{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
				callee[id] = true
			}
		}
		return true
	})
	state := map[*types.Var]bool{} // param → only called so far
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok {
			return true
		}
		if ok, seen := state[v]; seen && !ok {
			return true
		}
		state[v] = callee[id]
		return true
	})
	var out []int
	for i := 0; i < params.Len(); i++ {
		p := params.At(i)
		if _, isFunc := p.Type().Underlying().(*types.Signature); isFunc && state[p] && !s.written(decl, p) {
			out = append(out, i)
			s.calledParam[p] = true
		}
	}
	return out
}

// written reports whether the body of decl writes v.
func (s *state) written(decl *types.Func, v *types.Var) bool {
	fd := s.declNode(decl)
	if fd == nil || fd.Body == nil {
		return true
	}
	found := false
	writesIn(s.pass.TypesInfo, fd.Body, func(x *types.Var) bool { return x == v }, func(*types.Var, write, []ast.Node) { found = true })
	return found
}

func (s *state) declNode(fn *types.Func) *ast.FuncDecl {
	for _, f := range s.pass.Files {
		if f.Pos() <= fn.Pos() && fn.Pos() < f.End() {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Pos() == fn.Pos() {
					return fd
				}
			}
		}
	}
	return nil
}

type passedEntry struct {
	arg ast.Expr
	op  string
}

// passed lists the arguments of c that run in a new isolate.
func (s *state) passed(c entryCall) []passedEntry {
	if c.callee == nil {
		return []passedEntry{{c.site.Entry, c.site.Op.String()}}
	}
	var out []passedEntry
	for _, p := range s.entryParams(c.callee) {
		if p.Index < len(c.call.Args) {
			out = append(out, passedEntry{c.call.Args[p.Index], p.Op})
		}
	}
	return out
}

func (s *state) entryParams(fn *types.Func) []EntryParam {
	if fn.Pkg() == s.pass.Pkg {
		return s.local[fn]
	}
	var f entryFact
	if s.pass.ImportObjectFact(fn, &f) {
		return f.Params
	}
	return nil
}

func (s *state) add(fn *types.Func, p EntryParam) bool {
	for _, x := range s.local[fn] {
		if x.Index == p.Index {
			return false
		}
	}
	s.local[fn] = append(s.local[fn], p)
	return true
}

// wrapperCall is a call of a function that runs its argument arg in a new
// isolate.
type wrapperCall struct {
	cur  inspector.Cursor
	arg  ast.Expr
	name string
}

// wrapperCalls lists, for checking, the closures and method values given
// to functions that run them in a new isolate.
func (s *state) wrapperCalls() []wrapperCall {
	var out []wrapperCall
	for _, c := range s.calls {
		if c.callee == nil || s.generated(c.call.Pos()) {
			continue
		}
		for _, p := range s.passed(c) {
			out = append(out, wrapperCall{c.cur, p.arg, boundary.FuncName(c.callee, s.pass.Pkg)})
		}
	}
	return out
}

func (s *state) exportFacts() {
	fns := make([]*types.Func, 0, len(s.local))
	for fn := range s.local {
		fns = append(fns, fn)
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].Pos() < fns[j].Pos() })
	for _, fn := range fns {
		ps := append([]EntryParam(nil), s.local[fn]...)
		sort.Slice(ps, func(i, j int) bool { return ps[i].Index < ps[j].Index })
		s.pass.ExportObjectFact(fn, &entryFact{Params: ps})
	}
}

// paramIndex returns which parameter of fn the expression names, or -1.
func paramIndex(info *types.Info, fn *types.Func, e ast.Expr) int {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return -1
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok {
		return -1
	}
	params := fn.Signature().Params()
	for i := 0; i < params.Len(); i++ {
		if params.At(i) == v {
			return i
		}
	}
	return -1
}

func hasFuncParam(fn *types.Func) bool {
	params := fn.Signature().Params()
	for i := 0; i < params.Len(); i++ {
		if _, ok := params.At(i).Type().Underlying().(*types.Signature); ok {
			return true
		}
	}
	return false
}

func isMethodExpr(info *types.Info, call *ast.CallExpr) bool {
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s, ok := info.Selections[sel]; ok && s.Kind() == types.MethodExpr {
			return true
		}
	}
	return false
}
