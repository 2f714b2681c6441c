package capture

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/go-isolate/isolate/internal/sendable"
)

// A closure may take a variable that is not sendable when the value is
// moved into it (DESIGN §7): the function that makes the closure made the
// value itself, from make, new, a composite literal, or a call whose
// arguments are all sendable (a disconnected value, in the sense of Swift's
// region-based isolation), stored it nowhere else, and never uses it after
// the closure is made. The new isolate is then its only owner.

// mover decides whether one variable is moved into one closure.
type mover struct {
	info  *types.Info
	check *sendable.Checker
	v     *types.Var
}

// moved reports whether v, captured by lit, is moved into it. body is the
// body of the function that makes lit, g its graph, lim the limits of v's
// instance there.
func (s *state) moved(v *types.Var, lit *ast.FuncLit, body *ast.BlockStmt, g *graph, lim limits) bool {
	if !within(body, v.Pos()) || innermostLit(body, v.Pos()) != nil {
		return false // a parameter, or a variable of an enclosing function
	}
	if ok, _ := s.check.CanMove(v.Type()); !ok {
		return false // a channel or func may be held by goroutines that outlive the move
	}
	m := &mover{info: s.pass.TypesInfo, check: s.check, v: v}
	origin, ok := g.at(lit.Pos())
	if !ok {
		return false
	}
	// Made by this closure's creation again, as in a loop: two closures
	// would share it.
	if g.reaches(origin, point{origin.block, origin.index}, lim) {
		return false
	}
	safe := true
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if !safe {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		if n == lit {
			return false // the closure owns it
		}
		if id, ok := n.(*ast.Ident); ok && (m.info.Uses[id] == v || m.info.Defs[id] == v) {
			for _, x := range stack {
				if _, ok := x.(*ast.FuncLit); ok {
					safe = false // captured by another closure too
					return false
				}
			}
			if !m.use(id, stack) {
				safe = false
				return false
			}
			if at, ok := g.at(id.Pos()); ok && (at.node == origin.node && id.Pos() > lit.End() || at.node != origin.node && g.reaches(origin, point{at.block, at.index}, lim)) {
				safe = false // used after the closure is made
				return false
			}
		}
		stack = append(stack, n)
		return true
	})
	return safe
}

// innermostLit returns the innermost function literal in body holding pos.
func innermostLit(body ast.Node, pos token.Pos) *ast.FuncLit {
	var out *ast.FuncLit
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil || !within(n, pos) {
			return false
		}
		if lit, ok := n.(*ast.FuncLit); ok {
			out = lit
		}
		return true
	})
	return out
}

func (m *mover) sendable(e ast.Expr) bool {
	t := m.info.TypeOf(e)
	if t == nil {
		return false
	}
	c, _ := m.check.Classify(t)
	return c == sendable.Sendable
}

// use reports whether one mention of v, with its ancestors on stack, keeps
// v's value to itself: a declaration or assignment of a disconnected
// value, or an access that copies sendable values in or out, or a call
// that is given nothing else it could link v to.
func (m *mover) use(id *ast.Ident, stack []ast.Node) bool {
	parent := func(i int) ast.Node {
		if i < len(stack) {
			return stack[len(stack)-1-i]
		}
		return nil
	}
	switch p := parent(0).(type) {
	case *ast.ValueSpec:
		for _, name := range p.Names {
			if name == id {
				return len(p.Values) == 0 || m.freshAt(id, idents(p.Names), p.Values)
			}
		}
	case *ast.AssignStmt:
		for _, lhs := range p.Lhs {
			if lhs == id {
				return (p.Tok == token.DEFINE || p.Tok == token.ASSIGN) && m.freshAt(id, p.Lhs, p.Rhs)
			}
		}
	case *ast.RangeStmt:
		if p.Key == id || p.Value == id {
			return false // an element of something else
		}
	}
	var e ast.Expr = id
	for i := 0; ; i++ {
		switch p := parent(i).(type) {
		case *ast.ParenExpr, *ast.StarExpr:
			e = p.(ast.Expr)
			continue
		case *ast.IndexExpr:
			if p.X != e {
				return m.sendable(e)
			}
			e = p
			continue
		case *ast.UnaryExpr:
			if p.Op == token.AND {
				e = p // a pointer into v: follow where it goes
				continue
			}
			return m.sendable(p)
		case *ast.SelectorExpr:
			sel, ok := m.info.Selections[p]
			if !ok {
				return false
			}
			if sel.Kind() == types.FieldVal {
				e = p
				continue
			}
			call, ok := parent(i + 1).(*ast.CallExpr)
			if !ok || ast.Unparen(call.Fun) != p {
				return false // a method value binds v
			}
			if !m.call(call, e, parent(i+2)) {
				return false
			}
			if m.resultsSendable(call) {
				return true
			}
			e = call
			i++
			continue
		case *ast.CallExpr:
			if ast.Unparen(p.Fun) == e {
				return false
			}
			switch m.builtin(p) {
			case "len", "cap", "delete", "clear", "copy", "min", "max":
				return true
			case "append":
				for _, a := range p.Args[1:] {
					if a != e && !m.sendable(a) && !m.fresh(a) {
						return false
					}
				}
				if p.Args[0] != e {
					return m.sendable(e)
				}
				e = p
				continue
			case "":
			default:
				return false
			}
			if m.info.Types[p.Fun].IsType() {
				e = p // a conversion
				continue
			}
			if !m.call(p, e, parent(i+1)) {
				return false
			}
			if m.resultsSendable(p) {
				return true
			}
			e = p
			continue
		case *ast.AssignStmt:
			for j, lhs := range p.Lhs {
				if lhs == e {
					if len(p.Rhs) != len(p.Lhs) {
						return false
					}
					if id, ok := lhs.(*ast.Ident); ok && m.info.Uses[id] == m.v {
						return m.fresh(p.Rhs[j])
					}
					return m.sendable(p.Rhs[j]) || m.fresh(p.Rhs[j])
				}
			}
			// On the right: stored in another variable.
			if len(p.Lhs) == len(p.Rhs) {
				for j, rhs := range p.Rhs {
					if rhs == e {
						if id, ok := p.Lhs[j].(*ast.Ident); ok && m.info.Uses[id] == m.v {
							return true // v = append(v, ...)
						}
					}
				}
			}
			return m.sendable(e)
		case *ast.IncDecStmt, *ast.ExprStmt:
			return true
		case *ast.BinaryExpr:
			return true // a comparison or arithmetic: the result is a new value
		case *ast.RangeStmt:
			if p.X != e {
				return m.sendable(e)
			}
			for _, x := range []ast.Expr{p.Key, p.Value} {
				if x != nil && !isBlank(x) && !m.sendable(x) {
					return false
				}
			}
			return true
		default:
			return m.sendable(e)
		}
	}
}

func idents(names []*ast.Ident) []ast.Expr {
	out := make([]ast.Expr, len(names))
	for i, n := range names {
		out[i] = n
	}
	return out
}

// freshAt reports whether the value given to id by lhs = rhs is
// disconnected. For v, err := f(), the other results must be sendable, or
// they could share v's memory.
func (m *mover) freshAt(id *ast.Ident, lhs, rhs []ast.Expr) bool {
	if len(lhs) == len(rhs) {
		for i, l := range lhs {
			if l == id {
				return m.fresh(rhs[i])
			}
		}
		return false
	}
	if len(rhs) != 1 {
		return false
	}
	call, ok := ast.Unparen(rhs[0]).(*ast.CallExpr)
	if !ok || !m.fresh(call) {
		return false
	}
	tuple, ok := m.info.TypeOf(call).(*types.Tuple)
	if !ok || tuple.Len() != len(lhs) {
		return false
	}
	for i, l := range lhs {
		if l == id || isBlank(l) {
			continue
		}
		if c, _ := m.check.Classify(tuple.At(i).Type()); c != sendable.Sendable {
			return false
		}
	}
	return true
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// call reports whether a call to which v (as e) is given cannot link v to
// anything else: it is a call of a declared function or method, not run
// later by go or defer, whose other arguments are sendable or disconnected.
func (m *mover) call(call *ast.CallExpr, e ast.Expr, parent ast.Node) bool {
	switch parent.(type) {
	case *ast.GoStmt, *ast.DeferStmt:
		return false
	}
	if _, ok := typeutil.Callee(m.info, call).(*types.Func); !ok {
		return false // a func value: anything could keep v
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && sel.X != e {
		if s, ok := m.info.Selections[sel]; ok && s.Kind() == types.MethodVal && !m.sendable(sel.X) {
			return false
		}
	}
	for _, a := range call.Args {
		if a != e && !m.sendable(a) && !m.fresh(a) {
			return false
		}
	}
	return true
}

func (m *mover) resultsSendable(call *ast.CallExpr) bool {
	t := m.info.TypeOf(call)
	if t == nil {
		return false
	}
	if tuple, ok := t.(*types.Tuple); ok {
		for i := 0; i < tuple.Len(); i++ {
			if c, _ := m.check.Classify(tuple.At(i).Type()); c != sendable.Sendable {
				return false
			}
		}
		return true
	}
	c, _ := m.check.Classify(t)
	return c == sendable.Sendable
}

func (m *mover) builtin(call *ast.CallExpr) string {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return ""
	}
	if b, ok := m.info.Uses[id].(*types.Builtin); ok {
		return b.Name()
	}
	return ""
}

// fresh reports whether e makes a disconnected value: one no variable
// refers to yet.
func (m *mover) fresh(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return m.info.Uses[e] == types.Universe.Lookup("nil")
	case *ast.BasicLit:
		return true
	case *ast.UnaryExpr:
		if lit, ok := e.X.(*ast.CompositeLit); ok && e.Op == token.AND {
			return m.fresh(lit)
		}
		return m.sendable(e)
	case *ast.CompositeLit:
		isMap := false
		if t := m.info.TypeOf(e); t != nil {
			_, isMap = t.Underlying().(*types.Map)
		}
		for _, elt := range e.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				if isMap && !m.part(kv.Key) || !m.part(kv.Value) {
					return false
				}
			} else if !m.part(elt) {
				return false
			}
		}
		return true
	case *ast.CallExpr:
		if m.info.Types[e.Fun].IsType() {
			return len(e.Args) == 1 && m.part(e.Args[0]) // a conversion
		}
		switch m.builtin(e) {
		case "make", "new":
			return true
		case "append":
			if len(e.Args) == 0 {
				return false
			}
			if id, ok := ast.Unparen(e.Args[0]).(*ast.Ident); !ok || m.info.Uses[id] != m.v {
				if !m.fresh(e.Args[0]) {
					return false
				}
			}
			for _, a := range e.Args[1:] {
				if !m.part(a) {
					return false
				}
			}
			return true
		case "":
		default:
			return false
		}
		fn, ok := typeutil.Callee(m.info, e).(*types.Func)
		if !ok {
			return false // a func value may hand back what it captured
		}
		if sel, ok := ast.Unparen(e.Fun).(*ast.SelectorExpr); ok {
			if s, ok := m.info.Selections[sel]; ok && s.Kind() == types.MethodVal && !m.sendable(sel.X) && !m.deepCopy(fn, sel.X) {
				return false
			}
		}
		for _, a := range e.Args {
			if !m.sendable(a) && !m.fresh(a) {
				return false
			}
		}
		return true
	}
	return false
}

// part reports whether a part of a composite literal, or an argument,
// brings no reference to other memory.
func (m *mover) part(e ast.Expr) bool {
	return m.sendable(e) || m.fresh(e)
}

// deepCopy reports whether fn is the generated DeepCopy of x's copyable
// type: its result shares nothing with x.
func (m *mover) deepCopy(fn *types.Func, x ast.Expr) bool {
	sig := fn.Signature()
	if fn.Name() != "DeepCopy" || sig.Params().Len() != 0 || sig.Results().Len() != 1 {
		return false
	}
	t := m.info.TypeOf(x)
	if t == nil {
		return false
	}
	c, _ := m.check.Classify(t)
	return c == sendable.Copyable
}
