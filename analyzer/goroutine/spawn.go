package goroutine

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// Spawns is the fact exported for a function that runs some of its func
// arguments in a new goroutine every time it is called: its body says
// go f(...) for such a parameter f, or hands f on to another such function,
// as a statement of its own body that no return precedes. Its callers'
// func literals in those positions are then goroutines, across packages.
type Spawns struct {
	Params []int // indexes of the parameters run in a new goroutine
}

// AFact marks Spawns as an analysis fact.
func (*Spawns) AFact() {}

func (s *Spawns) String() string { return fmt.Sprintf("spawns%v", s.Params) }

// spawn is one place where a func literal starts running in a new
// goroutine.
type spawn struct {
	stmt ast.Node     // the go statement, or the call that spawns
	lit  *ast.FuncLit // the goroutine's code
	how  string       // "go statement", "errgroup.Group.Go", ...
	// join is set when the spawner's group waits for the goroutine to
	// return (errgroup.Group.Wait, sync.WaitGroup.Wait after Go).
	join bool
}

// spawnOf returns the spawn that n is, if it is one.
func (c *checker) spawnOf(n ast.Node) *spawn {
	switch n := n.(type) {
	case *ast.GoStmt:
		if lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok {
			return &spawn{stmt: n, lit: lit, how: "go statement"}
		}
	case *ast.CallExpr:
		fn, _ := typeutil.Callee(c.pass.TypesInfo, n).(*types.Func)
		if fn == nil {
			return nil
		}
		switch {
		case isMethod(fn, "sync", "WaitGroup") && fn.Name() == "Go",
			isMethod(fn, "golang.org/x/sync/errgroup", "Group") && (fn.Name() == "Go" || fn.Name() == "TryGo"):
			if len(n.Args) == 1 {
				if lit, ok := ast.Unparen(n.Args[0]).(*ast.FuncLit); ok {
					recv := "sync.WaitGroup"
					if fn.Pkg().Path() != "sync" {
						recv = "errgroup.Group"
					}
					return &spawn{stmt: n, lit: lit, how: recv + "." + fn.Name(), join: true}
				}
			}
			return nil
		}
		var f Spawns
		if !c.spawnsOf(fn, &f) {
			return nil
		}
		for _, i := range f.Params {
			if i < len(n.Args) {
				if lit, ok := ast.Unparen(n.Args[i]).(*ast.FuncLit); ok {
					return &spawn{stmt: n, lit: lit, how: fn.Name()}
				}
			}
		}
	}
	return nil
}

func (c *checker) spawnsOf(fn *types.Func, f *Spawns) bool {
	fn = fn.Origin()
	if fn.Pkg() == c.pass.Pkg {
		if p, ok := c.spawners[fn]; ok {
			f.Params = p
			return true
		}
		return false
	}
	return c.pass.ImportObjectFact(fn, f)
}

// computeSpawners finds the package's functions that run a func parameter
// in a new goroutine, and exports a Spawns fact for each exported one.
func (c *checker) computeSpawners() {
	pass := c.pass
	type decl struct {
		fn *types.Func
		fd *ast.FuncDecl
	}
	var decls []decl
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					decls = append(decls, decl{fn, fd})
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, d := range decls {
			params := c.spawnedParams(d.fn, d.fd)
			if len(params) > len(c.spawners[d.fn]) {
				c.spawners[d.fn] = params
				changed = true
			}
		}
	}
	for _, d := range decls {
		if p := c.spawners[d.fn]; len(p) > 0 && d.fn.Exported() {
			pass.ExportObjectFact(d.fn, &Spawns{Params: p})
		}
	}
}

// spawnedParams returns the indexes of fd's parameters that its body always
// runs in a new goroutine.
func (c *checker) spawnedParams(fn *types.Func, fd *ast.FuncDecl) []int {
	sig := fn.Type().(*types.Signature)
	index := func(e ast.Expr) int {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return -1
		}
		v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
		if !ok {
			return -1
		}
		for i := range sig.Params().Len() {
			if sig.Params().At(i) == v {
				if _, ok := v.Type().Underlying().(*types.Signature); ok && !(sig.Variadic() && i == sig.Params().Len()-1) {
					return i
				}
			}
		}
		return -1
	}
	var out []int
	add := func(i int) {
		if i >= 0 && !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	for _, st := range fd.Body.List {
		returns := false
		ast.Inspect(st, func(n ast.Node) bool {
			switch n.(type) {
			case *ast.ReturnStmt:
				returns = true
			case *ast.FuncLit:
				return false
			}
			return true
		})
		switch st := st.(type) {
		case *ast.GoStmt:
			add(index(st.Call.Fun))
		case *ast.ExprStmt:
			if call, ok := ast.Unparen(st.X).(*ast.CallExpr); ok {
				if callee, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func); ok {
					var f Spawns
					if c.spawnsOf(callee, &f) {
						for _, i := range f.Params {
							if i < len(call.Args) {
								add(index(call.Args[i]))
							}
						}
					}
				}
			}
		}
		if returns {
			break
		}
	}
	slices.Sort(out)
	return out
}

var _ analysis.Fact = (*Spawns)(nil)
