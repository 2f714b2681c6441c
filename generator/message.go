package generator

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
	"unicode"

	"github.com/dave/jennifer/jen"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/go-isolate/isolate/internal/directive"
	"github.com/go-isolate/isolate/internal/fingerprint"
	"github.com/go-isolate/isolate/internal/sendable"
)

// message is one //isolate:message type of the package.
type message struct {
	obj   *types.TypeName
	named *types.Named // as declared: the origin of a generic type
	self  types.Type   // named instantiated with its own type parameters
	spec  *ast.TypeSpec
	tree  bool
}

// messages generates the copy methods of one package's message types.
type messages struct {
	u      *unit
	msgs   map[*types.TypeName]*message
	failed map[string]bool
}

// emitMessages writes DeepCopyInto, DeepCopy and Transfer, and the
// unexported helpers they need, for every //isolate:message type of the
// package, in source order.
func emitMessages(u *unit) {
	g := &messages{u: u, msgs: map[*types.TypeName]*message{}, failed: map[string]bool{}}
	var list []*message
	for _, a := range u.specs {
		ann := directive.Fold(a.dirs)
		if !ann.Message {
			continue
		}
		named, ok := a.obj.Type().(*types.Named)
		if !ok {
			continue
		}
		m := &message{obj: a.obj, named: named, self: named, spec: a.spec, tree: ann.Tree}
		if tps := named.TypeParams(); tps != nil && tps.Len() > 0 {
			args := make([]types.Type, tps.Len())
			for i := range args {
				args[i] = tps.At(i)
			}
			inst, err := types.Instantiate(nil, named, args, false)
			if err != nil {
				u.errorAt(a.spec.Name.Pos(), "%s: cannot instantiate with its own type parameters: %v", a.obj.Name(), err)
				continue
			}
			m.self = inst
		}
		g.msgs[a.obj] = m
		list = append(list, m)
	}
	for _, m := range list {
		g.emit(m)
	}
}

// generated are the methods this generator writes on a message type.
var generated = []string{"DeepCopyInto", "DeepCopy", "Transfer"}

func (g *messages) emit(m *message) {
	u := g.u
	name := m.obj.Name()
	switch m.named.Underlying().(type) {
	case *types.Pointer:
		u.errorAt(m.spec.Name.Pos(), "%s: //isolate:message on a pointer type, which cannot have methods: annotate the type it points to", name)
		return
	case *types.Interface:
		return // directive.Scan reported it
	}
	for i := range m.named.NumMethods() {
		meth := m.named.Method(i)
		for _, gen := range generated {
			if meth.Name() == gen {
				u.errorAt(meth.Pos(), "%s already has a method %s: remove it, or remove //isolate:message from %s and write all of %s yourself", name, gen, name, strings.Join(generated, ", "))
			}
		}
	}
	c := newCopier(g, m)
	if c == nil {
		return
	}
	nerrs := len(u.errs)
	tdecl, tuse := typeParams(m.named)
	self := typeCode(m.self)

	doc := []string{
		"DeepCopyInto copies *in into *out, sharing no mutable memory with it.",
	}
	switch c.mode {
	case modeTracked:
		doc = append(doc, "Values reached more than once through pointers, and cycles, keep their", "shape in the copy.")
	case modeTree:
		doc = append(doc, "Values are copied as a tree (//isolate:message tree): shared values", "are copied once per reference, and a cycle never ends.")
	}
	for _, line := range doc {
		u.file.Comment(line)
	}
	u.file.Comment(fingerprint.Marker + fingerprint.Of(m.named, m.tree))
	// The helper variable is declared only if the body turns out to use it.
	declareHelper, seedRoot, release := jen.Null(), jen.Null(), jen.Null()
	u.file.Func().Params(jen.Id("in").Op("*").Add(self.Clone())).Id("DeepCopyInto").Params(jen.Id("out").Op("*").Add(self.Clone())).BlockFunc(func(grp *jen.Group) {
		grp.Op("*").Id("out").Op("=").Op("*").Id("in")
		grp.Add(declareHelper)
		grp.Add(seedRoot)
		// *out now holds *in; fix what must not be shared.
		c.fix(grp, m.named.Underlying(), loc{name, m.spec.Name.Pos()})
		grp.Add(release)
	})
	c.drain()
	if len(u.errs) > nerrs {
		return
	}
	u.decls++
	if c.used {
		declareHelper.Var().Id("h").Id(c.name).Types(tuse...)
		if c.seeded {
			seedRoot.List(jen.Id("h").Dot("root"), jen.Id("h").Dot("rootOut")).Op("=").List(jen.Id("in"), jen.Id("out"))
		}
		if c.memoised() {
			release.Id("h").Dot("release").Call()
		}
	}
	u.file.Line()

	// DeepCopy
	u.file.Comment("DeepCopy returns a new deep copy of *in, or nil when in is nil.")
	u.file.Func().Params(jen.Id("in").Op("*").Add(self.Clone())).Id("DeepCopy").Params().Op("*").Add(self.Clone()).Block(
		jen.If(jen.Id("in").Op("==").Nil()).Block(jen.Return(jen.Nil())),
		jen.Id("out").Op(":=").New(self.Clone()),
		jen.Id("in").Dot("DeepCopyInto").Call(jen.Id("out")),
		jen.Return(jen.Id("out")),
	)
	u.file.Line()

	// Transfer
	var zero jen.Code
	switch m.named.Underlying().(type) {
	case *types.Struct, *types.Array:
		zero = self.Clone().Values()
	case *types.Slice, *types.Map:
		zero = jen.Nil()
	default:
		zero = jen.Op("*").New(self.Clone())
	}
	u.file.Comment("Transfer moves the value out of *in and zeroes *in: the caller hands over")
	u.file.Comment("everything the value reaches and keeps nothing it could still touch.")
	u.file.Func().Params(jen.Id("in").Op("*").Add(self.Clone())).Id("Transfer").Params().Add(self.Clone()).Block(
		jen.Id("out").Op(":=").Op("*").Id("in"),
		jen.Op("*").Id("in").Op("=").Add(zero),
		jen.Return(jen.Id("out")),
	)

	if len(c.helpers) == 0 {
		return
	}
	// The helper type: the memo table when identity is tracked, else empty.
	u.file.Line()
	switch c.mode {
	case modeTracked:
		u.file.Commentf("%s remembers what one copy of a %s has copied, so that", c.name, name)
		u.file.Comment("shared values stay shared and cycles stay cycles.")
	default:
		u.file.Commentf("%s holds the recursive helpers of a %s copy.", c.name, name)
	}
	seen, pool := "isolategenSeen"+name, "isolategenPool"+name
	u.file.Type().Id(c.name).Types(tdecl...).StructFunc(func(grp *jen.Group) {
		if c.seeded {
			grp.List(jen.Id("root"), jen.Id("rootOut")).Op("*").Add(self.Clone())
		}
		if c.memoised() {
			grp.Id("seen").Op("*").Id(seen).Types(tuse...)
		}
	})
	if c.memoised() {
		c.emitSeen(seen, pool, tdecl, tuse)
	}
	for _, h := range c.helpers {
		u.file.Line()
		u.file.Func().Params(jen.Id("h").Op("*").Id(c.name).Types(tuse...)).Id(h.name).Params(jen.Id("in").Add(typeCode(h.t))).Add(typeCode(h.t)).Add(h.body)
	}
}

// memoised reports whether some helper of the copy keeps a memo table.
func (c *copier) memoised() bool {
	for _, h := range c.helpers {
		if h.seen != "" {
			return true
		}
	}
	return false
}

// emitSeen writes the memo tables of one copy, their pool, and the
// copier's methods that take them from the pool on first use and give them
// back emptied. The copier itself stays on the stack, with the root, so
// that copying does not make the source escape; the tables are reused
// because growing them anew for each copy costs more than the copy.
func (c *copier) emitSeen(seen, pool string, tdecl, tuse []jen.Code) {
	f, name := c.g.u.file, c.m.obj.Name()
	seenT := func() *jen.Statement { return jen.Id(seen).Types(tuse...) }
	f.Line()
	f.Commentf("%s holds the memo tables of one copy of a %s.", seen, name)
	f.Type().Id(seen).Types(tdecl...).StructFunc(func(grp *jen.Group) {
		for _, h := range c.helpers {
			if h.seen != "" {
				grp.Id(h.seen).Qual(runtimePath, "Memo").Types(typeCode(h.t))
			}
		}
	})
	f.Line()
	f.Commentf("%s keeps emptied %s tables for the next copy.", pool, seen)
	f.Var().Id(pool).Qual("sync", "Pool")
	f.Line()
	f.Comment("memo returns the copy's memo tables, taking them on first use.")
	f.Func().Params(jen.Id("h").Op("*").Id(c.name).Types(tuse...)).Id("memo").Params().Op("*").Add(seenT()).Block(
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
	f.Func().Params(jen.Id("h").Op("*").Id(c.name).Types(tuse...)).Id("take").Params().Block(
		jen.List(jen.Id("h").Dot("seen"), jen.Id("_")).Op("=").Id(pool).Dot("Get").Call().Assert(jen.Op("*").Add(seenT())),
		jen.If(jen.Id("h").Dot("seen").Op("==").Nil()).Block(
			jen.Id("h").Dot("seen").Op("=").New(seenT()),
		),
	)
	f.Line()
	f.Comment("release empties the memo tables, if the copy took them, and returns them to")
	f.Comment("the pool: they hold no pointer to the source or the copy once it is done.")
	f.Func().Params(jen.Id("h").Op("*").Id(c.name).Types(tuse...)).Id("release").Params().BlockFunc(func(g *jen.Group) {
		g.Id("s").Op(":=").Id("h").Dot("seen")
		g.If(jen.Id("s").Op("==").Nil()).Block(jen.Return())
		for _, h := range c.helpers {
			if h.seen != "" {
				g.Id("s").Dot(h.seen).Dot("Reset").Call()
			}
		}
		g.Id(pool).Dot("Put").Call(jen.Id("s"))
	})
}

// copyMode is how a message type's copy handles values reached twice.
type copyMode int

const (
	// modePlain: the type graph has no cycle, so values cannot recur; the
	// copy is straight-line code and loops, with no helpers and no memo.
	modePlain copyMode = iota
	// modeTree: the author promised that values never share or cycle; the
	// copy recurses through helpers without a memo.
	modeTree
	// modeTracked: values may share and cycle; every pointer, and every
	// slice on a cycle of the type graph, goes through a memo table.
	modeTracked
)

// copier builds the copy code of one message type (the root).
type copier struct {
	g       *messages
	m       *message
	mode    copyMode
	name    string // the helper type: isolategenCopy<Root>
	helpers []*helper
	byType  typeutil.Map // types.Type → *helper
	queue   []*helper
	names   map[string]bool
	cycles  typeutil.Map // types.Type → bool: on a cycle of the type graph
	used    bool         // the root's body calls a helper
	seeded  bool         // the root's own address is in the memo
}

// helper is an unexported method of the copier type that copies one
// pointer, slice or map type: where cycles are broken and identity tracked.
type helper struct {
	name string
	t    types.Type
	seen string // memo table, "" when not memoised
	at   loc
	body *jen.Statement
}

// loc is where a part of the type being copied sits: the path from the root
// (Order.Items[].Tags) and the declaration of the field that holds it.
type loc struct {
	path string
	pos  token.Pos
}

func (l loc) field(f *types.Var) loc { return loc{l.path + "." + f.Name(), f.Pos()} }
func (l loc) elem() loc              { return loc{l.path + "[]", l.pos} }
func (l loc) key() loc               { return loc{l.path + "[key]", l.pos} }

// action is what copying a value of some type takes.
type action int

const (
	actAssign action = iota // sendable: the shallow copy is a deep copy
	actCall                 // a DeepCopyInto method does it
	actInline               // expanded here, field by field, element by element
	actHelper               // through a helper method (recursion, identity)
	actFail                 // cannot be copied
)

func newCopier(g *messages, m *message) *copier {
	c := &copier{g: g, m: m, name: "isolategenCopy" + m.obj.Name(), names: map[string]bool{}}
	switch {
	case m.tree:
		c.mode = modeTree
	default:
		c.mode = modeTracked // inline the package's other messages to see their cycles
		reach := c.reachable(m.named.Underlying())
		cyclic := false
		for _, t := range reach {
			if c.onCycle(t) {
				cyclic = true
				break
			}
		}
		if !cyclic {
			c.mode = modePlain
			c.cycles = typeutil.Map{}
			return c
		}
		// Identity is kept through pointers and slices; a map cannot be
		// told apart from another without reflection, so a cycle made of
		// maps alone would never end.
		for _, t := range reach {
			if _, isMap := types.Unalias(t).(*types.Map); isMap && c.onCycleThroughMapsOnly(t) {
				g.u.errorAt(m.spec.Name.Pos(), "%s: %s can contain itself through maps alone, whose identity a copy cannot track: hold it behind a pointer, or annotate %s with //isolate:message tree if values never share or cycle", m.obj.Name(), types.TypeString(t, g.u.qualifier), m.obj.Name())
				return nil
			}
		}
	}
	return c
}

// kind says how t is copied, before helpers are considered.
func (c *copier) kind(t types.Type) action {
	t = types.Unalias(t)
	if class, _ := c.g.u.checker.Classify(t); class == sendable.Sendable {
		return actAssign
	}
	switch t := t.(type) {
	case *types.Named:
		if m := c.g.msgs[t.Origin().Obj()]; m != nil {
			if c.mode == modeTracked && !m.tree {
				// One memo for the whole value: the message's structure
				// is copied here rather than through its own method.
				return actInline
			}
			return actCall
		}
		if sendable.HasDeepCopyInto(t) {
			return actCall
		}
		if t.Obj().Pkg() == c.g.u.pkg.Types {
			switch t.Underlying().(type) {
			case *types.Struct, *types.Array, *types.Slice, *types.Map, *types.Pointer:
				return actInline
			}
		}
		return actFail
	case *types.Pointer, *types.Slice, *types.Map, *types.Array, *types.Struct:
		return actInline
	}
	return actFail
}

// action says how t is copied in this copier.
func (c *copier) action(t types.Type) action {
	a := c.kind(t)
	if a != actInline {
		return a
	}
	switch u := types.Unalias(t).(type) {
	case *types.Named:
		// A named slice, map or pointer of this package is copied by its
		// underlying type's helper, if it has one.
		if c.action(u.Underlying()) == actHelper {
			return actHelper
		}
	case *types.Pointer:
		if c.mode == modeTracked || c.onCycle(t) {
			return actHelper
		}
	case *types.Slice, *types.Map:
		if c.mode != modePlain && c.onCycle(t) {
			return actHelper
		}
	}
	return actInline
}

// children are the types a value of type t holds, for the type graph.
func (c *copier) children(t types.Type) []types.Type {
	if c.kind(t) != actInline {
		return nil
	}
	switch u := types.Unalias(t).(type) {
	case *types.Named:
		return []types.Type{u.Underlying()}
	case *types.Pointer:
		return []types.Type{u.Elem()}
	case *types.Slice:
		return []types.Type{u.Elem()}
	case *types.Array:
		return []types.Type{u.Elem()}
	case *types.Map:
		return []types.Type{u.Key(), u.Elem()}
	case *types.Struct:
		var out []types.Type
		for i := range u.NumFields() {
			if f := u.Field(i); f.Name() != "_" {
				out = append(out, f.Type())
			}
		}
		return out
	}
	return nil
}

// reachable lists the types reachable from t, t included, in a fixed order.
func (c *copier) reachable(t types.Type) []types.Type {
	var seen typeutil.Map
	var out []types.Type
	var walk func(types.Type)
	walk = func(t types.Type) {
		if seen.At(t) != nil {
			return
		}
		seen.Set(t, true)
		out = append(out, t)
		for _, ch := range c.children(t) {
			walk(ch)
		}
	}
	walk(t)
	return out
}

// onCycle reports whether a value of type t can hold, directly or not,
// another value of type t.
func (c *copier) onCycle(t types.Type) bool {
	if v := c.cycles.At(t); v != nil {
		return v.(bool)
	}
	found := false
	for _, ch := range c.children(t) {
		for _, r := range c.reachable(ch) {
			if types.Identical(r, t) {
				found = true
			}
		}
	}
	c.cycles.Set(t, found)
	return found
}

// onCycleThroughMapsOnly reports whether map type t can reach itself
// without passing through a pointer or slice.
func (c *copier) onCycleThroughMapsOnly(t types.Type) bool {
	var seen typeutil.Map
	var walk func(types.Type) bool
	walk = func(x types.Type) bool {
		if types.Identical(x, t) {
			return true
		}
		if seen.At(x) != nil {
			return false
		}
		seen.Set(x, true)
		switch types.Unalias(x).(type) {
		case *types.Pointer, *types.Slice:
			return false
		}
		for _, ch := range c.children(x) {
			if walk(ch) {
				return true
			}
		}
		return false
	}
	for _, ch := range c.children(t) {
		if walk(ch) {
			return true
		}
	}
	return false
}

func (c *copier) fail(t types.Type, at loc, why string) {
	if why == "" {
		why = c.why(t)
	}
	// A part reached along several paths is reported once, at its first.
	key := fmt.Sprint(at.pos, types.TypeString(t, nil), why)
	if c.g.failed[key] {
		return
	}
	c.g.failed[key] = true
	c.g.u.errorAt(at.pos, "%s: %s: %s", at.path, types.TypeString(t, c.g.u.qualifier), why)
}

// why explains why a type cannot be copied.
func (c *copier) why(t types.Type) string {
	switch u := types.Unalias(t).(type) {
	case *types.Signature:
		return "a func cannot be copied"
	case *types.Chan:
		return "a channel cannot be copied: send a runtime.SendPort instead"
	case *types.Basic:
		if u.Kind() == types.UnsafePointer {
			return "an unsafe.Pointer cannot be copied"
		}
		if u.Kind() == types.Invalid {
			return "the type is invalid: fix the package's compile errors first"
		}
	case *types.Interface:
		return "an interface other than error may hold shared memory: use a concrete type"
	case *types.TypeParam:
		return fmt.Sprintf("type parameter %s is constrained by %s, which admits types that cannot be copied: constrain it to sendable types", u.Obj().Name(), types.TypeString(u.Constraint(), c.g.u.qualifier))
	case *types.Named:
		_, r := c.g.u.checker.Classify(u)
		if p := u.Obj().Pkg(); p != nil && (p.Path() == "sync" || p.Path() == "sync/atomic") {
			return "synchronization state must not be copied: keep it out of the message"
		}
		if r != nil && types.Identical(r.Type, u) && r.Hint != "" {
			return r.Why + " cannot be copied: " + r.Hint
		}
		if _, isIface := u.Underlying().(*types.Interface); isIface {
			return "an interface other than error may hold shared memory: use a concrete type"
		}
		if u.Obj().Pkg() != c.g.u.pkg.Types && u.Obj().Pkg() != nil {
			return fmt.Sprintf("%s of package %s is not sendable and has no DeepCopyInto method: give it one (annotate it //isolate:message in its package), or mark it //isolate:unchecked there if it is safe to share", u.Obj().Name(), u.Obj().Pkg().Path())
		}
		return c.why(u.Underlying())
	}
	return "this kind of value cannot be copied"
}

// inline emits statements that, with in and out of type *t in scope and
// *out already a shallow copy of *in, make *out a deep copy.
func (c *copier) inline(g *jen.Group, t types.Type, at loc) {
	in := func() *jen.Statement { return jen.Id("in") }
	star := func(id string) func() *jen.Statement {
		return func() *jen.Statement { return jen.Op("*").Id(id) }
	}
	switch u := types.Unalias(t).(type) {
	case *types.Named:
		c.fix(g, u.Underlying(), at)
	case *types.Struct:
		for i := range u.NumFields() {
			f := u.Field(i)
			if f.Name() == "_" {
				continue // cannot be named, so never set but through unsafe
			}
			name := f.Name()
			c.place(g, f.Type(), c.sel(in, name), c.sel(func() *jen.Statement { return jen.Id("out") }, name), true, true, false, at.field(f))
		}
	case *types.Array:
		if c.action(u.Elem()) == actAssign {
			return
		}
		g.For(jen.Id("i").Op(":=").Range().Id("in")).BlockFunc(func(g *jen.Group) {
			c.place(g, u.Elem(), c.idx(in), c.idx(func() *jen.Statement { return jen.Id("out") }), true, false, true, at.elem())
		})
	case *types.Pointer:
		g.If(star("in")().Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
			c.pointerBody(g, u, at)
		})
	case *types.Slice:
		g.If(star("in")().Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
			c.sliceBody(g, t, u, star("in"), star("out"), true, at)
		})
	case *types.Map:
		g.If(star("in")().Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
			c.mapBody(g, t, u, star("in"), star("out"), at)
		})
	}
}

// fix is inline for a type copied in any way.
func (c *copier) fix(g *jen.Group, t types.Type, at loc) {
	switch c.action(t) {
	case actAssign:
	case actCall:
		g.Id("in").Dot("DeepCopyInto").Call(jen.Id("out"))
	case actHelper:
		g.Op("*").Id("out").Op("=").Add(c.call(t, jen.Op("*").Id("in"), at))
	case actFail:
		c.fail(t, at, "")
	case actInline:
		c.inline(g, t, at)
	}
}

func (c *copier) sel(base func() *jen.Statement, name string) func() *jen.Statement {
	return func() *jen.Statement { return base().Dot(name) }
}

func (c *copier) idx(base func() *jen.Statement) func() *jen.Statement {
	return func() *jen.Statement { return base().Index(jen.Id("i")) }
}

// place emits the copy of one addressable place of type t, a field or an
// element, from inE to outE. copied says whether outE already holds a
// shallow copy of inE; field says the place is a field selected from in and
// out, so that it can be named directly, where an element's expression
// uses loop variables that nested loops would shadow; own says g is a scope
// of its own in which in and out may be declared again.
func (c *copier) place(g *jen.Group, t types.Type, inE, outE func() *jen.Statement, copied, field, own bool, at loc) {
	switch c.action(t) {
	case actAssign:
		if !copied {
			g.Add(outE()).Op("=").Add(inE())
		}
	case actCall:
		g.Add(inE()).Dot("DeepCopyInto").Call(jen.Op("&").Add(outE()))
	case actHelper:
		g.Add(outE()).Op("=").Add(c.call(t, inE(), at))
	case actFail:
		c.fail(t, at, "")
	case actInline:
		shadow := func(g *jen.Group) {
			g.List(jen.Id("in"), jen.Id("out")).Op(":=").List(jen.Op("&").Add(inE()), jen.Op("&").Add(outE()))
		}
		star := func(id string) func() *jen.Statement {
			return func() *jen.Statement { return jen.Op("*").Id(id) }
		}
		switch u := types.Unalias(t).(type) {
		case *types.Pointer:
			g.If(inE().Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
				shadow(g)
				c.pointerBody(g, u, at)
			})
			return
		case *types.Slice:
			g.If(inE().Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
				if field {
					c.sliceBody(g, t, u, inE, outE, false, at)
					return
				}
				shadow(g)
				c.sliceBody(g, t, u, star("in"), star("out"), true, at)
			})
			return
		case *types.Map:
			g.If(inE().Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
				if field {
					c.mapBody(g, t, u, inE, outE, at)
					return
				}
				shadow(g)
				c.mapBody(g, t, u, star("in"), star("out"), at)
			})
			return
		}
		body := func(g *jen.Group) {
			shadow(g)
			if !copied {
				g.Op("*").Id("out").Op("=").Op("*").Id("in")
			}
			c.inline(g, t, at)
		}
		if own {
			body(g)
		} else {
			g.BlockFunc(body)
		}
	}
}

// pointerBody copies a non-nil pointer: in and out are **E in scope.
func (c *copier) pointerBody(g *jen.Group, p *types.Pointer, at loc) {
	e := p.Elem()
	g.Op("*").Id("out").Op("=").New(typeCode(e))
	switch c.action(e) {
	case actAssign:
		g.Op("**").Id("out").Op("=").Op("**").Id("in")
	case actCall:
		g.Parens(jen.Op("*").Id("in")).Dot("DeepCopyInto").Call(jen.Op("*").Id("out"))
	case actFail:
		c.fail(e, at, "")
	default:
		g.BlockFunc(func(g *jen.Group) {
			g.List(jen.Id("in"), jen.Id("out")).Op(":=").List(jen.Op("*").Id("in"), jen.Op("*").Id("out"))
			g.Op("*").Id("out").Op("=").Op("*").Id("in")
			c.fix(g, e, at)
		})
	}
}

// sliceBody copies a non-nil slice from inE to outE, both of type t.
func (c *copier) sliceBody(g *jen.Group, t types.Type, s *types.Slice, inE, outE func() *jen.Statement, deref bool, at loc) {
	if c.action(s.Elem()) == actAssign {
		g.Add(outE()).Op("=").Make(typeCode(t), jen.Len(inE()))
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
	g.Id("dst").Op(":=").Make(typeCode(t), jen.Len(inE()))
	g.Id("src").Op(":=").Add(src).Index(jen.Empty(), jen.Len(jen.Id("dst")))
	g.For(jen.Id("i").Op(":=").Range().Id("src")).BlockFunc(func(g *jen.Group) {
		c.place(g, s.Elem(), c.idx(func() *jen.Statement { return jen.Id("src") }), c.idx(func() *jen.Statement { return jen.Id("dst") }), false, false, true, at.elem())
	})
	g.Add(outE()).Op("=").Id("dst")
}

// mapBody copies a non-nil map from inE to outE, both of type t.
func (c *copier) mapBody(g *jen.Group, t types.Type, m *types.Map, inE, outE func() *jen.Statement, at loc) {
	if c.action(m.Key()) != actAssign {
		c.fail(m.Key(), at.key(), "a map key must be sendable: a copied key would be a different key")
		return
	}
	if c.action(m.Elem()) == actAssign {
		g.Add(outE()).Op("=").Qual("maps", "Clone").Call(inE())
		return
	}
	g.Id("m").Op(":=").Make(typeCode(t), jen.Len(inE()))
	g.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Add(inE())).BlockFunc(func(g *jen.Group) {
		c.mapValue(g, m.Elem(), at)
	})
	g.Add(outE()).Op("=").Id("m")
}

// mapValue copies v, a value of a map being copied, into m[k].
func (c *copier) mapValue(g *jen.Group, e types.Type, at loc) {
	v := func() *jen.Statement { return jen.Id("v") }
	cp := func() *jen.Statement { return jen.Id("cp") }
	if c.action(e) == actHelper {
		g.Id("m").Index(jen.Id("k")).Op("=").Add(c.call(e, v(), at.elem()))
		return
	}
	g.Id("cp").Op(":=").Id("v")
	c.place(g, e, v, cp, true, false, true, at.elem())
	g.Id("m").Index(jen.Id("k")).Op("=").Id("cp")
}

// call returns the call of t's helper on arg, creating the helper on first use.
func (c *copier) call(t types.Type, arg jen.Code, at loc) *jen.Statement {
	c.used = true
	if n, ok := types.Unalias(t).(*types.Named); ok {
		t = n.Underlying()
	}
	var h *helper
	if v := c.byType.At(t); v != nil {
		h = v.(*helper)
	} else {
		h = &helper{name: c.unique("copy" + hint(t)), t: t, at: at}
		c.byType.Set(t, h)
		c.helpers = append(c.helpers, h)
		c.queue = append(c.queue, h)
	}
	return jen.Id("h").Dot(h.name).Call(arg)
}

func (c *copier) unique(name string) string {
	base := name
	for i := 2; c.names[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	c.names[name] = true
	return name
}

// drain writes the bodies of the helpers, which may ask for more helpers.
func (c *copier) drain() {
	for len(c.queue) > 0 {
		h := c.queue[0]
		c.queue = c.queue[1:]
		c.helperBody(h)
	}
}

func (c *copier) helperBody(h *helper) {
	t := h.t
	memo := c.mode == modeTracked
	in := func() *jen.Statement { return jen.Id("in") }
	out := func() *jen.Statement { return jen.Id("out") }
	returnNil := jen.If(jen.Id("in").Op("==").Nil()).Block(jen.Return(jen.Nil()))
	switch u := types.Unalias(t).(type) {
	case *types.Pointer:
		e := u.Elem()
		if memo {
			h.seen = c.unique("seen" + hint(t))
		}
		seed := memo && types.Identical(e, c.m.self)
		if seed {
			c.seeded = true
		}
		h.body = jen.BlockFunc(func(g *jen.Group) {
			g.Add(returnNil)
			if seed {
				g.If(jen.Id("in").Op("==").Id("h").Dot("root")).Block(jen.Return(jen.Id("h").Dot("rootOut")))
			}
			if memo {
				c.lookup(g, h, jen.Id("in"), jen.Id("ok"), jen.Op("*").Id("p"))
			}
			g.Id("out").Op(":=").New(typeCode(e))
			if memo {
				g.Op("*").Id("p").Op("=").Id("out")
			}
			g.Op("*").Id("out").Op("=").Op("*").Id("in")
			c.fix(g, e, h.at)
			g.Return(jen.Id("out"))
		})
	case *types.Slice:
		e := u.Elem()
		if memo {
			h.seen = c.unique("seen" + hint(t))
		}
		h.body = jen.BlockFunc(func(g *jen.Group) {
			g.Add(returnNil)
			g.If(jen.Len(jen.Id("in")).Op("==").Lit(0)).Block(jen.Return(jen.Make(typeCode(t), jen.Lit(0))))
			if memo {
				// Slices that start at the same element share their copy;
				// a longer one replaces a shorter one's.
				c.lookup(g, h, jen.Op("&").Id("in").Index(jen.Lit(0)),
					jen.Id("ok").Op("&&").Len(jen.Op("*").Id("p")).Op(">=").Len(jen.Id("in")),
					jen.Parens(jen.Op("*").Id("p")).Index(jen.Empty(), jen.Len(jen.Id("in"))))
			}
			g.Id("out").Op(":=").Make(typeCode(t), jen.Len(jen.Id("in")))
			if memo {
				g.Op("*").Id("p").Op("=").Id("out")
			}
			if c.action(e) == actAssign {
				g.Copy(jen.Id("out"), jen.Id("in"))
			} else {
				// Resliced to len(out), so that the loop checks no bounds.
				g.Id("in").Op("=").Id("in").Index(jen.Empty(), jen.Len(jen.Id("out")))
				g.For(jen.Id("i").Op(":=").Range().Id("in")).BlockFunc(func(g *jen.Group) {
					c.place(g, e, c.idx(in), c.idx(out), false, false, true, h.at.elem())
				})
			}
			g.Return(jen.Id("out"))
		})
	case *types.Map:
		h.body = jen.BlockFunc(func(g *jen.Group) {
			g.Add(returnNil)
			if c.action(u.Key()) != actAssign {
				c.fail(u.Key(), h.at.key(), "a map key must be sendable: a copied key would be a different key")
			}
			if c.action(u.Elem()) == actAssign {
				g.Return(jen.Qual("maps", "Clone").Call(jen.Id("in")))
				return
			}
			g.Id("m").Op(":=").Make(typeCode(t), jen.Len(jen.Id("in")))
			g.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Id("in")).BlockFunc(func(g *jen.Group) {
				c.mapValue(g, u.Elem(), h.at)
			})
			g.Return(jen.Id("m"))
		})
	}
}

// lookup finds key in h's memo table, declaring p, where the copy of key is
// kept, and ok; when found holds it returns copied, else the caller makes
// the copy and stores it in *p before it copies anything else.
func (c *copier) lookup(g *jen.Group, h *helper, key, found, copied jen.Code) {
	g.List(jen.Id("p"), jen.Id("ok")).Op(":=").Id("h").Dot("memo").Call().Dot(h.seen).Dot("At").Call(jen.Qual("unsafe", "Pointer").Call(key))
	g.If(found).Block(jen.Return(copied))
}

// hint is a short name for a type, for helper names.
func hint(t types.Type) string {
	switch u := types.Unalias(t).(type) {
	case *types.Named:
		return upper(u.Obj().Name())
	case *types.Basic:
		return upper(u.Name())
	case *types.Pointer:
		return "Ptr" + hint(u.Elem())
	case *types.Slice:
		return "Slice" + hint(u.Elem())
	case *types.Array:
		return "Array" + hint(u.Elem())
	case *types.Map:
		return "Map" + hint(u.Elem())
	case *types.TypeParam:
		return upper(u.Obj().Name())
	case *types.Struct:
		return "Struct"
	}
	return "Value"
}

func upper(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}
