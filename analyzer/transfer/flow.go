package transfer

import (
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// The move analysis of one function, on SSA form.
//
// Memory is modelled by origins: an origin stands for the object (or, for a
// value of struct or array type, the memory reachable from it) that one
// instruction makes: an allocation, a make, a call's result, a closure, a
// parameter, a free variable, a global. An origin's most recent instance is
// the one tracked: when its instruction runs again (a loop), references to
// the old instance are dropped, so a value made fresh on every iteration is
// never mistaken for the one an earlier iteration moved. What a container
// (a field of an origin, its elements, a variable's cell) holds is a set of
// origins; a container never stored to on the path holds its initial
// content, an origin of its own. Each element loaded from a slice, array or
// map is an origin of its own, since one element says nothing of another.
//
// Along every path from the transfer, the state records which values refer
// to moved memory (tainted values) and which containers outside the moved
// memory hold a reference into it (tainted containers): at the transfer,
// every value and container whose origins meet the moved region, which is
// everything reachable from the moved value. Using a tainted value, or
// handing on a value from which a tainted container is reachable, is a use
// after the transfer; a path reports its first use only.

// Container fields.
const (
	fElem    = -1 // the elements of a slice, array or map; the content of a cell
	fDefault = -2 // what the fields of a struct hold when none was stored alone
)

// ckey names a container: field f of origin o.
type ckey struct{ o, f int }

type originKind int

const (
	kSite  originKind = iota // made by an instruction, or a parameter, free variable or global
	kInit                    // the initial content of a container
	kElem                    // one element loaded from a slice, array or map
	kDefer                   // the values a deferred call holds
)

type origin struct {
	kind  originKind
	key   ckey // kInit: the container
	depth int  // kInit: how many containers deep
}

// maxDepth bounds the chains of initial contents (p.next.next...): deeper
// loads are not tracked, which can only hide a use, never invent one.
const maxDepth = 4

// flow is the move analysis of one function; its origins are shared by the
// transfers of the function.
type flow struct {
	fn       *ssa.Function
	sendable func(types.Type) bool // a copy shares nothing
	origins  []origin
	byInstr  map[any]int // instruction, value or defer → its origin
	byInit   map[ckey]int
	// debug maps each block to its DebugRefs, by instruction index.
	debug map[*ssa.BasicBlock][]debugRef
}

type debugRef struct {
	index int
	ref   *ssa.DebugRef
}

func newFlow(fn *ssa.Function, sendable func(types.Type) bool) *flow {
	f := &flow{fn: fn, sendable: sendable, byInstr: map[any]int{}, byInit: map[ckey]int{}, debug: map[*ssa.BasicBlock][]debugRef{}}
	for _, b := range fn.Blocks {
		for i, instr := range b.Instrs {
			if ref, ok := instr.(*ssa.DebugRef); ok && !ref.IsAddr {
				f.debug[b] = append(f.debug[b], debugRef{i, ref})
			}
		}
	}
	return f
}

func (f *flow) siteOrigin(key any, kind originKind) int {
	if o, ok := f.byInstr[key]; ok {
		return o
	}
	o := len(f.origins)
	f.origins = append(f.origins, origin{kind: kind})
	f.byInstr[key] = o
	return o
}

// initOrigin returns the origin of container k's initial content, or -1
// beyond maxDepth.
func (f *flow) initOrigin(k ckey) int {
	if o, ok := f.byInit[k]; ok {
		return o
	}
	depth := 1
	if p := f.origins[k.o]; p.kind == kInit {
		depth = p.depth + 1
	}
	if depth > maxDepth {
		return -1
	}
	o := len(f.origins)
	f.origins = append(f.origins, origin{kind: kInit, key: k, depth: depth})
	f.byInit[k] = o
	return o
}

// state is what is known at a point of a path.
type state struct {
	pts   map[ssa.Value]set // origins each pointer-holding value refers to
	cnt   map[ckey]set      // what each container holds
	elems map[int]set       // elements loaded from each origin's containers
	tv    map[ssa.Value]bool
	tc    map[ckey]bool
	// undoV and undoC are what the last transfer tainted: a transfer whose
	// error is not nil moved nothing.
	undoV   map[ssa.Value]bool
	undoC   map[ckey]bool
	pending set // deferred calls registered on the path (their origins)
}

func newState() *state {
	return &state{
		pts:   map[ssa.Value]set{},
		cnt:   map[ckey]set{},
		elems: map[int]set{},
		tv:    map[ssa.Value]bool{},
		tc:    map[ckey]bool{},
		undoV: map[ssa.Value]bool{},
		undoC: map[ckey]bool{},
	}
}

// copy returns an independent copy. Sets stored in maps are never changed
// in place, so the maps are copied shallowly.
func (s *state) copy() *state {
	return &state{
		pts:     clone(s.pts),
		cnt:     clone(s.cnt),
		elems:   clone(s.elems),
		tv:      clone(s.tv),
		tc:      clone(s.tc),
		undoV:   clone(s.undoV),
		undoC:   clone(s.undoC),
		pending: s.pending.clone(),
	}
}

func clone[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// join merges t into s and reports whether s grew.
func (s *state) join(t *state) bool {
	changed := false
	changed = joinSets(s.pts, t.pts) || changed
	changed = joinSets(s.cnt, t.cnt) || changed
	changed = joinSets(s.elems, t.elems) || changed
	changed = joinBools(s.tv, t.tv) || changed
	changed = joinBools(s.tc, t.tc) || changed
	changed = joinBools(s.undoV, t.undoV) || changed
	changed = joinBools(s.undoC, t.undoC) || changed
	changed = s.pending.union(t.pending) || changed
	return changed
}

func joinSets[K comparable](dst, src map[K]set) bool {
	changed := false
	for k, v := range src {
		old, ok := dst[k]
		if !ok {
			dst[k] = v
			changed = true
			continue
		}
		n := old.clone()
		if n.union(v) {
			dst[k] = n
			changed = true
		}
	}
	return changed
}

func joinBools[K comparable](dst, src map[K]bool) bool {
	changed := false
	for k := range src {
		if !dst[k] {
			dst[k] = true
			changed = true
		}
	}
	return changed
}

// moving reports whether anything moved is tracked on the path.
func (s *state) moving() bool { return len(s.tv) > 0 || len(s.tc) > 0 }

// clear forgets the move: the path has reported its first use.
func (s *state) clear() {
	s.tv, s.tc = map[ssa.Value]bool{}, map[ckey]bool{}
	s.undoV, s.undoC = map[ssa.Value]bool{}, map[ckey]bool{}
}

// ptsOf returns the origins v refers to.
func (f *flow) ptsOf(s *state, v ssa.Value) set {
	if p, ok := s.pts[v]; ok {
		return p
	}
	switch v := v.(type) {
	case *ssa.Global:
		return single(f.siteOrigin(v, kSite))
	case *ssa.Parameter, *ssa.FreeVar:
		if hasPointers(v.Type()) {
			return single(f.siteOrigin(v, kSite))
		}
	}
	return nil
}

// define records v's origins and taint, replacing those of an earlier run
// of its instruction. A value that holds no pointer refers to nothing.
// A value of a sendable type is a copy that shares nothing: never tainted.
func (f *flow) define(s *state, v ssa.Value, p set, tainted bool) {
	if tainted && f.sendable(v.Type()) {
		tainted = false
	}
	if p.empty() || !hasPointers(v.Type()) {
		delete(s.pts, v)
	} else {
		s.pts[v] = p
	}
	if tainted {
		s.tv[v] = true
	} else {
		delete(s.tv, v)
	}
}

// fresh makes a new instance of origin o: references to the old one are
// dropped, with what it and its contents held.
func (f *flow) fresh(s *state, o int) {
	drop := single(o)
	// The initial contents of its containers and the elements loaded from
	// it belong to the old instance too.
	for changed := true; changed; {
		changed = false
		for k, io := range f.byInit {
			if drop.has(k.o) && !drop.has(io) {
				drop.add(io)
				changed = true
			}
		}
		for co, es := range s.elems {
			if drop.has(co) {
				if drop.union(es) {
					changed = true
				}
			}
		}
	}
	for v, p := range s.pts {
		if p.intersects(drop) {
			n := p.clone()
			n.minus(drop)
			s.pts[v] = n
		}
	}
	for k, p := range s.cnt {
		if drop.has(k.o) {
			delete(s.cnt, k)
			continue
		}
		if p.intersects(drop) {
			n := p.clone()
			n.minus(drop)
			s.cnt[k] = n
		}
	}
	for k := range s.tc {
		if drop.has(k.o) {
			delete(s.tc, k)
		}
	}
	for co, es := range s.elems {
		if drop.has(co) {
			delete(s.elems, co)
			continue
		}
		if es.intersects(drop) {
			n := es.clone()
			n.minus(drop)
			s.elems[co] = n
		}
	}
}

// make defines v as the fresh object its instruction makes.
func (f *flow) make(s *state, v ssa.Value, key any) int {
	o := f.siteOrigin(key, kSite)
	f.fresh(s, o)
	f.define(s, v, single(o), false)
	return o
}

// reach returns the origins reachable from p through containers.
func (f *flow) reach(s *state, p set) set {
	r := p.clone()
	for changed := true; changed; {
		changed = false
		for k, c := range s.cnt {
			if r.has(k.o) && r.union(c) {
				changed = true
			}
		}
		for co, es := range s.elems {
			if r.has(co) && r.union(es) {
				changed = true
			}
		}
	}
	return r
}

// holds reports whether a value referring to p hands on a reference to
// moved memory: a tainted container is reachable from p.
func (f *flow) holds(s *state, p set) bool {
	if len(s.tc) == 0 || p.empty() {
		return false
	}
	r := f.reach(s, p)
	for k := range s.tc {
		if r.has(k.o) {
			return true
		}
	}
	return false
}

// escapes reports whether handing v on uses moved memory.
func (f *flow) escapes(s *state, v ssa.Value) bool {
	return s.tv[v] || f.holds(s, f.ptsOf(s, v))
}

// move applies the transfer of v: everything that refers to the memory
// reachable from v is tainted.
func (f *flow) move(s *state, v ssa.Value) {
	moved := f.reach(s, f.ptsOf(s, v))
	s.undoV, s.undoC = map[ssa.Value]bool{}, map[ckey]bool{}
	taint := func(x ssa.Value) {
		if !s.tv[x] && !f.sendable(x.Type()) {
			s.tv[x] = true
			s.undoV[x] = true
		}
	}
	taint(v)
	for x, p := range s.pts {
		if p.intersects(moved) {
			taint(x)
		}
	}
	for k, c := range s.cnt {
		if !moved.has(k.o) && c.intersects(moved) && !s.tc[k] {
			s.tc[k] = true
			s.undoC[k] = true
		}
	}
}

// undo reverts the last transfer: its error was not nil.
func (s *state) undo() {
	for v := range s.undoV {
		delete(s.tv, v)
	}
	for k := range s.undoC {
		delete(s.tc, k)
	}
	s.undoV, s.undoC = map[ssa.Value]bool{}, map[ckey]bool{}
}

// Addresses.

type addrKind int

const (
	aCell  addrKind = iota // a variable, or what a pointer points to
	aField                 // a field of a struct
	aElem                  // an element of a slice or array
)

// addrOf says how an address value selects memory: which origins, which
// container.
func (f *flow) addrOf(s *state, addr ssa.Value) (set, addrKind, int) {
	switch a := addr.(type) {
	case *ssa.FieldAddr:
		return f.ptsOf(s, a.X), aField, a.Field
	case *ssa.IndexAddr:
		return f.ptsOf(s, a.X), aElem, fElem
	}
	return f.ptsOf(s, addr), aCell, fElem
}

func isStructPtr(t types.Type) bool {
	p, ok := t.Underlying().(*types.Pointer)
	if !ok {
		return false
	}
	_, ok = p.Elem().Underlying().(*types.Struct)
	return ok
}

// load returns what is loaded from addr by instr, and whether it refers to
// moved memory.
func (f *flow) load(s *state, addr ssa.Value, instr any) (set, bool) {
	origins, kind, field := f.addrOf(s, addr)
	var out set
	tainted := false
	origins.each(func(o int) {
		switch {
		case kind == aField:
			k := ckey{o, field}
			if _, ok := s.cnt[k]; !ok {
				if d, ok := s.cnt[ckey{o, fDefault}]; ok {
					out.union(d)
					tainted = tainted || s.tc[ckey{o, fDefault}]
					return
				}
				f.initialise(s, k)
			}
			out.union(s.cnt[k])
			tainted = tainted || s.tc[k]
		case kind == aElem:
			// Which element is loaded is not known: the result is an
			// origin of its own (below), tainted if the elements may
			// hold moved memory.
			tainted = tainted || s.tc[ckey{o, fElem}]
		case isStructPtr(addr.Type()):
			// A whole struct: every field.
			any := false
			for k, c := range s.cnt {
				if k.o == o {
					out.union(c)
					tainted = tainted || s.tc[k]
					any = true
				}
			}
			if !any {
				k := ckey{o, fDefault}
				f.initialise(s, k)
				out.union(s.cnt[k])
			}
		default:
			k := ckey{o, fElem}
			if _, ok := s.cnt[k]; !ok {
				f.initialise(s, k)
			}
			out.union(s.cnt[k])
			tainted = tainted || s.tc[k]
		}
	})
	if kind == aElem {
		out.union(f.element(s, origins, instr))
	}
	return out, tainted
}

// element returns the origin of one element loaded by instr from the
// containers of origins: fresh on every load.
func (f *flow) element(s *state, origins set, instr any) set {
	e := f.siteOrigin(instr, kElem)
	f.fresh(s, e)
	origins.each(func(o int) {
		es := s.elems[o].clone()
		es.add(e)
		s.elems[o] = es
	})
	return single(e)
}

// initialise gives container k its initial content.
func (f *flow) initialise(s *state, k ckey) {
	if _, ok := s.cnt[k]; ok {
		return
	}
	if io := f.initOrigin(k); io >= 0 {
		s.cnt[k] = single(io)
	} else {
		s.cnt[k] = nil
	}
}

// store records that v is stored at addr.
func (f *flow) store(s *state, addr ssa.Value, v set, vTainted bool) {
	origins, kind, field := f.addrOf(s, addr)
	strong := len(origins) > 0 && countOf(origins) == 1 && kind != aElem
	origins.each(func(o int) {
		switch {
		case kind == aField:
			f.put(s, ckey{o, field}, v, vTainted, strong)
		case kind == aElem:
			f.put(s, ckey{o, fElem}, v, vTainted, false)
		case isStructPtr(addr.Type()):
			if strong {
				for k := range s.cnt {
					if k.o == o {
						delete(s.cnt, k)
						delete(s.tc, k)
					}
				}
				f.put(s, ckey{o, fDefault}, v, vTainted, true)
				return
			}
			for k := range s.cnt {
				if k.o == o {
					f.put(s, k, v, vTainted, false)
				}
			}
			f.put(s, ckey{o, fDefault}, v, vTainted, false)
		default:
			f.put(s, ckey{o, fElem}, v, vTainted, strong)
		}
	})
}

func (f *flow) put(s *state, k ckey, v set, tainted, strong bool) {
	if strong {
		s.cnt[k] = v
		if tainted {
			s.tc[k] = true
		} else {
			delete(s.tc, k)
		}
		return
	}
	n := s.cnt[k].clone()
	n.union(v)
	s.cnt[k] = n
	if tainted {
		s.tc[k] = true
	}
}

func countOf(s set) int {
	n := 0
	s.each(func(int) { n++ })
	return n
}

// elemsOf returns the element contents of the origins p, and whether one of
// them holds moved memory.
func (f *flow) elemsOf(s *state, p set) (set, bool) {
	var out set
	tainted := false
	p.each(func(o int) {
		k := ckey{o, fElem}
		out.union(s.cnt[k])
		tainted = tainted || s.tc[k]
	})
	return out, tainted
}

// hasPointers reports whether a value of type t can refer to memory.
func hasPointers(t types.Type) bool {
	return pointers(t, map[types.Type]bool{})
}

func pointers(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Kind() == types.UnsafePointer
	case *types.Struct:
		for i := range u.NumFields() {
			if pointers(u.Field(i).Type(), seen) {
				return true
			}
		}
		return false
	case *types.Array:
		return pointers(u.Elem(), seen)
	case *types.Tuple:
		for i := range u.Len() {
			if pointers(u.At(i).Type(), seen) {
				return true
			}
		}
		return false
	}
	// Pointers, slices, maps, channels, funcs, interfaces, type parameters.
	return true
}

// derivedFrom returns the operand a value is computed from without touching
// memory (an address inside it, a conversion, a part of it), or nil.
func derivedFrom(v ssa.Value) ssa.Value {
	switch v := v.(type) {
	case *ssa.FieldAddr:
		return v.X
	case *ssa.IndexAddr:
		return v.X
	case *ssa.Field:
		return v.X
	case *ssa.Index:
		return v.X
	case *ssa.Slice:
		return v.X
	case *ssa.ChangeType:
		return v.X
	case *ssa.Convert:
		return v.X
	case *ssa.MultiConvert:
		return v.X
	case *ssa.ChangeInterface:
		return v.X
	case *ssa.MakeInterface:
		return v.X
	case *ssa.SliceToArrayPointer:
		return v.X
	case *ssa.TypeAssert:
		return v.X
	case *ssa.Range:
		return v.X
	}
	return nil
}

// nameOf finds the source expression through which instr, at index i of
// block b, uses v: the closest DebugRef before it whose value v is
// computed from.
func (f *flow) nameOf(b *ssa.BasicBlock, i int, v ssa.Value) *ssa.DebugRef {
	var cands []ssa.Value
	for x, n := v, 0; x != nil && n < 8; n++ {
		cands = append(cands, x)
		next := derivedFrom(x)
		if next == nil {
			switch y := x.(type) {
			case *ssa.UnOp:
				if y.Op == token.MUL {
					next = y.X
				}
			case *ssa.Extract:
				next = y.Tuple
			case *ssa.Lookup:
				next = y.X
			}
		}
		x = next
	}
	refs := f.debug[b]
	for j := len(refs) - 1; j >= 0; j-- {
		if refs[j].index < i && slices.Contains(cands, refs[j].ref.X) {
			return refs[j].ref
		}
	}
	return nil
}
