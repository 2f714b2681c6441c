package global

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/go-isolate/isolate/analyzer/internal/annotations"
)

// kind says when the code at hand runs, which decides whether a write in it
// makes a variable mutable.
type kind int

const (
	// normal: a function body, or a func literal that may run at any time.
	normal kind = iota
	// initialising: an init function, a package-level var initializer, or a
	// func literal called right there.
	initialising
	// lazy: a func literal (or function) handed to sync.Once.Do,
	// sync.OnceFunc, sync.OnceValue or sync.OnceValues: initialisation on
	// first use, synchronised by the Once.
	lazy
)

// scope is where a piece of code stands.
type scope struct {
	kind kind
	fn   *types.Func // the enclosing func declaration; nil in var initializers
	// direct is set in fn's own body (and func literals called right there),
	// unset inside a func literal that may run later.
	direct bool
}

// access is one reference to a package-level variable in the source.
type access struct {
	v     *types.Var
	pos   token.Pos
	write bool // assigned, incremented, element or field assigned, address taken, pointer method called
	sc    scope
}

// call is one static call.
type call struct {
	callee *types.Func // generic origin
	pos    token.Pos
}

// ref is one reference to a package-level func of the package, to find the
// helpers that only initialisation calls.
type ref struct {
	fn     *types.Func
	sc     scope
	called bool // the reference is the function of a call, or handed to a Once
}

// fnData is what one function (or func literal) does, directly.
type fnData struct {
	obj      *types.Func
	body     *ast.BlockStmt
	accesses []access
	calls    []call
}

// collector walks the package once, gathering accesses, calls, writes and
// references.
type collector struct {
	pass *analysis.Pass
	ann  *annotations.Result

	funcs []*fnData // func declarations with a body, in source order
	byObj map[*types.Func]*fnData

	writes []access // every write, wherever it is
	refs   []ref
	// atomicOnly holds the package's unexported variables; the value stays
	// true while every reference is &v handed to a sync/atomic function.
	atomicOnly map[*types.Var]bool

	// initOnly holds the unexported functions that only initialisation calls.
	initOnly map[*types.Func]bool
}

func newCollector(pass *analysis.Pass, ann *annotations.Result) *collector {
	return &collector{
		pass:       pass,
		ann:        ann,
		byObj:      map[*types.Func]*fnData{},
		atomicOnly: map[*types.Var]bool{},
		initOnly:   map[*types.Func]bool{},
	}
}

// collectPackage walks every declaration of the package.
func (c *collector) collectPackage() {
	for _, file := range c.pass.Files {
		for _, decl := range file.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				obj, _ := c.pass.TypesInfo.Defs[decl.Name].(*types.Func)
				if obj == nil || decl.Body == nil {
					continue
				}
				fd := &fnData{obj: obj, body: decl.Body}
				c.funcs = append(c.funcs, fd)
				c.byObj[obj] = fd
				sc := scope{kind: normal, fn: obj, direct: true}
				if decl.Recv == nil && decl.Name.Name == "init" {
					sc.kind = initialising
				}
				w := &walker{c: c, fd: fd, global: true}
				w.walk(decl.Body, sc)
			case *ast.GenDecl:
				if decl.Tok != token.VAR {
					continue
				}
				for _, spec := range decl.Specs {
					vs, ok := spec.(*ast.ValueSpec)
					if !ok {
						continue
					}
					w := &walker{c: c, global: true}
					for _, v := range vs.Values {
						w.walk(v, scope{kind: initialising})
					}
				}
			}
		}
	}
	c.findInitOnly()
}

// findInitOnly computes the unexported package-level functions that only
// initialisation calls: every reference is a call (or a hand-over to a
// Once) from an init function, a var initializer, a lazy initializer, or the
// body of another such function. Their writes are initialisation too.
func (c *collector) findInitOnly() {
	refs := map[*types.Func][]ref{}
	for _, r := range c.refs {
		refs[r.fn] = append(refs[r.fn], r)
	}
	for _, fd := range c.funcs {
		fn := fd.obj
		if !fn.Exported() && fn.Signature().Recv() == nil && fn.Name() != "main" && fn.Name() != "init" && len(refs[fn]) > 0 {
			c.initOnly[fn] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for _, fd := range c.funcs {
			fn := fd.obj
			if !c.initOnly[fn] {
				continue
			}
			for _, r := range refs[fn] {
				if !r.called || !c.initialising(r.sc) {
					delete(c.initOnly, fn)
					changed = true
					break
				}
			}
		}
	}
}

// initialising reports whether code in sc runs only as initialisation.
func (c *collector) initialising(sc scope) bool {
	if sc.kind != normal {
		return true
	}
	return sc.direct && sc.fn != nil && c.initOnly[sc.fn]
}

// counts reports whether a write makes its variable mutable.
func (c *collector) counts(a access) bool {
	return a.write && !c.initialising(a.sc)
}

// walker walks one function body, or an initializer.
type walker struct {
	c  *collector
	fd *fnData // where accesses and calls go; nil in initializers
	// global is set for the walk of the whole package, which also records
	// writes and references; a second walk of a func literal entry records
	// only into fd.
	global bool

	writeRoots map[*ast.Ident]bool // identifiers that are written
	atomicArgs map[*ast.Ident]bool // identifiers in &v handed to sync/atomic
	callFuns   map[*ast.Ident]bool // identifiers that are the function of a call
	onceArgs   map[ast.Node]bool   // func literals and identifiers handed to a Once
	calledLits map[*ast.FuncLit]bool
}

func (w *walker) walk(root ast.Node, sc scope) {
	if w.writeRoots == nil {
		w.writeRoots = map[*ast.Ident]bool{}
		w.atomicArgs = map[*ast.Ident]bool{}
		w.callFuns = map[*ast.Ident]bool{}
		w.onceArgs = map[ast.Node]bool{}
		w.calledLits = map[*ast.FuncLit]bool{}
	}
	info := w.c.pass.TypesInfo
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			if n == root {
				return true
			}
			inner := sc
			switch {
			case w.calledLits[n]:
			case w.onceArgs[n]:
				inner.kind = lazy
			default:
				inner.kind, inner.direct = normal, false
			}
			w.walk(n, inner)
			return false
		case *ast.CallExpr:
			w.call(n, sc)
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, lhs := range n.Lhs {
					w.markWrite(lhs)
				}
			}
		case *ast.IncDecStmt:
			w.markWrite(n.X)
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				w.markWrite(n.Key)
				w.markWrite(n.Value)
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				w.markWrite(n.X)
			}
		case *ast.SelectorExpr:
			// A method with a pointer receiver may change the variable,
			// unless the receiver is synchronized (a lock, an atomic).
			if sel := info.Selections[n]; sel != nil && sel.Kind() == types.MethodVal {
				if fn, ok := sel.Obj().(*types.Func); ok {
					if recv := fn.Signature().Recv(); recv != nil {
						if _, ptr := recv.Type().(*types.Pointer); ptr && !w.c.synchronized(recv.Type()) {
							w.markWrite(n.X)
						}
					}
				}
			}
		case *ast.Ident:
			w.ident(n, sc)
		}
		return true
	})
}

func (w *walker) call(n *ast.CallExpr, sc scope) {
	info := w.c.pass.TypesInfo
	switch fun := ast.Unparen(n.Fun).(type) {
	case *ast.FuncLit:
		w.calledLits[fun] = true
	case *ast.Ident:
		w.callFuns[fun] = true
	case *ast.IndexExpr:
		if id, ok := ast.Unparen(fun.X).(*ast.Ident); ok {
			w.callFuns[id] = true
		}
	case *ast.IndexListExpr:
		if id, ok := ast.Unparen(fun.X).(*ast.Ident); ok {
			w.callFuns[id] = true
		}
	}
	if b, ok := typeutil.Callee(info, n).(*types.Builtin); ok {
		switch b.Name() {
		case "delete", "clear", "copy":
			if len(n.Args) > 0 {
				w.markWrite(n.Args[0])
			}
		}
		return
	}
	callee := typeutil.StaticCallee(info, n)
	if callee == nil {
		return
	}
	callee = callee.Origin()
	if w.fd != nil {
		w.fd.calls = append(w.fd.calls, call{callee, n.Lparen})
	}
	if callee.Pkg() == nil {
		return
	}
	switch callee.Pkg().Path() {
	case "sync":
		if isOnce(callee) {
			for _, arg := range n.Args {
				arg = ast.Unparen(arg)
				w.onceArgs[arg] = true
			}
		}
	case "sync/atomic":
		for _, arg := range n.Args {
			if u, ok := ast.Unparen(arg).(*ast.UnaryExpr); ok && u.Op == token.AND {
				if id, ok := ast.Unparen(u.X).(*ast.Ident); ok {
					w.atomicArgs[id] = true
				}
			}
		}
	}
}

// isOnce reports whether fn runs its function argument once, synchronised.
func isOnce(fn *types.Func) bool {
	if recv := fn.Signature().Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		n, ok := types.Unalias(t).(*types.Named)
		return ok && n.Obj().Name() == "Once" && fn.Name() == "Do"
	}
	switch fn.Name() {
	case "OnceFunc", "OnceValue", "OnceValues":
		return true
	}
	return false
}

func (w *walker) ident(id *ast.Ident, sc scope) {
	c := w.c
	switch obj := c.pass.TypesInfo.Uses[id].(type) {
	case *types.Var:
		if !isPackageVar(obj) {
			return
		}
		a := access{v: obj, pos: id.Pos(), write: w.writeRoots[id], sc: sc}
		if w.fd != nil {
			w.fd.accesses = append(w.fd.accesses, a)
		}
		if !w.global {
			return
		}
		if a.write {
			c.writes = append(c.writes, a)
		}
		if obj.Pkg() == c.pass.Pkg && !obj.Exported() {
			only, seen := c.atomicOnly[obj]
			c.atomicOnly[obj] = (only || !seen) && w.atomicArgs[id]
		}
	case *types.Func:
		if !w.global || obj.Pkg() != c.pass.Pkg || obj.Signature().Recv() != nil {
			return
		}
		called := w.callFuns[id] || w.onceArgs[id]
		c.refs = append(c.refs, ref{fn: obj.Origin(), sc: onceScope(sc, w.onceArgs[id]), called: called})
	}
}

// onceScope is the scope of a function handed to a Once: lazy initialisation.
func onceScope(sc scope, once bool) scope {
	if once {
		sc.kind = lazy
	}
	return sc
}

// markWrite records that the variable at the root of the lvalue e is
// written: x, x.f, x[i], *x, pkg.X.f[i] all write x.
func (w *walker) markWrite(e ast.Expr) {
	if id := rootIdent(w.c.pass.TypesInfo, e); id != nil {
		w.writeRoots[id] = true
	}
}

// rootIdent returns the identifier of the variable that e selects into, or
// nil.
func rootIdent(info *types.Info, e ast.Expr) *ast.Ident {
	for e != nil {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.ParenExpr:
			e = x.X
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); ok {
				if _, ok := info.Uses[id].(*types.PkgName); ok {
					return x.Sel
				}
			}
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		default:
			return nil
		}
	}
	return nil
}

// isPackageVar reports whether v is a package-level variable.
func isPackageVar(v *types.Var) bool {
	return v != nil && !v.IsField() && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
}

// synchronized reports whether values of type t (or what t points to) are
// safe to share: the types of sync and sync/atomic, and types annotated
// //isolate:unchecked.
func (c *collector) synchronized(t types.Type) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj() == nil {
		return false
	}
	if pkg := n.Obj().Pkg(); pkg != nil {
		switch pkg.Path() {
		case "sync", "sync/atomic":
			return true
		}
	}
	return c.ann.Of(n.Obj()).Unchecked
}

// at renders a position as file:line.
func at(fset *token.FileSet, pos token.Pos) string {
	p := fset.Position(pos)
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}
