package capture

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/go-isolate/isolate/analyzer/internal/annotations"
	"github.com/go-isolate/isolate/analyzer/internal/boundary"
	"github.com/go-isolate/isolate/analyzer/internal/ignore"
	"github.com/go-isolate/isolate/analyzer/internal/typeparams"
	"github.com/go-isolate/isolate/internal/directive"
	"github.com/go-isolate/isolate/internal/sendable"
)

// Doc is the rule's documentation, as isolatevet help capture prints it.
const Doc = `report closures that share variables with the isolate they run in

A func literal given to runtime.Spawn, runtime.Run or runtime.RunOn runs in
another isolate, but Go closures capture variables, not values: every
variable the literal uses from the function around it is shared between
the two isolates. A
captured variable must therefore be sendable (copyable is not enough, since
no copy is made), and neither the closure nor the code after it may assign
it. A variable the function made itself (with make, new, a composite
literal, or a call given only sendable values), gave to nothing else and
does not use after the closure is made is moved into it, and accepted.

A method value given to Spawn or Run binds its receiver, which is judged as
a captured variable, as is the receiver of an //isolate:entry method. A
function that passes its func parameter on to Spawn or Run is judged at
its calls the same way, across packages.
Where the fix is mechanical, the closure is given a copy made just before
it: a value assigned later, or the generated DeepCopy of a message.`

// Analyzer is the capture rule.
var Analyzer = &analysis.Analyzer{
	Name:     "capture",
	Doc:      Doc,
	URL:      "https://pkg.go.dev/github.com/go-isolate/isolate/analyzer/capture",
	Requires: []*analysis.Analyzer{inspect.Analyzer, annotations.Analyzer},
	Run:      run,
	// A closure's captures and their types are known even where other
	// parts of the package do not type-check.
	RunDespiteErrors: true,
	ResultType:       reflect.TypeFor[ignore.Used](),
	FactTypes:        []analysis.Fact{new(entryFact)},
}

type state struct {
	pass *analysis.Pass
	ann  *annotations.Result
	r    *ignore.Reporter
	qual types.Qualifier
	// check judges types; best judges them with type parameters replaced
	// by a stand-in that is sendable.
	check, best *sendable.Checker
	any         types.Type

	files  map[*token.File]*ast.File
	graphs map[*ast.BlockStmt]*graph

	// local holds which parameters of this package's functions are run
	// in a new isolate, as inferred so far; calls lists the calls that
	// may pass a function on to Spawn or Run.
	local map[*types.Func][]EntryParam
	calls []entryCall
	// calledParam marks func parameters that a closure given to Spawn or
	// Run only calls: their callers are judged instead.
	calledParam map[*types.Var]bool
}

func run(pass *analysis.Pass) (any, error) {
	ann, ok := pass.ResultOf[annotations.Analyzer].(*annotations.Result)
	if !ok || ann == nil {
		return ignore.Used(nil), nil
	}
	r := ignore.NewReporter(pass, ann)
	entries := entryMethods(pass, ann)
	if len(entries) == 0 && !boundary.ReachesRuntime(pass.Pkg) && len(pass.AllObjectFacts()) == 0 {
		return r.Used(), nil // no closure here can reach an isolate
	}
	s := &state{
		pass:   pass,
		ann:    ann,
		r:      r,
		qual:   boundary.Qualifier(pass.Pkg),
		files:  map[*token.File]*ast.File{},
		graphs: map[*ast.BlockStmt]*graph{},
		local:  map[*types.Func][]EntryParam{},

		calledParam: map[*types.Var]bool{},
	}
	s.check = ann.Checker(s.qual)
	stand := typeparams.StandIn()
	s.any = stand.Type()
	base := s.check.Annotations
	s.best = &sendable.Checker{
		Annotations: func(tn *types.TypeName) sendable.Annotation {
			if tn == stand {
				return sendable.Annotation{Unchecked: true}
			}
			if base == nil {
				return sendable.Annotation{}
			}
			return base(tn)
		},
		Extra:     s.check.Extra,
		Qualifier: s.qual,
	}
	for _, f := range pass.Files {
		s.files[pass.Fset.File(f.Pos())] = f
	}

	for _, decl := range entries {
		s.checkEntryMethod(decl)
	}
	in := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	s.collectEntries(in)
	for cur := range in.Root().Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		site, ok := boundary.SiteOf(pass.TypesInfo, call)
		if !ok || site.Entry == nil || s.generated(call.Pos()) {
			continue
		}
		s.checkEntry(cur, site.Entry, target{name: site.Op.String(), spawn: site.Op == boundary.Spawn})
	}
	for _, c := range s.wrapperCalls() {
		s.checkEntry(c.cur, c.arg, target{name: c.name})
	}
	s.exportFacts()
	return r.Used(), nil
}

// target names what runs a closure in a new isolate, for messages:
// Spawn, Run, or a function that hands its argument to one of them.
type target struct {
	name  string
	spawn bool // runtime.Spawn itself, whose message is copied
}

func (t target) String() string { return t.name }

// checkEntry judges the function given to run in a new isolate.
func (s *state) checkEntry(cur inspector.Cursor, entry ast.Expr, op target) {
	switch entry := ast.Unparen(entry).(type) {
	case *ast.FuncLit:
		s.checkLiteral(cur, entry, op)
	case *ast.SelectorExpr:
		s.checkMethodValue(cur, entry, op)
	}
	// A func-typed variable is a blind spot: what it holds is not known
	// here.
}

func (s *state) generated(pos token.Pos) bool {
	f := s.files[s.pass.Fset.File(pos)]
	return f != nil && ast.IsGenerated(f)
}

func (s *state) fileVersion(pos token.Pos) string {
	if f := s.files[s.pass.Fset.File(pos)]; f != nil {
		return s.pass.TypesInfo.FileVersions[f]
	}
	return ""
}

func (s *state) graph(body *ast.BlockStmt) *graph {
	g, ok := s.graphs[body]
	if !ok {
		g = newGraph(body, s.pass.TypesInfo)
		s.graphs[body] = g
	}
	return g
}

// captured is a variable a func literal uses from the functions around it.
type captured struct {
	v     *types.Var
	first *ast.Ident // its first use in the literal
	write *write     // its first write inside the literal, if any
}

// capturesOf lists the local variables lit captures, in order of first use.
func (s *state) capturesOf(lit *ast.FuncLit) []*captured {
	info := s.pass.TypesInfo
	var out []*captured
	byVar := map[*types.Var]*captured{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok || v.IsField() || v.Pkg() != s.pass.Pkg || !v.Pos().IsValid() || within(lit, v.Pos()) {
			return true
		}
		if v.Parent() == nil || v.Parent() == v.Pkg().Scope() {
			return true // a package-level variable: the global rule's business
		}
		if byVar[v] == nil {
			c := &captured{v: v, first: id}
			byVar[v] = c
			out = append(out, c)
		}
		return true
	})
	if len(out) == 0 {
		return nil
	}
	writesIn(info, lit.Body, func(v *types.Var) bool { return byVar[v] != nil }, func(v *types.Var, w write, _ []ast.Node) {
		if c := byVar[v]; c.write == nil {
			c.write = &w
		}
	})
	return out
}

// funcs returns the functions around cur, innermost first.
func funcs(cur inspector.Cursor) []ast.Node {
	var out []ast.Node
	for c := range cur.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		out = append(out, c.Node())
	}
	return out
}

func bodyOf(fn ast.Node) *ast.BlockStmt {
	switch fn := fn.(type) {
	case *ast.FuncLit:
		return fn.Body
	case *ast.FuncDecl:
		return fn.Body
	}
	return nil
}

// declOf returns the declared function whose body holds the chain.
func (s *state) declOf(chain []ast.Node) *types.Func {
	if len(chain) == 0 {
		return nil
	}
	if d, ok := chain[len(chain)-1].(*ast.FuncDecl); ok {
		fn, _ := s.pass.TypesInfo.Defs[d.Name].(*types.Func)
		return fn
	}
	return nil
}

// checkLiteral judges the variables a func literal given to Spawn or Run
// captures.
func (s *state) checkLiteral(cur inspector.Cursor, lit *ast.FuncLit, op target) {
	caps := s.capturesOf(lit)
	if len(caps) == 0 {
		return
	}
	chain := funcs(cur)
	decl := s.declOf(chain)
	for _, c := range caps {
		if s.calledParam[c.v] {
			continue // the function's callers are judged for what it runs
		}
		class, reason := s.check.Classify(c.v.Type())
		if class != sendable.Sendable {
			if s.forTypeParams(decl, c.v.Type()) {
				continue
			}
			if s.movedInto(c.v, lit, chain) {
				continue
			}
			s.reportUnsendable(cur, lit, op, c, class, reason)
			continue
		}
		if c.write != nil {
			s.r.Report(analysis.Diagnostic{
				Pos:     lit.Pos(),
				End:     lit.Type.End(),
				Message: fmt.Sprintf("closure given to %s captures %s and %s it: the variable is shared with the isolate that made the closure; %s", op, c.v.Name(), inside(c.write.what), keepInside(op, c.v.Name())),
				Related: []analysis.RelatedInformation{{Pos: c.write.pos, Message: fmt.Sprintf("%s %s here", c.v.Name(), c.write.what)}},
			})
			continue
		}
		if w := s.writtenAfter(c.v, lit, chain); w != nil {
			d := analysis.Diagnostic{
				Pos:     lit.Pos(),
				End:     lit.Type.End(),
				Message: fmt.Sprintf("closure given to %s captures %s, which %s after the closure is made, so the closure may see either value", op, c.v.Name(), after(w.what)),
				Related: []analysis.RelatedInformation{{Pos: w.pos, Message: fmt.Sprintf("%s %s here", c.v.Name(), w.what)}},
			}
			if fix := s.copyFix(cur, lit, c.v, false); fix != nil {
				d.Message += fmt.Sprintf("; capture a copy made before the closure (%s := %s), as the suggested fix does", c.v.Name(), c.v.Name())
				d.SuggestedFixes = []analysis.SuggestedFix{*fix}
			} else {
				d.Message += fmt.Sprintf("; copy it into a new variable just before the closure (%s := %s) and capture that", c.v.Name(), c.v.Name())
			}
			s.r.Report(d)
		}
	}
}

// keepInside says what to do about a captured variable the closure writes:
// the isolate must own it, and hand back what the caller needs.
func keepInside(op target, name string) string {
	if op.spawn {
		return "declare " + name + " inside the closure, and send what the caller needs back through a port"
	}
	return "declare " + name + " inside the function, and return what the caller needs"
}

// makeInside says what to do about a captured variable that cannot be
// shared: the isolate makes its own, or receives a copy.
func makeInside(op target, name string) string {
	if op.spawn {
		return "make " + name + " inside the closure, or pass it as Spawn's message, which is copied (its type must be sendable or an //isolate:message type)"
	}
	return "make " + name + " inside the function, or capture only sendable values made from it"
}

// unbind says what to do about a method value whose receiver cannot be
// shared.
func unbind(op target) string {
	if op.spawn {
		return "give Spawn a function that receives what it needs as its message instead"
	}
	return "give " + op.name + " a func literal that makes what it needs instead"
}

// inside renders a write made by the closure: "assigns", "increments",
// "takes the address of".
func inside(what string) string {
	switch what {
	case "incremented":
		return "increments"
	case "has its address taken":
		return "takes the address of"
	}
	return "assigns"
}

// after renders a write made after the closure: "is assigned", "is
// incremented", "has its address taken".
func after(what string) string {
	if what == "has its address taken" {
		return what
	}
	return "is " + what
}

// forTypeParams reports whether t fails only for some instantiations of
// the type parameters of decl: the generic body is not judged for them.
func (s *state) forTypeParams(decl *types.Func, t types.Type) bool {
	tps := typeparams.Of(decl)
	if len(tps) == 0 {
		return false
	}
	own := func(tp *types.TypeParam) bool {
		for _, x := range tps {
			if x == tp {
				return true
			}
		}
		return false
	}
	if !typeparams.Mentions(t, own, map[types.Type]bool{}) {
		return false
	}
	class, _ := s.best.Classify(typeparams.BestCase(t, tps, s.any))
	return class == sendable.Sendable
}

func (s *state) reportUnsendable(cur inspector.Cursor, lit *ast.FuncLit, op target, c *captured, class sendable.Class, reason *sendable.Reason) {
	t := types.TypeString(c.v.Type(), s.qual)
	d := analysis.Diagnostic{
		Pos: lit.Pos(),
		End: lit.Type.End(),
		Related: []analysis.RelatedInformation{{
			Pos:     c.first.Pos(),
			Message: fmt.Sprintf("%s is used here", c.v.Name()),
		}},
	}
	if class == sendable.Copyable {
		d.Message = fmt.Sprintf("closure given to %s captures %s, whose type %s is copyable but not sendable: a captured variable is shared, never copied", op, c.v.Name(), t)
		if fix := s.copyFix(cur, lit, c.v, true); fix != nil {
			d.Message += "; capture a deep copy made before the closure"
			d.SuggestedFixes = []analysis.SuggestedFix{*fix}
		} else if op.spawn {
			d.Message += "; pass it as the message, which Spawn copies"
		}
	} else {
		d.Message = fmt.Sprintf("closure given to %s captures %s, whose type %s is not sendable: %s; %s", op, c.v.Name(), t, explain(reason, s.qual), makeInside(op, c.v.Name()))
	}
	s.r.Report(d)
}

// explain renders a reason, keeping only hints that help a capture: making
// a type a message makes it copyable, which a capture does not use.
func explain(r *sendable.Reason, q types.Qualifier) string {
	if r == nil {
		return "it is not sendable"
	}
	out := boundary.Describe(r, q)
	if r.Hint != "" && !strings.Contains(r.Hint, "//isolate:message") {
		out += "; " + r.Hint
	}
	return out
}

// checkMethodValue judges the receiver a method value given to Spawn or
// Run binds.
func (s *state) checkMethodValue(cur inspector.Cursor, sel *ast.SelectorExpr, op target) {
	selection, ok := s.pass.TypesInfo.Selections[sel]
	if !ok || selection.Kind() != types.MethodVal {
		return // a package-qualified function binds nothing
	}
	bound := boundReceiver(selection)
	if bound == nil {
		return
	}
	class, reason := s.check.Classify(bound)
	if class == sendable.Sendable || s.forTypeParams(s.declOf(funcs(cur)), bound) {
		return
	}
	recv := types.ExprString(sel.X)
	var why string
	if class == sendable.Copyable {
		why = "copyable but not sendable: a bound receiver is shared, never copied"
	} else {
		why = "not sendable: " + explain(reason, s.qual)
	}
	s.r.Report(analysis.Diagnostic{
		Pos:     sel.Pos(),
		End:     sel.End(),
		Message: fmt.Sprintf("method value %s given to %s binds %s, whose type %s is %s; %s", types.ExprString(sel), op, recv, types.TypeString(bound, s.qual), why, unbind(op)),
	})
}

// boundReceiver returns the type of the receiver a method value binds: the
// pointer for a pointer method, a copy of the value for a value method.
func boundReceiver(sel *types.Selection) types.Type {
	fn, ok := sel.Obj().(*types.Func)
	if !ok || fn.Signature().Recv() == nil {
		return nil
	}
	t := sel.Recv()
	index := sel.Index()
	if len(index) == 0 {
		return nil
	}
	for _, i := range index[:len(index)-1] {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok || i >= st.NumFields() {
			return nil
		}
		t = st.Field(i).Type()
	}
	if _, isIface := t.Underlying().(*types.Interface); isIface {
		return t
	}
	_, wantPtr := fn.Signature().Recv().Type().(*types.Pointer)
	p, isPtr := t.Underlying().(*types.Pointer)
	switch {
	case wantPtr && !isPtr:
		return types.NewPointer(t)
	case !wantPtr && isPtr:
		return p.Elem()
	}
	return t
}

// entryMethods returns the methods declared //isolate:entry: each runs as
// an isolate's entry with the receiver it was bound to.
func entryMethods(pass *analysis.Pass, ann *annotations.Result) []*ast.FuncDecl {
	var out []*ast.FuncDecl
	for _, f := range pass.Files {
		df := ann.Files[f]
		if df == nil || ast.IsGenerated(f) {
			continue
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || len(fd.Recv.List) == 0 {
				continue
			}
			if _, ok := directive.Find(df.Funcs[fd], directive.Entry); ok {
				out = append(out, fd)
			}
		}
	}
	return out
}

func (s *state) checkEntryMethod(decl *ast.FuncDecl) {
	field := decl.Recv.List[0]
	t := s.pass.TypesInfo.TypeOf(field.Type)
	if t == nil {
		return
	}
	fn, _ := s.pass.TypesInfo.Defs[decl.Name].(*types.Func)
	class, reason := s.check.Classify(t)
	if class == sendable.Sendable || s.forTypeParams(fn, t) {
		return
	}
	name := "its receiver"
	if len(field.Names) > 0 && field.Names[0].Name != "_" {
		name += " " + field.Names[0].Name
	}
	var why string
	if class == sendable.Copyable {
		why = "copyable but not sendable: a bound receiver is shared, never copied"
	} else {
		why = "not sendable: " + explain(reason, s.qual)
	}
	s.r.Report(analysis.Diagnostic{
		Pos:     field.Pos(),
		End:     field.End(),
		Message: fmt.Sprintf("entry method %s binds %s, whose type %s is %s; make the entry a function that receives what it needs as its message", decl.Name.Name, name, types.TypeString(t, s.qual), why),
	})
}
