package generator

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/go-isolate/isolate/internal/directive"
	"github.com/go-isolate/isolate/internal/sendable"
)

// A port is generated for every //isolate:port interface I of a package:
//
//	type IPort struct{ … }  // sendable: a SendPort and a *runtime.Isolate
//	func SpawnI(ctx context.Context, newImpl func() I, opts ...runtime.Option) (IPort, *runtime.Isolate, error)
//
// Each method call is a request: a pooled struct holding the copied
// arguments, room for the results and a runtime.Reply, moved (Transfer) to
// the isolate's request port (runtime.SpawnPort). The isolate serves one
// request at a time under runtime.Guard, copies the results and signals
// the reply. No goroutine and, in the steady state, no allocation per call.

// portMethod is one method of a port interface, as the generator sees it.
type portMethod struct {
	fn      *types.Func
	ctx     bool         // takes a leading context.Context
	err     bool         // returns a trailing error
	params  []types.Type // without the context
	results []types.Type // without the error
}

// oneWay reports whether the method is a message that expects no reply.
func (m *portMethod) oneWay() bool { return !m.err && len(m.results) == 0 }

// emitPorts writes the port and the spawn function of every //isolate:port
// interface of the package, in source order.
func emitPorts(u *unit) {
	u.file.ImportName(runtimePath, "runtime")
	for _, a := range u.specs {
		if _, ok := directive.Find(a.dirs, directive.Port); !ok {
			continue
		}
		if methods, ok := checkPort(u, a); ok {
			emitPort(u, a.obj.Name(), methods)
		}
	}
}

// checkPort validates a port interface and returns its methods, reporting
// every problem at its position.
func checkPort(u *unit, a annotated) ([]*portMethod, bool) {
	name := a.obj.Name()
	nerrs := len(u.errs)
	it, ok := a.spec.Type.(*ast.InterfaceType)
	if !ok {
		return nil, false // directive.Scan reported it
	}
	if a.spec.TypeParams != nil {
		u.errorAt(a.spec.Name.Pos(), "generic port interface %s is not supported: a port needs concrete types to copy; declare an interface per instance", name)
		return nil, false
	}
	iface, ok := a.obj.Type().Underlying().(*types.Interface)
	if !ok {
		return nil, false
	}
	scope := u.pkg.Types.Scope()
	for _, gen := range []string{name + "Port", "Spawn" + name} {
		if obj := scope.Lookup(gen); obj != nil && u.pkg.Fset.Position(obj.Pos()).Filename != outputPath(u.cfg, u.pkg.Dir) {
			u.errorAt(obj.Pos(), "%s is declared here, but the port of %s is generated under that name: rename it", gen, name)
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
		t := u.pkg.TypesInfo.TypeOf(field.Type)
		emb, isIface := (types.Type)(nil), false
		if t != nil {
			emb = t.Underlying()
			_, isIface = emb.(*types.Interface)
		}
		if !isIface || !emb.(*types.Interface).IsMethodSet() {
			u.errorAt(field.Type.Pos(), "port %s embeds %s, which is not an interface of methods only: a port is generated from methods; list them in %s", name, exprString(field.Type), name)
			continue
		}
		e := emb.(*types.Interface)
		for i := range e.NumMethods() {
			if _, seen := at[e.Method(i).Name()]; !seen {
				at[e.Method(i).Name()] = field.Type.Pos()
			}
		}
	}
	if len(u.errs) == nerrs && !iface.IsMethodSet() {
		u.errorAt(a.spec.Name.Pos(), "port interface %s has type constraints: a port is generated from methods only", name)
	}
	var methods []*portMethod
	for i := range iface.NumMethods() {
		fn := iface.Method(i)
		pos, ok := at[fn.Name()]
		if !ok {
			pos = a.spec.Name.Pos()
		}
		if m := checkPortMethod(u, name, fn, pos, sigs[fn.Name()]); m != nil {
			methods = append(methods, m)
		}
	}
	return methods, len(u.errs) == nerrs
}

// checkPortMethod judges one method: its parameters and results must cross
// between isolates by copy (internal/sendable's CanCopy).
func checkPortMethod(u *unit, port string, fn *types.Func, pos token.Pos, decl *ast.FuncType) *portMethod {
	nerrs := len(u.errs)
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
	if !fn.Exported() && fn.Pkg() != u.pkg.Types {
		u.errorAt(pos, "port method %s.%s is unexported in package %s: the generated port cannot implement it", port, fn.Name(), fn.Pkg().Name())
		return nil
	}
	if sig.Variadic() {
		u.errorAt(pos, "port method %s.%s is variadic: its arguments would share a slice; take a sendable or //isolate:message type instead", port, fn.Name())
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
			u.errorAt(where(paramAt, i), "port method %s.%s takes a context.Context as parameter %d: a port's context comes first", port, fn.Name(), i+1)
			continue
		}
		if ok, reason := u.checker.CanCopy(t); !ok {
			u.errorAt(where(paramAt, i), "port method %s.%s cannot take %s across isolates: %s", port, fn.Name(), types.TypeString(t, u.qualifier), explainReason(reason, u.qualifier))
			continue
		}
		m.params = append(m.params, t)
	}
	results := sig.Results()
	for i := range results.Len() {
		t := results.At(i).Type()
		if i == results.Len()-1 && isError(t) {
			m.err = true
			continue
		}
		if ok, reason := u.checker.CanCopy(t); !ok {
			u.errorAt(where(resultAt, i), "port method %s.%s cannot return %s across isolates: %s", port, fn.Name(), types.TypeString(t, u.qualifier), explainReason(reason, u.qualifier))
			continue
		}
		m.results = append(m.results, t)
	}
	if len(u.errs) > nerrs {
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

func (u *unit) copyKindOf(t types.Type) copyKind {
	class, _ := u.checker.Classify(t)
	if class == sendable.Sendable {
		return copyAssign
	}
	if _, ok := types.Unalias(t).(*types.Pointer); ok {
		return copyPointer
	}
	return copyValue
}

// copyTo is the code that puts a copy of src into dst, a field of the call.
func (u *unit) copyTo(t types.Type, dst, src *jen.Statement) jen.Code {
	switch u.copyKindOf(t) {
	case copyValue:
		return src.Dot("DeepCopyInto").Call(jen.Op("&").Add(dst))
	case copyPointer:
		elem := types.Unalias(t).(*types.Pointer).Elem()
		return jen.If(src.Clone().Op("!=").Nil()).Block(
			dst.Clone().Op("=").New(typeCode(elem)),
			src.Clone().Dot("DeepCopyInto").Call(dst.Clone()),
		)
	}
	return dst.Op("=").Add(src)
}

const runtimePath = sendable.RuntimePath

func emitPort(u *unit, name string, methods []*portMethod) {
	f := u.file
	portName := name + "Port"
	callIface := "isolategen" + name + "Call"
	callType := func(m *portMethod) string { return "isolategen" + name + "_" + m.fn.Name() }
	poolName := func(m *portMethod) string { return callType(m) + "Pool" }
	u.decls++

	f.Commentf("%s is a port to an isolate that serves %s (see Spawn%s): each", portName, name, name)
	f.Comment("method sends the call to the isolate, which runs it on its implementation")
	f.Comment("one call at a time. Arguments and results are copied (sendable values as")
	f.Comment("they are, copyable ones through their DeepCopyInto), so caller and isolate")
	f.Comment("share no memory. A method without results is a one-way message: it returns")
	f.Comment("once the call is queued. Any other method waits for its results, or until")
	f.Comment("its leading context ends; its trailing error is the implementation's error,")
	f.Comment("a *runtime.RemoteError when the implementation panicked, runtime.ErrClosed")
	f.Comment("when the isolate has ended, or the context's error. When the call fails,")
	f.Comment("the other results are zero values, also for a method without an error.")
	f.Comment("")
	f.Commentf("A %s is sendable: copy it, compare it and send it to other isolates. Its", portName)
	f.Comment("zero value is a port to no isolate: every call fails with runtime.ErrClosed.")
	f.Type().Id(portName).Struct(
		jen.Id("isolategenCalls").Qual(runtimePath, "SendPort").Types(jen.Id(callIface)),
		jen.Id("isolategenServer").Op("*").Qual(runtimePath, "Isolate"),
	)
	f.Line()
	f.Var().Id("_").Id(name).Op("=").Id(portName).Values()
	f.Line()

	f.Commentf("Spawn%s starts an isolate that serves %s and returns the port to it and", name, name)
	f.Comment("its handle. newImpl runs inside the new isolate, so the implementation's")
	f.Comment("state is born there and never shared; calls are served one at a time, in")
	f.Comment("the order each caller made them, so the implementation needs no locks. It")
	f.Comment("must not call its own port: the call would wait for itself.")
	f.Comment("")
	f.Comment("The implementation's methods receive the isolate's context (runtime.Current")
	f.Comment("is the serving isolate; it ends when the isolate is killed), not the")
	f.Comment("caller's: a caller whose context ends stops waiting at once, and a call")
	f.Comment("whose caller has stopped waiting before it was served is skipped.")
	f.Comment("")
	f.Comment("A panic in a method reaches its caller as a *runtime.RemoteError. With")
	f.Comment("errors fatal (the default) it also ends the isolate, and later calls")
	f.Comment("return runtime.ErrClosed; with runtime.WithErrorsFatal(false) (or")
	f.Comment("SetErrorsFatal(false)) only that call fails and the isolate goes on.")
	f.Comment("Cancelling ctx kills the isolate; opts are those of runtime.Spawn.")
	f.Func().Id("Spawn"+name).Params(
		jen.Id("ctx").Qual("context", "Context"),
		jen.Id("newImpl").Func().Params().Id(name),
		jen.Id("opts").Op("...").Qual(runtimePath, "Option"),
	).Params(jen.Id(portName), jen.Op("*").Qual(runtimePath, "Isolate"), jen.Error()).Block(
		jen.List(jen.Id("calls"), jen.Id("iso"), jen.Err()).Op(":=").Qual(runtimePath, "SpawnPort").Call(
			jen.Id("ctx"),
			jen.Func().Params(
				jen.Id("ctx").Qual("context", "Context"),
				jen.Id("calls").Op("*").Qual(runtimePath, "ReceivePort").Types(jen.Id(callIface)),
			).Block(
				jen.Id("impl").Op(":=").Id("newImpl").Call(),
				jen.For().Block(
					jen.List(jen.Id("c"), jen.Err()).Op(":=").Id("calls").Dot("Receive").Call(jen.Id("ctx")),
					jen.If(jen.Err().Op("!=").Nil().Op("||").Id("c").Dot("isolategenServe").Call(jen.Id("ctx"), jen.Id("impl"))).Block(
						jen.Return(),
					),
				),
			),
			jen.Id("opts").Op("..."),
		),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Id(portName).Values(), jen.Nil(), jen.Err()),
		),
		jen.Return(jen.Id(portName).Values(jen.Dict{
			jen.Id("isolategenCalls"):  jen.Id("calls"),
			jen.Id("isolategenServer"): jen.Id("iso"),
		}), jen.Id("iso"), jen.Nil()),
	)
	f.Line()

	f.Commentf("%s is a call of a %s method, served by its isolate: it reports", callIface, name)
	f.Comment("whether a panic in it ended the isolate.")
	f.Type().Id(callIface).Interface(
		jen.Id("isolategenServe").Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("impl").Id(name)).Params(jen.Id("fatal").Bool()),
	)

	for _, m := range methods {
		f.Line()
		emitPortMethod(u, name, portName, callType(m), poolName(m), m)
	}
}

func emitPortMethod(u *unit, iface, portName, callType, poolName string, m *portMethod) {
	f := u.file
	mname := m.fn.Name()
	arg := func(i int) string { return "a" + strconv.Itoa(i) }
	res := func(i int) string { return "r" + strconv.Itoa(i) }
	zeroCall := func(keepReply bool) *jen.Statement {
		if keepReply {
			return jen.Op("*").Id("c").Op("=").Id(callType).Values(jen.Dict{jen.Id("reply"): jen.Id("c").Dot("reply")})
		}
		return jen.Op("*").Id("c").Op("=").Id(callType).Values()
	}

	// The call: arguments, results, reply.
	f.Commentf("%s carries a call of %s.%s.", callType, iface, mname)
	f.Type().Id(callType).StructFunc(func(g *jen.Group) {
		if m.ctx && !m.oneWay() {
			g.Id("ctx").Qual("context", "Context")
		}
		for i, t := range m.params {
			g.Id(arg(i)).Add(typeCode(t))
		}
		for i, t := range m.results {
			g.Id(res(i)).Add(typeCode(t))
		}
		if m.err {
			g.Id("err").Error()
		}
		if !m.oneWay() {
			g.Id("reply").Qual(runtimePath, "Reply")
		}
	})
	f.Line()
	f.Var().Id(poolName).Op("=").Qual("sync", "Pool").Values(jen.Dict{
		jen.Id("New"): jen.Func().Params().Any().Block(jen.Return(jen.Op("&").Id(callType).ValuesFunc(func(g *jen.Group) {
			if !m.oneWay() {
				g.Id("reply").Op(":").Qual(runtimePath, "NewReply").Call()
			}
		}))),
	})
	f.Line()

	// The port's method.
	var params []jen.Code
	if m.ctx {
		params = append(params, jen.Id("ctx").Qual("context", "Context"))
	}
	for i, t := range m.params {
		params = append(params, jen.Id(arg(i)).Add(typeCode(t)))
	}
	var results []jen.Code
	for i, t := range m.results {
		results = append(results, jen.Id(res(i)).Add(typeCode(t)))
	}
	if m.err {
		results = append(results, jen.Err().Error())
	}
	if m.oneWay() {
		f.Commentf("%s sends the call to the isolate and returns without waiting for it.", mname)
		f.Comment("The call is dropped when the isolate has ended")
		if m.ctx {
			f.Comment("or ctx has already ended.")
		} else {
			f.Comment("(there is no result to report it).")
		}
	} else {
		f.Commentf("%s calls %s.%s in the isolate and returns its results.", mname, iface, mname)
		if m.ctx {
			f.Comment("It returns early, with ctx's error, when ctx ends first.")
		}
		if !m.err {
			f.Comment("When the call fails (the isolate has ended, or the method panicked),")
			f.Comment("the results are zero values: the method has no error to report it.")
		}
	}
	f.Func().Params(jen.Id("p").Id(portName)).Id(mname).Params(params...).Params(results...).BlockFunc(func(g *jen.Group) {
		if m.ctx {
			if m.err {
				g.If(jen.Err().Op("=").Id("ctx").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return())
			} else {
				g.If(jen.Id("ctx").Dot("Err").Call().Op("!=").Nil()).Block(jen.Return())
			}
		}
		g.Id("c").Op(":=").Id(poolName).Dot("Get").Call().Assert(jen.Op("*").Id(callType))
		if m.ctx && !m.oneWay() {
			g.Id("c").Dot("ctx").Op("=").Id("ctx")
		}
		for i, t := range m.params {
			g.Add(u.copyTo(t, jen.Id("c").Dot(arg(i)), jen.Id(arg(i))))
		}
		transfer := jen.Id("p").Dot("isolategenCalls").Dot("Transfer").Call(jen.Id("c"))
		if m.oneWay() {
			g.If(transfer.Op("!=").Nil()).Block(
				zeroCall(false),
				jen.Id(poolName).Dot("Put").Call(jen.Id("c")),
			)
			return
		}
		failed := func(call *jen.Statement) []jen.Code {
			if m.err {
				return []jen.Code{jen.Err().Op("=").Add(call), jen.Err().Op("!=").Nil()}
			}
			return []jen.Code{call.Op("!=").Nil()}
		}
		g.If(failed(transfer)...).Block(
			zeroCall(true),
			jen.Id(poolName).Dot("Put").Call(jen.Id("c")),
			jen.Return(),
		)
		waitCtx := jen.Nil()
		if m.ctx {
			waitCtx = jen.Id("ctx")
		}
		g.Comment("After an error the isolate may still write to c: leave it to it.")
		g.If(failed(jen.Id("c").Dot("reply").Dot("Wait").Call(waitCtx, jen.Id("p").Dot("isolategenServer")))...).Block(
			jen.Return(),
		)
		var lhs, rhs []jen.Code
		for i := range m.results {
			lhs = append(lhs, jen.Id(res(i)))
			rhs = append(rhs, jen.Id("c").Dot(res(i)))
		}
		if m.err {
			lhs = append(lhs, jen.Err())
			rhs = append(rhs, jen.Id("c").Dot("err"))
		}
		g.List(lhs...).Op("=").List(rhs...)
		g.Add(zeroCall(true))
		g.Id(poolName).Dot("Put").Call(jen.Id("c"))
		g.Return()
	})
	f.Line()

	// The isolate's side.
	var args []jen.Code
	if m.ctx {
		args = append(args, jen.Id("ctx"))
	}
	f.Func().Params(jen.Id("c").Op("*").Id(callType)).Id("isolategenServe").Params(
		jen.Id("ctx").Qual("context", "Context"), jen.Id("impl").Id(iface),
	).Bool().BlockFunc(func(g *jen.Group) {
		if m.oneWay() {
			for i := range m.params {
				args = append(args, jen.Id(arg(i)))
			}
			if len(m.params) > 0 {
				var lhs, rhs []jen.Code
				for i := range m.params {
					lhs = append(lhs, jen.Id(arg(i)))
					rhs = append(rhs, jen.Id("c").Dot(arg(i)))
				}
				g.List(lhs...).Op(":=").List(rhs...)
			}
			g.Add(zeroCall(false))
			g.Id(poolName).Dot("Put").Call(jen.Id("c"))
			g.List(jen.Id("_"), jen.Id("fatal")).Op(":=").Qual(runtimePath, "Guard").Call(jen.Id("ctx"), jen.Func().Params().Block(
				jen.Id("impl").Dot(mname).Call(args...),
			))
			g.Return(jen.Id("fatal"))
			return
		}
		for i := range m.params {
			args = append(args, jen.Id("c").Dot(arg(i)))
		}
		if m.ctx {
			g.If(jen.Id("c").Dot("ctx").Dot("Err").Call().Op("!=").Nil()).Block(
				jen.Comment("The caller has stopped waiting: nothing to answer."),
				jen.Return(jen.False()),
			)
		}
		rerr := jen.Id("_")
		if m.err {
			rerr = jen.Id("rerr")
		}
		g.List(rerr, jen.Id("fatal")).Op(":=").Qual(runtimePath, "Guard").Call(jen.Id("ctx"), jen.Func().Params().BlockFunc(func(g *jen.Group) {
			// Results reach c only once the method has returned and its
			// copyable results are copied: after a panic c holds none.
			var lhs, locals, final []jen.Code
			copied := false
			for i, t := range m.results {
				lhs = append(lhs, jen.Id("c").Dot(res(i)))
				locals = append(locals, jen.Id(res(i)))
				final = append(final, jen.Id(res(i)))
				if u.copyKindOf(t) != copyAssign {
					copied = true
				}
			}
			if m.err {
				lhs = append(lhs, jen.Id("c").Dot("err"))
				locals = append(locals, jen.Err())
				final = append(final, jen.Err())
			}
			call := jen.Id("impl").Dot(mname).Call(args...)
			switch {
			case len(lhs) == 0:
				g.Add(call)
			case !copied:
				g.List(lhs...).Op("=").Add(call)
			default:
				g.List(locals...).Op(":=").Add(call)
				for i, t := range m.results {
					if u.copyKindOf(t) == copyAssign {
						continue
					}
					k := "k" + strconv.Itoa(i)
					g.Var().Id(k).Add(typeCode(t))
					g.Add(u.copyTo(t, jen.Id(k), jen.Id(res(i))))
					final[i] = jen.Id(k)
				}
				g.List(lhs...).Op("=").List(final...)
			}
		}))
		if m.err {
			g.If(jen.Id("rerr").Op("!=").Nil()).Block(jen.Id("c").Dot("err").Op("=").Id("rerr"))
		}
		g.Id("c").Dot("reply").Dot("Done").Call()
		g.Return(jen.Id("fatal"))
	})
}
