// Package move decides whether a value is moved: made by the function at
// hand, given to no one else, and not used after it changes owner. The
// capture rule asks it of a variable captured by a closure given to Spawn
// or Run (DESIGN §7); the send rule asks it before it suggests Transfer
// instead of Send.
package move

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/go-isolate/isolate/internal/sendable"
)

// Mover decides whether one variable's value is moved.
type Mover struct {
	Info  *types.Info
	Check *sendable.Checker
	V     *types.Var
	// Calls says that a call of a declared function whose arguments are
	// all sendable or disconnected makes a disconnected value, as does a
	// conversion of one: the capture rule's reading of DESIGN §7, after
	// Swift's region-based isolation. Without it, only make, new, nil,
	// literals of disconnected parts and v = append(v, ...) do: the
	// stricter reading under which a fix is suggested.
	Calls bool

	send  *ast.CallExpr // SafeToMove's send
	value *ast.Ident    // v as the send's argument
}

// Sendable reports whether e's type is sendable.
func (m *Mover) Sendable(e ast.Expr) bool {
	t := m.Info.TypeOf(e)
	if t == nil {
		return false
	}
	c, _ := m.Check.Classify(t)
	return c == sendable.Sendable
}

func (m *Mover) builtin(call *ast.CallExpr) string {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return ""
	}
	if b, ok := m.Info.Uses[id].(*types.Builtin); ok {
		return b.Name()
	}
	return ""
}

// Fresh reports whether e makes a disconnected value: one no variable
// refers to yet.
func (m *Mover) Fresh(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return m.Info.Uses[e] == types.Universe.Lookup("nil")
	case *ast.BasicLit:
		return m.Calls
	case *ast.UnaryExpr:
		if lit, ok := e.X.(*ast.CompositeLit); ok && e.Op == token.AND {
			return m.Fresh(lit)
		}
		return m.Calls && m.Sendable(e)
	case *ast.CompositeLit:
		isMap := false
		if t := m.Info.TypeOf(e); t != nil {
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
		if m.Info.Types[e.Fun].IsType() {
			return m.Calls && len(e.Args) == 1 && m.part(e.Args[0]) // a conversion
		}
		switch m.builtin(e) {
		case "make", "new":
			return true
		case "append":
			if len(e.Args) == 0 || !m.Calls && e.Ellipsis.IsValid() {
				return false
			}
			if id, ok := ast.Unparen(e.Args[0]).(*ast.Ident); !ok || m.Info.Uses[id] != m.V {
				if !m.Calls || !m.Fresh(e.Args[0]) {
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
		if !m.Calls {
			return false
		}
		fn, ok := typeutil.Callee(m.Info, e).(*types.Func)
		if !ok {
			return false // a func value may hand back what it captured
		}
		if sel, ok := ast.Unparen(e.Fun).(*ast.SelectorExpr); ok {
			if s, ok := m.Info.Selections[sel]; ok && s.Kind() == types.MethodVal && !m.Sendable(sel.X) && !m.deepCopy(fn, sel.X) {
				return false
			}
		}
		for _, a := range e.Args {
			if !m.Sendable(a) && !m.Fresh(a) {
				return false
			}
		}
		return true
	}
	return false
}

// part reports whether a part of a composite literal, or an argument,
// brings no reference to other memory.
func (m *Mover) part(e ast.Expr) bool {
	if _, ok := e.(*ast.Ident); ok && m.Info.Types[e].IsType() {
		return true
	}
	return m.Sendable(e) || m.Fresh(e)
}

// deepCopy reports whether fn is the generated DeepCopy of x's copyable
// type: its result shares nothing with x.
func (m *Mover) deepCopy(fn *types.Func, x ast.Expr) bool {
	sig := fn.Signature()
	if fn.Name() != "DeepCopy" || sig.Params().Len() != 0 || sig.Results().Len() != 1 {
		return false
	}
	t := m.Info.TypeOf(x)
	if t == nil {
		return false
	}
	c, _ := m.Check.Classify(t)
	return c == sendable.Copyable
}

// use reports whether one mention of v, with its ancestors on stack, keeps
// v's value to itself: a declaration or assignment of a disconnected
// value, or an access that copies sendable values in or out, or a call
// that is given nothing else it could link v to.
func (m *Mover) Use(id *ast.Ident, stack []ast.Node) bool {
	parent := ancestors(stack)
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
				return m.Sendable(e)
			}
			e = p
			continue
		case *ast.UnaryExpr:
			if p.Op == token.AND {
				e = p // a pointer into v: follow where it goes
				continue
			}
			return m.Sendable(p)
		case *ast.SelectorExpr:
			sel, ok := m.Info.Selections[p]
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
					if a != e && !m.Sendable(a) && !m.Fresh(a) {
						return false
					}
				}
				if p.Args[0] != e {
					return m.Sendable(e)
				}
				e = p
				continue
			case "":
			default:
				return false
			}
			if m.Info.Types[p.Fun].IsType() {
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
					if id, ok := lhs.(*ast.Ident); ok && m.Info.Uses[id] == m.V {
						return m.Fresh(p.Rhs[j])
					}
					return m.Sendable(p.Rhs[j]) || m.Fresh(p.Rhs[j])
				}
			}
			// On the right: stored in another variable.
			if len(p.Lhs) == len(p.Rhs) {
				for j, rhs := range p.Rhs {
					if rhs == e {
						if id, ok := p.Lhs[j].(*ast.Ident); ok && m.Info.Uses[id] == m.V {
							return true // v = append(v, ...)
						}
					}
				}
			}
			return m.Sendable(e)
		case *ast.IncDecStmt, *ast.ExprStmt:
			return true
		case *ast.BinaryExpr:
			return true // a comparison or arithmetic: the result is a new value
		case *ast.RangeStmt:
			if p.X != e {
				return m.Sendable(e)
			}
			for _, x := range []ast.Expr{p.Key, p.Value} {
				if x != nil && !isBlank(x) && !m.Sendable(x) {
					return false
				}
			}
			return true
		default:
			return m.Sendable(e)
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
func (m *Mover) freshAt(id *ast.Ident, lhs, rhs []ast.Expr) bool {
	if len(lhs) == len(rhs) {
		for i, l := range lhs {
			if l == id {
				return m.Fresh(rhs[i])
			}
		}
		return false
	}
	if len(rhs) != 1 {
		return false
	}
	call, ok := ast.Unparen(rhs[0]).(*ast.CallExpr)
	if !ok || !m.Fresh(call) {
		return false
	}
	tuple, ok := m.Info.TypeOf(call).(*types.Tuple)
	if !ok || tuple.Len() != len(lhs) {
		return false
	}
	for i, l := range lhs {
		if l == id || isBlank(l) {
			continue
		}
		if c, _ := m.Check.Classify(tuple.At(i).Type()); c != sendable.Sendable {
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
func (m *Mover) call(call *ast.CallExpr, e ast.Expr, parent ast.Node) bool {
	switch parent.(type) {
	case *ast.GoStmt, *ast.DeferStmt:
		return false
	}
	if _, ok := typeutil.Callee(m.Info, call).(*types.Func); !ok {
		return false // a func value: anything could keep v
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && sel.X != e {
		if s, ok := m.Info.Selections[sel]; ok && s.Kind() == types.MethodVal && !m.Sendable(sel.X) {
			return false
		}
	}
	for _, a := range call.Args {
		if a != e && !m.Sendable(a) && !m.Fresh(a) {
			return false
		}
	}
	return true
}

func (m *Mover) resultsSendable(call *ast.CallExpr) bool {
	t := m.Info.TypeOf(call)
	if t == nil {
		return false
	}
	if tuple, ok := t.(*types.Tuple); ok {
		for i := 0; i < tuple.Len(); i++ {
			if c, _ := m.Check.Classify(tuple.At(i).Type()); c != sendable.Sendable {
				return false
			}
		}
		return true
	}
	c, _ := m.Check.Classify(t)
	return c == sendable.Sendable
}

// SafeToMove reports whether moving v with Transfer at send, where value is
// v as the argument, is safe: v is declared in body, every value it ever
// held was made there, nothing else was given a reference to it, and it is
// not used after the send, which does not repeat while v lives on.
func (m *Mover) SafeToMove(body *ast.BlockStmt, send *ast.CallExpr, value *ast.Ident) bool {
	m.send, m.value = send, value
	ok := true
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if !ok {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		switch n := n.(type) {
		case *ast.BranchStmt:
			if n.Tok == token.GOTO {
				ok = false // control flow this check does not follow
			}
		case *ast.ForStmt, *ast.RangeStmt:
			// The send must not repeat while v lives on.
			if contains(n, m.send) && !contains(n, m.V) {
				ok = false
			}
		case *ast.Ident:
			if m.Info.Uses[n] == m.V || m.Info.Defs[n] == m.V {
				ok = m.mention(n, stack)
			}
		}
		stack = append(stack, n)
		return true
	})
	return ok
}

func contains(n ast.Node, x interface{ Pos() token.Pos }) bool {
	var body *ast.BlockStmt
	switch n := n.(type) {
	case *ast.ForStmt:
		body = n.Body
	case *ast.RangeStmt:
		body = n.Body
	}
	if body == nil {
		return false
	}
	return body.Pos() <= x.Pos() && x.Pos() < body.End()
}

// mention checks one mention of v, whose ancestors are stack.
func (m *Mover) mention(id *ast.Ident, stack []ast.Node) bool {
	if id == m.value {
		return true
	}
	for _, n := range stack {
		if _, ok := n.(*ast.FuncLit); ok {
			return false // captured: shared with the closure
		}
	}
	if id.Pos() > m.send.Pos() {
		return false // used after the send
	}
	parent := ancestors(stack)
	// The declaration, or a new value for v.
	switch p := parent(0).(type) {
	case *ast.ValueSpec:
		for i, name := range p.Names {
			if name == id {
				return len(p.Values) == 0 || len(p.Values) == len(p.Names) && m.Fresh(p.Values[i])
			}
		}
		return false
	case *ast.AssignStmt:
		for i, lhs := range p.Lhs {
			if lhs == id {
				return len(p.Rhs) == len(p.Lhs) && (p.Tok == token.DEFINE || p.Tok == token.ASSIGN) && m.Fresh(p.Rhs[i])
			}
		}
	case *ast.CallExpr:
		// len(v), cap(v), delete(v, k), clear(v); v in v = append(v, ...).
		if len(p.Args) > 0 && p.Args[0] == id {
			switch m.builtin(p) {
			case "len", "cap", "delete", "clear":
				return true
			case "append":
				if as, ok := parent(1).(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 && as.Rhs[0] == p {
					if l, ok := as.Lhs[0].(*ast.Ident); ok && m.Info.Uses[l] == m.V {
						return true // the append itself is judged by fresh
					}
				}
			}
		}
		return false
	case *ast.RangeStmt:
		return p.X == id && m.rangeCopies(p)
	}
	// An access v[k], v.f, v[k].f...: what it yields is copied out, or a
	// sendable value is stored into it.
	var e ast.Expr = id
	i := 0
	for {
		switch p := parent(i).(type) {
		case *ast.IndexExpr:
			if p.X != e {
				return false
			}
			e = p
			i++
			continue
		case *ast.SelectorExpr:
			if s, ok := m.Info.Selections[p]; !ok || s.Kind() != types.FieldVal {
				return false // a method call might keep a reference
			}
			e = p
			i++
			continue
		case *ast.ParenExpr:
			e = p
			i++
			continue
		case *ast.AssignStmt:
			for j, lhs := range p.Lhs {
				if lhs == e {
					return len(p.Rhs) == len(p.Lhs) && m.Sendable(p.Rhs[j])
				}
			}
			return m.Sendable(e)
		case *ast.IncDecStmt:
			return true
		case *ast.UnaryExpr:
			return p.Op != token.AND && m.Sendable(e)
		case *ast.RangeStmt:
			return p.X == e && m.rangeCopies(p)
		}
		return m.Sendable(e)
	}
}

func (m *Mover) rangeCopies(r *ast.RangeStmt) bool {
	for _, x := range []ast.Expr{r.Key, r.Value} {
		if x != nil && !m.Sendable(x) {
			return false
		}
	}
	return true
}

// ancestors returns the i-th ancestor of the node whose ancestors are
// stack: 0 is its parent; nil beyond the root.
func ancestors(stack []ast.Node) func(i int) ast.Node {
	return func(i int) ast.Node {
		if i < len(stack) {
			return stack[len(stack)-1-i]
		}
		return nil
	}
}
