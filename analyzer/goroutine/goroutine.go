package goroutine

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"go/version"
	"reflect"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/cfg"

	"github.com/go-isolate/isolate/analyzer/internal/annotations"
	"github.com/go-isolate/isolate/analyzer/internal/ignore"
)

// Doc is the rule's documentation, as isolatevet help goroutine prints it.
const Doc = `report data races between plain goroutines (opt-in: -goroutine)

The isolate discipline for code that says go: a goroutine must not touch
memory that another goroutine may touch at the same time, unless something
orders the two accesses. The rule treats as a spawn a go statement with a
func literal, sync.WaitGroup.Go, errgroup.Group.Go, and a call of any
function that, by a fact, runs its func argument in a new goroutine. It
reports a variable, a field of it, or a map's contents that the goroutine
writes while its spawner, another goroutine it starts, or the same
goroutine started again by a loop may access it (or that it reads while
they write it) with nothing between the two that could synchronize them:
no channel operation, no lock, no WaitGroup.Wait, no atomic, no sync.Once,
no call through an interface or func value. Loop variables shared by every
iteration (files before go1.22), captured err variables and named results
assigned by a goroutine, and unguarded counters are the common cases.

Precision first: every finding is a race whenever both accesses run. The
rule is off by default; isolatevet -goroutine turns it on.`

// Analyzer is the goroutine rule. It is not in analyzer.Analyzers: drivers
// run it when asked (isolatevet -goroutine, the golangci-lint plugin's
// enable setting).
var Analyzer = &analysis.Analyzer{
	Name:       "goroutine",
	Doc:        Doc,
	URL:        "https://pkg.go.dev/github.com/go-isolate/isolate/analyzer/goroutine",
	Requires:   []*analysis.Analyzer{inspect.Analyzer, annotations.Analyzer},
	Run:        run,
	ResultType: reflect.TypeFor[ignore.Used](),
	FactTypes:  []analysis.Fact{new(SyncFree), new(Spawns)},
}

type checker struct {
	pass     *analysis.Pass
	r        *ignore.Reporter
	syncs    *syncs
	spawners map[*types.Func][]int
	reported map[string]bool
}

func run(pass *analysis.Pass) (any, error) {
	c := &checker{
		pass:     pass,
		syncs:    &syncs{pass: pass, free: computeSyncFree(pass)},
		spawners: map[*types.Func][]int{},
		reported: map[string]bool{},
	}
	c.computeSpawners()
	ann, _ := pass.ResultOf[annotations.Analyzer].(*annotations.Result)
	if ann == nil {
		return ignore.Used(nil), nil
	}
	c.r = ignore.NewReporter(pass, ann)
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	insp.Preorder([]ast.Node{(*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)}, func(n ast.Node) {
		var body *ast.BlockStmt
		var sig *types.Signature
		switch n := n.(type) {
		case *ast.FuncDecl:
			body = n.Body
			if fn, ok := pass.TypesInfo.Defs[n.Name].(*types.Func); ok {
				sig, _ = fn.Type().(*types.Signature)
			}
		case *ast.FuncLit:
			body = n.Body
			sig, _ = pass.TypesInfo.TypeOf(n).(*types.Signature)
		}
		if body == nil || sig == nil {
			return
		}
		c.function(body, sig)
	})
	return c.r.Used(), nil
}

// fn is one function body that starts goroutines: the spawner.
type fn struct {
	c       *checker
	body    *ast.BlockStmt
	results []*types.Var
	g       *cfg.CFG
	rangeKV map[ast.Expr]bool
	cache   map[string]*reached
	ops     map[ast.Node][]op      // the synchronizing operations of each node
	acc     map[ast.Node][]*access // the accesses of each node
}

// function checks the spawns whose spawner is body.
func (c *checker) function(body *ast.BlockStmt, sig *types.Signature) {
	var spawns []*spawn
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if s := c.spawnOf(n); s != nil {
			spawns = append(spawns, s)
		}
		return true
	})
	if len(spawns) == 0 {
		return
	}
	f := &fn{c: c, body: body, rangeKV: map[ast.Expr]bool{}, cache: map[string]*reached{},
		ops: map[ast.Node][]op{}, acc: map[ast.Node][]*access{}}
	for i := range sig.Results().Len() {
		if v := sig.Results().At(i); v.Name() != "" && v.Name() != "_" {
			f.results = append(f.results, v)
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if r, ok := n.(*ast.RangeStmt); ok && r.Tok == token.ASSIGN {
			for _, e := range []ast.Expr{r.Key, r.Value} {
				if e != nil {
					f.rangeKV[e] = true
				}
			}
		}
		return true
	})
	f.g = cfg.New(body, func(*ast.CallExpr) bool { return true })
	gs := map[*spawn]*gor{}
	for _, s := range spawns {
		gs[s] = f.goroutine(s)
	}
	for _, s := range spawns {
		f.check(s, gs)
	}
}

// gor is what a goroutine's code does.
type gor struct {
	s       *spawn
	acc     []*access
	ops     []op
	loops   []ast.Node // the loops of its body
	lateAdd map[types.Object]bool
	file    *ast.File
}

func (f *fn) goroutine(s *spawn) *gor {
	lit := s.lit
	g := &gor{s: s, lateAdd: map[types.Object]bool{}}
	w := &walker{info: f.c.pass.TypesInfo, rangeKV: map[ast.Expr]bool{}, outside: func(v *types.Var) bool {
		return !(lit.Pos() <= v.Pos() && v.Pos() < lit.End()) && v.Parent() != types.Universe
	}}
	w.node(lit.Body)
	g.acc = w.out
	f.c.syncs.inspect(lit.Body, false, func(o op) {
		g.ops = append(g.ops, o)
		if o.wg != nil && o.method == "Add" {
			g.lateAdd[o.wg] = true
		}
	})
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ForStmt, *ast.RangeStmt:
			g.loops = append(g.loops, n)
		}
		return true
	})
	return g
}

func within(n ast.Node, pos token.Pos) bool { return n != nil && n.Pos() <= pos && pos < n.End() }

// ordered reports whether an operation of g may come between a and a
// point before it (acq: the goroutine may acquire before a) or after it.
func (g *gor) syncBefore(a *access) bool {
	for _, o := range g.ops {
		if o.acq && !o.deferred && (o.pos < a.pos || g.together(o.pos, a)) {
			return true
		}
	}
	return false
}

func (g *gor) syncAfter(a *access) bool {
	for _, o := range g.ops {
		if o.rel && (o.deferred || o.pos > a.pos || g.together(o.pos, a)) {
			return true
		}
	}
	return false
}

// together reports whether pos and a share a statement or a loop of the
// goroutine, so that their order is not the order of the text.
func (g *gor) together(pos token.Pos, a *access) bool {
	if within(a.stmt, pos) {
		return true
	}
	for _, l := range g.loops {
		if within(l, pos) && within(l, a.pos) {
			return true
		}
	}
	return false
}

// reached is what the spawner may do after a spawn, along some path.
type reached struct {
	acc    []*access
	spawns map[*spawn]bool
}

// loopsAround returns the loops of the spawner around n, outermost first.
func (f *fn) loopsAround(n ast.Node) []ast.Stmt {
	var out []ast.Stmt
	ast.Inspect(f.body, func(x ast.Node) bool {
		if x == nil || !within(x, n.Pos()) {
			return false
		}
		if _, ok := x.(*ast.FuncLit); ok {
			return false
		}
		switch l := x.(type) {
		case *ast.ForStmt:
			if within(l.Body, n.Pos()) {
				out = append(out, l)
			}
		case *ast.RangeStmt:
			if within(l.Body, n.Pos()) {
				out = append(out, l)
			}
		}
		return true
	})
	return out
}

// perIteration reports whether each iteration of loop l has its own v.
func (f *fn) perIteration(l ast.Stmt, v *types.Var) bool {
	var body *ast.BlockStmt
	switch l := l.(type) {
	case *ast.ForStmt:
		body = l.Body
	case *ast.RangeStmt:
		body = l.Body
	}
	if within(body, v.Pos()) {
		return true
	}
	if !within(l, v.Pos()) {
		return false
	}
	return !f.sharedLoopVars(l)
}

// sharedLoopVars reports whether the file of l is older than go1.22, so
// that the variables its loops declare are shared by every iteration. An
// unknown version counts as new: the rule then says nothing.
func (f *fn) sharedLoopVars(l ast.Node) bool {
	v := f.fileVersion(l.Pos())
	return v != "" && version.Compare(v, "go1.22") < 0
}

func (f *fn) fileVersion(pos token.Pos) string {
	for _, file := range f.c.pass.Files {
		if file.FileStart <= pos && pos <= file.FileEnd {
			return f.c.pass.TypesInfo.FileVersions[file]
		}
	}
	return ""
}

func (f *fn) nodeOps(n ast.Node) []op {
	if ops, ok := f.ops[n]; ok {
		return ops
	}
	var ops []op
	f.c.syncs.inspect(n, false, func(o op) { ops = append(ops, o) })
	if ops == nil {
		ops = []op{}
	}
	f.ops[n] = ops
	return ops
}

func (f *fn) nodeAcc(n ast.Node) []*access {
	if acc, ok := f.acc[n]; ok {
		return acc
	}
	w := &walker{info: f.c.pass.TypesInfo, results: f.results, rangeKV: f.rangeKV}
	w.node(n)
	f.acc[n] = w.out
	return w.out
}

// reach walks the spawner's control flow from spawn s: with block set, not
// past an operation that may acquire (but a Wait on a WaitGroup that the
// goroutine adds to itself); never into the head of a loop in cut, where a
// new iteration gets new variables.
func (f *fn) reach(s *spawn, block bool, late map[types.Object]bool, cut []ast.Stmt, spawns []*spawn) *reached {
	key := fmt.Sprint(s.stmt.Pos(), block, len(cut))
	if r := f.cache[key]; r != nil {
		return r
	}
	r := &reached{spawns: map[*spawn]bool{}}
	f.cache[key] = r
	blocks := func(n ast.Node) bool {
		for _, o := range f.nodeOps(n) {
			if o.joinAll || block && o.acq && !(o.method == "Wait" && late[o.wg]) {
				return true
			}
		}
		return false
	}
	visitNode := func(n ast.Node) bool {
		if blocks(n) {
			return false
		}
		r.acc = append(r.acc, f.nodeAcc(n)...)
		for _, t := range spawns {
			if within(n, t.stmt.Pos()) {
				r.spawns[t] = true
			}
		}
		return true
	}
	var start *cfg.Block
	var at int
	for _, b := range f.g.Blocks {
		for i, n := range b.Nodes {
			if within(n, s.stmt.Pos()) {
				start, at = b, i
			}
		}
	}
	if start == nil {
		return r
	}
	seen := map[*cfg.Block]bool{}
	var visit func(b *cfg.Block, from int)
	visit = func(b *cfg.Block, from int) {
		if from == 0 {
			if seen[b] {
				return
			}
			seen[b] = true
			switch b.Kind {
			case cfg.KindForLoop, cfg.KindForPost, cfg.KindRangeLoop:
				if slices.Contains(cut, b.Stmt) {
					return
				}
			}
			if b.Kind == cfg.KindRangeLoop {
				rs := b.Stmt.(*ast.RangeStmt)
				if block {
					switch f.c.pass.TypesInfo.TypeOf(rs.X).Underlying().(type) {
					case *types.Chan, *types.Signature:
						return
					}
				}
				for _, e := range []ast.Expr{rs.Key, rs.Value} {
					if id, ok := e.(*ast.Ident); ok && rs.Tok == token.DEFINE {
						if v, ok := f.c.pass.TypesInfo.Defs[id].(*types.Var); ok {
							r.acc = append(r.acc, &access{obj: v, write: true, pos: id.Pos(), header: true})
						}
					}
				}
			}
		}
		for _, n := range b.Nodes[from:] {
			if !visitNode(n) {
				return
			}
		}
		for _, succ := range b.Succs {
			visit(succ, 0)
		}
	}
	visit(start, at+1)
	return r
}

// check reports the first race of each variable the goroutine of s
// touches.
func (f *fn) check(s *spawn, gs map[*spawn]*gor) {
	g := gs[s]
	loops := f.loopsAround(s.stmt)
	var spawns []*spawn
	for t := range gs {
		spawns = append(spawns, t)
	}
	slices.SortFunc(spawns, func(a, b *spawn) int { return int(a.stmt.Pos() - b.stmt.Pos()) })
	acc := slices.Clone(g.acc)
	slices.SortStableFunc(acc, func(a, b *access) int {
		if a.write != b.write {
			if a.write {
				return -1
			}
			return 1
		}
		return 0
	})
	for _, a := range acc {
		key := fmt.Sprint(s.stmt.Pos(), a.obj.Pos(), a.obj.Name())
		if f.c.reported[key] || g.syncBefore(a) {
			continue
		}
		var cut []ast.Stmt
		for i, l := range loops {
			if f.perIteration(l, a.obj) {
				cut = loops[:i+1]
			}
		}
		block := s.join || g.syncAfter(a)
		r := f.reach(s, block, g.lateAdd, cut, spawns)
		// The spawner's own accesses.
		for _, b := range r.acc {
			if conflicts(a, b) {
				f.c.reported[key] = true
				f.report(s, g, a, b, nil, loops, block)
				break
			}
		}
		if f.c.reported[key] {
			continue
		}
		// Goroutines started later, this one again included.
		for _, t := range spawns {
			if !r.spawns[t] {
				continue
			}
			h := gs[t]
			for _, b := range h.acc {
				if conflicts(a, b) && !h.syncBefore(b) {
					f.c.reported[key] = true
					f.report(s, g, a, b, t, loops, block)
					break
				}
			}
			if f.c.reported[key] {
				break
			}
		}
	}
}

func (f *fn) line(pos token.Pos) int { return f.c.pass.Fset.Position(pos).Line }

func verb(a *access) string {
	switch {
	case a.ret && a.write:
		return "assigns it by returning"
	case a.ret:
		return "returns it"
	case a.write:
		return "writes it"
	}
	return "reads it"
}

// name renders a location for a message.
func (f *fn) name(a *access) string {
	v := a.obj.Name()
	if a.obj.Pkg() != nil && a.obj.Pkg() != f.c.pass.Pkg && a.obj.Parent() == a.obj.Pkg().Scope() {
		v = a.obj.Pkg().Name() + "." + v
	}
	if slices.Contains(f.results, a.obj) {
		v = "named result " + v
	}
	path := strings.ReplaceAll(a.path, "→", ".")
	if strings.HasSuffix(path, "[]") {
		return "the map " + strings.TrimSuffix(v+path, "[]")
	}
	return v + path
}

// report reports the race between access a of the goroutine of s and
// access b, of the spawner (t nil) or of the goroutine of spawn t.
func (f *fn) report(s *spawn, g *gor, a, b *access, t *spawn, loops []ast.Stmt, block bool) {
	where := func(s *spawn) string {
		if s.how == "go statement" {
			return fmt.Sprintf("the goroutine started at line %d", f.line(s.stmt.Pos()))
		}
		return fmt.Sprintf("the goroutine started by %s at line %d", s.how, f.line(s.stmt.Pos()))
	}
	loc := f.name(a)
	var msg, fix string
	related := []analysis.RelatedInformation{{Pos: s.stmt.Pos(), Message: "the goroutine starts here"}}
	switch {
	case t == nil && b.write && f.isSharedLoopVar(a.obj, loops):
		msg = fmt.Sprintf("loop variable %s is shared by every iteration of its loop (this file's Go version is older than go1.22): %s %s at line %d while the loop assigns it for the next iteration at line %d",
			a.obj.Name(), where(s), verb(a), f.line(a.pos), f.line(b.pos))
		fix = fmt.Sprintf("pass %s to the goroutine as an argument, copy it (%s := %s) before the spawn, or upgrade the module to go1.22", a.obj.Name(), a.obj.Name(), a.obj.Name())
		related = append(related, analysis.RelatedInformation{Pos: b.pos, Message: "the loop assigns " + a.obj.Name() + " here"})
	case t == nil:
		msg = fmt.Sprintf("data race on %s: %s %s at line %d, and the spawning function %s at line %d with no synchronization between them",
			loc, where(s), verb(a), f.line(a.pos), verb(b), f.line(b.pos))
		switch {
		case block && len(g.lateAdd) > 0:
			fix = "call Add before the spawn, not inside the goroutine, so that Wait waits for it"
		case b.ret:
			fix = "hand the result over a channel, or wait for the goroutine before returning"
		default:
			fix = fmt.Sprintf("hand the value over a channel, or wait for the goroutine (sync.WaitGroup.Wait, a receive) before the spawning function touches %s", loc)
		}
		related = append(related, analysis.RelatedInformation{Pos: b.pos, Message: "the spawning function " + verb(b) + " here"})
	case t == s:
		msg = fmt.Sprintf("data race on %s: every goroutine started at line %d %s at line %d", loc, f.line(s.stmt.Pos()), verb(a), f.line(a.pos))
		if b.pos != a.pos {
			msg += fmt.Sprintf(" and %s at line %d", verb(b), f.line(b.pos))
		}
		msg += ", with no synchronization between them"
		fix = fmt.Sprintf("guard %s with a sync.Mutex, use sync/atomic, or give each goroutine its own variable", loc)
		if b.pos != a.pos {
			related = append(related, analysis.RelatedInformation{Pos: b.pos, Message: "another of them " + verb(b) + " here"})
		}
	default:
		msg = fmt.Sprintf("data race on %s: %s %s at line %d, and %s %s at line %d with no synchronization between them",
			loc, where(s), verb(a), f.line(a.pos), where(t), verb(b), f.line(b.pos))
		fix = fmt.Sprintf("guard %s with a sync.Mutex, or hand it from one goroutine to the other over a channel", loc)
		related = append(related,
			analysis.RelatedInformation{Pos: t.stmt.Pos(), Message: "the other goroutine starts here"},
			analysis.RelatedInformation{Pos: b.pos, Message: "the other goroutine " + verb(b) + " here"})
	}
	f.c.r.Report(analysis.Diagnostic{Pos: a.pos, Message: msg + "; " + fix, Related: related})
}

// isSharedLoopVar reports whether v is declared by the head of one of
// loops, in a file where all iterations share it.
func (f *fn) isSharedLoopVar(v *types.Var, loops []ast.Stmt) bool {
	for _, l := range loops {
		if within(l, v.Pos()) && !f.perIteration(l, v) {
			return true
		}
	}
	return false
}
