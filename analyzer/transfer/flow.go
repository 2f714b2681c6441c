package transfer

import (
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// The move analysis of one function, on SSA form, in two phases.
//
// The first phase, once per function, is an intraprocedural points-to
// analysis. Memory is modelled by origins: an origin stands for the object
// (or, for a value of struct or array type, the memory reachable from it)
// that one instruction makes: an allocation, a make, a call's result, a
// closure, a parameter, a free variable, a global. An origin's most recent
// instance is the one tracked: when its instruction runs again (a loop),
// references to the old instance are dropped, so a value made fresh on
// every iteration is never mistaken for the one an earlier iteration
// moved. What a container (a field of an origin, its elements, a
// variable's cell) holds is a set of origins; a container never stored to
// on the path holds its initial content, an origin of its own. Each element
// loaded from a slice, array or map is an origin of its own, since one
// element says nothing of another. The phase records, for each instruction,
// what the second phase needs: which containers a load reads and a store
// overwrites, what each handed-on value reaches, and at each transfer the
// values and containers that refer to the moved memory (everything
// reachable from the moved value).
//
// The second phase, once per transfer, follows the paths from the
// transfer: which values refer to moved memory (tainted values) and which
// containers outside it hold a reference into it (tainted containers).
// Using a tainted value, or handing on a value from which a tainted
// container is reachable, is a use after the transfer; each path reports
// its first use only.

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
	depth int // kInit: how many containers deep
}

// maxDepth bounds the chains of initial contents (p.next.next...): deeper
// loads are not tracked, which can only hide a use, never invent one.
const maxDepth = 4

// flow is the move analysis of one function.
type flow struct {
	fn       *ssa.Function
	sendable func(types.Type) bool // a copy shares nothing
	origins  []origin
	byKey    map[any]int   // instruction, value or defer → its origin
	byInit   map[ckey]int  // container → the origin of its initial content
	inits    map[int][]int // origin → the initial contents of its containers
	defers   map[int]*ssa.Defer
	sites    map[ssa.Instruction]ssa.Value // transfer calls → the moved value
	// debug maps each block to its DebugRefs, by instruction index.
	debug map[*ssa.BasicBlock][]debugRef
	// info holds what the first phase found at each instruction.
	info map[ssa.Instruction]*info
}

type debugRef struct {
	index int
	ref   *ssa.DebugRef
}

// info is what the taint phase needs to know of one instruction.
type info struct {
	loads []ckey // containers whose taint the loaded value takes
	kills []ckey // containers a strong store overwrites
	// spreads: where a tainted source container makes destinations
	// tainted (append, copy).
	spreads []spread
	drops   set               // origins made afresh: their containers are new
	reach   map[ssa.Value]set // handed-on operands → the origins they reach
	defers  []deferReach      // at RunDefers, Panic and Exit: the pending deferred calls
	seed    *seed             // at a transfer: what it taints
}

type spread struct{ from, to []ckey }

type deferReach struct {
	d     *ssa.Defer
	reach set
}

// seed is what a transfer taints.
type seed struct {
	values map[ssa.Value]bool
	keys   map[ckey]bool
}

func newFlow(fn *ssa.Function, sendable func(types.Type) bool, sites map[ssa.Instruction]ssa.Value) *flow {
	f := &flow{
		fn:       fn,
		sendable: sendable,
		byKey:    map[any]int{},
		byInit:   map[ckey]int{},
		inits:    map[int][]int{},
		defers:   map[int]*ssa.Defer{},
		sites:    sites,
		debug:    map[*ssa.BasicBlock][]debugRef{},
		info:     map[ssa.Instruction]*info{},
	}
	for _, b := range fn.Blocks {
		for i, instr := range b.Instrs {
			if ref, ok := instr.(*ssa.DebugRef); ok && !ref.IsAddr {
				f.debug[b] = append(f.debug[b], debugRef{i, ref})
			}
		}
	}
	f.pointsTo()
	return f
}

func (f *flow) siteOrigin(key any, kind originKind) int {
	if o, ok := f.byKey[key]; ok {
		return o
	}
	o := len(f.origins)
	f.origins = append(f.origins, origin{kind: kind})
	f.byKey[key] = o
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
	f.origins = append(f.origins, origin{kind: kInit, depth: depth})
	f.byInit[k] = o
	f.inits[k.o] = append(f.inits[k.o], o)
	return o
}

// state is the points-to state at a point of the function, joined over the
// paths that reach it.
type state struct {
	pts     map[ssa.Value]set // origins each pointer-holding value refers to
	cnt     map[ckey]set      // what each container holds
	elems   map[int]set       // elements loaded from each origin's containers
	pending set               // deferred calls registered (their origins)
}

func newState() *state {
	return &state{pts: map[ssa.Value]set{}, cnt: map[ckey]set{}, elems: map[int]set{}}
}

// copy returns an independent copy. Sets stored in maps are never changed
// in place, so the maps are copied shallowly.
func (s *state) copy() *state {
	return &state{pts: clone(s.pts), cnt: clone(s.cnt), elems: clone(s.elems), pending: s.pending.clone()}
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
	changed := joinSets(s.pts, t.pts)
	changed = joinSets(s.cnt, t.cnt) || changed
	changed = joinSets(s.elems, t.elems) || changed
	return s.pending.union(t.pending) || changed
}

func joinSets[K comparable](dst, src map[K]set) bool {
	changed := false
	for k, v := range src {
		old, ok := dst[k]
		switch {
		case !ok:
			dst[k] = v
			changed = true
		case !v.subset(old):
			n := old.clone()
			n.union(v)
			dst[k] = n
			changed = true
		}
	}
	return changed
}

// pointsTo runs the first phase to its fixed point, then records what
// each instruction does.
func (f *flow) pointsTo() {
	fn := f.fn
	if len(fn.Blocks) == 0 {
		return
	}
	entry := newState()
	for _, p := range fn.Params {
		if hasPointers(p.Type()) {
			entry.pts[p] = single(f.siteOrigin(p, kSite))
		}
	}
	for _, fv := range fn.FreeVars {
		entry.pts[fv] = single(f.siteOrigin(fv, kSite))
	}
	in := map[*ssa.BasicBlock]*state{fn.Blocks[0]: entry}
	queue := []*ssa.BasicBlock{fn.Blocks[0]}
	queued := map[*ssa.BasicBlock]bool{fn.Blocks[0]: true}
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		queued[b] = false
		s := in[b].copy()
		for _, instr := range b.Instrs {
			f.step(s, instr, nil)
		}
		for _, succ := range b.Succs {
			out := s.copy()
			f.phis(out, b, succ)
			if old, ok := in[succ]; !ok {
				in[succ] = out
			} else if !old.join(out) {
				continue
			}
			if !queued[succ] {
				queued[succ] = true
				queue = append(queue, succ)
			}
		}
	}
	for _, b := range fn.Blocks {
		s, ok := in[b]
		if !ok {
			continue // unreachable
		}
		s = s.copy()
		for _, instr := range b.Instrs {
			inf := &info{}
			f.step(s, instr, inf)
			f.info[instr] = inf
		}
	}
}

// phis sets the φ-nodes of succ to their operands on the edge from b.
func (f *flow) phis(s *state, b, succ *ssa.BasicBlock) {
	idx := slices.Index(succ.Preds, b)
	type phiVal struct {
		phi *ssa.Phi
		pts set
	}
	var vals []phiVal
	for _, instr := range succ.Instrs {
		phi, ok := instr.(*ssa.Phi)
		if !ok {
			break
		}
		if idx >= 0 && idx < len(phi.Edges) {
			vals = append(vals, phiVal{phi, f.ptsOf(s, phi.Edges[idx])})
		}
	}
	for _, v := range vals {
		f.define(s, v.phi, v.pts)
	}
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

// define records the origins of v, replacing those of an earlier run of its
// instruction. A value that holds no pointer refers to nothing.
func (f *flow) define(s *state, v ssa.Value, p set) {
	if p.empty() || !hasPointers(v.Type()) {
		delete(s.pts, v)
		return
	}
	s.pts[v] = p
}

// fresh makes a new instance of origin o: references to the old one are
// dropped, with what it and its contents held. It returns the origins
// dropped.
func (f *flow) fresh(s *state, o int) set {
	// The initial contents of its containers and the elements loaded from
	// it belong to the old instance too.
	drop := single(o)
	for work := []int{o}; len(work) > 0; {
		x := work[len(work)-1]
		work = work[:len(work)-1]
		next := slices.Clone(f.inits[x])
		s.elems[x].each(func(e int) { next = append(next, e) })
		for _, y := range next {
			if !drop.has(y) {
				drop.add(y)
				work = append(work, y)
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
	return drop
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

// load returns what instr loads from addr, and the containers it reads.
func (f *flow) load(s *state, addr ssa.Value, instr any) (set, []ckey) {
	origins, kind, field := f.addrOf(s, addr)
	var out set
	var keys []ckey
	origins.each(func(o int) {
		switch {
		case kind == aField:
			k := ckey{o, field}
			if _, ok := s.cnt[k]; !ok {
				if d, ok := s.cnt[ckey{o, fDefault}]; ok {
					out.union(d)
					keys = append(keys, ckey{o, fDefault})
					return
				}
				f.initialise(s, k)
			}
			out.union(s.cnt[k])
			keys = append(keys, k)
		case kind == aElem:
			// Which element is loaded is not known: the result is an
			// origin of its own (below), tainted if the elements may
			// hold moved memory.
			keys = append(keys, ckey{o, fElem})
		case isStructPtr(addr.Type()):
			// A whole struct: every field.
			found := false
			for k, c := range s.cnt {
				if k.o == o {
					out.union(c)
					keys = append(keys, k)
					found = true
				}
			}
			if !found {
				k := ckey{o, fDefault}
				f.initialise(s, k)
				out.union(s.cnt[k])
				keys = append(keys, k)
			}
		default:
			k := ckey{o, fElem}
			f.initialise(s, k)
			out.union(s.cnt[k])
			keys = append(keys, k)
		}
	})
	if kind == aElem {
		return f.element(s, origins, instr), keys
	}
	return out, keys
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

// store records that v is stored at addr, and returns the containers it
// overwrites.
func (f *flow) store(s *state, addr ssa.Value, v set) []ckey {
	origins, kind, field := f.addrOf(s, addr)
	strong := countOf(origins) == 1 && kind != aElem
	var kills []ckey
	put := func(k ckey) {
		if strong {
			s.cnt[k] = v
			kills = append(kills, k)
			return
		}
		n := s.cnt[k].clone()
		n.union(v)
		s.cnt[k] = n
	}
	origins.each(func(o int) {
		switch {
		case kind == aField:
			put(ckey{o, field})
		case kind == aElem:
			put(ckey{o, fElem})
		case isStructPtr(addr.Type()):
			for k := range s.cnt {
				if k.o == o {
					if strong {
						delete(s.cnt, k)
						kills = append(kills, k)
					} else {
						put(k)
					}
				}
			}
			put(ckey{o, fDefault})
		default:
			put(ckey{o, fElem})
		}
	})
	return kills
}

func countOf(s set) int {
	n := 0
	s.each(func(int) { n++ })
	return n
}

// elemKeys returns the element containers of the origins p, and what they
// hold.
func (f *flow) elemKeys(s *state, p set) ([]ckey, set) {
	var keys []ckey
	var out set
	p.each(func(o int) {
		k := ckey{o, fElem}
		keys = append(keys, k)
		out.union(s.cnt[k])
	})
	return keys, out
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
