package generator

import (
	"go/token"
	"go/types"
	"reflect"
	"strconv"

	"golang.org/x/tools/go/types/typeutil"
)

// The wire codec (remote/wire.md): for every //isolate:message type, and
// every named struct type of the package that a message or a port method
// holds, AppendIsolateWire and DecodeIsolateWire on the pointer type; for
// every //isolate:port interface, the Args and Results codecs of its call
// structs and the port's ServeIsolateWire and BindIsolateWire. Planning
// decides, per place, which wire encoding a value takes (wireValue); emit
// (emit_wire.go) renders it.

// wireKind is how one value crosses the wire.
type wireKind int

const (
	wireBasic      wireKind = iota // a msgp primitive; a named type converts
	wireComplex                    // an array of two floats
	wireBytes                      // []byte: nil, or msgp Bytes
	wireArray                      // [N]E: an array of N elements
	wireSlice                      // []E: nil, or an array
	wireMap                        // map[K]V: nil, or a map
	wireCodec                      // a value whose type has the methods: call them
	wirePointer                    // *E, not tracked: nil, or E
	wirePtrTracked                 // *S, tracked: runtime.AppendWirePtr / DecodeWirePtr
	wireViaHelper                  // a slice or map on a cycle: through a helper func
	wireRuntime                    // an encoding of the runtime: time, errors, ports
	wireNetip                      // netip: Bytes of AppendBinary / UnmarshalBinary
	wireDropped                    // not carried: fails to encode when set, skipped
)

// wireValue is how the value at one place crosses.
type wireValue struct {
	t    types.Type // the place's type
	kind wireKind
	// prim names the msgp primitive (wireBasic: "String", "Int64", ...;
	// wireComplex: "Float32" or "Float64"), or the runtime encoding
	// (wireRuntime: "Time", "Location", "Error", "RemoteError", "Port").
	prim string
	// conv is the primitive's Go type when it differs from t (a named
	// type), nil when t is the primitive's own type.
	conv    types.Type
	elem    *wireValue // array, slice, map value, pointer
	key     *wireValue // map key
	n       int64      // array length
	helper  *wireHelper
	codec   types.Type // wireCodec, wirePointer/wirePtrTracked to a codec type: the type with the methods
	portOf  types.Type // wireRuntime "Port": the SendPort's element type
	depth   bool       // wirePointer on a cycle of a tree: bound the nesting
	path    string     // wireDropped: the place and its type, for the encoder's error
	zeroNil bool       // wireDropped: the zero value is nil (else T{})
}

// wireField is one encoded field of a struct, or argument or result of a
// port call.
type wireField struct {
	name string // the Go field (a0, r0, err in a call struct)
	num  int    // its number on the wire
	v    *wireValue
}

// wireCodec is the codec of one named type of the package.
type wireCodecPlan struct {
	obj      *types.TypeName
	named    *types.Named
	tracked  bool        // the type can reach itself: pointers and slices keep identity
	fields   []wireField // a struct's encoded fields, in declaration order
	isStruct bool
	tree     bool       // //isolate:message tree: nothing tracked
	root     *wireValue // a named slice, map or array type: the value of *in
}

// wireHelper appends and decodes one slice or map type on a cycle of the
// type graph, as a package-level pair of funcs.
type wireHelper struct {
	t                      types.Type // the unnamed slice or map type
	typeName               string     // t as the package spells it, for errors
	name                   string     // the unique part of its func names
	appendName, decodeName string
	tracked                bool // registers its values (not in a tree)
	elem, key              *wireValue
}

// wirePlan is the wire output that goes with one message: its own codec,
// then the codecs and helpers first needed by it.
type wirePlan struct {
	codecs  []*wireCodecPlan
	helpers []*wireHelper
}

// portWirePlan is the wire output of one port.
type portWirePlan struct {
	methods []*portWireMethod
	// argsHelper: this port emits the package's isolategenWireArgs.
	argsHelper bool
	extra      wirePlan // codecs and helpers first needed by this port
}

// portWireMethod is the wire form of one call of a port method.
type portWireMethod struct {
	m       *portMethod
	args    []wireField
	results []wireField // the trailing error included, as err
}

// wireState is the package-wide part of wire planning: each codec and
// helper is planned once, and emitted with the first message or port that
// needs it.
type wireState struct {
	codecs   map[*types.TypeName]*wireCodecPlan
	helpers  typeutil.Map // types.Type → map[bool]*wireHelper
	names    map[string]bool
	cycles   typeutil.Map // types.Type → bool
	pending  *wirePlan    // where newly needed codecs and helpers go
	queue    []*wireCodecPlan
	argsDone bool
	// probe collects the parts that cannot cross while tryWire plans a
	// codec that may fail; nil: report them as errors (the wire option).
	probe *[]string
}

func (p *planner) wireState() *wireState {
	if p.wire == nil {
		p.wire = &wireState{codecs: map[*types.TypeName]*wireCodecPlan{}, names: map[string]bool{}}
	}
	return p.wire
}

// planWire plans the wire codec of message m and what it needs first.
// With //isolate:message wire, a part that cannot cross is an error at its
// position; without, m simply gets no codec, and m.noWire says why.
func (p *planner) planWire(m *messagePlan) *wirePlan {
	w := p.wireState()
	out := &wirePlan{}
	if isGeneric(m.named) {
		if m.wire0 {
			p.errorAt(m.spec.Name.Pos(), "%s: a generic message type has no wire codec: remove the wire option", m.obj.Name())
		} else {
			m.noWire = "a generic message type has no wire codec"
		}
		return out
	}
	w.pending = out
	need := func() { p.needCodec(m.obj, m.named, m.tree) }
	if m.wire0 {
		need()
		p.drainWire()
	} else {
		m.noWire = p.tryWire(need)
	}
	w.pending = nil
	return out
}

// planPortWire plans the wire calls of port pp. With //isolate:port wire
// (strict), a value that cannot cross is an error at its method; without,
// the port has no wire calls (nil) and why says what blocks them.
func (p *planner) planPortWire(pp *portPlan, pos token.Pos, strict bool) (plan *portWirePlan, why string) {
	w := p.wireState()
	out := &portWirePlan{}
	w.pending = &out.extra
	body := func() {
		for _, m := range pp.methods {
			pm := &portWireMethod{m: m}
			at := pos
			if m.fn.Pos().IsValid() && p.l.pkg.Fset.File(m.fn.Pos()) != nil {
				at = m.fn.Pos()
			}
			for i, v := range m.params {
				path := pp.name + "." + m.fn.Name() + " argument " + strconv.Itoa(i+1)
				pm.args = append(pm.args, wireField{"a" + strconv.Itoa(i), i + 1, p.wireValueOf(v.t, loc{path, at}, false, false)})
			}
			for i, v := range m.results {
				path := pp.name + "." + m.fn.Name() + " result " + strconv.Itoa(i+1)
				pm.results = append(pm.results, wireField{"r" + strconv.Itoa(i), i + 1, p.wireValueOf(v.t, loc{path, at}, false, false)})
			}
			if m.err {
				errT := types.Universe.Lookup("error").Type()
				pm.results = append(pm.results, wireField{"err", len(m.results) + 1, &wireValue{t: errT, kind: wireRuntime, prim: "Error"}})
			}
			out.methods = append(out.methods, pm)
		}
	}
	if strict {
		body()
		p.drainWire()
	} else {
		why = p.tryWire(body)
	}
	w.pending = nil
	if why != "" {
		return nil, why
	}
	if !w.argsDone {
		out.argsHelper, w.argsDone = true, true
	}
	return out, ""
}

// tryWire runs plan, and plans the codecs it needs, collecting every part
// that cannot cross instead of reporting it. When none failed, what was
// planned goes to w.pending and tryWire returns ""; else it is all taken
// back (so nothing that needs it is emitted) and tryWire returns the first
// failure.
func (p *planner) tryWire(plan func()) string {
	w := p.wireState()
	outer, outerQueue, outerProbe := w.pending, w.queue, w.probe
	trial := &wirePlan{}
	var fails []string
	w.pending, w.queue, w.probe = trial, nil, &fails
	plan()
	p.drainWire()
	w.pending, w.queue, w.probe = outer, outerQueue, outerProbe
	if len(fails) == 0 {
		outer.codecs = append(outer.codecs, trial.codecs...)
		outer.helpers = append(outer.helpers, trial.helpers...)
		return ""
	}
	for _, c := range trial.codecs {
		delete(w.codecs, c.obj)
	}
	for _, h := range trial.helpers {
		delete(w.helpers.At(h.t).(map[bool]*wireHelper), h.tracked)
		delete(w.names, h.name)
	}
	return fails[0]
}

// needCodec makes sure the local named type obj has a planned codec.
func (p *planner) needCodec(obj *types.TypeName, named *types.Named, tree bool) *wireCodecPlan {
	w := p.wireState()
	if c := w.codecs[obj]; c != nil {
		return c
	}
	c := &wireCodecPlan{obj: obj, named: named, tree: tree, tracked: p.wireTracked(named)}
	w.codecs[obj] = c
	w.pending.codecs = append(w.pending.codecs, c)
	w.queue = append(w.queue, c)
	return c
}

// wireTracked reports whether the codec of local type n keeps identity: n
// can reach itself, and is not a //isolate:message tree.
func (p *planner) wireTracked(n *types.Named) bool {
	if m := p.msgs[n.Obj()]; m != nil && m.tree {
		return false
	}
	for _, t := range p.wireReachable(n.Underlying()) {
		if p.wireOnCycle(t) {
			return true
		}
	}
	return false
}

// drainWire plans the codecs queued by needCodec.
func (p *planner) drainWire() {
	w := p.wireState()
	for len(w.queue) > 0 {
		c := w.queue[0]
		w.queue = w.queue[1:]
		p.planCodec(c, c.tree)
	}
}

// planCodec plans the body of one codec.
func (p *planner) planCodec(c *wireCodecPlan, tree bool) {
	name := c.obj.Name()
	st, ok := c.named.Underlying().(*types.Struct)
	if !ok {
		c.root = p.wireValueOf(c.named.Underlying(), loc{name, c.obj.Pos()}, c.tracked, tree)
		c.root.t = c.named
		if c.root.kind == wireBasic || c.root.kind == wireComplex {
			c.root.conv = c.named.Underlying()
		}
		return
	}
	c.isStruct = true
	used := map[int]*types.Var{}
	for i := range st.NumFields() {
		f := st.Field(i)
		num := i + 1
		tag := reflect.StructTag(st.Tag(i)).Get("isolate")
		if tag == "-" {
			continue
		}
		if tag != "" {
			n, err := strconv.Atoi(tag)
			if err != nil || n < 1 {
				p.errorOnce("tag", f.Pos(), "%s.%s: struct tag isolate:%q is not a field number: use a positive integer, or \"-\" to keep the field off the wire", name, f.Name(), tag)
				continue
			}
			num = n
		}
		if f.Name() == "_" {
			continue
		}
		if prev := used[num]; prev != nil {
			p.errorOnce("num", f.Pos(), "%s.%s has wire field number %d, as %s has: give it a number of its own with a struct tag isolate:\"N\"", name, f.Name(), num, prev.Name())
			continue
		}
		used[num] = f
		v := p.wireValueOf(f.Type(), loc{name, c.obj.Pos()}.field(f), c.tracked, tree)
		c.fields = append(c.fields, wireField{f.Name(), num, v})
	}
}

// errorOnce reports an error of a codec once, though a codec that tryWire
// took back may be planned again.
func (p *planner) errorOnce(kind string, pos token.Pos, format string, args ...any) {
	key := "wire " + kind + " " + strconv.Itoa(int(pos))
	if !p.failed[key] {
		p.failed[key] = true
		p.errorAt(pos, format, args...)
	}
}

func isGeneric(n *types.Named) bool {
	if tps := n.TypeParams(); tps != nil && tps.Len() > 0 {
		return true
	}
	if args := n.TypeArgs(); args != nil && args.Len() > 0 {
		return true
	}
	return false
}

// hasWireMethods reports whether *t has AppendIsolateWire and
// DecodeIsolateWire (generated already, or written by hand).
func hasWireMethods(t types.Type) bool {
	ms := types.NewMethodSet(types.NewPointer(t))
	return ms.Lookup(nil, "AppendIsolateWire") != nil && ms.Lookup(nil, "DecodeIsolateWire") != nil
}

// named type keys of the standard and runtime types the wire knows.
func namedKey(n *types.Named) string {
	if n.Obj().Pkg() == nil {
		return n.Obj().Name()
	}
	return n.Obj().Pkg().Path() + "." + n.Obj().Name()
}

var basicPrim = map[types.BasicKind]string{
	types.Bool: "Bool", types.String: "String",
	types.Int: "Int", types.Int8: "Int8", types.Int16: "Int16", types.Int32: "Int32", types.Int64: "Int64",
	types.Uint: "Uint", types.Uint8: "Uint8", types.Uint16: "Uint16", types.Uint32: "Uint32", types.Uint64: "Uint64",
	types.Float32: "Float32", types.Float64: "Float64",
}

// wireValueOf decides how a value of type t at at crosses the wire, in a
// codec that tracks identity (tracked) or is a tree (tree). It reports a
// type that cannot cross, at at.
func (p *planner) wireValueOf(t types.Type, at loc, tracked, tree bool) *wireValue {
	v := &wireValue{t: t}
	u := types.Unalias(t)
	if isError(u) {
		v.kind, v.prim = wireRuntime, "Error"
		return v
	}
	switch x := u.(type) {
	case *types.Named:
		switch key := namedKey(x); key {
		case "time.Time":
			v.kind, v.prim = wireRuntime, "Time"
			return v
		case "net/netip.Addr", "net/netip.AddrPort", "net/netip.Prefix":
			v.kind = wireNetip
			return v
		case "context.Context", runtimePath + ".Capability":
			v.kind, v.path, v.zeroNil = wireDropped, at.path+" ("+types.TypeString(t, p.l.qualifier)+")", key == "context.Context"
			return v
		case runtimePath + ".SendPort":
			v.kind, v.prim, v.portOf = wireRuntime, "Port", x.TypeArgs().At(0)
			// What the port carries crosses too: give a struct of the
			// package its codec.
			if n, ok := types.Unalias(v.portOf).(*types.Named); ok && n.Obj().Pkg() == p.l.pkg.Types && !isGeneric(n) && !hasWireMethods(n) {
				if _, isStruct := n.Underlying().(*types.Struct); isStruct || p.msgs[n.Obj()] != nil {
					m := p.msgs[n.Obj()]
					need := func() { p.needCodec(n.Obj(), n, m != nil && m.tree) }
					if p.wireState().probe != nil {
						// The port crosses whether or not its messages can.
						p.tryWire(need)
					} else {
						need()
					}
				}
			}
			return v
		}
		if hasWireMethods(x) {
			v.kind, v.codec = wireCodec, x
			return v
		}
		local := x.Obj().Pkg() == p.l.pkg.Types
		if _, isIface := x.Underlying().(*types.Interface); isIface {
			v.kind, v.path, v.zeroNil = wireDropped, at.path+" ("+types.TypeString(t, p.l.qualifier)+")", true
			return v
		}
		if local {
			if isGeneric(x) {
				p.wireFail(t, at, "a generic type has no wire codec: keep the field off the wire with the struct tag isolate:\"-\"")
				return v
			}
			if msg := p.msgs[x.Obj()]; msg != nil {
				p.needCodec(x.Obj(), x, msg.tree)
				v.kind, v.codec = wireCodec, x
				return v
			}
			if _, isStruct := x.Underlying().(*types.Struct); isStruct {
				p.needCodec(x.Obj(), x, false)
				v.kind, v.codec = wireCodec, x
				return v
			}
		} else if a := p.l.foreign.directives(x.Obj()); a.Message && a.Wire && !isGeneric(x) {
			// Generated in its own package (//isolate:message wire).
			v.kind, v.codec = wireCodec, x
			return v
		}
		if _, isStruct := x.Underlying().(*types.Struct); isStruct && !local && p.l.foreign.directives(x.Obj()).Message {
			p.wireFail(t, at, "it has no AppendIsolateWire and DecodeIsolateWire methods: run isolategen in package "+x.Obj().Pkg().Path()+" first, in a run of its own, or annotate it //isolate:message wire there, or keep the field off the wire with the struct tag isolate:\"-\"")
			return v
		}
		if _, isStruct := x.Underlying().(*types.Struct); isStruct {
			p.wireFail(t, at, "it has no AppendIsolateWire and DecodeIsolateWire methods: annotate it //isolate:message wire in package "+x.Obj().Pkg().Path()+" (or write them there), or keep the field off the wire with the struct tag isolate:\"-\"")
			return v
		}
		// A named slice, map, array, pointer or basic type: as its
		// underlying type.
		under := p.wireValueOf(x.Underlying(), at, tracked, tree)
		under.t = t
		if under.kind == wireBasic || under.kind == wireComplex {
			under.conv = x.Underlying()
		}
		return under
	case *types.Basic:
		if prim, ok := basicPrim[x.Kind()]; ok {
			v.kind, v.prim = wireBasic, prim
			return v
		}
		switch x.Kind() {
		case types.Uintptr:
			v.kind, v.prim, v.conv = wireBasic, "Uint64", types.Typ[types.Uint64]
			return v
		case types.Complex64:
			v.kind, v.prim = wireComplex, "Float32"
			return v
		case types.Complex128:
			v.kind, v.prim = wireComplex, "Float64"
			return v
		}
	case *types.Pointer:
		if n, ok := types.Unalias(x.Elem()).(*types.Named); ok {
			switch namedKey(n) {
			case "time.Location":
				v.kind, v.prim = wireRuntime, "Location"
				return v
			case runtimePath + ".RemoteError":
				v.kind, v.prim = wireRuntime, "RemoteError"
				return v
			case runtimePath + ".Isolate", runtimePath + ".Pool", "log/slog.Logger", "log.Logger":
				v.kind, v.path, v.zeroNil = wireDropped, at.path+" ("+types.TypeString(t, p.l.qualifier)+")", true
				return v
			}
		}
		v.elem = p.wireValueOf(x.Elem(), at, tracked, tree)
		if v.elem.kind == wireCodec {
			v.codec = v.elem.codec
			elemTracked := false
			if n, ok := types.Unalias(v.codec).(*types.Named); ok && n.Obj().Pkg() == p.l.pkg.Types && !hasWireMethods(n) {
				elemTracked = p.wireTracked(n)
			}
			if (tracked || elemTracked) && !tree {
				v.kind = wirePtrTracked
				return v
			}
		}
		v.kind = wirePointer
		v.depth = tree && p.wireOnCycle(x)
		return v
	case *types.Slice:
		if b, ok := x.Elem().(*types.Basic); ok && b.Kind() == types.Byte {
			v.kind = wireBytes
			return v
		}
		if (tracked || tree) && p.wireOnCycle(x) {
			v.kind, v.helper = wireViaHelper, p.wireHelperFor(x, at, tracked && !tree, tree)
			return v
		}
		v.kind, v.elem = wireSlice, p.wireValueOf(x.Elem(), at.elem(), tracked, tree)
		return v
	case *types.Array:
		v.kind, v.n, v.elem = wireArray, x.Len(), p.wireValueOf(x.Elem(), at.elem(), tracked, tree)
		return v
	case *types.Map:
		if (tracked || tree) && p.wireOnCycle(x) {
			v.kind, v.helper = wireViaHelper, p.wireHelperFor(x, at, tracked && !tree, tree)
			return v
		}
		v.kind = wireMap
		v.key = p.wireValueOf(x.Key(), at.key(), tracked, tree)
		v.elem = p.wireValueOf(x.Elem(), at.elem(), tracked, tree)
		return v
	case *types.Interface:
		v.kind, v.path, v.zeroNil = wireDropped, at.path+" ("+types.TypeString(t, p.l.qualifier)+")", true
		return v
	case *types.Struct:
		p.wireFail(t, at, "an unnamed struct has no wire codec: declare it as a named type")
		return v
	}
	p.wireFail(t, at, "this kind of value cannot cross the wire: keep the field off the wire with the struct tag isolate:\"-\"")
	return v
}

func (p *planner) wireFail(t types.Type, at loc, why string) {
	if w := p.wireState(); w.probe != nil {
		*w.probe = append(*w.probe, at.path+": "+types.TypeString(t, p.l.qualifier)+" cannot cross the wire: "+why)
		return
	}
	key := "wire " + strconv.Itoa(int(at.pos)) + types.TypeString(t, nil)
	if p.failed[key] {
		return
	}
	p.failed[key] = true
	p.errorAt(at.pos, "%s: %s cannot cross the wire: %s", at.path, types.TypeString(t, p.l.qualifier), why)
}

// wireHelperFor returns the helper pair of slice or map type t.
func (p *planner) wireHelperFor(t types.Type, at loc, tracked, tree bool) *wireHelper {
	w := p.wireState()
	var byMode map[bool]*wireHelper
	if v := w.helpers.At(t); v != nil {
		byMode = v.(map[bool]*wireHelper)
		if h := byMode[tracked]; h != nil {
			return h
		}
	} else {
		byMode = map[bool]*wireHelper{}
		w.helpers.Set(t, byMode)
	}
	base := hint(t)
	if !tracked {
		base += "Tree"
	}
	name := base
	for i := 2; w.names[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	w.names[name] = true
	h := &wireHelper{t: t, name: name, typeName: types.TypeString(t, p.l.qualifier), appendName: "isolategenWireAppend" + name, decodeName: "isolategenWireDecode" + name, tracked: tracked}
	byMode[tracked] = h
	w.pending.helpers = append(w.pending.helpers, h)
	switch x := t.(type) {
	case *types.Slice:
		h.elem = p.wireValueOf(x.Elem(), at.elem(), tracked, tree)
	case *types.Map:
		h.key = p.wireValueOf(x.Key(), at.key(), tracked, tree)
		h.elem = p.wireValueOf(x.Elem(), at.elem(), tracked, tree)
	}
	return h
}

// wireChildren are the types a value of type t holds on the wire.
func (p *planner) wireChildren(t types.Type) []types.Type {
	switch u := types.Unalias(t).(type) {
	case *types.Named:
		if u.Obj().Pkg() != p.l.pkg.Types || isGeneric(u) {
			return nil
		}
		if _, isIface := u.Underlying().(*types.Interface); isIface {
			return nil
		}
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
			out = append(out, u.Field(i).Type())
		}
		return out
	}
	return nil
}

func (p *planner) wireReachable(t types.Type) []types.Type {
	var seen typeutil.Map
	var out []types.Type
	var walk func(types.Type)
	walk = func(t types.Type) {
		if seen.At(t) != nil {
			return
		}
		seen.Set(t, true)
		out = append(out, t)
		for _, ch := range p.wireChildren(t) {
			walk(ch)
		}
	}
	walk(t)
	return out
}

// wireOnCycle reports whether a value of type t can hold another of type t.
func (p *planner) wireOnCycle(t types.Type) bool {
	w := p.wireState()
	if v := w.cycles.At(t); v != nil {
		return v.(bool)
	}
	found := false
	for _, ch := range p.wireChildren(t) {
		for _, r := range p.wireReachable(ch) {
			if types.Identical(r, t) {
				found = true
			}
		}
	}
	w.cycles.Set(t, found)
	return found
}
