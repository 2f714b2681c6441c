package transfer

import (
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// moveSite is one transfer in SSA form.
type moveSite struct {
	call  ssa.CallInstruction // the Transfer or Exit call
	value ssa.Value           // the moved value
	exit  bool                // Exit: the goroutine ends there
	name  string              // the moved expression, for messages
}

// use is a use after the transfer, found on some path.
type use struct {
	instr    ssa.Instruction
	pos      token.Pos
	end      token.Pos
	name     string // the expression used, "" if unknown
	deferred bool   // a deferred call that runs after the transfer
}

// run analyses the paths from one transfer and returns the first use on
// each.
func (f *flow) run(site *moveSite) []use {
	fn := f.fn
	if len(fn.Blocks) == 0 {
		return nil
	}
	in := map[*ssa.BasicBlock]*state{}
	entry := newState()
	for _, p := range fn.Params {
		if hasPointers(p.Type()) {
			entry.pts[p] = single(f.siteOrigin(p, kSite))
		}
	}
	for _, fv := range fn.FreeVars {
		entry.pts[fv] = single(f.siteOrigin(fv, kSite))
	}
	in[fn.Blocks[0]] = entry
	found := map[ssa.Instruction]use{}
	queue := []*ssa.BasicBlock{fn.Blocks[0]}
	queued := map[*ssa.BasicBlock]bool{fn.Blocks[0]: true}
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		queued[b] = false
		s := in[b].copy()
		if !f.block(s, b, site, found) {
			continue // the isolate ended: Exit
		}
		for _, succ := range b.Succs {
			out := f.edge(s, b, succ, site)
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
	uses := make([]use, 0, len(found))
	for _, u := range found {
		uses = append(uses, u)
	}
	slices.SortFunc(uses, func(a, b use) int { return int(a.pos - b.pos) })
	return uses
}

// edge returns the state on the edge from b to succ: φ-nodes take their
// operand for this edge, and the error branch of a failed Transfer undoes
// the move.
func (f *flow) edge(s *state, b, succ *ssa.BasicBlock, site *moveSite) *state {
	out := s.copy()
	if f.failedBranch(b, succ, site) {
		out.undo()
	}
	idx := slices.Index(succ.Preds, b)
	type phiVal struct {
		phi     *ssa.Phi
		pts     set
		tainted bool
	}
	var phis []phiVal
	for _, instr := range succ.Instrs {
		phi, ok := instr.(*ssa.Phi)
		if !ok {
			break
		}
		if idx < 0 || idx >= len(phi.Edges) {
			continue
		}
		e := phi.Edges[idx]
		phis = append(phis, phiVal{phi, f.ptsOf(out, e), out.tv[e]})
	}
	for _, p := range phis {
		f.define(out, p.phi, p.pts, p.tainted)
	}
	return out
}

// failedBranch reports whether the edge b→succ is taken when the site's
// Transfer returned an error: if err != nil, or the else of err == nil.
func (f *flow) failedBranch(b, succ *ssa.BasicBlock, site *moveSite) bool {
	if site.exit || len(b.Instrs) == 0 || len(b.Succs) != 2 {
		return false
	}
	ifInstr, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
	if !ok {
		return false
	}
	cond, ok := ifInstr.Cond.(*ssa.BinOp)
	if !ok || (cond.Op != token.NEQ && cond.Op != token.EQL) {
		return false
	}
	call, ok := site.call.(*ssa.Call)
	if !ok {
		return false
	}
	if !(cond.X == call && isNilConst(cond.Y) || cond.Y == call && isNilConst(cond.X)) {
		return false
	}
	if cond.Op == token.NEQ {
		return succ == b.Succs[0]
	}
	return succ == b.Succs[1]
}

// block runs the instructions of b on s. It returns false when the path
// ends inside b (Exit ends the isolate).
func (f *flow) block(s *state, b *ssa.BasicBlock, site *moveSite, found map[ssa.Instruction]use) bool {
	for i, instr := range b.Instrs {
		if s.moving() {
			if v, deferred := f.used(s, instr); v != nil || deferred != nil {
				u := f.useAt(b, i, instr, v, deferred)
				if _, ok := found[u.instr]; !ok {
					found[u.instr] = u
				}
				s.clear()
			}
		}
		f.step(s, instr)
		if instr == site.call {
			f.move(s, site.value)
			if site.exit {
				// The isolate ends: only its deferred calls still run.
				if d := f.pendingUse(s); d != nil {
					found[d] = f.useAt(b, i, instr, nil, d)
				}
				return false
			}
		}
	}
	return true
}

// useAt describes the use of v by instr (or the deferred call d).
func (f *flow) useAt(b *ssa.BasicBlock, i int, instr ssa.Instruction, v ssa.Value, d *ssa.Defer) use {
	if d != nil {
		return use{instr: d, pos: d.Pos(), end: d.Pos() + token.Pos(len("defer")), deferred: true}
	}
	u := use{instr: instr, pos: instr.Pos()}
	if ref := f.nameOf(b, i, v); ref != nil {
		u.pos, u.end = ref.Expr.Pos(), ref.Expr.End()
		u.name = exprString(ref.Expr)
	}
	if !u.pos.IsValid() {
		for _, x := range b.Instrs[i:] {
			if x.Pos().IsValid() {
				u.pos = x.Pos()
				break
			}
		}
	}
	return u
}

// pendingUse returns a deferred call registered on the path that holds
// moved memory: it runs after the transfer.
func (f *flow) pendingUse(s *state) *ssa.Defer {
	var found *ssa.Defer
	s.pending.each(func(o int) {
		if found != nil {
			return
		}
		if f.holds(s, single(o)) {
			for key, x := range f.byInstr {
				if d, ok := key.(*ssa.Defer); ok && x == o {
					found = d
				}
			}
		}
	})
	return found
}

// used returns the operand through which instr uses moved memory, or the
// pending deferred call that would, or nil.
func (f *flow) used(s *state, instr ssa.Instruction) (ssa.Value, *ssa.Defer) {
	switch x := instr.(type) {
	case *ssa.DebugRef, *ssa.Phi, *ssa.Jump:
		return nil, nil
	case *ssa.FieldAddr, *ssa.IndexAddr, *ssa.Field, *ssa.Index, *ssa.Slice,
		*ssa.ChangeType, *ssa.Convert, *ssa.MultiConvert, *ssa.ChangeInterface,
		*ssa.MakeInterface, *ssa.SliceToArrayPointer, *ssa.TypeAssert, *ssa.Extract,
		*ssa.MakeClosure, *ssa.Alloc, *ssa.MakeSlice, *ssa.MakeMap, *ssa.MakeChan:
		// Computing an address or a part does not touch memory; the
		// result carries the taint.
		return nil, nil
	case *ssa.UnOp:
		if s.tv[x.X] {
			return x.X, nil
		}
		return nil, nil
	case *ssa.Store:
		if s.tv[x.Addr] {
			return x.Addr, nil
		}
		if f.escapes(s, x.Val) {
			return x.Val, nil
		}
		return nil, nil
	case *ssa.MapUpdate:
		for _, v := range []ssa.Value{x.Map, x.Key, x.Value} {
			if f.escapes(s, v) {
				return v, nil
			}
		}
		return nil, nil
	case *ssa.Lookup:
		if s.tv[x.X] {
			return x.X, nil
		}
		if s.tv[x.Index] {
			return x.Index, nil
		}
		return nil, nil
	case *ssa.RunDefers:
		return nil, f.pendingUse(s)
	case *ssa.Panic:
		if f.escapes(s, x.X) {
			return x.X, nil
		}
		return nil, f.pendingUse(s)
	case ssa.CallInstruction:
		common := x.Common()
		if b, ok := common.Value.(*ssa.Builtin); ok {
			switch b.Name() {
			case "len", "cap":
				// The length of a moved slice, map or channel is not a use.
				return nil, nil
			}
		}
		if !common.IsInvoke() {
			if _, ok := common.Value.(*ssa.Function); !ok {
				if f.escapes(s, common.Value) {
					return common.Value, nil
				}
			}
		}
		for _, a := range common.Args {
			if f.escapes(s, a) {
				return a, nil
			}
		}
		if common.IsInvoke() && f.escapes(s, common.Value) {
			return common.Value, nil
		}
		return nil, nil
	}
	// Every other instruction (comparisons, returns, sends, ranges,
	// selects, conditions) uses its operands.
	var ops [8]*ssa.Value
	for _, op := range instr.Operands(ops[:0]) {
		if op != nil && *op != nil && f.escapes(s, *op) {
			return *op, nil
		}
	}
	return nil, nil
}

// step applies instr to s: which origins its value refers to, and whether
// it refers to moved memory.
func (f *flow) step(s *state, instr ssa.Instruction) {
	switch x := instr.(type) {
	case *ssa.Alloc:
		f.make(s, x, x)
	case *ssa.MakeSlice:
		f.make(s, x, x)
	case *ssa.MakeMap:
		f.make(s, x, x)
	case *ssa.MakeChan:
		f.make(s, x, x)
	case *ssa.MakeClosure:
		o := f.make(s, x, x)
		tainted := false
		for i, b := range x.Bindings {
			s.cnt[ckey{o, i}] = f.ptsOf(s, b)
			tainted = tainted || s.tv[b]
		}
		f.define(s, x, single(o), tainted)
	case *ssa.Call:
		f.call(s, x)
	case *ssa.Defer:
		o := f.siteOrigin(x, kDefer)
		common := x.Common()
		ops := append([]ssa.Value{common.Value}, common.Args...)
		for i, v := range ops {
			f.put(s, ckey{o, i}, f.ptsOf(s, v), false, false)
		}
		s.pending.add(o)
	case *ssa.Extract:
		f.extract(s, x)
	case *ssa.UnOp:
		switch x.Op {
		case token.MUL:
			if !hasPointers(x.Type()) {
				// A copy of plain data refers to no memory.
				f.define(s, x, nil, false)
				return
			}
			p, tainted := f.load(s, x.X, x)
			f.define(s, x, p, tainted)
		case token.ARROW:
			if hasPointers(x.Type()) {
				f.make(s, x, x)
			} else {
				f.define(s, x, nil, false)
			}
		default:
			f.define(s, x, nil, false)
		}
	case *ssa.Lookup:
		if x.CommaOk {
			return // the Extract loads
		}
		p, tainted := f.lookup(s, x.X, x)
		f.define(s, x, p, tainted)
	case *ssa.Next:
		// The Extracts load the key and the value.
		f.define(s, x, nil, false)
	case *ssa.Store:
		f.store(s, x.Addr, f.ptsOf(s, x.Val), s.tv[x.Val])
	case *ssa.MapUpdate:
		f.ptsOf(s, x.Map).each(func(o int) {
			v := f.ptsOf(s, x.Value).clone()
			v.union(f.ptsOf(s, x.Key))
			f.put(s, ckey{o, fElem}, v, s.tv[x.Value] || s.tv[x.Key], false)
		})
	case *ssa.Phi:
		// Set on the edges.
	case ssa.Value:
		if src := derivedFrom(x); src != nil {
			var p set
			if hasPointers(x.Type()) {
				p = f.ptsOf(s, src)
			}
			f.define(s, x, p, s.tv[src])
			return
		}
		f.define(s, x, nil, false)
	}
}

// lookup loads an element of the map (or range iterator over a map) m: an
// origin of its own, tainted if the elements may hold moved memory.
func (f *flow) lookup(s *state, m ssa.Value, instr any) (set, bool) {
	origins := f.ptsOf(s, m)
	_, tainted := f.elemsOf(s, origins)
	return f.element(s, origins, instr), tainted
}

func (f *flow) extract(s *state, x *ssa.Extract) {
	switch t := x.Tuple.(type) {
	case *ssa.TypeAssert:
		if x.Index == 0 {
			f.define(s, x, f.ptsOf(s, t.X), s.tv[t.X])
			return
		}
	case *ssa.Lookup:
		if x.Index == 0 {
			p, tainted := f.lookup(s, t.X, x)
			f.define(s, x, p, tainted)
			return
		}
	case *ssa.Next:
		if x.Index > 0 && !t.IsString && hasPointers(x.Type()) {
			p, tainted := f.lookup(s, t.Iter, x)
			f.define(s, x, p, tainted)
			return
		}
	default:
		if hasPointers(x.Type()) {
			f.make(s, x, x)
			return
		}
	}
	f.define(s, x, nil, false)
}

// call applies a call: a fresh result, what append and copy move between
// slices. What a callee stores where is not seen.
func (f *flow) call(s *state, c *ssa.Call) {
	common := c.Common()
	if b, ok := common.Value.(*ssa.Builtin); ok {
		switch b.Name() {
		case "append":
			if len(common.Args) == 2 {
				base := f.ptsOf(s, common.Args[0])
				elems, tb := f.elemsOf(s, base)
				more, tm := f.elemsOf(s, f.ptsOf(s, common.Args[1]))
				elems = elems.clone()
				elems.union(more)
				// The old backing array may be reused.
				base.each(func(o int) { f.put(s, ckey{o, fElem}, more, tm, false) })
				o := f.siteOrigin(c, kSite)
				f.fresh(s, o)
				f.put(s, ckey{o, fElem}, elems, tb || tm, true)
				p := base.clone()
				p.add(o)
				f.define(s, c, p, s.tv[common.Args[0]])
				return
			}
		case "copy":
			if len(common.Args) == 2 {
				src, ts := f.elemsOf(s, f.ptsOf(s, common.Args[1]))
				f.ptsOf(s, common.Args[0]).each(func(o int) { f.put(s, ckey{o, fElem}, src, ts, false) })
			}
		}
		f.define(s, c, nil, false)
		return
	}
	if t := c.Type(); hasPointers(t) {
		if _, tuple := t.(*types.Tuple); !tuple {
			f.make(s, c, c)
			return
		}
	}
	f.define(s, c, nil, false)
}

// isNilConst reports whether v is the constant nil.
func isNilConst(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	return ok && c.Value == nil
}
