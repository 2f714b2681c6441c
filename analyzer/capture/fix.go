package capture

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// copyFix gives the closure a variable of its own, made just before the
// statement that makes the closure, and renames v to it inside the closure:
//
//	countCopy := count        // a value assigned later
//	cacheCopy := cache.DeepCopy() // a message, copied deeply
//
// The copy is declared nowhere else and used only by the closure, so it is
// moved into it. No fix is offered when the closure assigns v itself (its
// writes would no longer reach the caller), or when the statement is not
// part of a block (a for loop's condition, say).
func (s *state) copyFix(cur inspector.Cursor, lit *ast.FuncLit, v *types.Var, deep bool) *analysis.SuggestedFix {
	info := s.pass.TypesInfo
	wrote := false
	writesIn(info, lit.Body, func(x *types.Var) bool { return x == v }, func(*types.Var, write, []ast.Node) { wrote = true })
	if wrote {
		return nil
	}
	stmt, ok := statementOf(cur)
	if !ok {
		return nil
	}
	expr := v.Name()
	if deep {
		expr, ok = s.deepCopyExpr(v)
		if !ok {
			return nil
		}
	}
	name := s.freshName(v.Name()+"Copy", stmt, lit)
	if name == "" {
		return nil
	}
	edits := []analysis.TextEdit{{
		Pos:     stmt.Pos(),
		End:     stmt.Pos(),
		NewText: []byte(name + " := " + expr + "\n" + s.indent(stmt)),
	}}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && info.Uses[id] == v {
			edits = append(edits, analysis.TextEdit{Pos: id.Pos(), End: id.End(), NewText: []byte(name)})
		}
		return true
	})
	msg := fmt.Sprintf("Capture a copy of %s", v.Name())
	if deep {
		msg = fmt.Sprintf("Capture a deep copy of %s", v.Name())
	}
	return &analysis.SuggestedFix{Message: msg, TextEdits: edits}
}

// statementOf returns the statement of a block that holds the call at cur.
func statementOf(cur inspector.Cursor) (ast.Stmt, bool) {
	for c := cur; c.Valid(); c = c.Parent() {
		switch c.ParentEdgeKind() {
		case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
			stmt, ok := c.Node().(ast.Stmt)
			return stmt, ok
		case edge.ForStmt_Cond, edge.ForStmt_Post, edge.FuncLit_Body, edge.FuncDecl_Body:
			return nil, false
		}
	}
	return nil, false
}

// deepCopyExpr returns the expression that deep-copies v with its
// generated DeepCopy: v.DeepCopy() for a pointer, *v.DeepCopy() for a value.
func (s *state) deepCopyExpr(v *types.Var) (string, bool) {
	obj, _, _ := types.LookupFieldOrMethod(v.Type(), true, v.Pkg(), "DeepCopy")
	fn, ok := obj.(*types.Func)
	if !ok {
		return "", false
	}
	sig := fn.Signature()
	if sig.Params().Len() != 0 || sig.Results().Len() != 1 {
		return "", false
	}
	res := sig.Results().At(0).Type()
	switch {
	case types.Identical(res, v.Type()):
		return v.Name() + ".DeepCopy()", true
	case types.Identical(res, types.NewPointer(v.Type())):
		return "*" + v.Name() + ".DeepCopy()", true
	}
	return "", false
}

// freshName returns base, or base2, base3..., a name that neither hides
// nor collides with another where it is declared and used.
func (s *state) freshName(base string, stmt ast.Stmt, lit *ast.FuncLit) string {
	scope := s.pass.Pkg.Scope().Innermost(stmt.Pos())
	if scope == nil {
		return ""
	}
	taken := func(name string) bool {
		if scope.Lookup(name) != nil {
			return true
		}
		if _, obj := scope.LookupParent(name, stmt.Pos()); obj != nil {
			return true
		}
		used := false
		ast.Inspect(lit, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == name {
				used = true
			}
			return !used
		})
		return used
	}
	for i := 1; i < 10; i++ {
		name := base
		if i > 1 {
			name += strconv.Itoa(i)
		}
		if !taken(name) {
			return name
		}
	}
	return ""
}

// indent returns the white space that starts stmt's line.
func (s *state) indent(stmt ast.Stmt) string {
	pos := s.pass.Fset.Position(stmt.Pos())
	if s.pass.ReadFile != nil {
		if src, err := s.pass.ReadFile(pos.Filename); err == nil && pos.Offset <= len(src) {
			start := bytes.LastIndexByte(src[:pos.Offset], '\n') + 1
			line := src[start:pos.Offset]
			if len(bytes.TrimLeft(line, " \t")) == 0 {
				return string(line)
			}
		}
	}
	return string(bytes.Repeat([]byte{'\t'}, max(pos.Column-1, 0)))
}
