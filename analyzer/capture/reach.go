package capture

import (
	"go/ast"
	"go/token"
	"go/types"
	"go/version"

	"golang.org/x/tools/go/cfg"
)

// writtenAfter returns the first write to v that may happen after lit is
// made, or nil. chain lists the functions around lit's call, innermost
// first.
//
// A write is after the closure when control can reach it from where the
// closure is made, in the same instance of v: reaching v's declaration
// again starts a new variable, as does the next iteration of a Go 1.22
// loop that declares v. A write in an enclosing function counts from
// where the function literal leading to lit is made. A write inside
// another func literal counts where that literal is called at once, or
// started by go or defer (those run concurrently or later, so they also
// count when made before lit); a literal called at unknown times is a
// blind spot.
func (s *state) writtenAfter(v *types.Var, lit *ast.FuncLit, chain []ast.Node) *write {
	k := -1
	for i, fn := range chain {
		if within(fn, v.Pos()) {
			k = i
			break
		}
	}
	if k < 0 {
		return nil
	}
	body := bodyOf(chain[k])
	if body == nil {
		return nil
	}
	var first *write
	keep := func(w write) {
		if first == nil || w.pos < first.pos {
			first = &w
		}
	}
	writesIn(s.pass.TypesInfo, body, func(x *types.Var) bool { return x == v }, func(_ *types.Var, w write, stack []ast.Node) {
		if within(lit, w.pos) {
			return
		}
		level := -1
		for i := 0; i <= k; i++ {
			if within(chain[i], w.pos) {
				level = i
				break
			}
		}
		if level < 0 {
			return
		}
		pos, how := w.pos, ""
		for j, n := range stack {
			inner, ok := n.(*ast.FuncLit)
			if !ok || inner == chain[level] || !within(chain[level], inner.Pos()) {
				continue
			}
			h := calledHow(stack, j)
			if h == "" {
				return // called at unknown times
			}
			if how == "" {
				pos, how = inner.Pos(), h
			}
		}
		if s.afterClosure(chain, level, k, lit, v, pos, w, how) {
			keep(w)
		}
	})
	// Before Go 1.22, a range loop assigns its one variable at each
	// iteration.
	origin := ast.Node(lit)
	if k > 0 {
		origin = chain[k-1]
	}
	if v := s.fileVersion(origin.Pos()); v == "" || version.Compare(v, "go1.22") >= 0 {
		return first
	}
	g := s.graph(body)
	if from, ok := g.at(origin.Pos()); ok {
		lim := g.limitsOf(v, body, s.fileVersion(origin.Pos()))
		if lim.rewritten != nil && g.reaches(from, point{lim.rewritten, -1}, lim) {
			keep(write{pos: v.Pos(), what: "assigned"})
		}
	}
	return first
}

// calledHow says how the func literal at stack[j] runs: "go", "defer",
// "call" when called where it is made, or "" when stored for later.
func calledHow(stack []ast.Node, j int) string {
	i := j - 1
	for i >= 0 {
		if _, ok := stack[i].(*ast.ParenExpr); !ok {
			break
		}
		i--
	}
	if i < 0 {
		return ""
	}
	call, ok := stack[i].(*ast.CallExpr)
	if !ok || ast.Unparen(call.Fun) != stack[j] {
		return ""
	}
	if i > 0 {
		switch stack[i-1].(type) {
		case *ast.GoStmt:
			return "go"
		case *ast.DeferStmt:
			return "defer"
		}
	}
	return "call"
}

// afterClosure reports whether a write at pos, in chain[level], may happen
// after the closure lit is made. k is the level that declares v.
func (s *state) afterClosure(chain []ast.Node, level, k int, lit *ast.FuncLit, v *types.Var, pos token.Pos, w write, how string) bool {
	body := bodyOf(chain[level])
	if body == nil {
		return false
	}
	g := s.graph(body)
	origin := ast.Node(lit)
	if level > 0 {
		origin = chain[level-1]
	}
	from, ok := g.at(origin.Pos())
	if !ok {
		return false
	}
	var lim limits
	if level == k {
		lim = g.limitsOf(v, body, s.fileVersion(origin.Pos()))
	}
	var to point
	if w.loop != nil && how == "" {
		found := false
		for _, b := range g.cfg.Blocks {
			if b.Stmt == w.loop && b.Kind == cfg.KindRangeLoop {
				to, found = point{b, -1}, true
			}
		}
		if !found {
			return false
		}
	} else {
		at, ok := g.at(pos)
		if !ok {
			return false
		}
		if at.node == from.node {
			// Within one statement: after the closure in source order, or
			// assigned by the statement that makes it.
			return pos >= origin.End() || assignedBy(at.node, pos, origin.Pos())
		}
		to = point{at.block, at.index}
		if how == "go" || how == "defer" {
			// Started before the closure is made, a goroutine may still
			// be running, and a deferred call runs at the end.
			if g.reaches(at, point{from.block, from.index}, lim) {
				return true
			}
		}
	}
	return g.reaches(from, to, lim)
}

// assignedBy reports whether pos is on the left of the assignment n whose
// right side holds the closure at origin.
func assignedBy(n ast.Node, pos, origin token.Pos) bool {
	as, ok := n.(*ast.AssignStmt)
	if !ok || len(as.Lhs) == 0 || len(as.Rhs) == 0 {
		return false
	}
	left := as.Lhs[0].Pos() <= pos && pos < as.Lhs[len(as.Lhs)-1].End()
	right := as.Rhs[0].Pos() <= origin && origin < as.Rhs[len(as.Rhs)-1].End()
	return left && right
}

// movedInto reports whether v is moved into lit (see moved).
func (s *state) movedInto(v *types.Var, lit *ast.FuncLit, chain []ast.Node) bool {
	if len(chain) == 0 {
		return false
	}
	body := bodyOf(chain[0])
	if body == nil {
		return false
	}
	g := s.graph(body)
	lim := g.limitsOf(v, body, s.fileVersion(lit.Pos()))
	return s.moved(v, lit, body, g, lim)
}
