package send

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/go-isolate/isolate/analyzer/internal/boundary"
	"github.com/go-isolate/isolate/internal/sendable"
)

// transferFix offers to replace port.Send(v) by port.Transfer(v) when v
// cannot be copied but can be moved, and moving it is provably safe: v is a
// local variable of the function holding the Send, every value it ever held
// was made there (make, new, a composite literal of sendable parts, an
// append of sendable values), nothing else was given a reference to it, and
// it is not used after the Send. Anything less certain gets no fix.
func (s *state) transferFix(st *site, c crossing) (*analysis.SuggestedFix, string) {
	if c.b == nil || c.b.Op != boundary.Send {
		return nil, ""
	}
	if ok, _ := s.check.CanMove(c.typ); !ok {
		return nil, ""
	}
	sel, ok := ast.Unparen(st.call.Fun).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Send" {
		return nil, ""
	}
	id, ok := ast.Unparen(c.value).(*ast.Ident)
	if !ok {
		return nil, ""
	}
	v, ok := s.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok || st.decl == nil {
		return nil, ""
	}
	decl := s.decls[st.decl]
	if decl == nil || decl.Body == nil {
		return nil, ""
	}
	body := innermostBody(decl.Body, st.call)
	if !(body.Pos() < v.Pos() && v.Pos() < body.End()) || innermostBody(body, v) != body {
		return nil, "" // a parameter, or a variable of an enclosing function
	}
	m := mover{info: s.pass.TypesInfo, check: s.check, v: v, send: st.call, value: id}
	if !m.safe(body) {
		return nil, ""
	}
	fix := &analysis.SuggestedFix{
		Message: fmt.Sprintf("Move %s with Transfer", v.Name()),
		TextEdits: []analysis.TextEdit{{
			Pos:     sel.Sel.Pos(),
			End:     sel.Sel.End(),
			NewText: []byte("Transfer"),
		}},
	}
	return fix, fmt.Sprintf("%s is made here and not used after the send: move it with Transfer", v.Name())
}

// innermostBody returns the body of the innermost function literal inside
// body that holds n, or body itself.
func innermostBody(body *ast.BlockStmt, n interface{ Pos() token.Pos }) *ast.BlockStmt {
	out := body
	ast.Inspect(body, func(x ast.Node) bool {
		if x == nil || x.Pos() > n.Pos() || x.End() <= n.Pos() {
			return false
		}
		if lit, ok := x.(*ast.FuncLit); ok {
			out = lit.Body
		}
		return true
	})
	return out
}

// mover decides whether moving v at send is safe.
type mover struct {
	info  *types.Info
	check *sendable.Checker
	v     *types.Var
	send  *ast.CallExpr
	value *ast.Ident
}

func (m *mover) sendable(e ast.Expr) bool {
	t := m.info.TypeOf(e)
	if t == nil {
		return false
	}
	c, _ := m.check.Classify(t)
	return c == sendable.Sendable
}

// safe walks body, where v is declared, and checks every mention of v.
func (m *mover) safe(body *ast.BlockStmt) bool {
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
			if contains(n, m.send) && !contains(n, m.v) {
				ok = false
			}
		case *ast.Ident:
			if m.info.Uses[n] == m.v || m.info.Defs[n] == m.v {
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
func (m *mover) mention(id *ast.Ident, stack []ast.Node) bool {
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
	parent := func(i int) ast.Node {
		if i < len(stack) {
			return stack[len(stack)-1-i]
		}
		return nil
	}
	// The declaration, or a new value for v.
	switch p := parent(0).(type) {
	case *ast.ValueSpec:
		for i, name := range p.Names {
			if name == id {
				return len(p.Values) == 0 || len(p.Values) == len(p.Names) && m.fresh(p.Values[i])
			}
		}
		return false
	case *ast.AssignStmt:
		for i, lhs := range p.Lhs {
			if lhs == id {
				return len(p.Rhs) == len(p.Lhs) && (p.Tok == token.DEFINE || p.Tok == token.ASSIGN) && m.fresh(p.Rhs[i])
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
					if l, ok := as.Lhs[0].(*ast.Ident); ok && m.info.Uses[l] == m.v {
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
			if s, ok := m.info.Selections[p]; !ok || s.Kind() != types.FieldVal {
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
					return len(p.Rhs) == len(p.Lhs) && m.sendable(p.Rhs[j])
				}
			}
			return m.sendable(e)
		case *ast.IncDecStmt:
			return true
		case *ast.UnaryExpr:
			return p.Op != token.AND && m.sendable(e)
		case *ast.RangeStmt:
			return p.X == e && m.rangeCopies(p)
		}
		return m.sendable(e)
	}
}

func (m *mover) rangeCopies(r *ast.RangeStmt) bool {
	for _, x := range []ast.Expr{r.Key, r.Value} {
		if x != nil && !m.sendable(x) {
			return false
		}
	}
	return true
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

// fresh reports whether e makes a value no other variable refers to: make,
// new, nil, a composite literal of sendable parts, or append(v, ...) of
// sendable values.
func (m *mover) fresh(e ast.Expr) bool {
	e = ast.Unparen(e)
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "nil" && m.info.Uses[e] == types.Universe.Lookup("nil")
	case *ast.UnaryExpr:
		if lit, ok := e.X.(*ast.CompositeLit); ok && e.Op == token.AND {
			return m.fresh(lit)
		}
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
		switch m.builtin(e) {
		case "make", "new":
			return true
		case "append":
			if len(e.Args) == 0 || e.Ellipsis.IsValid() {
				return false
			}
			if id, ok := ast.Unparen(e.Args[0]).(*ast.Ident); !ok || m.info.Uses[id] != m.v {
				return false
			}
			for _, a := range e.Args[1:] {
				if !m.part(a) {
					return false
				}
			}
			return true
		}
	}
	return false
}

// part reports whether a part of a composite literal brings no reference
// to other memory.
func (m *mover) part(e ast.Expr) bool {
	if lit, ok := ast.Unparen(e).(*ast.CompositeLit); ok {
		return m.fresh(lit)
	}
	if _, ok := e.(*ast.Ident); ok && m.info.Types[e].IsType() {
		return true
	}
	return m.sendable(e) || m.fresh(e)
}
