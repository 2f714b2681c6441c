package capture

import (
	"go/ast"
	"go/token"
	"go/types"
	"go/version"
	"sort"

	"golang.org/x/tools/go/cfg"
)

// A write is a place where a variable may change: an assignment to it or
// to a part of it held in its own storage (a field, an array element), an
// increment, or its address taken (explicitly, or by calling a pointer
// method on it).
type write struct {
	pos  token.Pos
	what string // "assigned", "incremented", "has its address taken"
	// loop is set for "for k, v = range x": v is assigned at the head of
	// every iteration, which is where the write is placed.
	loop *ast.RangeStmt
}

// rootVar returns the variable whose own storage e designates: v, v.f,
// v[i] of an array v, through parentheses; nil for anything reached
// through a pointer, slice or map.
func rootVar(info *types.Info, e ast.Expr) *types.Var {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			if v, ok := info.Uses[x].(*types.Var); ok {
				return v
			}
			return nil
		case *ast.ParenExpr:
			e = x.X
		case *ast.SelectorExpr:
			sel, ok := info.Selections[x]
			if !ok || sel.Kind() != types.FieldVal || sel.Indirect() {
				return nil
			}
			e = x.X
		case *ast.IndexExpr:
			t := info.TypeOf(x.X)
			if t == nil {
				return nil
			}
			if _, ok := t.Underlying().(*types.Array); !ok {
				return nil
			}
			e = x.X
		default:
			return nil
		}
	}
}

// writesIn calls found for every write in n to a variable for which want
// returns true, with the stack of nodes enclosing it.
func writesIn(info *types.Info, n ast.Node, want func(*types.Var) bool, found func(*types.Var, write, []ast.Node)) {
	var stack []ast.Node
	record := func(e ast.Expr, w write) {
		if v := rootVar(info, e); v != nil && want(v) {
			found(v, w, stack)
		}
	}
	ast.Inspect(n, func(x ast.Node) bool {
		if x == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		switch x := x.(type) {
		case *ast.AssignStmt:
			for _, lhs := range x.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && x.Tok == token.DEFINE && info.Defs[id] != nil {
					continue // declared here, not assigned
				}
				record(lhs, write{pos: lhs.Pos(), what: "assigned"})
			}
		case *ast.IncDecStmt:
			record(x.X, write{pos: x.X.Pos(), what: "incremented"})
		case *ast.RangeStmt:
			if x.Tok == token.ASSIGN {
				for _, e := range []ast.Expr{x.Key, x.Value} {
					if e != nil {
						record(e, write{pos: e.Pos(), what: "assigned", loop: x})
					}
				}
			}
		case *ast.UnaryExpr:
			if x.Op == token.AND {
				record(x.X, write{pos: x.Pos(), what: "has its address taken"})
			}
		case *ast.CallExpr:
			if sel, ok := ast.Unparen(x.Fun).(*ast.SelectorExpr); ok {
				if s, ok := info.Selections[sel]; ok && s.Kind() == types.MethodVal && pointerMethodOnValue(s) {
					record(sel.X, write{pos: sel.X.Pos(), what: "has its address taken"})
				}
			}
		}
		stack = append(stack, x)
		return true
	})
}

// pointerMethodOnValue reports whether a method selection calls a pointer
// method on an addressable value, taking its address implicitly.
func pointerMethodOnValue(s *types.Selection) bool {
	fn, ok := s.Obj().(*types.Func)
	if !ok {
		return false
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return false
	}
	if _, ptr := recv.Type().(*types.Pointer); !ptr {
		return false
	}
	_, isPtr := s.Recv().Underlying().(*types.Pointer)
	return !isPtr && !s.Indirect()
}

// graph is the control-flow graph of one function body, with every node
// located by position.
type graph struct {
	cfg   *cfg.CFG
	nodes []located // sorted by position
}

type located struct {
	node  ast.Node
	block *cfg.Block
	index int
}

// A point is a node of a graph: the index-th node of block; index -1 is
// the entry of the block.
type point struct {
	block *cfg.Block
	index int
}

func newGraph(body *ast.BlockStmt, info *types.Info) *graph {
	g := &graph{cfg: cfg.New(body, func(call *ast.CallExpr) bool { return mayReturn(info, call) })}
	for _, b := range g.cfg.Blocks {
		for i, n := range b.Nodes {
			g.nodes = append(g.nodes, located{n, b, i})
		}
	}
	sort.Slice(g.nodes, func(i, j int) bool { return g.nodes[i].node.Pos() < g.nodes[j].node.Pos() })
	return g
}

// mayReturn reports whether a call may return: not panic, os.Exit or the
// runtime's Exit.
func mayReturn(info *types.Info, call *ast.CallExpr) bool {
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		if b, ok := info.Uses[fun].(*types.Builtin); ok && b.Name() == "panic" {
			return false
		}
	case *ast.SelectorExpr:
		if fn, ok := info.Uses[fun.Sel].(*types.Func); ok && fn.Pkg() != nil {
			switch fn.Pkg().Path() + "." + fn.Name() {
			case "os.Exit", "github.com/go-isolate/isolate/runtime.Exit":
				return false
			}
		}
	}
	return true
}

// at returns the node that holds pos.
func (g *graph) at(pos token.Pos) (located, bool) {
	i := sort.Search(len(g.nodes), func(i int) bool { return g.nodes[i].node.End() > pos })
	for ; i < len(g.nodes); i++ {
		n := g.nodes[i]
		if n.node.Pos() <= pos && pos < n.node.End() {
			return n, true
		}
		if n.node.Pos() > pos {
			break
		}
	}
	return located{}, false
}

// limits says where the instance of a variable that a closure captured
// ends: at its declaration (reached again, it declares a new variable),
// and, for a Go 1.22 loop variable, at the head and post statement of its
// loop, where the next iteration's variable begins.
type limits struct {
	decl    ast.Node
	blocked map[*cfg.Block]bool
	// rewritten is the head of a range loop whose variable, before Go 1.22,
	// is one variable for all iterations, assigned at each.
	rewritten *cfg.Block
}

func (g *graph) limitsOf(v *types.Var, body *ast.BlockStmt, fileVersion string) limits {
	var l limits
	if n, ok := g.at(v.Pos()); ok {
		l.decl = n.node
	}
	perIteration := fileVersion == "" || version.Compare(fileVersion, "go1.22") >= 0
	var loop ast.Stmt
	ast.Inspect(body, func(n ast.Node) bool {
		if loop != nil || n == nil || n.Pos() > v.Pos() || n.End() <= v.Pos() {
			return false
		}
		switch s := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.RangeStmt:
			if s.Tok == token.DEFINE && (within(s.Key, v.Pos()) || within(s.Value, v.Pos())) {
				loop = s
			}
		case *ast.ForStmt:
			if s.Init != nil && within(s.Init, v.Pos()) {
				loop = s
			}
		}
		return true
	})
	if loop == nil {
		return l
	}
	for _, b := range g.cfg.Blocks {
		if b.Stmt != loop {
			continue
		}
		switch b.Kind {
		case cfg.KindForPost, cfg.KindForLoop, cfg.KindRangeLoop:
			if perIteration {
				if l.blocked == nil {
					l.blocked = map[*cfg.Block]bool{}
				}
				l.blocked[b] = true
			} else if b.Kind == cfg.KindRangeLoop {
				l.rewritten = b
			}
		}
	}
	return l
}

func within(n ast.Node, pos token.Pos) bool {
	return n != nil && n.Pos() <= pos && pos < n.End()
}

// reaches reports whether control can go from the node holding from to
// the point to, after from, without leaving the variable instance l
// describes.
func (g *graph) reaches(from located, to point, l limits) bool {
	scan := func(b *cfg.Block, start int) (hit, stop bool) {
		if b == to.block && to.index == -1 && start == 0 {
			return true, false
		}
		for i := start; i < len(b.Nodes); i++ {
			if l.decl != nil && b.Nodes[i] == l.decl {
				return false, true // a new instance from here on
			}
			if b == to.block && i == to.index {
				return true, false
			}
		}
		return false, false
	}
	if hit, stop := scan(from.block, from.index+1); hit {
		return true
	} else if stop {
		return false
	}
	seen := map[*cfg.Block]bool{}
	queue := append([]*cfg.Block(nil), from.block.Succs...)
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		if seen[b] || l.blocked[b] {
			continue
		}
		seen[b] = true
		hit, stop := scan(b, 0)
		if hit {
			return true
		}
		if !stop {
			queue = append(queue, b.Succs...)
		}
	}
	return false
}
