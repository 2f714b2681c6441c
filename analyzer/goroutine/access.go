package goroutine

import (
	"go/ast"
	"go/token"
	"go/types"
)

// An access is one read or write of a memory location: a variable, a field
// of it (.f when reached inside the variable's value, →f through a
// pointer), the contents of a map ([]), or what a pointer points to (*).
// Slice and array elements are not tracked: two goroutines may well own
// different elements.
type access struct {
	obj   *types.Var
	path  string
	write bool
	pos   token.Pos
	// stmt is the innermost statement around the access, in a goroutine's
	// body: an operation in the same statement may come before or after it.
	stmt ast.Node
	// header is set for the writes a range loop's head makes to its key and
	// value at the start of every iteration.
	header bool
	ret    bool // the implicit access of a return statement to a named result
}

// conflicts reports whether a and b touch the same memory and one writes.
func conflicts(a, b *access) bool {
	if a.obj != b.obj || !(a.write || b.write) {
		return false
	}
	p, q := a.path, b.path
	if len(p) > len(q) {
		p, q = q, p
	}
	if q[:len(p)] != p {
		return false
	}
	// A write of v (or v.f) overwrites the fields inside its value, not
	// what its pointers reach.
	return len(q) == len(p) || q[len(p)] == '.'
}

// walker collects the accesses of code to variables declared outside
// scope (nil: every variable).
type walker struct {
	info    *types.Info
	results []*types.Var      // the named results of the function, for returns
	rangeKV map[ast.Expr]bool // range keys and values assigned with =
	outside func(*types.Var) bool
	stmt    ast.Node
	out     []*access
}

func (w *walker) emit(obj *types.Var, path string, write bool, pos token.Pos) {
	if obj == nil || obj.Name() == "_" || (w.outside != nil && !w.outside(obj)) {
		return
	}
	w.out = append(w.out, &access{obj: obj, path: path, write: write, pos: pos, stmt: w.stmt})
}

// node collects the accesses of a statement or expression, not entering
// func literals.
func (w *walker) node(n ast.Node) {
	ast.Inspect(n, func(n ast.Node) bool {
		if st, ok := n.(ast.Stmt); ok {
			if _, block := st.(*ast.BlockStmt); !block {
				w.stmt = st
			}
		}
		switch n := n.(type) {
		case nil:
			return false
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			for _, r := range n.Rhs {
				w.expr(r)
			}
			for _, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && w.info.Defs[id] != nil {
					continue // declared here
				}
				w.ref(l, true)
				if n.Tok != token.ASSIGN && n.Tok != token.DEFINE {
					w.ref(l, false)
				}
			}
			return false
		case *ast.IncDecStmt:
			w.ref(n.X, true)
			w.ref(n.X, false)
			return false
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				w.expr(r)
			}
			for _, v := range w.results {
				before := len(w.out)
				w.emit(v, "", len(n.Results) > 0, n.Pos())
				if len(w.out) > before {
					w.out[before].ret = true
				}
			}
			return false
		case *ast.RangeStmt:
			w.expr(n.X)
			if n.Tok == token.ASSIGN {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if e != nil {
						w.ref(e, true)
					}
				}
			}
			w.node(n.Body)
			return false
		case *ast.GoStmt:
			w.call(n.Call)
			return false
		case *ast.DeferStmt:
			w.call(n.Call)
			return false
		case ast.Expr:
			if w.rangeKV[n] {
				w.ref(n, true)
			} else {
				w.expr(n)
			}
			return false
		}
		return true
	})
}

// expr collects the reads of evaluating e.
func (w *walker) expr(e ast.Expr) {
	switch x := e.(type) {
	case *ast.Ident, *ast.SelectorExpr, *ast.IndexExpr, *ast.StarExpr, *ast.ParenExpr:
		w.ref(x, false)
	case *ast.FuncLit:
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			w.loc(x.X) // the address, not the contents
			return
		}
		w.expr(x.X)
	case *ast.CallExpr:
		w.call(x)
	default:
		first := true
		ast.Inspect(e, func(n ast.Node) bool {
			if first {
				first = false
				return true
			}
			if c, ok := n.(ast.Expr); ok {
				w.expr(c)
				return false
			}
			return n != nil
		})
	}
}

// ref collects an access to the location e denotes, and the reads needed
// to find it.
func (w *walker) ref(e ast.Expr, write bool) {
	if obj, path, ok := w.loc(e); ok {
		w.emit(obj, path, write, e.Pos())
	}
}

// loc returns the location e denotes, collecting the reads on the way
// (pointers followed, map variables, indexes). ok is false when e is not a
// tracked location; its reads are collected all the same.
func (w *walker) loc(e ast.Expr) (*types.Var, string, bool) {
	info := w.info
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := info.Uses[x].(*types.Var); ok && !v.IsField() {
			return v, "", true
		}
		return nil, "", false
	case *ast.SelectorExpr:
		sel := info.Selections[x]
		if sel == nil {
			if v, ok := info.Uses[x.Sel].(*types.Var); ok && !v.IsField() {
				return v, "", true // pkg.Var
			}
			return nil, "", false
		}
		if sel.Kind() != types.FieldVal {
			w.expr(x.X)
			return nil, "", false
		}
		obj, path, ok := w.loc(x.X)
		if !ok {
			return nil, "", false
		}
		if _, ptr := info.TypeOf(x.X).Underlying().(*types.Pointer); ptr || sel.Indirect() {
			w.emit(obj, path, false, x.Pos())
			return obj, path + "→" + x.Sel.Name, true
		}
		return obj, path + "." + x.Sel.Name, true
	case *ast.IndexExpr:
		t := info.TypeOf(x.X)
		if t == nil {
			return nil, "", false
		}
		if tv, ok := info.Types[x.X]; ok && !tv.IsValue() {
			return nil, "", false // a generic instantiation
		}
		w.expr(x.Index)
		obj, path, ok := w.loc(x.X)
		switch t.Underlying().(type) {
		case *types.Map:
			if ok {
				w.emit(obj, path, false, x.Pos())
				return obj, path + "[]", true
			}
		case *types.Slice, *types.Pointer, *types.Basic:
			if ok {
				w.emit(obj, path, false, x.Pos())
			}
		}
		return nil, "", false
	case *ast.StarExpr:
		obj, path, ok := w.loc(x.X)
		if ok {
			w.emit(obj, path, false, x.Pos())
			return obj, path + "*", true
		}
		return nil, "", false
	default:
		w.expr(x)
		return nil, "", false
	}
}

// call collects the reads of a call and the writes of delete and clear.
func (w *walker) call(c *ast.CallExpr) {
	info := w.info
	fun := ast.Unparen(c.Fun)
	if id, ok := fun.(*ast.Ident); ok {
		if b, ok := info.Uses[id].(*types.Builtin); ok {
			switch b.Name() {
			case "delete", "clear":
				if len(c.Args) > 0 {
					if _, isMap := info.TypeOf(c.Args[0]).Underlying().(*types.Map); isMap {
						if obj, path, ok := w.loc(c.Args[0]); ok {
							w.emit(obj, path, false, c.Args[0].Pos())
							w.emit(obj, path+"[]", true, c.Args[0].Pos())
						}
						for _, a := range c.Args[1:] {
							w.expr(a)
						}
						return
					}
				}
			}
			for _, a := range c.Args {
				w.expr(a)
			}
			return
		}
	}
	if sel, ok := fun.(*ast.SelectorExpr); ok {
		if s := info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
			recv := s.Obj().Type().(*types.Signature).Recv()
			_, ptrRecv := recv.Type().Underlying().(*types.Pointer)
			_, ptrX := info.TypeOf(sel.X).Underlying().(*types.Pointer)
			if ptrRecv && !ptrX {
				w.loc(sel.X) // &x: its address, not its contents
			} else {
				w.expr(sel.X)
			}
		} else {
			w.expr(fun)
		}
	} else if _, lit := fun.(*ast.FuncLit); !lit {
		w.expr(fun)
	}
	for _, a := range c.Args {
		w.expr(a)
	}
}
