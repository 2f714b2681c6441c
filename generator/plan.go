package generator

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/go-isolate/isolate/internal/fingerprint"
	"github.com/go-isolate/isolate/internal/sendable"
)

// Planning is the second step of generating: a pure step from the loaded
// package to plain values that say everything the generated code will do,
// and every error. Emit (emit_message.go, emit_port.go) renders a plan and
// decides nothing; tests judge plans without rendering them.
//
// Where later outputs plug in:
//   - a new per-message output (a wire codec) adds its plan as a field of
//     messagePlan, filled in planMessage, and its renderer to
//     messageOutputs;
//   - a new per-port output (a pool spawner) adds its renderer to
//     portOutputs, with what it needs in portPlan;
//   - a new copy strategy adds an action (or a helperPlan field) decided in
//     copyPlanner.action or copyPlanner.planHelper, and its rendering in the
//     matching case of emit_message.go.

// packagePlan is what one package's generated file holds, in order.
type packagePlan struct {
	messages []*messagePlan // //isolate:message types, in source order
	// unchecked are the //isolate:unchecked types that get the marker
	// method runtime.Unchecked asks for, in source order.
	unchecked []*uncheckedPlan
	ports     []*portPlan // //isolate:port interfaces, in source order
	errs      ErrorList
}

// empty reports whether the package has nothing to generate.
func (p *packagePlan) empty() bool {
	return len(p.messages) == 0 && len(p.unchecked) == 0 && len(p.ports) == 0
}

// planner plans one package.
type planner struct {
	l *loaded
	// msgs are all message types of the package, also those whose plan
	// fails: a message field is copied through its own method.
	msgs   map[*types.TypeName]*messagePlan
	failed map[string]bool // errors reported, for reporting each part once
	errs   ErrorList
	wire   *wireState // the package's wire codecs (plan_wire.go)
}

func (p *planner) errorAt(pos token.Pos, format string, args ...any) {
	p.l.errorAt(&p.errs, pos, format, args...)
}

// planPackage plans the generated file of l: its messages, then its ports.
func planPackage(l *loaded) *packagePlan {
	p := &planner{l: l, msgs: map[*types.TypeName]*messagePlan{}, failed: map[string]bool{}}
	out := &packagePlan{}
	var list []*messagePlan
	for _, a := range l.decls {
		if !a.ann.Message {
			continue
		}
		if m := p.newMessage(a); m != nil {
			p.msgs[a.obj] = m
			list = append(list, m)
		}
	}
	for _, m := range list {
		if p.planMessage(m) {
			out.messages = append(out.messages, m)
		}
	}
	for _, a := range l.decls {
		if a.ann.Unchecked {
			if n := p.planUnchecked(a); n != nil {
				out.unchecked = append(out.unchecked, n)
			}
		}
	}
	for _, a := range l.decls {
		if !a.ann.Port {
			continue
		}
		if pp := p.planPort(a); pp != nil {
			out.ports = append(out.ports, pp)
		}
	}
	out.errs = p.errs
	return out
}

// uncheckedMethod is the method that marks an //isolate:unchecked type for
// the runtime (runtime.Unchecked): a port sends such a type as a plain Go
// copy, and refuses other types that would share memory without a copy.
const uncheckedMethod = "IsolateUnchecked"

// uncheckedPlan is the marker method of one //isolate:unchecked type.
type uncheckedPlan struct {
	named *types.Named
	// ptr: the method has a pointer receiver, because the type holds a
	// lock that a value receiver would copy (go vet's copylocks). The
	// runtime accepts either: it asks T and *T.
	ptr bool
}

// planUnchecked returns the type that gets the marker method, or nil when
// it has one already or cannot have one (an interface: its dynamic values
// are judged; a pointer type: reported, as its author should annotate the
// type it points to).
func (p *planner) planUnchecked(a annotated) *uncheckedPlan {
	named, ok := a.obj.Type().(*types.Named)
	if !ok {
		return nil
	}
	switch named.Underlying().(type) {
	case *types.Interface:
		return nil
	case *types.Pointer:
		p.errorAt(a.spec.Name.Pos(), "%s: //isolate:unchecked on a pointer type, which cannot have the %s method that tells ports to share it: annotate the type it points to", a.obj.Name(), uncheckedMethod)
		return nil
	}
	for i := range named.NumMethods() {
		if named.Method(i).Name() == uncheckedMethod {
			return nil // written by hand
		}
	}
	return &uncheckedPlan{named: named, ptr: holdsLock(named, map[types.Type]bool{})}
}

// locker is sync.Locker, built here so that no package need be loaded.
var locker = func() *types.Interface {
	sig := types.NewSignatureType(nil, nil, nil, nil, nil, false)
	i := types.NewInterfaceType([]*types.Func{
		types.NewFunc(token.NoPos, nil, "Lock", sig),
		types.NewFunc(token.NoPos, nil, "Unlock", sig),
	}, nil)
	return i.Complete()
}()

// holdsLock reports whether a value of type t holds, in place, a value
// whose pointer is a sync.Locker but which is not one itself (a Mutex, the
// noCopy of sync and atomic types): copying it is what copylocks reports.
func holdsLock(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	for {
		a, ok := t.Underlying().(*types.Array)
		if !ok {
			break
		}
		t = a.Elem()
	}
	if _, isIface := t.Underlying().(*types.Interface); !isIface &&
		types.Implements(types.NewPointer(t), locker) && !types.Implements(t, locker) {
		return true
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := range st.NumFields() {
		if holdsLock(st.Field(i).Type(), seen) {
			return true
		}
	}
	return false
}

// messagePlan is everything decided about one //isolate:message type.
type messagePlan struct {
	obj   *types.TypeName
	named *types.Named // as declared: the origin of a generic type
	self  types.Type   // named instantiated with its own type parameters
	spec  *ast.TypeSpec
	tree  bool // //isolate:message tree
	wire0 bool // //isolate:message wire: the type must cross the wire (strict)

	mode        copyMode
	fingerprint string // what the stale rule compares

	// root is how DeepCopyInto makes *out deep once it holds *in.
	root *step
	// copier names the type whose methods are the helpers.
	copier string
	// helpers copy the pointer, slice and map types where recursion is
	// broken and identity kept, in order of first use.
	helpers []*helperPlan
	// seeded: a pointer helper checks the root's own address first, so
	// the root itself stays out of the memo.
	seeded bool
	// memo is the memo tables of the copy; nil when no helper keeps one.
	memo *memoPlan
	// slabs are the message's slabs, one per element type of the slices
	// the root holds in its fields and collections (rootSlab); copies that
	// track identity have none.
	slabs []*rootSlab
	// wholes are the pointee slabs whose used part the fills of slabs read.
	wholes []*slabPlan
	// wire is the wire codec of the type and what it needs (plan_wire.go).
	wire *wirePlan
	// noWire says why the type has no wire codec (without the wire
	// option, a type that cannot cross gets none); "" when it has one.
	noWire string
}

// memoPlan is the per-copy memo tables of a message type, taken from a
// pool on first use and given back emptied.
type memoPlan struct {
	typeName string        // the struct of tables: isolategenSeen<Name>
	pool     string        // its sync.Pool: isolategenPool<Name>
	tables   []*helperPlan // the helpers that keep a table, in order
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
	// slice and map on a cycle of the type graph, goes through a memo table.
	modeTracked
)

func (m copyMode) String() string {
	switch m {
	case modePlain:
		return "plain"
	case modeTree:
		return "tree"
	case modeTracked:
		return "tracked"
	}
	return "copyMode(" + strconv.Itoa(int(m)) + ")"
}

// action is what copying a value of some type takes.
type action int

const (
	actAssign action = iota // sendable: the shallow copy is a deep copy
	actCall                 // a DeepCopyInto method does it
	actInline               // expanded here, field by field, element by element
	actHelper               // through a helper method (recursion, identity)
	actFail                 // cannot be copied (reported)
)

func (a action) String() string {
	switch a {
	case actAssign:
		return "assign"
	case actCall:
		return "call"
	case actInline:
		return "inline"
	case actHelper:
		return "helper"
	case actFail:
		return "fail"
	}
	return "action(" + strconv.Itoa(int(a)) + ")"
}

// step is how the copy makes one place deep (the root, a field, an
// element, a pointee) once the place holds a shallow copy of its source.
type step struct {
	t   types.Type
	how action
	// helper is the helper that copies t; how == actHelper.
	helper *helperPlan
	// How an inline step copies, by the kind of t: under for a named type,
	// fields for a struct, elem for a pointer, slice, array or map.
	under  *step
	fields []fieldStep
	elem   *step
	// badKey: a map whose key cannot be copied (reported); nothing more
	// is planned for it.
	badKey bool
	// slabs are the backing arrays a collection (an inline slice or map)
	// declares before its loop, from which the copies of its elements
	// take their pointees and small slices: one allocation for many.
	slabs []*slabPlan
	// fromSlab: this pointer's pointee, or this slice's backing array,
	// is carved from the slab rather than allocated.
	fromSlab *slabPlan
	// interior lists, for a struct copied at its final address, the
	// fields (at any depth of inline structs) whose address a tracked
	// pointer type can hold: each is entered in that pointer's memo
	// table before anything is copied, so that a pointer into the value
	// points into its copy.
	interior []interiorPlan
}

// slabPlan is one backing array shared by the copies of a collection's
// elements: the pointees of a slice or map of pointers (pointees), or the
// slices of sendable elements held in one field of every element (path),
// counted in a first pass over the collection unless the message's slab
// of their element type holds them (shared). A value carved from a slab
// keeps the whole slab alive (see the package doc).
type slabPlan struct {
	name     string     // the variable holding what is left of the slab
	elem     types.Type // the slab's element type
	pointees bool       // the pointees of the collection's elements
	path     []string   // else the field of each element (or pointee)
	deref    bool       // the collection's elements are pointers (nil skipped)
	// shared: the slices are carved from the message's slab of their
	// element type instead: counted as they are reached, filled at the end.
	shared *rootSlab
	// whole names the variable, declared with the message's slabs, that
	// keeps this pointee slab's used part for the fill loops of shared.
	whole string
}

// rootSlab is one backing array for the slices of one sendable element
// type that the root holds, in its fields and in the elements (or
// pointees) of its collections: all the Tags of all line items, of all
// products and of the order in one allocation. Each such slice is counted
// where the copy reaches it and keeps its source meanwhile; once all is
// copied, one make allocates the slab and the fills give every slice its
// part. A collection thus needs no counting pass of its own (a map is
// iterated once), and the message one allocation per element type.
type rootSlab struct {
	name  string     // the slab variable
	count string     // the counter, declared before the copy
	elem  types.Type // the element type
	fills []slabFill // in the order the copy reaches them
}

// slabFill is one place whose slices a rootSlab fills.
type slabFill struct {
	path  []string // the root's field: out.Tags, out.Items
	field string   // the field of each element, "" when path is the slice
	// whole: the elements are the pointees carved from this slab variable
	// (path then only names the collection, for reading).
	whole string
}

// interiorPlan is one field whose address is entered in a memo table.
type interiorPlan struct {
	path   []string    // field names from the struct: in.A.B
	helper *helperPlan // the pointer helper whose table keeps it
}

// fieldStep is the step of one struct field; blank fields have none.
type fieldStep struct {
	name string
	step *step
}

// helperPlan is an unexported method of the copier type that copies one
// pointer, slice or map type: where cycles are broken and identity tracked.
type helperPlan struct {
	name string
	t    types.Type // the pointer, slice or map type, never named
	seen string     // its memo table, "" when it keeps none
	seed bool       // a pointer to the root: compared with the root first
	// rootFields are paths of the root's fields of the pointee type: a
	// pointer to one is compared with it first, as seed does for the
	// root, so the root's address never enters a memo table.
	rootFields [][]string
	at         loc // where the type was first reached, for errors
	// elem is how the pointee, or each element, is copied.
	elem   *step
	badKey bool // a map whose key cannot be copied (reported)
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

// generated are the methods this generator writes on a message type.
var generated = []string{"DeepCopyInto", "DeepCopy", "Transfer"}

// newMessage makes the plan of a message type before its copy is planned,
// or reports why there is none.
func (p *planner) newMessage(a annotated) *messagePlan {
	named, ok := a.obj.Type().(*types.Named)
	if !ok {
		return nil
	}
	m := &messagePlan{obj: a.obj, named: named, self: named, spec: a.spec, tree: a.ann.Tree, wire0: a.ann.Wire}
	if tps := named.TypeParams(); tps != nil && tps.Len() > 0 {
		args := make([]types.Type, tps.Len())
		for i := range args {
			args[i] = tps.At(i)
		}
		inst, err := types.Instantiate(nil, named, args, false)
		if err != nil {
			p.errorAt(a.spec.Name.Pos(), "%s: cannot instantiate with its own type parameters: %v", a.obj.Name(), err)
			return nil
		}
		m.self = inst
	}
	return m
}

// planMessage plans the copy of m and reports whether it has one.
func (p *planner) planMessage(m *messagePlan) bool {
	name := m.obj.Name()
	switch m.named.Underlying().(type) {
	case *types.Pointer:
		p.errorAt(m.spec.Name.Pos(), "%s: //isolate:message on a pointer type, which cannot have methods: annotate the type it points to", name)
		return false
	case *types.Interface:
		return false // directive.Scan reported it
	}
	for i := range m.named.NumMethods() {
		meth := m.named.Method(i)
		for _, gen := range generated {
			if meth.Name() == gen {
				p.errorAt(meth.Pos(), "%s already has a method %s: remove it, or remove //isolate:message from %s and write all of %s yourself", name, gen, name, strings.Join(generated, ", "))
			}
		}
	}
	c := p.newCopyPlanner(m)
	if c == nil {
		return false
	}
	nerrs := len(p.errs)
	m.fingerprint = fingerprint.Of(m.named, m.tree)
	m.copier = "isolategenCopy" + name
	m.root = c.build(m.named.Underlying(), loc{name, m.spec.Name.Pos()})
	for len(c.queue) > 0 {
		h := c.queue[0]
		c.queue = c.queue[1:]
		c.planHelper(h)
	}
	if c.mode != modeTracked {
		c.planRootSlabs(m.root)
	}
	if c.mode == modeTracked {
		c.rootInteriors(m.root)
		for _, h := range m.helpers {
			_, isMap := types.Unalias(h.t).(*types.Map)
			c.interiors(h.elem, !isMap, false)
		}
	}
	for _, h := range m.helpers {
		if h.seen != "" {
			if m.memo == nil {
				m.memo = &memoPlan{typeName: "isolategenSeen" + name, pool: "isolategenPool" + name}
			}
			m.memo.tables = append(m.memo.tables, h)
		}
	}
	m.wire = p.planWire(m)
	return len(p.errs) == nerrs
}

// copyPlanner plans the copy of one message type (the root).
type copyPlanner struct {
	p      *planner
	m      *messagePlan
	mode   copyMode
	byType typeutil.Map // types.Type → *helperPlan
	queue  []*helperPlan
	names  map[string]bool
	cycles typeutil.Map // types.Type → bool: on a cycle of the type graph
}

// newCopyPlanner decides m's copy mode, or reports why m cannot be copied.
func (p *planner) newCopyPlanner(m *messagePlan) *copyPlanner {
	c := &copyPlanner{p: p, m: m, names: map[string]bool{}}
	defer func() { m.mode = c.mode }()
	if m.tree {
		c.mode = modeTree
		return c
	}
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
	return c
}

// kind says how t is copied, before helpers are considered.
func (c *copyPlanner) kind(t types.Type) action {
	t = types.Unalias(t)
	if class, _ := c.p.l.checker.Classify(t); class == sendable.Sendable {
		return actAssign
	}
	switch t := t.(type) {
	case *types.Named:
		if m := c.p.msgs[t.Origin().Obj()]; m != nil {
			if c.mode != modeTree && !m.tree {
				// The message's structure is copied here rather than
				// through its own method: one memo for the whole value,
				// and allocations planned across it (slabs).
				return actInline
			}
			return actCall
		}
		if sendable.HasDeepCopyInto(t) {
			return actCall
		}
		if t.Obj().Pkg() == c.p.l.pkg.Types {
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

// action says how t is copied in this copy.
func (c *copyPlanner) action(t types.Type) action {
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

// mapKeyWhy is why a map key that is not sendable cannot be copied.
const mapKeyWhy = "a map key must be sendable: a copied key would be a different key"

// build plans the copy of a place of type t at at.
func (c *copyPlanner) build(t types.Type, at loc) *step {
	s := &step{t: t, how: c.action(t)}
	switch s.how {
	case actHelper:
		s.helper = c.helperFor(t, at)
	case actFail:
		c.fail(t, at, "")
	case actInline:
		switch u := types.Unalias(t).(type) {
		case *types.Named:
			s.under = c.build(u.Underlying(), at)
		case *types.Struct:
			for i := range u.NumFields() {
				f := u.Field(i)
				if f.Name() == "_" {
					continue // cannot be named, so never set but through unsafe
				}
				s.fields = append(s.fields, fieldStep{f.Name(), c.build(f.Type(), at.field(f))})
			}
		case *types.Pointer:
			s.elem = c.build(u.Elem(), at)
		case *types.Slice:
			s.elem = c.build(u.Elem(), at.elem())
			c.planSlabs(s)
		case *types.Array:
			s.elem = c.build(u.Elem(), at.elem())
		case *types.Map:
			if c.action(u.Key()) != actAssign {
				c.fail(u.Key(), at.key(), mapKeyWhy)
				s.badKey = true
				return s
			}
			s.elem = c.build(u.Elem(), at.elem())
			c.planSlabs(s)
		}
	}
	return s
}

// planSlabs plans the slabs of collection step s, an inline slice or map:
// the pointees of its elements when they are pointers copied inline, and
// each field of its (pointed-to) struct elements that is a slice of
// sendable values. Copies that track identity keep one allocation per
// value, which the memo knows by address, and so plan none.
func (c *copyPlanner) planSlabs(s *step) {
	if c.mode == modeTracked {
		return
	}
	e, deref := s.elem, false
	if p, ok := types.Unalias(e.t).(*types.Pointer); ok && e.how == actInline && e.elem != nil && e.elem.how != actFail {
		sp := &slabPlan{name: c.unique("slab" + hint(p.Elem())), elem: p.Elem(), pointees: true}
		e.fromSlab = sp
		s.slabs = append(s.slabs, sp)
		e, deref = e.elem, true
	}
	e = unwrap(e)
	if e == nil || e.how != actInline {
		return
	}
	if _, ok := types.Unalias(e.t).(*types.Struct); !ok {
		return
	}
	for _, f := range e.fields {
		fs := f.step
		sl, ok := types.Unalias(fs.t).(*types.Slice)
		if !ok || fs.how != actInline || fs.elem.how != actAssign {
			continue
		}
		sp := &slabPlan{name: c.unique("slab" + upper(f.name)), elem: sl.Elem(), path: []string{f.name}, deref: deref}
		fs.fromSlab = sp
		s.slabs = append(s.slabs, sp)
	}
}

// unwrap returns the step that copies s's underlying type inline.
func unwrap(s *step) *step {
	for s != nil && s.how == actInline && s.under != nil {
		s = s.under
	}
	return s
}

// planRootSlabs gathers the slices of sendable elements that the root
// struct holds, in its fields (through inline structs) and in the elements
// or pointees of its inline slices and of its maps of pointers, into one
// rootSlab per element type. A type is gathered when that saves an
// allocation or a counting pass: found in two places or more, or in a
// collection. Slices deeper down (in a collection's element's collection,
// behind a pointer) keep the slabs of their own collection.
func (c *copyPlanner) planRootSlabs(root *step) {
	s := unwrap(root)
	if s == nil || s.how != actInline {
		return
	}
	if _, ok := types.Unalias(s.t).(*types.Struct); !ok {
		return
	}
	type site struct {
		fill  slabFill
		coll  bool
		slab  *slabPlan // a collection's field slab, else nil
		self  *step     // a field slice, else nil
		owner *slabPlan // the pointee slab of the collection, if filled over it
	}
	var elems []types.Type
	sites := map[int][]site{}
	group := func(t types.Type) int {
		for i, e := range elems {
			if types.Identical(e, t) {
				return i
			}
		}
		elems = append(elems, t)
		return len(elems) - 1
	}
	inColl := func(sp, owner *slabPlan, fill slabFill) {
		g := group(sp.elem)
		sites[g] = append(sites[g], site{fill: fill, coll: true, slab: sp, owner: owner})
	}
	var walk func(s *step, path []string)
	walk = func(s *step, path []string) {
		for _, f := range s.fields {
			p := append(path[:len(path):len(path)], f.name)
			fs := unwrap(f.step)
			if fs == nil || fs.how != actInline {
				continue
			}
			switch u := types.Unalias(fs.t).(type) {
			case *types.Struct:
				walk(fs, p)
			case *types.Slice:
				if fs.elem.how == actAssign {
					g := group(u.Elem())
					sites[g] = append(sites[g], site{fill: slabFill{path: p}, self: fs})
					continue
				}
				c.rootCollection(fs, p, false, inColl)
			case *types.Map:
				c.rootCollection(fs, p, true, inColl)
			}
		}
	}
	walk(s, nil)
	for g, e := range elems {
		list := sites[g]
		coll := false
		for _, st := range list {
			coll = coll || st.coll
		}
		if len(list) < 2 && !coll {
			continue
		}
		rs := &rootSlab{name: c.unique("slab" + hint(e)), count: c.unique("n" + hint(e)), elem: e}
		for _, st := range list {
			if st.owner != nil {
				if st.owner.whole == "" {
					st.owner.whole = c.unique("all" + hint(st.owner.elem))
					c.m.wholes = append(c.m.wholes, st.owner)
				}
				st.fill.whole = st.owner.whole
			}
			if st.self != nil {
				st.self.fromSlab = &slabPlan{name: rs.name, elem: e, shared: rs}
			} else {
				st.slab.shared = rs
				st.slab.name = rs.name
			}
			rs.fills = append(rs.fills, st.fill)
		}
		c.m.slabs = append(c.m.slabs, rs)
	}
}

// rootCollection reports the field slabs of collection step s, at path of
// the root, that a rootSlab can fill: every one of a slice, whose
// elements stay in place, and those of a map's pointees; a map's struct
// values are copied through a local, and keep their counting pass.
func (c *copyPlanner) rootCollection(s *step, path []string, isMap bool, add func(sp, owner *slabPlan, fill slabFill)) {
	var owner *slabPlan
	for _, sp := range s.slabs {
		if sp.pointees {
			owner = sp
		}
	}
	for _, sp := range s.slabs {
		if sp.pointees || len(sp.path) != 1 {
			continue
		}
		switch {
		case sp.deref && owner != nil:
			add(sp, owner, slabFill{path: path, field: sp.path[0]})
		case !sp.deref && !isMap:
			add(sp, nil, slabFill{path: path, field: sp.path[0]})
		}
	}
}

// helperFor returns the helper that copies t, planning it on first use.
func (c *copyPlanner) helperFor(t types.Type, at loc) *helperPlan {
	if n, ok := types.Unalias(t).(*types.Named); ok {
		t = n.Underlying()
	}
	if v := c.byType.At(t); v != nil {
		return v.(*helperPlan)
	}
	h := &helperPlan{name: c.unique("copy" + hint(t)), t: t, at: at}
	c.byType.Set(t, h)
	c.m.helpers = append(c.m.helpers, h)
	c.queue = append(c.queue, h)
	return h
}

// planHelper plans the body of a helper, which may ask for more helpers.
func (c *copyPlanner) planHelper(h *helperPlan) {
	memo := c.mode == modeTracked
	switch u := types.Unalias(h.t).(type) {
	case *types.Pointer:
		if memo {
			h.seen = c.unique("seen" + hint(h.t))
		}
		if memo && types.Identical(u.Elem(), c.m.self) {
			h.seed, c.m.seeded = true, true
		}
		h.elem = c.build(u.Elem(), h.at)
	case *types.Slice:
		if memo {
			h.seen = c.unique("seen" + hint(h.t))
		}
		h.elem = c.build(u.Elem(), h.at.elem())
	case *types.Map:
		// A map has identity too: two places can hold the same map.
		if memo {
			h.seen = c.unique("seen" + hint(h.t))
		}
		if c.action(u.Key()) != actAssign {
			c.fail(u.Key(), h.at.key(), mapKeyWhy)
			h.badKey = true
		}
		h.elem = c.build(u.Elem(), h.at.elem())
	}
}

// interiors decides the interior fields of the struct steps at and below
// s. addr says the place s copies is the copy's final memory (a map value
// is not: it is copied through a local); inStruct says s is a field of a
// struct whose step already lists the interiors of its fields.
func (c *copyPlanner) interiors(s *step, addr, inStruct bool) {
	if s == nil || s.how != actInline {
		return
	}
	switch types.Unalias(s.t).(type) {
	case *types.Named:
		c.interiors(s.under, addr, inStruct)
	case *types.Struct:
		if addr && !inStruct {
			s.interior = c.fieldTargets(s, nil)
		}
		for _, f := range s.fields {
			c.interiors(f.step, addr, true)
		}
	case *types.Map:
		c.interiors(s.elem, false, false)
	case *types.Array:
		c.interiors(s.elem, addr, false)
	default: // pointer, slice: new memory
		c.interiors(s.elem, true, false)
	}
}

// rootInteriors plans the interior fields of the root: its fields, and
// those of the structs it holds inline, that a tracked pointer type can
// point to are compared with a pointer before its memo table is consulted,
// as the root itself is (seed), so that the root's memory, which may be on
// the caller's stack, never enters a table. Elements of a root array are
// not entered; below the root, interiors are planned as everywhere.
func (c *copyPlanner) rootInteriors(root *step) {
	s := root
	s = unwrap(s)
	if s == nil || s.how != actInline {
		return
	}
	if _, ok := types.Unalias(s.t).(*types.Struct); !ok {
		c.interiors(s, false, false)
		return
	}
	for _, r := range c.fieldTargets(s, nil) {
		r.helper.rootFields = append(r.helper.rootFields, r.path)
		c.m.seeded = true
	}
	for _, f := range s.fields {
		c.interiors(f.step, true, true)
	}
}

// fieldTargets lists the fields of struct step s, and of the structs it
// holds inline, whose address some tracked pointer helper can be given.
func (c *copyPlanner) fieldTargets(s *step, prefix []string) []interiorPlan {
	var out []interiorPlan
	for _, f := range s.fields {
		path := append(prefix[:len(prefix):len(prefix)], f.name)
		if v := c.byType.At(types.NewPointer(f.step.t)); v != nil {
			if h := v.(*helperPlan); h.seen != "" {
				out = append(out, interiorPlan{path, h})
			}
		}
		inner := unwrap(f.step)
		if inner != nil && inner.how == actInline {
			if _, ok := types.Unalias(inner.t).(*types.Struct); ok {
				out = append(out, c.fieldTargets(inner, path)...)
			}
		}
	}
	return out
}

func (c *copyPlanner) unique(name string) string {
	base := name
	for i := 2; c.names[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	c.names[name] = true
	return name
}

// children are the types a value of type t holds, for the type graph.
func (c *copyPlanner) children(t types.Type) []types.Type {
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
func (c *copyPlanner) reachable(t types.Type) []types.Type {
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
func (c *copyPlanner) onCycle(t types.Type) bool {
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

func (c *copyPlanner) fail(t types.Type, at loc, why string) {
	if why == "" {
		why = c.why(t)
	}
	// A part reached along several paths is reported once, at its first.
	key := fmt.Sprint(at.pos, types.TypeString(t, nil), why)
	if c.p.failed[key] {
		return
	}
	c.p.failed[key] = true
	c.p.errorAt(at.pos, "%s: %s: %s", at.path, types.TypeString(t, c.p.l.qualifier), why)
}

// why explains why a type cannot be copied.
func (c *copyPlanner) why(t types.Type) string {
	q := c.p.l.qualifier
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
		return fmt.Sprintf("type parameter %s is constrained by %s, which admits types that cannot be copied: constrain it to sendable types", u.Obj().Name(), types.TypeString(u.Constraint(), q))
	case *types.Named:
		_, r := c.p.l.checker.Classify(u)
		if p := u.Obj().Pkg(); p != nil && (p.Path() == "sync" || p.Path() == "sync/atomic") {
			return "synchronization state must not be copied: keep it out of the message"
		}
		if r != nil && types.Identical(r.Type, u) && r.Hint != "" {
			return r.Why + " cannot be copied: " + r.Hint
		}
		if _, isIface := u.Underlying().(*types.Interface); isIface {
			return "an interface other than error may hold shared memory: use a concrete type"
		}
		if u.Obj().Pkg() != c.p.l.pkg.Types && u.Obj().Pkg() != nil {
			return fmt.Sprintf("%s of package %s is not sendable and has no DeepCopyInto method: give it one (annotate it //isolate:message in its package), or mark it //isolate:unchecked there if it is safe to share", u.Obj().Name(), u.Obj().Pkg().Path())
		}
		return c.why(u.Underlying())
	}
	return "this kind of value cannot be copied"
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
