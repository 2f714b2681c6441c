package generator

import (
	"go/types"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/go-isolate/isolate/internal/fingerprint"
	"github.com/go-isolate/isolate/internal/sendable"
)

const runtimePath = sendable.RuntimePath

// emitPackage renders the plan of a package as its generated file: its
// messages, then its ports, each in source order.
func emitPackage(l *loaded, p *packagePlan) *jen.File {
	f := jen.NewFilePathName(l.pkg.PkgPath, l.pkg.Name)
	f.HeaderComment(Header[len("// "):])
	f.ImportName(runtimePath, "runtime")
	for _, m := range p.messages {
		for _, out := range messageOutputs {
			out(f, m)
		}
	}
	for _, u := range p.unchecked {
		emitUnchecked(f, u)
	}
	for _, pp := range p.ports {
		for _, out := range portOutputs {
			out(f, pp)
		}
	}
	return f
}

// emitUnchecked renders the marker method of an //isolate:unchecked type.
func emitUnchecked(f *jen.File, u *uncheckedPlan) {
	_, tuse := typeParams(u.named)
	name := u.named.Obj().Name()
	recv := jen.Id(name).Types(tuse...)
	if u.ptr {
		recv = jen.Op("*").Add(recv)
	}
	f.Commentf("%s marks %s as //isolate:unchecked (runtime.Unchecked): its", uncheckedMethod, name)
	f.Commentf("author vouches that sharing a %s between isolates is safe, so ports", name)
	f.Commentf("send a %s, or a *%s, as a plain Go copy. It is never called.", name, name)
	f.Func().Params(recv).Id(uncheckedMethod).Params().Block()
	f.Line()
}

// messageOutputs render the declarations of one message type, in order. A
// new kind of per-message output adds its renderer here, and what it needs
// to messagePlan.
var messageOutputs = []func(f *jen.File, m *messagePlan){
	emitDeepCopyInto,
	emitDeepCopy,
	emitTransfer,
	emitCopier,
	emitWire,
}

// emitDeepCopyInto renders DeepCopyInto: a shallow copy, then the plan's
// root step with in and out of type *T in scope.
func emitDeepCopyInto(f *jen.File, m *messagePlan) {
	_, tuse := typeParams(m.named)
	self := typeCode(m.self)
	doc := []string{
		"DeepCopyInto copies *in into *out, sharing no mutable memory with it.",
	}
	switch m.mode {
	case modeTracked:
		doc = append(doc, "Values reached more than once (through pointers, slices or maps), and", "cycles, keep their shape in the copy.")
	case modeTree:
		doc = append(doc, "Values are copied as a tree (//isolate:message tree): shared values", "are copied once per reference, and a cycle never ends.")
	}
	for _, line := range doc {
		f.Comment(line)
	}
	f.Comment(fingerprint.Marker + m.fingerprint)
	f.Func().Params(jen.Id("in").Op("*").Add(self.Clone())).Id("DeepCopyInto").Params(jen.Id("out").Op("*").Add(self.Clone())).BlockFunc(func(g *jen.Group) {
		g.Op("*").Id("out").Op("=").Op("*").Id("in")
		if len(m.helpers) > 0 {
			g.Var().Id("h").Id(m.copier).Types(tuse...)
			if m.seeded {
				g.List(jen.Id("h").Dot("root"), jen.Id("h").Dot("rootOut")).Op("=").List(jen.Id("in"), jen.Id("out"))
			}
		}
		for _, rs := range m.slabs {
			g.Var().Id(rs.count).Int()
		}
		for _, sp := range m.wholes {
			g.Var().Id(sp.whole).Index().Add(typeCode(sp.elem))
		}
		// *out now holds *in; fix what must not be shared.
		fix(g, m.root)
		for _, rs := range m.slabs {
			fillSlab(g, rs)
		}
		if m.memo != nil {
			g.Id("h").Dot("release").Call()
		}
	})
	f.Line()
}

// emitDeepCopy renders DeepCopy, the Kubernetes convention over DeepCopyInto.
func emitDeepCopy(f *jen.File, m *messagePlan) {
	self := typeCode(m.self)
	f.Comment("DeepCopy returns a new deep copy of *in, or nil when in is nil.")
	f.Func().Params(jen.Id("in").Op("*").Add(self.Clone())).Id("DeepCopy").Params().Op("*").Add(self.Clone()).Block(
		jen.If(jen.Id("in").Op("==").Nil()).Block(jen.Return(jen.Nil())),
		jen.Id("out").Op(":=").New(self.Clone()),
		jen.Id("in").Dot("DeepCopyInto").Call(jen.Id("out")),
		jen.Return(jen.Id("out")),
	)
	f.Line()
}

// emitTransfer renders Transfer, which moves the value and zeroes its source.
func emitTransfer(f *jen.File, m *messagePlan) {
	self := typeCode(m.self)
	var zero jen.Code
	switch m.named.Underlying().(type) {
	case *types.Struct, *types.Array:
		zero = self.Clone().Values()
	case *types.Slice, *types.Map:
		zero = jen.Nil()
	default:
		zero = jen.Op("*").New(self.Clone())
	}
	f.Comment("Transfer moves the value out of *in and zeroes *in: the caller hands over")
	f.Comment("everything the value reaches and keeps nothing it could still touch.")
	f.Func().Params(jen.Id("in").Op("*").Add(self.Clone())).Id("Transfer").Params().Add(self.Clone()).Block(
		jen.Id("out").Op(":=").Op("*").Id("in"),
		jen.Op("*").Id("in").Op("=").Add(zero),
		jen.Return(jen.Id("out")),
	)
}

// emitCopier renders the copier type of m, its memo tables and its
// helpers, when the plan has helpers.
func emitCopier(f *jen.File, m *messagePlan) {
	if len(m.helpers) == 0 {
		return
	}
	name := m.obj.Name()
	tdecl, tuse := typeParams(m.named)
	// The copier type: the memo tables when identity is tracked, else empty.
	f.Line()
	switch m.mode {
	case modeTracked:
		f.Commentf("%s remembers what one copy of a %s has copied, so that", m.copier, name)
		f.Comment("shared values stay shared and cycles stay cycles.")
	default:
		f.Commentf("%s holds the recursive helpers of a %s copy.", m.copier, name)
	}
	f.Type().Id(m.copier).Types(tdecl...).StructFunc(func(g *jen.Group) {
		if m.seeded {
			g.List(jen.Id("root"), jen.Id("rootOut")).Op("*").Add(typeCode(m.self))
		}
		if m.memo != nil {
			g.Id("seen").Op("*").Id(m.memo.typeName).Types(tuse...)
		}
	})
	if m.memo != nil {
		emitMemo(f, m, tdecl, tuse)
	}
	for _, h := range m.helpers {
		f.Line()
		f.Func().Params(jen.Id("h").Op("*").Id(m.copier).Types(tuse...)).Id(h.name).Params(jen.Id("in").Add(typeCode(h.t))).Add(typeCode(h.t)).Add(helperBody(h))
	}
}

// emitMemo renders the memo tables of one copy (runtime.Memo), their
// pool, and the copier's methods that take them from the pool on first use
// and give them back emptied. The copier itself stays on the stack, with
// the root, so that copying does not make the source escape; the tables
// are reused because growing them anew for each copy costs more than the
// copy.
func emitMemo(f *jen.File, m *messagePlan, tdecl, tuse []jen.Code) {
	seen, pool, name := m.memo.typeName, m.memo.pool, m.obj.Name()
	seenT := func() *jen.Statement { return jen.Id(seen).Types(tuse...) }
	recv := func() *jen.Statement { return jen.Id("h").Op("*").Id(m.copier).Types(tuse...) }
	f.Line()
	f.Commentf("%s holds the memo tables of one copy of a %s.", seen, name)
	f.Type().Id(seen).Types(tdecl...).StructFunc(func(g *jen.Group) {
		for _, h := range m.memo.tables {
			g.Id(h.seen).Qual(runtimePath, "Memo").Types(typeCode(h.t))
		}
	})
	f.Line()
	f.Commentf("%s keeps emptied %s tables for the next copy.", pool, seen)
	f.Var().Id(pool).Qual("sync", "Pool")
	f.Line()
	f.Comment("memo returns the copy's memo tables, taking them on first use.")
	f.Func().Params(recv()).Id("memo").Params().Op("*").Add(seenT()).Block(
		jen.If(jen.Id("h").Dot("seen").Op("==").Nil()).Block(
			jen.Id("h").Dot("take").Call(),
		),
		jen.Return(jen.Id("h").Dot("seen")),
	)
	f.Line()
	f.Comment("take takes memo tables from the pool, or makes them. It is kept out of")
	f.Comment("memo, so that memo is inlined where the helpers use it.")
	f.Comment("")
	f.Comment("//go:noinline")
	f.Func().Params(recv()).Id("take").Params().Block(
		jen.List(jen.Id("h").Dot("seen"), jen.Id("_")).Op("=").Id(pool).Dot("Get").Call().Assert(jen.Op("*").Add(seenT())),
		jen.If(jen.Id("h").Dot("seen").Op("==").Nil()).Block(
			jen.Id("h").Dot("seen").Op("=").New(seenT()),
		),
	)
	f.Line()
	f.Comment("release empties the memo tables, if the copy took them, and returns them to")
	f.Comment("the pool: they hold no pointer to the source or the copy once it is done.")
	f.Func().Params(recv()).Id("release").Params().BlockFunc(func(g *jen.Group) {
		g.Id("s").Op(":=").Id("h").Dot("seen")
		g.If(jen.Id("s").Op("==").Nil()).Block(jen.Return())
		for _, h := range m.memo.tables {
			g.Id("s").Dot(h.seen).Dot("Reset").Call()
		}
		g.Id(pool).Dot("Put").Call(jen.Id("s"))
	})
}

// expr makes an expression anew each time it is used: jen statements are
// appended to, so one cannot stand in two places.
type expr func() *jen.Statement

func id(name string) expr { return func() *jen.Statement { return jen.Id(name) } }

func star(name string) expr { return func() *jen.Statement { return jen.Op("*").Id(name) } }

func (e expr) sel(name string) expr { return func() *jen.Statement { return e().Dot(name) } }

func (e expr) idx() expr { return func() *jen.Statement { return e().Index(jen.Id("i")) } }

// call is the call of helper h on arg.
func call(h *helperPlan, arg jen.Code) *jen.Statement {
	return jen.Id("h").Dot(h.name).Call(arg)
}

// fix renders s with in and out of type *T in scope, *out already a
// shallow copy of *in.
func fix(g *jen.Group, s *step) {
	switch s.how {
	case actCall:
		g.Id("in").Dot("DeepCopyInto").Call(jen.Id("out"))
	case actHelper:
		g.Op("*").Id("out").Op("=").Add(call(s.helper, jen.Op("*").Id("in")))
	case actInline:
		inline(g, s)
	}
}

// inline renders an inline step with in and out of type *T in scope and
// *out already a shallow copy of *in.
func inline(g *jen.Group, s *step) {
	switch u := types.Unalias(s.t).(type) {
	case *types.Named:
		fix(g, s.under)
	case *types.Struct:
		for _, r := range s.interior {
			// A pointer into this value, reached later, points into its copy.
			key := jen.Qual("unsafe", "Pointer").Call(jen.Op("&").Id("in").Dot(strings.Join(r.path, ".")))
			g.If(
				jen.List(jen.Id("p"), jen.Id("ok")).Op(":=").Id("h").Dot("memo").Call().Dot(r.helper.seen).Dot("At").Call(key),
				jen.Op("!").Id("ok"),
			).Block(jen.Op("*").Id("p").Op("=").Op("&").Id("out").Dot(strings.Join(r.path, ".")))
		}
		for _, f := range s.fields {
			place(g, f.step, id("in").sel(f.name), id("out").sel(f.name), true, true, false)
		}
	case *types.Array:
		if s.elem.how == actAssign {
			return
		}
		g.For(jen.Id("i").Op(":=").Range().Id("in")).BlockFunc(func(g *jen.Group) {
			place(g, s.elem, id("in").idx(), id("out").idx(), true, false, true)
		})
	case *types.Pointer:
		g.If(star("in")().Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
			pointerBody(g, s, u)
		})
	case *types.Slice:
		g.If(star("in")().Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
			sliceBody(g, s, star("in"), star("out"), true)
		})
	case *types.Map:
		g.If(star("in")().Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
			mapBody(g, s, star("in"), star("out"))
		})
	}
}

// place renders the copy of one addressable place, a field or an element,
// from inE to outE, as step s says. copied says whether outE already holds
// a shallow copy of inE; field says the place is a field selected from in
// and out, so that it can be named directly, where an element's expression
// uses loop variables that nested loops would shadow; own says g is a scope
// of its own in which in and out may be declared again.
func place(g *jen.Group, s *step, inE, outE expr, copied, field, own bool) {
	switch s.how {
	case actAssign:
		if !copied {
			g.Add(outE()).Op("=").Add(inE())
		}
	case actCall:
		g.Add(inE()).Dot("DeepCopyInto").Call(jen.Op("&").Add(outE()))
	case actHelper:
		g.Add(outE()).Op("=").Add(call(s.helper, inE()))
	case actInline:
		shadow := func(g *jen.Group) {
			g.List(jen.Id("in"), jen.Id("out")).Op(":=").List(jen.Op("&").Add(inE()), jen.Op("&").Add(outE()))
		}
		switch u := types.Unalias(s.t).(type) {
		case *types.Pointer:
			g.If(inE().Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
				shadow(g)
				pointerBody(g, s, u)
			})
			return
		case *types.Slice:
			g.If(inE().Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
				if field {
					sliceBody(g, s, inE, outE, false)
					return
				}
				shadow(g)
				sliceBody(g, s, star("in"), star("out"), true)
			})
			return
		case *types.Map:
			g.If(inE().Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
				if field {
					mapBody(g, s, inE, outE)
					return
				}
				shadow(g)
				mapBody(g, s, star("in"), star("out"))
			})
			return
		}
		body := func(g *jen.Group) {
			shadow(g)
			if !copied {
				g.Op("*").Id("out").Op("=").Op("*").Id("in")
			}
			inline(g, s)
		}
		if own {
			body(g)
		} else {
			g.BlockFunc(body)
		}
	}
}

// pointerBody copies a non-nil pointer: in and out are **E in scope.
func pointerBody(g *jen.Group, s *step, p *types.Pointer) {
	e := s.elem
	if sp := s.fromSlab; sp != nil {
		g.Op("*").Id("out").Op("=").Op("&").Id(sp.name).Index(jen.Lit(0))
		g.Id(sp.name).Op("=").Id(sp.name).Index(jen.Lit(1), jen.Empty())
	} else {
		g.Op("*").Id("out").Op("=").New(typeCode(p.Elem()))
	}
	switch e.how {
	case actAssign:
		g.Op("**").Id("out").Op("=").Op("**").Id("in")
	case actCall:
		g.Parens(jen.Op("*").Id("in")).Dot("DeepCopyInto").Call(jen.Op("*").Id("out"))
	case actFail:
	default:
		g.BlockFunc(func(g *jen.Group) {
			g.List(jen.Id("in"), jen.Id("out")).Op(":=").List(jen.Op("*").Id("in"), jen.Op("*").Id("out"))
			g.Op("*").Id("out").Op("=").Op("*").Id("in")
			fix(g, e)
		})
	}
}

// fillSlab allocates the message's slab rs, now that every slice it
// holds is counted, and gives each its part in place of the source slice
// that the copy kept meanwhile.
func fillSlab(g *jen.Group, rs *rootSlab) {
	g.Id(rs.name).Op(":=").Make(jen.Index().Add(typeCode(rs.elem)), jen.Id(rs.count))
	for _, f := range rs.fills {
		coll := jen.Id("out").Dot(strings.Join(f.path, "."))
		if f.whole != "" {
			coll = jen.Id(f.whole)
		}
		if f.field == "" {
			carve(g, rs.name, coll)
			continue
		}
		g.For(jen.Id("i").Op(":=").Range().Add(coll.Clone())).BlockFunc(func(g *jen.Group) {
			g.Id("o").Op(":=").Op("&").Add(coll.Clone()).Index(jen.Id("i"))
			carve(g, rs.name, jen.Id("o").Dot(f.field))
		})
	}
}

// carve gives the slice at place, if not nil, its part of slab: a copy of
// what it holds, its capacity cut to its length, so that an append never
// writes into a neighbour.
func carve(g *jen.Group, slab string, place *jen.Statement) {
	g.If(place.Clone().Op("!=").Nil()).Block(
		jen.Id("n").Op(":=").Copy(jen.Id(slab), place.Clone()),
		place.Clone().Op("=").Id(slab).Index(jen.Empty(), jen.Id("n"), jen.Id("n")),
		jen.Id(slab).Op("=").Id(slab).Index(jen.Id("n"), jen.Empty()),
	)
}

// wholes records, after a collection's loop, the used part of each of its
// pointee slabs that a message slab fills.
func wholes(g *jen.Group, s *step) {
	for _, sp := range s.slabs {
		if sp.whole != "" {
			g.Id(sp.whole).Op("=").Id(sp.whole).Index(jen.Empty(), jen.Len(jen.Id(sp.whole)).Op("-").Len(jen.Id(sp.name)))
		}
	}
}

// sliceBody copies a non-nil slice from inE to outE, both of s's type.
func sliceBody(g *jen.Group, s *step, inE, outE expr, deref bool) {
	if s.elem.how == actAssign {
		if sp := s.fromSlab; sp != nil && sp.shared != nil {
			// Counted now, carved from the message's slab at the end;
			// until then the copy holds the source's slice.
			g.Id(sp.shared.count).Op("+=").Len(outE())
			return
		}
		if sp := s.fromSlab; sp != nil {
			// Carved from the slab, its capacity cut to its length, so
			// that an append never writes into a neighbour.
			g.Id("n").Op(":=").Copy(jen.Id(sp.name), inE())
			g.Add(outE()).Op("=").Id(sp.name).Index(jen.Empty(), jen.Id("n"), jen.Id("n"))
			g.Id(sp.name).Op("=").Id(sp.name).Index(jen.Id("n"), jen.Empty())
			return
		}
		g.Add(outE()).Op("=").Make(typeCode(s.t), jen.Len(inE()))
		g.Copy(outE(), inE())
		return
	}
	// The copy is made in locals, not in place: the loop then indexes
	// registers, not fields that every store in its body makes the
	// compiler load again, and src resliced to len(dst) lets it drop the
	// bounds checks of both.
	src := inE()
	if deref {
		src = jen.Parens(src)
	}
	g.Id("dst").Op(":=").Make(typeCode(s.t), jen.Len(inE()))
	g.Id("src").Op(":=").Add(src).Index(jen.Empty(), jen.Len(jen.Id("dst")))
	slabs(g, s, id("src"), false)
	g.For(jen.Id("i").Op(":=").Range().Id("src")).BlockFunc(func(g *jen.Group) {
		place(g, s.elem, id("src").idx(), id("dst").idx(), false, false, true)
	})
	wholes(g, s)
	g.Add(outE()).Op("=").Id("dst")
}

// mapBody copies a non-nil map from inE to outE, both of s's type.
func mapBody(g *jen.Group, s *step, inE, outE expr) {
	if s.badKey {
		return
	}
	if s.elem.how == actAssign {
		g.Add(outE()).Op("=").Qual("maps", "Clone").Call(inE())
		return
	}
	g.Id("m").Op(":=").Make(typeCode(s.t), jen.Len(inE()))
	slabs(g, s, inE, true)
	g.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Add(inE())).BlockFunc(func(g *jen.Group) {
		mapValue(g, s.elem)
	})
	wholes(g, s)
	g.Add(outE()).Op("=").Id("m")
}

// slabs declares the slabs of collection step s over coll, a slice or a
// map: pointees one per element, field slices as long as the first pass
// over coll counts.
func slabs(g *jen.Group, s *step, coll expr, isMap bool) {
	for _, sp := range s.slabs {
		if sp.shared != nil {
			continue // the message's slab: counted as the loop goes
		}
		slab := jen.Index().Add(typeCode(sp.elem))
		if sp.pointees {
			g.Id(sp.name).Op(":=").Make(slab, jen.Len(coll()))
			if sp.whole != "" {
				g.Id(sp.whole).Op("=").Id(sp.name)
			}
			continue
		}
		g.Var().Id(sp.name).Add(slab.Clone())
		g.BlockFunc(func(g *jen.Group) {
			g.Id("n").Op(":=").Lit(0)
			var loop *jen.Statement
			var elem *jen.Statement
			if isMap {
				loop = jen.For(jen.List(jen.Id("_"), jen.Id("v")).Op(":=").Range().Add(coll()))
				elem = jen.Id("v")
			} else {
				loop = jen.For(jen.Id("i").Op(":=").Range().Add(coll()))
				elem = coll().Index(jen.Id("i"))
			}
			field := elem.Clone().Dot(strings.Join(sp.path, "."))
			add := jen.Id("n").Op("+=").Len(field)
			g.Add(loop.BlockFunc(func(g *jen.Group) {
				if sp.deref {
					g.If(elem.Clone().Op("!=").Nil()).Block(add)
				} else {
					g.Add(add)
				}
			}))
			g.Id(sp.name).Op("=").Make(slab.Clone(), jen.Id("n"))
		})
	}
}

// mapValue copies v, a value of a map being copied, into m[k].
func mapValue(g *jen.Group, e *step) {
	if e.how == actHelper {
		g.Id("m").Index(jen.Id("k")).Op("=").Add(call(e.helper, jen.Id("v")))
		return
	}
	g.Id("cp").Op(":=").Id("v")
	place(g, e, id("v"), id("cp"), true, false, true)
	g.Id("m").Index(jen.Id("k")).Op("=").Id("cp")
}

// helperBody renders the body of helper h.
func helperBody(h *helperPlan) *jen.Statement {
	t := h.t
	returnNil := jen.If(jen.Id("in").Op("==").Nil()).Block(jen.Return(jen.Nil()))
	switch u := types.Unalias(t).(type) {
	case *types.Pointer:
		return jen.BlockFunc(func(g *jen.Group) {
			g.Add(returnNil)
			if h.seed {
				g.If(jen.Id("in").Op("==").Id("h").Dot("root")).Block(jen.Return(jen.Id("h").Dot("rootOut")))
			}
			for _, path := range h.rootFields {
				// A pointer into the root points into its copy.
				f := strings.Join(path, ".")
				g.If(jen.Id("in").Op("==").Op("&").Id("h").Dot("root").Dot(f)).Block(jen.Return(jen.Op("&").Id("h").Dot("rootOut").Dot(f)))
			}
			if h.seen != "" {
				lookup(g, h, jen.Qual("unsafe", "Pointer").Call(jen.Id("in")), jen.Id("ok"), jen.Op("*").Id("p"))
			}
			g.Id("out").Op(":=").New(typeCode(u.Elem()))
			if h.seen != "" {
				g.Op("*").Id("p").Op("=").Id("out")
			}
			g.Op("*").Id("out").Op("=").Op("*").Id("in")
			fix(g, h.elem)
			g.Return(jen.Id("out"))
		})
	case *types.Slice:
		return jen.BlockFunc(func(g *jen.Group) {
			g.Add(returnNil)
			g.If(jen.Len(jen.Id("in")).Op("==").Lit(0)).Block(jen.Return(jen.Make(typeCode(t), jen.Lit(0))))
			if h.seen != "" {
				// Slices that start at the same element share their copy;
				// a longer one replaces a shorter one's.
				lookup(g, h, jen.Qual("unsafe", "Pointer").Call(jen.Op("&").Id("in").Index(jen.Lit(0))),
					jen.Id("ok").Op("&&").Len(jen.Op("*").Id("p")).Op(">=").Len(jen.Id("in")),
					jen.Parens(jen.Op("*").Id("p")).Index(jen.Empty(), jen.Len(jen.Id("in"))))
			}
			g.Id("out").Op(":=").Make(typeCode(t), jen.Len(jen.Id("in")))
			if h.seen != "" {
				g.Op("*").Id("p").Op("=").Id("out")
			}
			if h.elem.how == actAssign {
				g.Copy(jen.Id("out"), jen.Id("in"))
			} else {
				// Resliced to len(out), so that the loop checks no bounds.
				g.Id("in").Op("=").Id("in").Index(jen.Empty(), jen.Len(jen.Id("out")))
				g.For(jen.Id("i").Op(":=").Range().Id("in")).BlockFunc(func(g *jen.Group) {
					place(g, h.elem, id("in").idx(), id("out").idx(), false, false, true)
				})
			}
			g.Return(jen.Id("out"))
		})
	case *types.Map:
		return jen.BlockFunc(func(g *jen.Group) {
			g.Add(returnNil)
			if h.seen != "" {
				// A map value is a pointer to the map: its identity.
				lookup(g, h, jen.Op("*").Parens(jen.Op("*").Qual("unsafe", "Pointer")).Parens(jen.Qual("unsafe", "Pointer").Call(jen.Op("&").Id("in"))), jen.Id("ok"), jen.Op("*").Id("p"))
			}
			if h.elem.how == actAssign {
				if h.seen == "" {
					g.Return(jen.Qual("maps", "Clone").Call(jen.Id("in")))
					return
				}
				g.Id("m").Op(":=").Qual("maps", "Clone").Call(jen.Id("in"))
				g.Op("*").Id("p").Op("=").Id("m")
				g.Return(jen.Id("m"))
				return
			}
			g.Id("m").Op(":=").Make(typeCode(t), jen.Len(jen.Id("in")))
			if h.seen != "" {
				g.Op("*").Id("p").Op("=").Id("m")
			}
			g.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Id("in")).BlockFunc(func(g *jen.Group) {
				mapValue(g, h.elem)
			})
			g.Return(jen.Id("m"))
		})
	}
	return jen.Block()
}

// lookup finds key, an unsafe.Pointer, in h's memo table, declaring p, where the copy of key is
// kept, and ok; when found holds it returns copied, else the caller makes
// the copy and stores it in *p before it copies anything else.
func lookup(g *jen.Group, h *helperPlan, key, found, copied jen.Code) {
	g.List(jen.Id("p"), jen.Id("ok")).Op(":=").Id("h").Dot("memo").Call().Dot(h.seen).Dot("At").Call(key)
	g.If(found).Block(jen.Return(copied))
}
