package goroutine

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// SyncFree is the package fact that lists a package's sync-free functions
// and methods that other packages can call (those with exported names): a
// function is sync-free when its body, and every static callee's, performs
// no synchronizing operation: no channel operation, no go statement, no
// call into sync or sync/atomic, and no call through an interface or a
// func value. Only such calls may sit between two accesses without
// possibly ordering them.
//
// It is one fact per package, not one per function: every fact travels
// with each package that imports this one, and the standard library has
// thousands of sync-free functions.
type SyncFree struct {
	// Names are "F" for a function and "T.M" for a method, sorted.
	Names []string
}

// AFact marks SyncFree as an analysis fact.
func (*SyncFree) AFact() {}

func (f *SyncFree) String() string { return "syncfree(" + strings.Join(f.Names, " ") + ")" }

// funcKey is fn's name in a SyncFree fact.
func funcKey(fn *types.Func) string {
	recv := fn.Signature().Recv()
	if recv == nil {
		return fn.Name()
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Origin().Obj().Name() + "." + fn.Name()
	}
	return "" // an interface method: never sync-free
}

// op is one operation that may synchronize: acq when it may acquire
// (observe another goroutine's release: a receive, Lock, Wait), rel when it
// may release (a send, close, Unlock, Done).
type op struct {
	pos      token.Pos
	acq, rel bool
	deferred bool // inside a defer statement: runs when the function returns
	// wg and method name, for a method call on a sync.WaitGroup reached
	// through a variable: wg.Add inside a goroutine is not ordered before
	// the spawner's wg.Wait.
	wg     types.Object
	method string
	// joinAll is set for synctest.Wait, which waits until every other
	// goroutine of the bubble has exited or blocked: their ends are
	// ordered before it, whatever they do.
	joinAll bool
}

// syncs classifies the operations of a function body or statement.
type syncs struct {
	pass *analysis.Pass
	free map[*types.Func]bool // this package's functions: true for the sync-free ones
	// imported holds the names in other packages' SyncFree facts.
	imported map[*types.Package]map[string]bool
}

// notSyncPkgs are the standard packages whose bodiless (assembly or
// linknamed) functions may synchronize; elsewhere a function without a body
// computes (math.Sqrt, internal/bytealg.IndexByte).
var notSyncPkgs = []string{"runtime", "sync", "internal/runtime", "internal/sync", "internal/poll", "time", "os", "syscall", "internal/syscall", "net", "iter", "unique", "weak", "internal/synctest", "testing/synctest", "reflect", "internal/reflectlite"}

// bodilessFree reports whether fn, declared without a body, is known not
// to synchronize.
func bodilessFree(fn *types.Func) bool {
	if fn.Pkg() == nil {
		return false
	}
	path := fn.Pkg().Path()
	for _, p := range notSyncPkgs {
		if path == p || strings.HasPrefix(path, p+"/") {
			return false
		}
	}
	return true
}

// callFree reports whether a static call of fn cannot synchronize.
func (s *syncs) callFree(fn *types.Func) bool {
	fn = fn.Origin()
	if fn.Pkg() == s.pass.Pkg {
		return s.free[fn]
	}
	if fn.Pkg() == nil {
		return false
	}
	names, ok := s.imported[fn.Pkg()]
	if !ok {
		var f SyncFree
		if s.pass.ImportPackageFact(fn.Pkg(), &f) {
			names = make(map[string]bool, len(f.Names))
			for _, n := range f.Names {
				names[n] = true
			}
		}
		if s.imported == nil {
			s.imported = map[*types.Package]map[string]bool{}
		}
		s.imported[fn.Pkg()] = names
	}
	return names[funcKey(fn)]
}

// inspect calls visit for every operation in n that may synchronize. Func
// literals are not entered unless called right there (their bodies run
// when called, and the call through a func value is itself counted).
func (s *syncs) inspect(n ast.Node, deferred bool, visit func(op)) {
	info := s.pass.TypesInfo
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			s.inspect(n.Call, true, visit)
			return false
		case *ast.GoStmt:
			// Starting a goroutine releases to it; it acquires nothing.
			visit(op{pos: n.Pos(), rel: true, deferred: deferred})
			return false
		case *ast.SendStmt, *ast.SelectStmt:
			visit(op{pos: n.Pos(), acq: true, rel: true, deferred: deferred})
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				visit(op{pos: n.Pos(), acq: true, rel: true, deferred: deferred})
			}
		case *ast.RangeStmt:
			switch info.TypeOf(n.X).Underlying().(type) {
			case *types.Chan, *types.Signature:
				visit(op{pos: n.Pos(), acq: true, rel: true, deferred: deferred})
			}
		case *ast.CallExpr:
			if o, ok := s.call(n); ok {
				o.deferred = deferred
				visit(o)
			}
			if lit, ok := ast.Unparen(n.Fun).(*ast.FuncLit); ok {
				s.inspect(lit.Body, deferred, visit)
			}
		}
		return true
	})
}

// call classifies one call: ok is false when it cannot synchronize.
func (s *syncs) call(call *ast.CallExpr) (op, bool) {
	info := s.pass.TypesInfo
	fun := ast.Unparen(call.Fun)
	if tv, ok := info.Types[fun]; ok && tv.IsType() {
		return op{}, false // a conversion
	}
	if id, ok := fun.(*ast.Ident); ok {
		if b, ok := info.Uses[id].(*types.Builtin); ok {
			if b.Name() == "close" {
				return op{pos: call.Pos(), rel: true}, true
			}
			return op{}, false
		}
	}
	if _, ok := fun.(*ast.FuncLit); ok {
		return op{}, false // its body is inspected in place
	}
	fn, _ := typeutil.Callee(info, call).(*types.Func)
	if fn == nil || isInterfaceMethod(fn) {
		return op{pos: call.Pos(), acq: true, rel: true}, true
	}
	if fn.Name() == "Wait" && fn.Pkg() != nil && (fn.Pkg().Path() == "testing/synctest" || fn.Pkg().Path() == "internal/synctest") {
		return op{pos: call.Pos(), acq: true, rel: true, joinAll: true}, true
	}
	if isMethod(fn, "sync", "WaitGroup") {
		o := op{pos: call.Pos(), method: fn.Name()}
		if sel, ok := fun.(*ast.SelectorExpr); ok {
			o.wg = rootObj(info, sel.X)
		}
		switch fn.Name() {
		case "Add", "Done", "Go":
			o.rel = true
		case "Wait":
			o.acq = true
		default:
			o.acq, o.rel = true, true
		}
		return o, true
	}
	if s.callFree(fn) {
		return op{}, false
	}
	return op{pos: call.Pos(), acq: true, rel: true}, true
}

func isInterfaceMethod(fn *types.Func) bool {
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return false
	}
	return types.IsInterface(sig.Recv().Type())
}

// isMethod reports whether fn is a method of the named type pkg.name (or
// of a pointer to it).
func isMethod(fn *types.Func, pkg, name string) bool {
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return false
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	if !ok {
		return false
	}
	obj := n.Obj()
	return obj.Pkg() != nil && obj.Pkg().Path() == pkg && obj.Name() == name
}

// rootObj returns the variable an expression such as wg, s.wg or &s.wg
// starts from, or nil.
func rootObj(info *types.Info, e ast.Expr) types.Object {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			if v, ok := info.Uses[x].(*types.Var); ok {
				return v
			}
			return nil
		case *ast.SelectorExpr:
			if v, ok := info.Uses[x.Sel].(*types.Var); ok && !v.IsField() {
				return v // pkg.Var
			}
			e = x.X
		case *ast.UnaryExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// computeSyncFree finds this package's sync-free functions (a fixed point:
// a function is sync-free when everything it calls is) and returns them.
// It exports the package's SyncFree fact, naming those another package
// can call.
func computeSyncFree(pass *analysis.Pass) map[*types.Func]bool {
	bodies := map[*types.Func]*ast.BlockStmt{}
	s := &syncs{pass: pass, free: map[*types.Func]bool{}}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			fn, _ := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if fn == nil {
				continue
			}
			if fd.Body == nil {
				s.free[fn] = bodilessFree(fn)
				continue
			}
			bodies[fn] = fd.Body
			s.free[fn] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for fn, body := range bodies {
			if !s.free[fn] {
				continue
			}
			found := false
			s.inspect(body, false, func(op) { found = true })
			if found {
				s.free[fn] = false
				changed = true
			}
		}
	}
	var names []string
	for fn, free := range s.free {
		if free && fn.Exported() {
			if k := funcKey(fn); k != "" {
				names = append(names, k)
			}
		}
	}
	if len(names) > 0 {
		sort.Strings(names)
		pass.ExportPackageFact(&SyncFree{Names: names})
	}
	return s.free
}
