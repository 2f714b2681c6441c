package generator

import (
	"fmt"
	"go/types"
	"strconv"

	"github.com/dave/jennifer/jen"
)

// Rendering of the wire codec (remote/wire.md) that plan_wire.go planned.

const msgpPath = "github.com/tinylib/msgp/msgp"

// emitWire renders the wire codec of message m and what it needs first.
func emitWire(f *jen.File, m *messagePlan) {
	if m.noWire != "" {
		emitNoWire(f, m.obj.Name(), "message", m.noWire)
	}
	if m.wire != nil {
		emitWirePlan(f, m.wire)
	}
}

// emitNoWire says, in the generated file, why a type has no wire codec:
// sending it to a remote port fails with "no wire codec".
func emitNoWire(f *jen.File, name, kind, why string) {
	f.Line()
	if kind == "port" {
		f.Commentf("%s has no wire calls, so remote.ExportService cannot serve it: %s.", name, why)
	} else {
		f.Commentf("%s has no wire codec, so it cannot cross to a remote node: %s.", name, why)
	}
	f.Commentf("(//isolate:%s wire makes this an error at generate time.)", kind)
	f.Line()
}

func emitWirePlan(f *jen.File, w *wirePlan) {
	for _, c := range w.codecs {
		emitWireCodec(f, c)
	}
	for _, h := range w.helpers {
		emitWireHelper(f, h)
	}
}

// suffix names the locals of nesting depth d: i, i1, i2, ...
func suffix(name string, d int) string {
	if d == 0 {
		return name
	}
	return name + strconv.Itoa(d)
}

func msgp(name string) *jen.Statement { return jen.Qual(msgpPath, name) }
func rt(name string) *jen.Statement   { return jen.Qual(runtimePath, name) }

func bytesParams(enc bool) []jen.Code {
	if enc {
		return []jen.Code{jen.Id("b").Index().Byte(), jen.Id("e").Op("*").Add(rt("WireEncoder"))}
	}
	return []jen.Code{jen.Id("b").Index().Byte(), jen.Id("d").Op("*").Add(rt("WireDecoder"))}
}

func decodeResults() []jen.Code { return []jen.Code{jen.Index().Byte(), jen.Error()} }

// emitWireCodec renders AppendIsolateWire and DecodeIsolateWire of one type.
func emitWireCodec(f *jen.File, c *wireCodecPlan) {
	name := c.obj.Name()
	self := typeCode(c.named)
	f.Line()
	f.Comment("AppendIsolateWire appends the wire encoding of *in to b.")
	if c.tracked {
		f.Commentf("%s can reach itself: pointers and slices are tracked, so sharing and", name)
		f.Comment("cycles survive.")
	}
	f.Func().Params(jen.Id("in").Op("*").Add(self.Clone())).Id("AppendIsolateWire").Params(bytesParams(true)...).Index().Byte().BlockFunc(func(g *jen.Group) {
		if c.isStruct {
			appendFields(g, c.fields, id("in"))
			return
		}
		wireEnc(g, c.root, func() *jen.Statement { return jen.Parens(jen.Op("*").Id("in")) }, 0)
		g.Return(jen.Id("b"))
	})
	f.Line()
	f.Commentf("DecodeIsolateWire decodes one %s from the front of b into *out, which is", name)
	f.Comment("zero, and returns the rest of b.")
	f.Func().Params(jen.Id("out").Op("*").Add(self.Clone())).Id("DecodeIsolateWire").Params(bytesParams(false)...).Params(decodeResults()...).BlockFunc(func(g *jen.Group) {
		if c.isStruct {
			decodeFields(g, c.fields, id("out"), name, "field", false)
			return
		}
		g.Var().Err().Error()
		bail := func() jen.Code {
			return jen.Return(jen.Id("b"), rt("WireErr").Call(jen.Lit(name), jen.Err()))
		}
		wireElemDec(g, c.root, func() *jen.Statement { return jen.Parens(jen.Op("*").Id("out")) }, 0, bail)
		g.Return(jen.Id("b"), jen.Nil())
	})
}

// appendFields renders the body of an append method of a struct (or call)
// whose fields are selected from recv.
func appendFields(g *jen.Group, fields []wireField, recv expr) {
	if len(fields) == 0 {
		g.Return(msgp("AppendMapHeader").Call(jen.Id("b"), jen.Lit(0)))
		return
	}
	g.Id("b").Op("=").Add(msgp("AppendMapHeader").Call(jen.Id("b"), jen.Lit(len(fields))))
	for _, f := range fields {
		g.Id("b").Op("=").Add(msgp("AppendUint").Call(jen.Id("b"), jen.Lit(f.num)))
		wireEnc(g, f.v, recv.sel(f.name), 0)
	}
	g.Return(jen.Id("b"))
}

// decodeFields renders the body of a decode method of a struct (or call):
// the map of numbered fields, unknown ones skipped. what names a field in
// errors ("field", "argument", "result").
func decodeFields(g *jen.Group, fields []wireField, recv expr, name, what string, skipAll bool) {
	if skipAll {
		g.Return(rt("SkipWire").Call(jen.Id("b")))
		return
	}
	wrap := func(what jen.Code) jen.Code {
		return jen.Return(jen.Id("b"), rt("WireErr").Call(what, jen.Err()))
	}
	g.List(jen.Id("n"), jen.Id("b"), jen.Err()).Op(":=").Add(rt("ReadWireMapHeader").Call(jen.Id("b")))
	g.If(jen.Err().Op("!=").Nil()).Block(wrap(jen.Lit(name)))
	fieldErr := jen.Qual("fmt", "Sprintf").Call(jen.Lit(name+" "+what+" %d"), jen.Id("k"))
	g.For(jen.Range().Id("n")).BlockFunc(func(g *jen.Group) {
		g.Var().Id("k").Uint64()
		g.If(jen.List(jen.Id("k"), jen.Id("b"), jen.Err()).Op("=").Add(rt("ReadWireKey").Call(jen.Id("b"))), jen.Err().Op("!=").Nil()).Block(wrap(jen.Lit(name)))
		if len(fields) == 0 {
			g.If(jen.List(jen.Id("b"), jen.Err()).Op("=").Add(rt("SkipWire").Call(jen.Id("b"))), jen.Err().Op("!=").Nil()).Block(wrap(fieldErr))
			return
		}
		g.Switch(jen.Id("k")).BlockFunc(func(g *jen.Group) {
			for _, f := range fields {
				g.Case(jen.Lit(f.num)).BlockFunc(func(g *jen.Group) {
					wireDec(g, f.v, recv.sel(f.name), 0, true, func() jen.Code { return jen.Break() })
				})
			}
			g.Default().Block(jen.List(jen.Id("b"), jen.Err()).Op("=").Add(rt("SkipWire").Call(jen.Id("b"))))
		})
		g.If(jen.Err().Op("!=").Nil()).Block(wrap(fieldErr))
	})
	g.Return(jen.Id("b"), jen.Nil())
}

// wireEnc renders the append of the value at x, at nesting depth d.
func wireEnc(g *jen.Group, v *wireValue, x expr, d int) {
	b := func() *jen.Statement { return jen.Id("b") }
	set := func(call jen.Code) { g.Id("b").Op("=").Add(call) }
	switch v.kind {
	case wireBasic:
		arg := x()
		if v.conv != nil {
			arg = typeCode(v.conv).Call(x())
		}
		set(msgp("Append"+v.prim).Call(b(), arg))
	case wireComplex:
		set(msgp("AppendArrayHeader").Call(b(), jen.Lit(2)))
		set(msgp("Append"+v.prim).Call(b(), jen.Real(x())))
		set(msgp("Append"+v.prim).Call(b(), jen.Imag(x())))
	case wireBytes:
		g.If(x().Op("==").Nil()).Block(
			b().Op("=").Add(msgp("AppendNil").Call(b())),
		).Else().Block(
			b().Op("=").Add(msgp("AppendBytes").Call(b(), x())),
		)
	case wireArray:
		i := suffix("i", d)
		set(msgp("AppendArrayHeader").Call(b(), jen.Lit(int(v.n))))
		g.For(jen.Id(i).Op(":=").Range().Add(x())).BlockFunc(func(g *jen.Group) {
			wireEnc(g, v.elem, func() *jen.Statement { return x().Index(jen.Id(i)) }, d+1)
		})
	case wireSlice:
		i := suffix("i", d)
		g.If(x().Op("==").Nil()).Block(
			b().Op("=").Add(msgp("AppendNil").Call(b())),
		).Else().BlockFunc(func(g *jen.Group) {
			g.Id("b").Op("=").Add(msgp("AppendArrayHeader").Call(b(), jen.Uint32().Parens(jen.Len(x()))))
			g.For(jen.Id(i).Op(":=").Range().Add(x())).BlockFunc(func(g *jen.Group) {
				wireEnc(g, v.elem, func() *jen.Statement { return x().Index(jen.Id(i)) }, d+1)
			})
		})
	case wireMap:
		k, val := suffix("k", d), suffix("v", d)
		g.If(x().Op("==").Nil()).Block(
			b().Op("=").Add(msgp("AppendNil").Call(b())),
		).Else().BlockFunc(func(g *jen.Group) {
			g.Id("b").Op("=").Add(msgp("AppendMapHeader").Call(b(), jen.Uint32().Parens(jen.Len(x()))))
			g.For(jen.List(jen.Id(k), jen.Id(val)).Op(":=").Range().Add(x())).BlockFunc(func(g *jen.Group) {
				wireEnc(g, v.key, id(k), d+1)
				wireEnc(g, v.elem, id(val), d+1)
			})
		})
	case wireCodec:
		set(x().Dot("AppendIsolateWire").Call(b(), jen.Id("e")))
	case wirePointer:
		g.If(x().Op("==").Nil()).Block(
			b().Op("=").Add(msgp("AppendNil").Call(b())),
		).Else().BlockFunc(func(g *jen.Group) {
			if v.elem.kind == wireCodec {
				g.Id("b").Op("=").Add(x().Dot("AppendIsolateWire").Call(b(), jen.Id("e")))
				return
			}
			wireEnc(g, v.elem, func() *jen.Statement { return jen.Parens(jen.Op("*").Add(x())) }, d)
		})
	case wirePtrTracked:
		set(rt("AppendWirePtr").Call(b(), jen.Id("e"), x()))
	case wireViaHelper:
		set(jen.Id(v.helper.appendName).Call(b(), jen.Id("e"), x()))
	case wireRuntime:
		switch v.prim {
		case "Port":
			set(rt("AppendWirePort").Call(b(), jen.Id("e"), x()))
		default:
			set(rt("AppendWire"+v.prim).Call(b(), x()))
		}
	case wireNetip:
		g.BlockFunc(func(g *jen.Group) {
			g.List(jen.Id("nb"), jen.Id("_")).Op(":=").Add(x()).Dot("MarshalBinary").Call()
			g.Id("b").Op("=").Add(msgp("AppendBytes").Call(b(), jen.Id("nb")))
		})
	case wireDropped:
		zero := jen.Nil()
		if !v.zeroNil {
			zero = jen.Parens(typeCode(v.t).Values())
		}
		msg := fmt.Sprintf("isolate: %s cannot cross the wire", v.path)
		g.If(x().Op("!=").Add(zero)).Block(
			jen.Id("e").Dot("Fail").Call(jen.Qual("fmt", "Errorf").Call(jen.Lit(msg))),
		)
		set(msgp("AppendNil").Call(b()))
	}
}

// wireSimple returns the decode of v into x as one simple statement that
// sets err, or nil when it takes more.
func wireSimple(v *wireValue, x expr) jen.Code {
	three := func(call jen.Code) jen.Code {
		return jen.List(x(), jen.Id("b"), jen.Err()).Op("=").Add(call)
	}
	b := jen.Id("b")
	switch v.kind {
	case wireBasic:
		if v.conv == nil {
			return three(msgp("Read" + v.prim + "Bytes").Call(b))
		}
	case wireCodec:
		return jen.List(jen.Id("b"), jen.Err()).Op("=").Add(x().Dot("DecodeIsolateWire").Call(b, jen.Id("d")))
	case wirePtrTracked:
		return three(rt("DecodeWirePtr").Types(typeCode(v.codec)).Call(b, jen.Id("d")))
	case wireViaHelper:
		return three(jen.Id(v.helper.decodeName).Call(b, jen.Id("d")))
	case wireRuntime:
		if v.prim == "Port" {
			return three(rt("ReadWirePort").Types(typeCode(v.portOf)).Call(b, jen.Id("d")))
		}
		return three(rt("ReadWire" + v.prim).Call(b))
	case wireDropped:
		return jen.List(jen.Id("b"), jen.Err()).Op("=").Add(rt("SkipWire").Call(b))
	}
	return nil
}

// wireElemDec renders the decode of one element (or a whole value in a
// function body) into x, and bail when it failed.
func wireElemDec(g *jen.Group, v *wireValue, x expr, d int, bail func() jen.Code) {
	if s := wireSimple(v, x); s != nil {
		g.If(s, jen.Err().Op("!=").Nil()).Block(bail())
		return
	}
	wireDec(g, v, x, d, false, bail)
	g.If(jen.Err().Op("!=").Nil()).Block(bail())
}

// wireDec renders the decode of the value at x, at nesting depth d. top:
// directly in a case of the field switch, where break leaves the case;
// bail is what a failure does before the value is done.
func wireDec(g *jen.Group, v *wireValue, x expr, d int, top bool, bail func() jen.Code) {
	if s := wireSimple(v, x); s != nil {
		g.Add(s)
		return
	}
	b := func() *jen.Statement { return jen.Id("b") }
	isNil := msgp("IsNil").Call(b())
	setNil := jen.List(b(), x()).Op("=").List(b().Index(jen.Lit(1), jen.Empty()), jen.Nil())
	// nilOr renders: nil → nil; else body.
	nilOr := func(body func(g *jen.Group)) {
		if top {
			g.If(isNil).Block(setNil, jen.Break())
			body(g)
			return
		}
		g.If(isNil).Block(setNil).Else().BlockFunc(body)
	}
	header := func(g *jen.Group, read string) {
		l := suffix("l", d)
		g.Var().Id(l).Int()
		g.If(jen.List(jen.Id(l), b(), jen.Err()).Op("=").Add(rt(read).Call(b())), jen.Err().Op("!=").Nil()).Block(bail())
	}
	brk := func() jen.Code { return jen.Break() }
	switch v.kind {
	case wireBasic:
		body := func(g *jen.Group) {
			t := suffix("v", d)
			g.Var().Id(t).Add(typeCode(v.conv))
			g.List(jen.Id(t), b(), jen.Err()).Op("=").Add(msgp("Read" + v.prim + "Bytes").Call(b()))
			g.Add(x()).Op("=").Add(typeCode(v.t)).Parens(jen.Id(t))
		}
		if top {
			body(g)
		} else {
			g.BlockFunc(body)
		}
	case wireComplex:
		g.BlockFunc(func(g *jen.Group) {
			l, re, im := suffix("l", d), suffix("re", d), suffix("im", d)
			g.Var().Id(l).Int()
			g.If(jen.List(jen.Id(l), b(), jen.Err()).Op("=").Add(rt("ReadWireArrayHeader").Call(b())), jen.Err().Op("==").Nil().Op("&&").Id(l).Op("!=").Lit(2)).Block(
				jen.Err().Op("=").Qual("fmt", "Errorf").Call(jen.Lit("%w: a complex number of %d parts"), rt("ErrWire"), jen.Id(l)),
			)
			ft := jen.Float64()
			if v.prim == "Float32" {
				ft = jen.Float32()
			}
			g.Var().List(jen.Id(re), jen.Id(im)).Add(ft)
			g.If(jen.Err().Op("==").Nil()).Block(
				jen.If(jen.List(jen.Id(re), b(), jen.Err()).Op("=").Add(msgp("Read"+v.prim+"Bytes").Call(b())), jen.Err().Op("==").Nil()).Block(
					jen.List(jen.Id(im), b(), jen.Err()).Op("=").Add(msgp("Read" + v.prim + "Bytes").Call(b())),
				),
			)
			g.Add(x()).Op("=").Add(typeCode(v.t)).Parens(jen.Complex(jen.Id(re), jen.Id(im)))
		})
	case wireBytes:
		nilOr(func(g *jen.Group) {
			g.List(x(), b(), jen.Err()).Op("=").Add(msgp("ReadBytesBytes").Call(b(), jen.Nil()))
		})
	case wireArray:
		l, i, t := suffix("l", d), suffix("i", d), suffix("v", d)
		header(g, "ReadWireArrayHeader")
		g.For(jen.Id(i).Op(":=").Range().Id(l)).BlockFunc(func(g *jen.Group) {
			g.Var().Id(t).Add(typeCode(v.elem.t))
			wireElemDec(g, v.elem, id(t), d+1, brk)
			g.If(jen.Id(i).Op("<").Len(x())).Block(x().Index(jen.Id(i)).Op("=").Id(t))
		})
	case wireSlice:
		nilOr(func(g *jen.Group) {
			l, i := suffix("l", d), suffix("i", d)
			header(g, "ReadWireArrayHeader")
			g.Add(x()).Op("=").Make(typeCode(v.t), jen.Id(l))
			g.For(jen.Id(i).Op(":=").Range().Add(x())).BlockFunc(func(g *jen.Group) {
				wireElemDec(g, v.elem, func() *jen.Statement { return x().Index(jen.Id(i)) }, d+1, brk)
			})
		})
	case wireMap:
		nilOr(func(g *jen.Group) {
			l, k, t := suffix("l", d), suffix("k", d), suffix("v", d)
			header(g, "ReadWireMapHeader")
			g.Add(x()).Op("=").Make(typeCode(v.t), jen.Id(l))
			g.For(jen.Range().Id(l)).BlockFunc(func(g *jen.Group) {
				g.Var().Id(k).Add(typeCode(v.key.t))
				g.Var().Id(t).Add(typeCode(v.elem.t))
				wireElemDec(g, v.key, id(k), d+1, brk)
				wireElemDec(g, v.elem, id(t), d+1, brk)
				g.Add(x()).Index(jen.Id(k)).Op("=").Id(t)
			})
		})
	case wirePointer:
		elem := types.Unalias(v.t).Underlying().(*types.Pointer).Elem()
		nilOr(func(g *jen.Group) {
			if v.depth {
				g.If(jen.Err().Op("=").Id("d").Dot("Enter").Call(), jen.Err().Op("!=").Nil()).Block(bail())
			}
			g.Add(x()).Op("=").New(typeCode(elem))
			if v.elem.kind == wireCodec {
				g.List(b(), jen.Err()).Op("=").Add(x()).Dot("DecodeIsolateWire").Call(b(), jen.Id("d"))
			} else {
				wireDec(g, v.elem, func() *jen.Statement { return jen.Parens(jen.Op("*").Add(x())) }, d, false, bail)
			}
			if v.depth {
				g.Id("d").Dot("Leave").Call()
			}
		})
	case wireNetip:
		g.BlockFunc(func(g *jen.Group) {
			t := suffix("v", d)
			g.Var().Id(t).Index().Byte()
			g.If(jen.List(jen.Id(t), b(), jen.Err()).Op("=").Add(msgp("ReadBytesZC").Call(b())), jen.Err().Op("==").Nil()).Block(
				jen.Err().Op("=").Add(x()).Dot("UnmarshalBinary").Call(jen.Id(t)),
			)
		})
	}
}

// emitWireHelper renders the append and decode funcs of a slice or map
// type on a cycle of the type graph.
func emitWireHelper(f *jen.File, h *wireHelper) {
	t := h.t
	f.Line()
	f.Func().Id(h.appendName).Params(append(bytesParams(true), jen.Id("in").Add(typeCode(t)))...).Index().Byte().BlockFunc(func(g *jen.Group) {
		g.If(jen.Id("in").Op("==").Nil()).Block(jen.Return(msgp("AppendNil").Call(jen.Id("b"))))
		if h.tracked {
			var key jen.Code
			n := jen.Lit(0)
			switch u := t.(type) {
			case *types.Slice:
				key = jen.Parens(jen.Op("*").Index(jen.Lit(0)).Add(typeCode(u.Elem()))).Call(jen.Qual("unsafe", "Pointer").Call(jen.Op("&").Id("in").Index(jen.Lit(0))))
				n = jen.Len(jen.Id("in"))
			case *types.Map:
				key = jen.Op("*").Parens(jen.Op("*").Qual("unsafe", "Pointer")).Call(jen.Qual("unsafe", "Pointer").Call(jen.Op("&").Id("in")))
			}
			g.If(jen.Len(jen.Id("in")).Op(">").Lit(0)).Block(
				jen.If(jen.List(jen.Id("id"), jen.Id("seen")).Op(":=").Id("e").Dot("Ref").Call(key, n), jen.Id("seen")).Block(
					jen.Return(rt("AppendWireRef").Call(jen.Id("b"), jen.Id("id"))),
				),
			)
		}
		switch t.(type) {
		case *types.Slice:
			g.Id("b").Op("=").Add(msgp("AppendArrayHeader").Call(jen.Id("b"), jen.Uint32().Parens(jen.Len(jen.Id("in")))))
			g.For(jen.Id("i").Op(":=").Range().Id("in")).BlockFunc(func(g *jen.Group) {
				wireEnc(g, h.elem, id("in").idx(), 1)
			})
		case *types.Map:
			g.Id("b").Op("=").Add(msgp("AppendMapHeader").Call(jen.Id("b"), jen.Uint32().Parens(jen.Len(jen.Id("in")))))
			g.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Id("in")).BlockFunc(func(g *jen.Group) {
				wireEnc(g, h.key, id("k"), 1)
				wireEnc(g, h.elem, id("v"), 1)
			})
		}
		g.Return(jen.Id("b"))
	})
	f.Line()
	ret := func(v jen.Code) jen.Code { return jen.Return(v, jen.Id("b"), jen.Err()) }
	f.Func().Id(h.decodeName).Params(bytesParams(false)...).Params(typeCode(t), jen.Index().Byte(), jen.Error()).BlockFunc(func(g *jen.Group) {
		g.If(msgp("IsNil").Call(jen.Id("b"))).Block(jen.Return(jen.Nil(), jen.Id("b").Index(jen.Lit(1), jen.Empty()), jen.Nil()))
		if h.tracked {
			g.If(jen.List(jen.Id("obj"), jen.Id("rest"), jen.Id("ok"), jen.Err()).Op(":=").Id("d").Dot("Ref").Call(jen.Id("b")), jen.Id("ok").Op("||").Err().Op("!=").Nil()).Block(
				jen.If(jen.Err().Op("!=").Nil()).Block(ret(jen.Nil())),
				jen.List(jen.Id("s"), jen.Id("ok")).Op(":=").Id("obj").Assert(typeCode(t)),
				jen.If(jen.Op("!").Id("ok")).Block(
					jen.Return(jen.Nil(), jen.Id("b"), jen.Qual("fmt", "Errorf").Call(jen.Lit("%w: reference to a %T where a "+h.typeName+" belongs"), rt("ErrWire"), jen.Id("obj"))),
				),
				jen.Return(jen.Id("s"), jen.Id("rest"), jen.Nil()),
			)
		}
		read := "ReadWireArrayHeader"
		if _, isMap := t.(*types.Map); isMap {
			read = "ReadWireMapHeader"
		}
		g.List(jen.Id("l"), jen.Id("b"), jen.Err()).Op(":=").Add(rt(read).Call(jen.Id("b")))
		g.If(jen.Err().Op("!=").Nil()).Block(ret(jen.Nil()))
		g.Id("out").Op(":=").Make(typeCode(t), jen.Id("l"))
		if h.tracked {
			g.If(jen.Id("l").Op(">").Lit(0)).Block(jen.Id("d").Dot("Add").Call(jen.Id("out")))
		}
		g.If(jen.Err().Op(":=").Id("d").Dot("Enter").Call(), jen.Err().Op("!=").Nil()).Block(ret(jen.Nil()))
		g.Defer().Id("d").Dot("Leave").Call()
		bail := func() jen.Code { return ret(jen.Nil()) }
		switch u := t.(type) {
		case *types.Slice:
			g.For(jen.Id("i").Op(":=").Range().Id("out")).BlockFunc(func(g *jen.Group) {
				wireElemDec(g, h.elem, id("out").idx(), 1, bail)
			})
		case *types.Map:
			g.For(jen.Range().Id("l")).BlockFunc(func(g *jen.Group) {
				g.Var().Id("k").Add(typeCode(u.Key()))
				g.Var().Id("v").Add(typeCode(u.Elem()))
				wireElemDec(g, h.key, id("k"), 1, bail)
				wireElemDec(g, h.elem, id("v"), 1, bail)
				g.Id("out").Index(jen.Id("k")).Op("=").Id("v")
			})
		}
		g.Return(jen.Id("out"), jen.Id("b"), jen.Nil())
	})
}

// --- //isolate:port across the wire ----------------------------------

// emitPortWireField renders the port's field that binds it to a remote
// service.
func emitPortWireField(g *jen.Group, p *portPlan) {
	if p.wire == nil {
		return
	}
	g.Id("isolategenWire").Add(rt("WireCaller")).Comment("non-nil: calls go to a remote service")
}

// emitPortWirePrologue renders the start of a port method: a port bound to
// a remote service sends the call there.
func emitPortWirePrologue(g *jen.Group, p *portPlan, m *portMethod) {
	if p.wire == nil {
		return
	}
	wire := jen.Id("p").Dot("isolategenWire")
	var args []jen.Code
	for i := range m.params {
		a := "a" + strconv.Itoa(i)
		args = append(args, jen.Id(a).Op(":").Id(a))
	}
	name := jen.Lit(m.fn.Name())
	g.If(wire.Clone().Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
		if m.oneWay() {
			g.Id("_").Op("=").Add(wire.Clone()).Dot("CastWire").Call(name, jen.Op("&").Id(m.callType).Values(args...))
			g.Return()
			return
		}
		if len(args) > 0 {
			g.Id("c").Op(":=").Id(m.callType).Values(args...)
		} else {
			g.Var().Id("c").Id(m.callType)
		}
		ctx := jen.Qual("context", "Background").Call()
		if m.ctx {
			ctx = jen.Id("ctx")
		}
		call := wire.Clone().Dot("CallWire").Call(ctx, name, jen.Op("&").Id("c"))
		if m.err {
			g.If(jen.Err().Op("=").Add(call), jen.Err().Op("!=").Nil()).Block(jen.Return())
		} else {
			g.If(call.Op("!=").Nil()).Block(jen.Return())
		}
		var res []jen.Code
		for i := range m.results {
			res = append(res, jen.Id("c").Dot("r"+strconv.Itoa(i)))
		}
		if m.err {
			res = append(res, jen.Id("c").Dot("err"))
		}
		g.Return(res...)
	})
}

// emitPortWire renders BindIsolateWire, ServeIsolateWire and the wire
// codecs of each call of port p.
func emitPortWire(f *jen.File, p *portPlan) {
	w := p.wire
	if p.noWire != "" {
		emitNoWire(f, p.portType, "port", p.noWire)
	}
	if w == nil {
		return
	}
	port := p.portType
	f.Line()
	f.Commentf("BindIsolateWire returns a %s whose calls go through c: the remote", port)
	f.Comment("package's LookupService uses it.")
	f.Func().Params(jen.Id(port)).Id("BindIsolateWire").Params(jen.Id("c").Add(rt("WireCaller"))).Id(port).Block(
		jen.Return(jen.Id(port).Values(jen.Dict{jen.Id("isolategenWire"): jen.Id("c")})),
	)
	f.Line()
	f.Comment("ServeIsolateWire serves one remote call of method as a local call of p: the")
	f.Comment("remote package's ExportService uses it.")
	f.Func().Params(jen.Id("p").Id(port)).Id("ServeIsolateWire").Params(
		jen.Id("ctx").Qual("context", "Context"), jen.Id("method").String(), jen.Id("args").Index().Byte(),
		jen.Id("d").Op("*").Add(rt("WireDecoder")), jen.Id("out").Index().Byte(), jen.Id("e").Op("*").Add(rt("WireEncoder")),
	).Params(jen.Index().Byte(), jen.Error()).BlockFunc(func(g *jen.Group) {
		g.Switch(jen.Id("method")).BlockFunc(func(g *jen.Group) {
			for _, wm := range w.methods {
				m := wm.m
				g.Case(jen.Lit(m.fn.Name())).BlockFunc(func(g *jen.Group) {
					g.Var().Id("c").Id(m.callType)
					g.If(jen.Err().Op(":=").Id("isolategenWireArgs").Call(jen.Op("&").Id("c"), jen.Id("args"), jen.Id("d")), jen.Err().Op("!=").Nil()).Block(
						jen.Return(jen.Nil(), jen.Err()),
					)
					var args, lhs []jen.Code
					if m.ctx {
						args = append(args, jen.Id("ctx"))
					}
					for i := range m.params {
						args = append(args, jen.Id("c").Dot("a"+strconv.Itoa(i)))
					}
					for i := range m.results {
						lhs = append(lhs, jen.Id("c").Dot("r"+strconv.Itoa(i)))
					}
					if m.err {
						lhs = append(lhs, jen.Id("c").Dot("err"))
					}
					call := jen.Id("p").Dot(m.fn.Name()).Call(args...)
					if len(lhs) == 0 {
						g.Add(call)
					} else {
						g.List(lhs...).Op("=").Add(call)
					}
					g.Return(jen.Id("c").Dot("AppendIsolateWireResults").Call(jen.Id("out"), jen.Id("e")), jen.Nil())
				})
			}
		})
		g.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("isolate: "+port+" has no method %q"), jen.Id("method")))
	})
	if w.argsHelper {
		f.Line()
		f.Comment("isolategenWireArgs decodes the arguments of a remote call into c: all of")
		f.Comment("args, and nothing after them.")
		f.Func().Id("isolategenWireArgs").Params(
			jen.Id("c").Interface(jen.Id("DecodeIsolateWireArgs").Params(bytesParams(false)...).Params(decodeResults()...)),
			jen.Id("args").Index().Byte(), jen.Id("d").Op("*").Add(rt("WireDecoder")),
		).Error().Block(
			jen.List(jen.Id("rest"), jen.Err()).Op(":=").Id("c").Dot("DecodeIsolateWireArgs").Call(jen.Id("args"), jen.Id("d")),
			jen.If(jen.Err().Op("==").Nil().Op("&&").Len(jen.Id("rest")).Op("!=").Lit(0)).Block(
				jen.Err().Op("=").Qual("fmt", "Errorf").Call(jen.Lit("%w: %d bytes after the arguments"), rt("ErrWire"), jen.Len(jen.Id("rest"))),
			),
			jen.Return(jen.Err()),
		)
	}
	for _, wm := range w.methods {
		m := wm.m
		what := p.name + "." + m.fn.Name()
		recv := func() *jen.Statement { return jen.Id("c").Op("*").Id(m.callType) }
		f.Line()
		f.Commentf("AppendIsolateWireArgs appends the arguments of a call of %s.", what)
		f.Func().Params(recv()).Id("AppendIsolateWireArgs").Params(bytesParams(true)...).Index().Byte().BlockFunc(func(g *jen.Group) {
			appendFields(g, wm.args, id("c"))
		})
		f.Line()
		f.Commentf("DecodeIsolateWireArgs decodes the arguments of a call of %s.", what)
		f.Func().Params(recv()).Id("DecodeIsolateWireArgs").Params(bytesParams(false)...).Params(decodeResults()...).BlockFunc(func(g *jen.Group) {
			decodeFields(g, wm.args, id("c"), what, "argument", false)
		})
		f.Line()
		f.Commentf("AppendIsolateWireResults appends the results of a call of %s.", what)
		f.Func().Params(recv()).Id("AppendIsolateWireResults").Params(bytesParams(true)...).Index().Byte().BlockFunc(func(g *jen.Group) {
			appendFields(g, wm.results, id("c"))
		})
		f.Line()
		f.Commentf("DecodeIsolateWireResults decodes the results of a call of %s.", what)
		f.Func().Params(recv()).Id("DecodeIsolateWireResults").Params(bytesParams(false)...).Params(decodeResults()...).BlockFunc(func(g *jen.Group) {
			decodeFields(g, wm.results, id("c"), what, "result", m.oneWay())
		})
	}
	emitWirePlan(f, &w.extra)
}
