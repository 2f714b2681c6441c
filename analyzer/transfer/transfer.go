package transfer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/ssa"

	"github.com/go-isolate/isolate/analyzer/internal/annotations"
	"github.com/go-isolate/isolate/analyzer/internal/boundary"
	"github.com/go-isolate/isolate/analyzer/internal/ignore"
	"github.com/go-isolate/isolate/internal/sendable"
)

// Doc is the rule's documentation, as isolatevet help transfer prints it.
const Doc = `report values used after their ownership was transferred to another isolate

SendPort.Transfer and Exit move a value to another isolate without copying
it: from then on the other isolate owns it, and the sender must not touch
it, nor anything reached through it, nor any alias of it that the function
made before the move (the value stored in a field, a slice, a map, a
closure, another variable). The rule follows every path from the transfer
and reports the first use on each, with the transfer as related position:

	order used after its ownership was transferred to another isolate

A fresh assignment ends the restriction, a path that does not pass the
transfer is not reported, and so is no use on the branch where the
Transfer's error is not nil (it moved nothing). len and cap are not uses.
A sendable value is copied, not moved, and restricts nothing. Aliases made
by called functions, and uses by other goroutines or by the functions the
moved value was handed to before, are not seen.`

// Analyzer is the transfer rule.
var Analyzer = &analysis.Analyzer{
	Name:     "transfer",
	Doc:      Doc,
	URL:      "https://pkg.go.dev/github.com/go-isolate/isolate/analyzer/transfer",
	Requires: []*analysis.Analyzer{inspect.Analyzer, annotations.Analyzer},
	Run:      run,
	// SSA form needs well-typed code: the rule does not run on packages
	// with type errors.
	ResultType: reflect.TypeFor[ignore.Used](),
}

// site is one transfer in the syntax.
type site struct {
	call  *ast.CallExpr
	op    boundary.Op
	value ast.Expr
}

func run(pass *analysis.Pass) (any, error) {
	ann, ok := pass.ResultOf[annotations.Analyzer].(*annotations.Result)
	if !ok || ann == nil {
		return ignore.Used(nil), nil
	}
	r := ignore.NewReporter(pass, ann)
	if p := pass.Pkg.Path(); p == sendable.RuntimePath || p == sendable.RuntimePath+"_test" {
		// The runtime implements the moves, and its tests look behind them.
		return r.Used(), nil
	}
	sites := findSites(pass, ann)
	if len(sites) == 0 {
		return r.Used(), nil
	}
	// Only now, for the few packages that move values, build SSA form,
	// as buildssa does (with debug information, to name the uses).
	prog := ssa.NewProgram(pass.Fset, ssa.GlobalDebug)
	for _, p := range pass.Pkg.Imports() {
		prog.CreatePackage(p, nil, nil, true)
	}
	pkg := prog.CreatePackage(pass.Pkg, pass.Files, pass.TypesInfo, false)
	pkg.Build()

	checker := ann.Checker(types.RelativeTo(pass.Pkg))
	plain := map[types.Type]bool{}
	sendableType := func(t types.Type) bool {
		p, ok := plain[t]
		if !ok {
			class, _ := checker.Classify(t)
			p = class == sendable.Sendable
			plain[t] = p
		}
		return p
	}
	for _, fn := range functionsWith(pass, pkg, sites) {
		check(r, fn, sites, sendableType)
	}
	return r.Used(), nil
}

// findSites returns the Transfer and Exit calls of the package's own
// (not generated) files that move a value that is not sendable, by the
// position of their opening parenthesis, which is the SSA call's position.
func findSites(pass *analysis.Pass, ann *annotations.Result) map[token.Pos]site {
	var sites map[token.Pos]site
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	var checker *sendable.Checker
	generated := map[*token.File]bool{}
	for _, f := range pass.Files {
		if ast.IsGenerated(f) {
			generated[pass.Fset.File(f.Pos())] = true
		}
	}
	for n := range insp.PreorderSeq((*ast.CallExpr)(nil)) {
		call := n.(*ast.CallExpr)
		// Cheap syntactic filter first: x.Transfer(v) or [pkg.]Exit(...).
		switch fun := ast.Unparen(call.Fun).(type) {
		case *ast.SelectorExpr:
			if fun.Sel.Name != "Transfer" && fun.Sel.Name != "Exit" {
				continue
			}
		case *ast.IndexExpr:
			if !isExitName(fun.X) {
				continue
			}
		case *ast.Ident:
			if fun.Name != "Exit" {
				continue
			}
		default:
			continue
		}
		s, ok := boundary.SiteOf(pass.TypesInfo, call)
		if !ok || (s.Op != boundary.Transfer && s.Op != boundary.Exit) || s.Value == nil {
			continue
		}
		if generated[pass.Fset.File(call.Pos())] {
			continue
		}
		if checker == nil {
			checker = ann.Checker(types.RelativeTo(pass.Pkg))
		}
		if class, _ := checker.Classify(s.Type); class == sendable.Sendable {
			continue // a copy: nothing is restricted
		}
		if sites == nil {
			sites = map[token.Pos]site{}
		}
		sites[call.Lparen] = site{call: call, op: s.Op, value: s.Value}
	}
	return sites
}

func isExitName(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return x.Name == "Exit"
	case *ast.SelectorExpr:
		return x.Sel.Name == "Exit"
	}
	return false
}

// functionsWith returns the SSA functions (literals included) that contain
// a site, in source order.
func functionsWith(pass *analysis.Pass, pkg *ssa.Package, sites map[token.Pos]site) []*ssa.Function {
	in := func(n ast.Node) bool {
		for pos := range sites {
			if n.Pos() <= pos && pos < n.End() {
				return true
			}
		}
		return false
	}
	var roots []*ssa.Function
	for _, f := range pass.Files {
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				if decl.Body == nil || !in(decl) {
					continue
				}
				if obj, ok := pass.TypesInfo.Defs[decl.Name].(*types.Func); ok {
					if fn := pkg.Prog.FuncValue(obj); fn != nil {
						roots = append(roots, fn)
					}
				}
			case *ast.GenDecl:
				if in(decl) {
					if fn := pkg.Func("init"); fn != nil && !slices.Contains(roots, fn) {
						roots = append(roots, fn)
					}
				}
			}
		}
	}
	var out []*ssa.Function
	var visit func(fn *ssa.Function)
	visit = func(fn *ssa.Function) {
		if hasSite(fn, sites) {
			out = append(out, fn)
		}
		for _, anon := range fn.AnonFuncs {
			visit(anon)
		}
	}
	for _, fn := range roots {
		visit(fn)
	}
	return out
}

func hasSite(fn *ssa.Function, sites map[token.Pos]site) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if c, ok := instr.(*ssa.Call); ok {
				if _, ok := sites[c.Pos()]; ok {
					return true
				}
			}
		}
	}
	return false
}

// check analyses the transfers of fn and reports the uses after them.
func check(r *ignore.Reporter, fn *ssa.Function, sites map[token.Pos]site, sendableType func(types.Type) bool) {
	var moves []*moveSite
	moved := map[ssa.Instruction]ssa.Value{}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			c, ok := instr.(*ssa.Call)
			if !ok {
				continue
			}
			st, ok := sites[c.Pos()]
			if !ok {
				continue
			}
			args := c.Common().Args
			idx := 1 // SendPort.Transfer(recv, msg)
			if st.op == boundary.Exit {
				idx = 2 // Exit(ctx, port, msg)
			}
			if idx >= len(args) {
				continue
			}
			moves = append(moves, &moveSite{call: c, value: args[idx], exit: st.op == boundary.Exit, name: exprString(st.value)})
			moved[c] = args[idx]
		}
	}
	if len(moves) == 0 {
		return
	}
	f := newFlow(fn, sendableType, moved)
	for _, ms := range moves {
		for _, u := range f.run(ms) {
			report(r, sites[ms.call.Pos()], ms, u)
		}
	}
}

func report(r *ignore.Reporter, st site, ms *moveSite, u use) {
	var msg string
	switch {
	case u.deferred:
		msg = fmt.Sprintf("deferred call uses %s after its ownership was transferred to another isolate", ms.name)
	case u.name == "" || sameRoot(u.name, ms.name):
		msg = fmt.Sprintf("%s used after its ownership was transferred to another isolate", ms.name)
	default:
		msg = fmt.Sprintf("%s shares memory with %s and is used after its ownership was transferred to another isolate", u.name, ms.name)
	}
	end := u.end
	if !end.IsValid() {
		end = u.pos
	}
	r.Report(analysis.Diagnostic{
		Pos:     u.pos,
		End:     end,
		Message: msg,
		Related: []analysis.RelatedInformation{{
			Pos:     st.value.Pos(),
			End:     st.value.End(),
			Message: ms.name + " transferred here",
		}},
	})
}

// exprString renders an expression for a message, or a description when it
// is too long to read.
func exprString(e ast.Expr) string {
	s := types.ExprString(e)
	if len(s) > 40 {
		return "the moved value"
	}
	return s
}

// sameRoot reports whether the expression used is the moved one or a part
// of it: order, order.Items, order.Items[0] for order, or &order.
func sameRoot(used, moved string) bool {
	trim := func(s string) string {
		for len(s) > 0 && (s[0] == '&' || s[0] == '*' || s[0] == '(') {
			s = s[1:]
		}
		return s
	}
	used, moved = trim(used), trim(moved)
	if len(used) < len(moved) || used[:len(moved)] != moved {
		return false
	}
	return len(used) == len(moved) || used[len(moved)] == '.' || used[len(moved)] == '[' || used[len(moved)] == ')'
}
