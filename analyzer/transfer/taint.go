package transfer

import (
	"go/token"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// moveSite is one transfer in SSA form.
type moveSite struct {
	call  *ssa.Call // the Transfer or Exit call
	value ssa.Value // the moved value
	exit  bool      // Exit: the goroutine ends there
	name  string    // the moved expression, for messages
}

// use is a use after the transfer, found on some path.
type use struct {
	instr    ssa.Instruction
	pos      token.Pos
	end      token.Pos
	name     string // the expression used, "" if unknown
	deferred bool   // a deferred call that runs after the transfer
}

// taint is what refers to moved memory at a point of a path from the
// transfer.
type taint struct {
	tv map[ssa.Value]bool // values that refer to moved memory
	tc map[ckey]bool      // containers outside it that hold a reference into it
	// undoV and undoC are what the last transfer tainted: a transfer whose
	// error is not nil moved nothing.
	undoV map[ssa.Value]bool
	undoC map[ckey]bool
}

func newTaint() *taint {
	return &taint{tv: map[ssa.Value]bool{}, tc: map[ckey]bool{}, undoV: map[ssa.Value]bool{}, undoC: map[ckey]bool{}}
}

func (t *taint) copy() *taint {
	return &taint{tv: clone(t.tv), tc: clone(t.tc), undoV: clone(t.undoV), undoC: clone(t.undoC)}
}

func (t *taint) join(u *taint) bool {
	changed := joinBools(t.tv, u.tv)
	changed = joinBools(t.tc, u.tc) || changed
	changed = joinBools(t.undoV, u.undoV) || changed
	return joinBools(t.undoC, u.undoC) || changed
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

func (t *taint) empty() bool { return len(t.tv) == 0 && len(t.tc) == 0 }

// clear forgets the move: the path has reported its first use.
func (t *taint) clear() {
	t.tv, t.tc = map[ssa.Value]bool{}, map[ckey]bool{}
	t.undoV, t.undoC = map[ssa.Value]bool{}, map[ckey]bool{}
}

// undo reverts the last transfer: its error was not nil.
func (t *taint) undo() {
	for v := range t.undoV {
		delete(t.tv, v)
	}
	for k := range t.undoC {
		delete(t.tc, k)
	}
	t.undoV, t.undoC = map[ssa.Value]bool{}, map[ckey]bool{}
}

// run follows the paths from one transfer and returns the first use on
// each.
func (f *flow) run(site *moveSite) []use {
	start := site.call.Block()
	if start == nil || f.info[site.call] == nil {
		return nil
	}
	found := map[ssa.Instruction]use{}
	in := map[*ssa.BasicBlock]*taint{}
	var queue []*ssa.BasicBlock
	queued := map[*ssa.BasicBlock]bool{}
	flowOut := func(b *ssa.BasicBlock, t *taint) {
		for _, succ := range b.Succs {
			out := f.edge(t, b, succ, site)
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
	// The paths start at the transfer: nothing is moved before it.
	idx := slices.Index(start.Instrs, ssa.Instruction(site.call))
	if t := newTaint(); f.block(t, start, idx, site, found) {
		flowOut(start, t)
	}
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		queued[b] = false
		t := in[b].copy()
		if f.block(t, b, 0, site, found) {
			flowOut(b, t)
		}
	}
	uses := make([]use, 0, len(found))
	for _, u := range found {
		uses = append(uses, u)
	}
	slices.SortFunc(uses, func(a, b use) int { return int(a.pos - b.pos) })
	return uses
}

// edge returns the taint on the edge from b to succ: φ-nodes take their
// operand's for this edge, and the error branch of a failed Transfer undoes
// the move.
func (f *flow) edge(t *taint, b, succ *ssa.BasicBlock, site *moveSite) *taint {
	out := t.copy()
	if f.failedBranch(b, succ, site) {
		out.undo()
	}
	idx := slices.Index(succ.Preds, b)
	var set, unset []ssa.Value
	for _, instr := range succ.Instrs {
		phi, ok := instr.(*ssa.Phi)
		if !ok {
			break
		}
		if idx >= 0 && idx < len(phi.Edges) && out.tv[phi.Edges[idx]] && !f.sendable(phi.Type()) {
			set = append(set, phi)
		} else {
			unset = append(unset, phi)
		}
	}
	for _, v := range unset {
		delete(out.tv, v)
	}
	for _, v := range set {
		out.tv[v] = true
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
	call := ssa.Value(site.call)
	if !(cond.X == call && isNilConst(cond.Y) || cond.Y == call && isNilConst(cond.X)) {
		return false
	}
	if cond.Op == token.NEQ {
		return succ == b.Succs[0]
	}
	return succ == b.Succs[1]
}

func isNilConst(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	return ok && c.Value == nil
}

// block runs the instructions of b from index from on t. It returns false
// when the path ends inside b (Exit ends the isolate).
func (f *flow) block(t *taint, b *ssa.BasicBlock, from int, site *moveSite, found map[ssa.Instruction]use) bool {
	for i := from; i < len(b.Instrs); i++ {
		instr := b.Instrs[i]
		inf := f.info[instr]
		if inf == nil {
			continue
		}
		if !t.empty() {
			if v, d := f.used(t, instr, inf); v != nil || d != nil {
				u := f.useAt(b, i, instr, v, d)
				if _, ok := found[u.instr]; !ok {
					found[u.instr] = u
				}
				t.clear()
			}
		}
		f.spread(t, instr, inf)
		if instr != ssa.Instruction(site.call) {
			continue
		}
		// The move.
		t.undoV, t.undoC = map[ssa.Value]bool{}, map[ckey]bool{}
		for v := range inf.seed.values {
			if !t.tv[v] {
				t.tv[v] = true
				t.undoV[v] = true
			}
		}
		for k := range inf.seed.keys {
			if !t.tc[k] {
				t.tc[k] = true
				t.undoC[k] = true
			}
		}
		if site.exit {
			// The isolate ends: only its deferred calls still run.
			if d := f.deferUse(t, inf); d != nil {
				found[d] = f.useAt(b, i, instr, nil, d)
			}
			return false
		}
	}
	return true
}

// spread carries the taint through instr.
func (f *flow) spread(t *taint, instr ssa.Instruction, inf *info) {
	if len(inf.drops) > 0 && len(t.tc) > 0 {
		for k := range t.tc {
			if inf.drops.has(k.o) {
				delete(t.tc, k)
			}
		}
	}
	for _, k := range inf.kills {
		delete(t.tc, k)
	}
	for _, sp := range inf.spreads {
		if anyKey(t.tc, sp.from) {
			for _, k := range sp.to {
				t.tc[k] = true
			}
		}
	}
	v, ok := instr.(ssa.Value)
	if !ok {
		return
	}
	if _, ok := v.(*ssa.Phi); ok {
		return // set on the edges
	}
	delete(t.tv, v)
	if t.empty() || f.sendable(v.Type()) {
		return
	}
	tainted := false
	switch x := v.(type) {
	case *ssa.MakeClosure:
		for _, b := range x.Bindings {
			tainted = tainted || t.tv[b]
		}
	case *ssa.Extract:
		if ta, ok := x.Tuple.(*ssa.TypeAssert); ok && x.Index == 0 {
			tainted = t.tv[ta.X]
		}
	default:
		if src := derivedFrom(v); src != nil {
			tainted = t.tv[src]
		}
	}
	if len(inf.loads) > 0 && hasPointers(v.Type()) && anyKey(t.tc, inf.loads) {
		tainted = true
	}
	if tainted {
		t.tv[v] = true
	}
}

func anyKey(m map[ckey]bool, keys []ckey) bool {
	for _, k := range keys {
		if m[k] {
			return true
		}
	}
	return false
}

// escapes reports whether handing v on uses moved memory: v refers to it,
// or a container that holds a reference into it is reachable from v.
func (f *flow) escapes(t *taint, inf *info, v ssa.Value) bool {
	if t.tv[v] {
		return true
	}
	if len(t.tc) == 0 {
		return false
	}
	r, ok := inf.reach[v]
	if !ok {
		return false
	}
	for k := range t.tc {
		if r.has(k.o) {
			return true
		}
	}
	return false
}

// deferUse returns a pending deferred call that holds moved memory: it runs
// after the transfer.
func (f *flow) deferUse(t *taint, inf *info) *ssa.Defer {
	for _, d := range inf.defers {
		for k := range t.tc {
			if d.reach.has(k.o) {
				return d.d
			}
		}
	}
	return nil
}

// used returns the operand through which instr uses moved memory, or the
// pending deferred call that would, or nil.
func (f *flow) used(t *taint, instr ssa.Instruction, inf *info) (ssa.Value, *ssa.Defer) {
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
	case *ssa.Store:
		if t.tv[x.Addr] {
			return x.Addr, nil
		}
		if f.escapes(t, inf, x.Val) {
			return x.Val, nil
		}
		return nil, nil
	case *ssa.RunDefers:
		return nil, f.deferUse(t, inf)
	case *ssa.Panic:
		if f.escapes(t, inf, x.X) {
			return x.X, nil
		}
		return nil, f.deferUse(t, inf)
	case ssa.CallInstruction:
		common := x.Common()
		if b, ok := common.Value.(*ssa.Builtin); ok {
			switch b.Name() {
			case "len", "cap":
				// The length of a moved slice, map or channel is not a use.
				return nil, nil
			}
		}
		if _, static := common.Value.(*ssa.Function); !static && f.escapes(t, inf, common.Value) {
			return common.Value, nil
		}
		for _, a := range common.Args {
			if f.escapes(t, inf, a) {
				return a, nil
			}
		}
		return nil, nil
	}
	// Every other instruction (loads, lookups, comparisons, returns, sends,
	// ranges, selects, conditions) uses its operands.
	var ops [8]*ssa.Value
	for _, op := range instr.Operands(ops[:0]) {
		if op != nil && *op != nil && f.escapes(t, inf, *op) {
			return *op, nil
		}
	}
	return nil, nil
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
