package generator

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/go-isolate/isolate/internal/sendable"
)

// portMethod is one method of a port interface, as the generator sees it.
type portMethod struct {
	fn      *types.Func
	ctx     bool        // takes a leading context.Context
	err     bool        // returns a trailing error
	params  []portValue // without the context
	results []portValue // without the error
	// callType carries one call; pool keeps used ones.
	callType, pool string
}

// portValue is a parameter or result of a port method and how it crosses.
type portValue struct {
	t    types.Type
	copy copyKind
}

// oneWay reports whether the method is a message that expects no reply.
func (m *portMethod) oneWay() bool { return !m.err && len(m.results) == 0 }

// portPlan is everything decided about one //isolate:port interface.
type portPlan struct {
	name      string // the interface: I
	portType  string // the port: IPort
	spawn     string // starts one isolate serving it: SpawnI
	spawnPool string // starts a pool of isolates serving it: SpawnIPool
	callIface string // what the isolate serves: isolategenICall
	// waits: some method waits for a reply, so the port needs its
	// isolategenWait (from the isolate, or from the pool).
	waits   bool
	methods []*portMethod
	wire    *portWirePlan // its calls across the wire (plan_wire.go); nil when none
	noWire  string        // why wire is nil: a method's value cannot cross
}

// portNames returns the names generated for port interface name: its port
// type, its one-isolate spawner and its pool spawner, in that order.
func portNames(name string) (portType, spawn, spawnPool string) {
	return name + "Port", "Spawn" + name, "Spawn" + name + "Pool"
}

// planPort plans the port of an interface, or reports every reason it has
// none at its position.
func (p *planner) planPort(a annotated) *portPlan {
	methods, ok := p.checkPort(a)
	if !ok {
		return nil
	}
	name := a.obj.Name()
	pp := &portPlan{name: name, callIface: "isolategen" + name + "Call", methods: methods}
	pp.portType, pp.spawn, pp.spawnPool = portNames(name)
	for _, m := range methods {
		m.callType = "isolategen" + name + "_" + m.fn.Name()
		m.pool = m.callType + "Pool"
		if !m.oneWay() {
			pp.waits = true
		}
	}
	pp.wire, pp.noWire = p.planPortWire(pp, a.spec.Name.Pos(), a.ann.Wire)
	return pp
}

// checkPort validates a port interface and returns its methods, reporting
// every problem at its position.
func (p *planner) checkPort(a annotated) ([]*portMethod, bool) {
	l := p.l
	name := a.obj.Name()
	nerrs := len(p.errs)
	it, ok := a.spec.Type.(*ast.InterfaceType)
	if !ok {
		return nil, false // directive.Scan reported it
	}
	if a.spec.TypeParams != nil {
		p.errorAt(a.spec.Name.Pos(), "generic port interface %s is not supported: a port needs concrete types to copy; declare an interface per instance", name)
		return nil, false
	}
	iface, ok := a.obj.Type().Underlying().(*types.Interface)
	if !ok {
		return nil, false
	}
	scope := l.pkg.Types.Scope()
	portType, spawn, spawnPool := portNames(name)
	for _, gen := range []string{portType, spawn, spawnPool} {
		if obj := scope.Lookup(gen); obj != nil && l.pkg.Fset.Position(obj.Pos()).Filename != l.outPath {
			p.errorAt(obj.Pos(), "%s is declared here, but the port of %s is generated under that name: rename it", gen, name)
		}
	}
	// Port IPool's SpawnIPool would be port I's pool spawner too.
	if base, ok := strings.CutSuffix(name, "Pool"); ok {
		for _, b := range l.decls {
			if b.ann.Port && b.obj.Name() == base {
				p.errorAt(a.spec.Name.Pos(), "port %s would be started by %s, the name of port %s's pool spawner: rename %s", name, spawn, base, name)
			}
		}
	}
	// Where each method is reported: its own name in the interface, or the
	// embedded interface that brings it.
	at := map[string]token.Pos{}
	sigs := map[string]*ast.FuncType{}
	for _, field := range it.Methods.List {
		if len(field.Names) > 0 {
			for _, n := range field.Names {
				at[n.Name] = n.Pos()
				sigs[n.Name], _ = field.Type.(*ast.FuncType)
			}
			continue
		}
		t := l.pkg.TypesInfo.TypeOf(field.Type)
		emb, isIface := (types.Type)(nil), false
		if t != nil {
			emb = t.Underlying()
			_, isIface = emb.(*types.Interface)
		}
		if !isIface || !emb.(*types.Interface).IsMethodSet() {
			p.errorAt(field.Type.Pos(), "port %s embeds %s, which is not an interface of methods only: a port is generated from methods; list them in %s", name, exprString(field.Type), name)
			continue
		}
		e := emb.(*types.Interface)
		for i := range e.NumMethods() {
			if _, seen := at[e.Method(i).Name()]; !seen {
				at[e.Method(i).Name()] = field.Type.Pos()
			}
		}
	}
	if len(p.errs) == nerrs && !iface.IsMethodSet() {
		p.errorAt(a.spec.Name.Pos(), "port interface %s has type constraints: a port is generated from methods only", name)
	}
	var methods []*portMethod
	for i := range iface.NumMethods() {
		fn := iface.Method(i)
		pos, ok := at[fn.Name()]
		if !ok {
			pos = a.spec.Name.Pos()
		}
		if m := p.checkPortMethod(name, fn, pos, sigs[fn.Name()]); m != nil {
			methods = append(methods, m)
		}
	}
	return methods, len(p.errs) == nerrs
}

// checkPortMethod judges one method: its parameters and results must cross
// between isolates by copy (internal/sendable's CanCopy).
func (p *planner) checkPortMethod(port string, fn *types.Func, pos token.Pos, decl *ast.FuncType) *portMethod {
	l := p.l
	nerrs := len(p.errs)
	// A parameter or result is reported at its name, or its type when it
	// has none; a method brought by an embedded interface at the embedding.
	var paramAt, resultAt []token.Pos
	if decl != nil {
		paramAt, resultAt = fieldPositions(decl.Params), fieldPositions(decl.Results)
	}
	where := func(list []token.Pos, i int) token.Pos {
		if i < len(list) {
			return list[i]
		}
		return pos
	}
	sig := fn.Type().(*types.Signature)
	if !fn.Exported() && fn.Pkg() != l.pkg.Types {
		p.errorAt(pos, "port method %s.%s is unexported in package %s: the generated port cannot implement it", port, fn.Name(), fn.Pkg().Name())
		return nil
	}
	if sig.Variadic() {
		p.errorAt(pos, "port method %s.%s is variadic: its arguments would share a slice; take a sendable or //isolate:message type instead", port, fn.Name())
		return nil
	}
	m := &portMethod{fn: fn}
	params := sig.Params()
	for i := range params.Len() {
		t := params.At(i).Type()
		if isContext(t) {
			if i == 0 {
				m.ctx = true
				continue
			}
			p.errorAt(where(paramAt, i), "port method %s.%s takes a context.Context as parameter %d: a port's context comes first", port, fn.Name(), i+1)
			continue
		}
		if ok, reason := l.checker.CanCopy(t); !ok {
			p.errorAt(where(paramAt, i), "port method %s.%s cannot take %s across isolates: %s", port, fn.Name(), types.TypeString(t, l.qualifier), explainReason(reason, l.qualifier))
			continue
		}
		m.params = append(m.params, portValue{t, copyKindOf(l.checker, t)})
	}
	results := sig.Results()
	for i := range results.Len() {
		t := results.At(i).Type()
		if i == results.Len()-1 && isError(t) {
			m.err = true
			continue
		}
		if ok, reason := l.checker.CanCopy(t); !ok {
			p.errorAt(where(resultAt, i), "port method %s.%s cannot return %s across isolates: %s", port, fn.Name(), types.TypeString(t, l.qualifier), explainReason(reason, l.qualifier))
			continue
		}
		m.results = append(m.results, portValue{t, copyKindOf(l.checker, t)})
	}
	if len(p.errs) > nerrs {
		return nil
	}
	return m
}

// fieldPositions returns the position of each parameter of a field list:
// its name, or its type when it has none.
func fieldPositions(fields *ast.FieldList) []token.Pos {
	if fields == nil {
		return nil
	}
	var out []token.Pos
	for _, f := range fields.List {
		if len(f.Names) == 0 {
			out = append(out, f.Type.Pos())
		}
		for _, n := range f.Names {
			out = append(out, n.Pos())
		}
	}
	return out
}

// explainReason words a sendable.Reason as the analyzer's send rule does.
func explainReason(r *sendable.Reason, q types.Qualifier) string {
	if r == nil {
		return "it cannot be copied"
	}
	var s string
	if t := types.TypeString(r.Type, q); r.Path == t {
		s = t + " is " + r.Why
	} else {
		s = r.String()
	}
	if r.Hint != "" {
		s += "; " + r.Hint
	}
	return s
}

func exprString(e ast.Expr) string {
	var b strings.Builder
	var walk func(ast.Expr)
	walk = func(e ast.Expr) {
		switch e := e.(type) {
		case *ast.Ident:
			b.WriteString(e.Name)
		case *ast.SelectorExpr:
			walk(e.X)
			b.WriteString(".")
			b.WriteString(e.Sel.Name)
		case *ast.IndexExpr:
			walk(e.X)
			b.WriteString("[…]")
		case *ast.IndexListExpr:
			walk(e.X)
			b.WriteString("[…]")
		default:
			b.WriteString("this element")
		}
	}
	walk(e)
	return b.String()
}

func isContext(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// copyKind is how a value crosses: a plain assignment, DeepCopyInto on its
// address (a copyable value type), or a new value filled by DeepCopyInto
// (a pointer to a copyable type; nil stays nil).
type copyKind int

const (
	copyAssign copyKind = iota
	copyValue
	copyPointer
)

func copyKindOf(checker *sendable.Checker, t types.Type) copyKind {
	class, _ := checker.Classify(t)
	if class == sendable.Sendable {
		return copyAssign
	}
	if _, ok := types.Unalias(t).(*types.Pointer); ok {
		return copyPointer
	}
	return copyValue
}
