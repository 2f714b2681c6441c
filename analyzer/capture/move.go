package capture

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/go-isolate/isolate/analyzer/internal/move"
)

// A closure may take a variable that is not sendable when the value is
// moved into it (DESIGN §7): the function that makes the closure made the
// value itself, from make, new, a composite literal, or a call whose
// arguments are all sendable (a disconnected value, in the sense of Swift's
// region-based isolation), stored it nowhere else, and never uses it after
// the closure is made. The new isolate is then its only owner.

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
	m := &move.Mover{Info: s.pass.TypesInfo, Check: s.check, V: v, Calls: true}
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
		if id, ok := n.(*ast.Ident); ok && (m.Info.Uses[id] == v || m.Info.Defs[id] == v) {
			for _, x := range stack {
				if _, ok := x.(*ast.FuncLit); ok {
					safe = false // captured by another closure too
					return false
				}
			}
			if !m.Use(id, stack) {
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
