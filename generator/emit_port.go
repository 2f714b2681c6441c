package generator

import (
	"go/types"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

// A port is generated for every //isolate:port interface I of a package:
//
//	type IPort struct{ … }  // sendable: a SendPort, and a *runtime.Isolate or a *runtime.Pool
//	func SpawnI(ctx context.Context, newImpl func() I, opts ...runtime.Option) (IPort, *runtime.Isolate, error)
//	func SpawnIPool(ctx context.Context, size int, newImpl func() I, opts ...runtime.Option) (IPort, *runtime.Pool, error)
//
// Each method call is a request: a pooled struct holding the copied
// arguments, room for the results and a runtime.Reply, moved (Transfer) to
// the isolate's request port (runtime.SpawnPort), or to the port that the
// isolates of a pool share (runtime.SpawnPortPool). An isolate serves one
// request at a time under runtime.Guard, copies the results and signals
// the reply; the caller waits for it, or for the isolate's end (Reply.Wait)
// or the pool's (Reply.WaitPool). No goroutine and, in the steady state, no
// allocation per call.

// portOutputs render the declarations of one port, in order. A new kind
// of per-port output adds its renderer here, and what it needs to portPlan.
var portOutputs = []func(f *jen.File, p *portPlan){
	emitPortType,
	emitSpawn,
	emitSpawnPool,
	emitPortCalls,
	emitPortWire,
}

// docComment renders paragraphs as a doc comment, each wrapped at 76
// columns and separated by an empty comment line.
func docComment(f *jen.File, paragraphs ...string) {
	for i, para := range paragraphs {
		if i > 0 {
			f.Comment("")
		}
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+1+len(w) > 76 {
				f.Comment(line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		f.Comment(line)
	}
}

// copyTo is the code that puts a copy of src, a value v of a call, into dst.
func copyTo(v portValue, dst, src *jen.Statement) jen.Code {
	switch v.copy {
	case copyValue:
		return src.Dot("DeepCopyInto").Call(jen.Op("&").Add(dst))
	case copyPointer:
		elem := types.Unalias(v.t).(*types.Pointer).Elem()
		return jen.If(src.Clone().Op("!=").Nil()).Block(
			dst.Clone().Op("=").New(typeCode(elem)),
			src.Clone().Dot("DeepCopyInto").Call(dst.Clone()),
		)
	}
	return dst.Op("=").Add(src)
}

// emitPortType renders the port type of p, which implements p's interface,
// and its isolategenWait when a method waits for a reply.
func emitPortType(f *jen.File, p *portPlan) {
	name, portName := p.name, p.portType
	docComment(f,
		portName+" is a port to an isolate that serves "+name+" (see "+p.spawn+"), or to a pool of them (see "+p.spawnPool+"): "+
			"each method sends the call to be run on an implementation in an isolate, one call at a time per isolate. "+
			"Arguments and results are copied (sendable values as they are, copyable ones through their DeepCopyInto), so caller and isolate share no memory. "+
			"A method without results is a one-way message: it returns once the call is queued. "+
			"Any other method waits for its results, or until its leading context ends; "+
			"its trailing error is the implementation's error, a *runtime.RemoteError when the implementation panicked, "+
			"runtime.ErrClosed when the isolate has ended or the pool has closed, or the context's error. "+
			"When the call fails, the other results are zero values, also for a method without an error.",
		"A "+portName+" is sendable: copy it, compare it and send it to other isolates. "+
			"Its zero value is a port to no isolate: every call fails with runtime.ErrClosed.",
	)
	f.Type().Id(portName).StructFunc(func(g *jen.Group) {
		g.Id("isolategenCalls").Qual(runtimePath, "SendPort").Types(jen.Id(p.callIface))
		g.Id("isolategenServer").Op("*").Qual(runtimePath, "Isolate")
		g.Id("isolategenPool").Op("*").Qual(runtimePath, "Pool")
		emitPortWireField(g, p)
	})
	f.Line()
	f.Var().Id("_").Id(name).Op("=").Id(portName).Values()
	f.Line()
	if !p.waits {
		return
	}
	f.Comment("isolategenWait waits for the reply to a call: until the isolate has ended,")
	f.Comment("or the pool has closed and ended, when the port is a pool's.")
	f.Func().Params(jen.Id("p").Id(portName)).Id("isolategenWait").Params(
		jen.Id("ctx").Qual("context", "Context"), jen.Id("r").Qual(runtimePath, "Reply"),
	).Error().Block(
		jen.If(jen.Id("p").Dot("isolategenPool").Op("!=").Nil()).Block(
			jen.Return(jen.Id("r").Dot("WaitPool").Call(jen.Id("ctx"), jen.Id("p").Dot("isolategenPool"))),
		),
		jen.Return(jen.Id("r").Dot("Wait").Call(jen.Id("ctx"), jen.Id("p").Dot("isolategenServer"))),
	)
	f.Line()
}

// serveCalls is the entry of an isolate that serves p's port: it makes its
// own implementation, then serves one call at a time until its port fails
// or a panic ends it.
func serveCalls(p *portPlan) jen.Code {
	return jen.Func().Params(
		jen.Id("ctx").Qual("context", "Context"),
		jen.Id("calls").Op("*").Qual(runtimePath, "ReceivePort").Types(jen.Id(p.callIface)),
	).Block(
		jen.Id("impl").Op(":=").Id("newImpl").Call(),
		jen.For().Block(
			jen.List(jen.Id("c"), jen.Err()).Op(":=").Id("calls").Dot("Receive").Call(jen.Id("ctx")),
			jen.If(jen.Err().Op("!=").Nil().Op("||").Id("c").Dot("isolategenServe").Call(jen.Id("ctx"), jen.Id("impl"))).Block(
				jen.Return(),
			),
		),
	)
}

// spawned is the end of a spawner of p: on err, a zero port and handle;
// else the port to calls with its field set to the handle, and the handle.
func spawned(p *portPlan, field, handle string) jen.Code {
	return jen.Null().Add(
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Id(p.portType).Values(), jen.Nil(), jen.Err()),
		),
		jen.Line(),
		jen.Return(jen.Id(p.portType).Values(jen.Dict{
			jen.Id("isolategenCalls"): jen.Id("calls"),
			jen.Id(field):             jen.Id(handle),
		}), jen.Id(handle), jen.Nil()),
	)
}

// emitSpawn renders Spawn<I>, which starts an isolate serving p's port.
func emitSpawn(f *jen.File, p *portPlan) {
	name, portName := p.name, p.portType
	f.Commentf("%s starts an isolate that serves %s and returns the port to it and", p.spawn, name)
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
	f.Func().Id(p.spawn).Params(
		jen.Id("ctx").Qual("context", "Context"),
		jen.Id("newImpl").Func().Params().Id(name),
		jen.Id("opts").Op("...").Qual(runtimePath, "Option"),
	).Params(jen.Id(portName), jen.Op("*").Qual(runtimePath, "Isolate"), jen.Error()).Block(
		jen.List(jen.Id("calls"), jen.Id("iso"), jen.Err()).Op(":=").Qual(runtimePath, "SpawnPort").Call(
			jen.Id("ctx"),
			serveCalls(p),
			jen.Id("opts").Op("..."),
		),
		spawned(p, "isolategenServer", "iso"),
	)
	f.Line()
}

// emitSpawnPool renders Spawn<I>Pool, which starts a pool of isolates
// serving p's port from one shared queue.
func emitSpawnPool(f *jen.File, p *portPlan) {
	name, portName := p.name, p.portType
	docComment(f,
		p.spawnPool+" starts size isolates that serve "+name+" from one shared queue of calls, and returns the port to them and the pool. "+
			"Each isolate calls newImpl inside itself, so each has an implementation and state of its own, born there and never shared, "+
			"and serves one call at a time: the implementation needs no locks. "+
			"A call goes to the first free isolate, so calls, even one caller's, may land on different isolates and see different state, "+
			"and a one-way call may still run while the same caller's next call does. "+
			"Keep in an implementation only what any of them may answer from (a replica, a cache, a connection, scratch space); "+
			"state that must be one belongs to "+p.spawn+". "+
			"An implementation must not call its own pool and wait: with every isolate doing so, the pool would stall.",
		"The implementation's methods receive their isolate's context, as with "+p.spawn+": "+
			"a caller whose context ends stops waiting at once, and a call whose caller has stopped waiting before an isolate took it is skipped.",
		"A panic in a method reaches its caller as a *runtime.RemoteError. "+
			"With errors fatal (the default) it also ends that isolate, and the pool replaces it with a new one that calls newImpl afresh: "+
			"that isolate's state starts over, and the pool goes on serving with size isolates. "+
			"With runtime.WithErrorsFatal(false) only that call fails and the isolate keeps its state. "+
			"newImpl must not panic: every replacement calls it again, so the pool would replace isolates without end and serve no call.",
		"Close the pool when done. Close stops the port, so that later calls return runtime.ErrClosed (one-way calls are dropped); "+
			"calls still queued return runtime.ErrClosed, calls being served finish and return their results, "+
			"and Close returns once every isolate has ended. "+
			"Cancelling ctx closes the pool as Close does and also kills its isolates, which cancels the context the running calls were given. "+
			"opts are those of runtime.NewPool and apply to each isolate (a name given with runtime.WithName is numbered per isolate). "+
			p.spawnPool+" fails when size < 1, newImpl is nil or ctx has already ended.",
	)
	f.Func().Id(p.spawnPool).Params(
		jen.Id("ctx").Qual("context", "Context"),
		jen.Id("size").Int(),
		jen.Id("newImpl").Func().Params().Id(name),
		jen.Id("opts").Op("...").Qual(runtimePath, "Option"),
	).Params(jen.Id(portName), jen.Op("*").Qual(runtimePath, "Pool"), jen.Error()).Block(
		jen.If(jen.Id("newImpl").Op("==").Nil()).Block(
			jen.Comment("Every isolate would panic at once, and be replaced, forever."),
			jen.Return(jen.Id(portName).Values(), jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit("isolate: "+p.spawnPool+" with a nil newImpl"))),
		),
		jen.List(jen.Id("calls"), jen.Id("pool"), jen.Err()).Op(":=").Qual(runtimePath, "SpawnPortPool").Call(
			jen.Id("ctx"),
			jen.Id("size"),
			serveCalls(p),
			jen.Id("opts").Op("..."),
		),
		spawned(p, "isolategenPool", "pool"),
	)
	f.Line()
}

// emitPortCalls renders the calls of p's methods: the interface the
// isolate serves, and per method the call, the port's method and its
// serving.
func emitPortCalls(f *jen.File, p *portPlan) {
	name, callIface := p.name, p.callIface
	f.Commentf("%s is a call of a %s method, served by its isolate: it reports", callIface, name)
	f.Comment("whether a panic in it ended the isolate.")
	f.Type().Id(callIface).Interface(
		jen.Id("isolategenServe").Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("impl").Id(name)).Params(jen.Id("fatal").Bool()),
	)

	for _, m := range p.methods {
		f.Line()
		emitPortMethod(f, p, m)
	}
}

func emitPortMethod(f *jen.File, p *portPlan, m *portMethod) {
	iface, portName, callType, poolName := p.name, p.portType, m.callType, m.pool
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
		for i, v := range m.params {
			g.Id(arg(i)).Add(typeCode(v.t))
		}
		for i, v := range m.results {
			g.Id(res(i)).Add(typeCode(v.t))
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
	for i, v := range m.params {
		params = append(params, jen.Id(arg(i)).Add(typeCode(v.t)))
	}
	var results []jen.Code
	for i, v := range m.results {
		results = append(results, jen.Id(res(i)).Add(typeCode(v.t)))
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
		emitPortWirePrologue(g, p, m)
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
		for i, v := range m.params {
			g.Add(copyTo(v, jen.Id("c").Dot(arg(i)), jen.Id(arg(i))))
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
		g.If(failed(jen.Id("p").Dot("isolategenWait").Call(waitCtx, jen.Id("c").Dot("reply")))...).Block(
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
			for i, v := range m.results {
				lhs = append(lhs, jen.Id("c").Dot(res(i)))
				locals = append(locals, jen.Id(res(i)))
				final = append(final, jen.Id(res(i)))
				if v.copy != copyAssign {
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
				for i, v := range m.results {
					if v.copy == copyAssign {
						continue
					}
					k := "k" + strconv.Itoa(i)
					g.Var().Id(k).Add(typeCode(v.t))
					g.Add(copyTo(v, jen.Id(k), jen.Id(res(i))))
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
