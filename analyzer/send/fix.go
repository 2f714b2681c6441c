package send

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/go-isolate/isolate/analyzer/internal/boundary"
	"github.com/go-isolate/isolate/analyzer/internal/move"
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
	m := move.Mover{Info: s.pass.TypesInfo, Check: s.check, V: v}
	if !m.SafeToMove(body, st.call, id) {
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
