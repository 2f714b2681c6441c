package transfer

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// step applies instr to the points-to state s. With inf, it also records
// what the taint phase needs of instr.
func (f *flow) step(s *state, instr ssa.Instruction, inf *info) {
	switch x := instr.(type) {
	case *ssa.Alloc:
		f.make(s, x, x, inf)
	case *ssa.MakeSlice:
		f.make(s, x, x, inf)
	case *ssa.MakeMap:
		f.make(s, x, x, inf)
	case *ssa.MakeChan:
		f.make(s, x, x, inf)
	case *ssa.MakeClosure:
		o := f.make(s, x, x, inf)
		for i, b := range x.Bindings {
			s.cnt[ckey{o, i}] = f.ptsOf(s, b)
		}
	case *ssa.Call:
		f.call(s, x, inf)
	case *ssa.Defer:
		o := f.siteOrigin(x, kDefer)
		f.defers[o] = x
		common := x.Common()
		for i, v := range append([]ssa.Value{common.Value}, common.Args...) {
			k := ckey{o, i}
			n := s.cnt[k].clone()
			n.union(f.ptsOf(s, v))
			s.cnt[k] = n
		}
		s.pending.add(o)
	case *ssa.Extract:
		f.extract(s, x, inf)
	case *ssa.UnOp:
		switch {
		case x.Op == token.MUL && hasPointers(x.Type()):
			p, keys := f.load(s, x.X, x)
			f.define(s, x, p)
			if inf != nil {
				inf.loads = keys
			}
		case x.Op == token.ARROW && hasPointers(x.Type()):
			f.make(s, x, x, inf)
		default:
			// A copy of plain data refers to no memory.
			f.define(s, x, nil)
		}
	case *ssa.Lookup:
		if !x.CommaOk { // else the Extract loads
			f.lookup(s, x, x.X, inf)
		}
	case *ssa.Store:
		kills := f.store(s, x.Addr, f.ptsOf(s, x.Val))
		if inf != nil {
			inf.kills = kills
		}
	case *ssa.MapUpdate:
		v := f.ptsOf(s, x.Value).clone()
		v.union(f.ptsOf(s, x.Key))
		f.ptsOf(s, x.Map).each(func(o int) {
			k := ckey{o, fElem}
			n := s.cnt[k].clone()
			n.union(v)
			s.cnt[k] = n
		})
	case *ssa.Phi:
		// Set on the edges.
	case ssa.Value:
		if src := derivedFrom(x); src != nil {
			f.define(s, x, f.ptsOf(s, src))
		} else {
			f.define(s, x, nil)
		}
	}
	if inf != nil {
		f.record(s, instr, inf)
	}
}

// record notes what the operands handed on by instr reach, the deferred
// calls that run at instr, and at a transfer what it taints.
func (f *flow) record(s *state, instr ssa.Instruction, inf *info) {
	for _, v := range handedOn(instr) {
		if p := f.ptsOf(s, v); !p.empty() {
			if inf.reach == nil {
				inf.reach = map[ssa.Value]set{}
			}
			inf.reach[v] = f.reach(s, p)
		}
	}
	_, isSite := f.sites[instr]
	switch instr.(type) {
	case *ssa.RunDefers, *ssa.Panic:
		isSite = true
	}
	if isSite {
		s.pending.each(func(o int) {
			inf.defers = append(inf.defers, deferReach{f.defers[o], f.reach(s, single(o))})
		})
	}
	v, ok := f.sites[instr]
	if !ok {
		return
	}
	moved := f.reach(s, f.ptsOf(s, v))
	sd := &seed{values: map[ssa.Value]bool{v: true}, keys: map[ckey]bool{}}
	for x, p := range s.pts {
		if p.intersects(moved) && !f.sendable(x.Type()) {
			sd.values[x] = true
		}
	}
	for k, c := range s.cnt {
		if !moved.has(k.o) && c.intersects(moved) {
			sd.keys[k] = true
		}
	}
	inf.seed = sd
}

// handedOn returns the operands that instr hands on: stored, passed,
// returned, sent. Handing on a value that holds moved memory is a use.
func handedOn(instr ssa.Instruction) []ssa.Value {
	switch x := instr.(type) {
	case *ssa.Store:
		return []ssa.Value{x.Val}
	case *ssa.MapUpdate:
		return []ssa.Value{x.Map, x.Key, x.Value}
	case ssa.CallInstruction:
		common := x.Common()
		if b, ok := common.Value.(*ssa.Builtin); ok {
			switch b.Name() {
			case "len", "cap", "append", "copy":
				// These look at the slice itself, not at what its
				// elements refer to.
				return nil
			}
			return common.Args
		}
		ops := common.Args
		if _, static := common.Value.(*ssa.Function); !static {
			ops = append([]ssa.Value{common.Value}, ops...)
		}
		return ops
	case *ssa.Return:
		return x.Results
	case *ssa.Send:
		return []ssa.Value{x.X}
	case *ssa.Panic:
		return []ssa.Value{x.X}
	case *ssa.Select:
		var out []ssa.Value
		for _, st := range x.States {
			if st.Send != nil {
				out = append(out, st.Send)
			}
		}
		return out
	}
	return nil
}

// make defines v as the fresh object its instruction makes.
func (f *flow) make(s *state, v ssa.Value, key any, inf *info) int {
	o := f.siteOrigin(key, kSite)
	drop := f.fresh(s, o)
	if inf != nil {
		inf.drops.union(drop)
	}
	f.define(s, v, single(o))
	return o
}

// lookup defines v as one element of the map (or range over a map) m: an
// origin of its own, tainted if the elements may hold moved memory.
func (f *flow) lookup(s *state, v ssa.Value, m ssa.Value, inf *info) {
	origins := f.ptsOf(s, m)
	keys, _ := f.elemKeys(s, origins)
	e := f.element(s, origins, v)
	f.define(s, v, e)
	if inf != nil {
		inf.loads = keys
		inf.drops.union(e)
	}
}

func (f *flow) extract(s *state, x *ssa.Extract, inf *info) {
	switch t := x.Tuple.(type) {
	case *ssa.TypeAssert:
		if x.Index == 0 {
			f.define(s, x, f.ptsOf(s, t.X))
			return
		}
	case *ssa.Lookup:
		if x.Index == 0 {
			f.lookup(s, x, t.X, inf)
			return
		}
	case *ssa.Next:
		if x.Index > 0 && !t.IsString && hasPointers(x.Type()) {
			f.lookup(s, x, t.Iter, inf)
			return
		}
	default:
		if hasPointers(x.Type()) {
			f.make(s, x, x, inf)
			return
		}
	}
	f.define(s, x, nil)
}

// call applies a call: a fresh result, and what append and copy move
// between slices. What a callee stores where is not seen.
func (f *flow) call(s *state, c *ssa.Call, inf *info) {
	common := c.Common()
	if b, ok := common.Value.(*ssa.Builtin); ok {
		switch b.Name() {
		case "append":
			if len(common.Args) == 2 {
				base := f.ptsOf(s, common.Args[0])
				baseKeys, elems := f.elemKeys(s, base)
				moreKeys, more := f.elemKeys(s, f.ptsOf(s, common.Args[1]))
				elems = elems.clone()
				elems.union(more)
				// The old backing array may be reused.
				for _, k := range baseKeys {
					n := s.cnt[k].clone()
					n.union(more)
					s.cnt[k] = n
				}
				o := f.siteOrigin(c, kSite)
				drop := f.fresh(s, o)
				k := ckey{o, fElem}
				s.cnt[k] = elems
				p := base.clone()
				p.add(o)
				f.define(s, c, p)
				if inf != nil {
					inf.drops.union(drop)
					inf.spreads = append(inf.spreads,
						spread{from: append(baseKeys, moreKeys...), to: []ckey{k}},
						spread{from: moreKeys, to: baseKeys})
				}
				return
			}
		case "copy":
			if len(common.Args) == 2 {
				srcKeys, src := f.elemKeys(s, f.ptsOf(s, common.Args[1]))
				dstKeys, _ := f.elemKeys(s, f.ptsOf(s, common.Args[0]))
				for _, k := range dstKeys {
					n := s.cnt[k].clone()
					n.union(src)
					s.cnt[k] = n
				}
				if inf != nil {
					inf.spreads = append(inf.spreads, spread{from: srcKeys, to: dstKeys})
				}
			}
		}
		f.define(s, c, nil)
		return
	}
	if t := c.Type(); hasPointers(t) {
		if _, tuple := t.(*types.Tuple); !tuple {
			f.make(s, c, c, inf)
			return
		}
	}
	f.define(s, c, nil)
}
