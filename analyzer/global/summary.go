package global

import (
	"go/token"
	"go/types"
	"slices"

	"github.com/go-isolate/isolate/internal/sendable"
)

// maxChain bounds the length of a call chain kept in a summary, so that a
// summary stays small whatever the call graph.
const maxChain = 32

// summarizer computes the summaries of the package's functions from the
// collector's findings and the facts of the dependencies.
type summarizer struct {
	c      *collector
	scoped map[*types.Package]bool
	// writes holds the variables in scope that the package writes outside
	// their initialisation, with the first such write.
	writes  map[*types.Var]token.Pos
	sums    map[*types.Func]map[string]*Access
	foreign map[*types.Func]*Summary
}

func newSummarizer(c *collector) *summarizer {
	s := &summarizer{
		c:       c,
		scoped:  map[*types.Package]bool{},
		writes:  map[*types.Var]token.Pos{},
		sums:    map[*types.Func]map[string]*Access{},
		foreign: map[*types.Func]*Summary{},
	}
	for _, w := range c.writes {
		if !c.counts(w) || !s.relevant(w.v, true) {
			continue
		}
		if p, ok := s.writes[w.v]; !ok || w.pos < p {
			s.writes[w.v] = w.pos
		}
	}
	return s
}

// inScope reports whether the rule looks at pkg's variables: the packages
// it analysed (which export a Writes fact), not the standard library nor
// the isolate runtime.
func (s *summarizer) inScope(pkg *types.Package) bool {
	if pkg == nil {
		return false
	}
	if pkg == s.c.pass.Pkg {
		return true
	}
	in, ok := s.scoped[pkg]
	if !ok {
		in = pkg.Path() != sendable.RuntimePath && s.c.pass.ImportPackageFact(pkg, new(Writes))
		s.scoped[pkg] = in
	}
	return in
}

// relevant reports whether an access to v belongs in a summary: v is in
// scope, neither shared nor synchronized, and may be mutable.
func (s *summarizer) relevant(v *types.Var, counting bool) bool {
	if !s.inScope(v.Pkg()) || s.c.ann.Of(v).Shared || s.c.synchronized(v.Type()) {
		return false
	}
	if v.Pkg() == s.c.pass.Pkg && !v.Exported() {
		// Only this package can write it, and all its writes are known.
		if s.c.atomicOnly[v] {
			return false
		}
		_, w := s.writes[v]
		return counting || w
	}
	// Any importer could write an exported variable.
	return true
}

// direct returns the accesses fd makes itself, one per variable.
func (s *summarizer) direct(fd *fnData) map[string]*Access {
	fset := s.c.pass.Fset
	out := map[string]*Access{}
	for _, a := range fd.accesses {
		counting := s.c.counts(a)
		if !s.relevant(a.v, counting) {
			continue
		}
		acc := &Access{Var: varRef(a.v), Write: counting, At: at(fset, a.pos)}
		k := acc.Var.key()
		if acc.better(out[k]) {
			out[k] = acc
		}
	}
	return out
}

// summarize computes the summary of every function of the package: its
// direct accesses, and those of its static callees with the chain, to a
// fixed point (recursion included). The best witness per variable is
// unique (see Access.better), so the result does not depend on the order.
func (s *summarizer) summarize() {
	callers := map[*types.Func][]*fnData{}
	for _, fd := range s.c.funcs {
		s.sums[fd.obj] = s.direct(fd)
		for _, cl := range fd.calls {
			if _, local := s.c.byObj[cl.callee]; local {
				callers[cl.callee] = append(callers[cl.callee], fd)
			}
		}
	}
	queue := slices.Clone(s.c.funcs)
	queued := map[*fnData]bool{}
	for _, fd := range queue {
		queued[fd] = true
	}
	for len(queue) > 0 {
		fd := queue[0]
		queue = queue[1:]
		queued[fd] = false
		if s.propagate(s.sums[fd.obj], fd.calls) {
			for _, caller := range callers[fd.obj] {
				if !queued[caller] {
					queued[caller] = true
					queue = append(queue, caller)
				}
			}
		}
	}
}

// propagate merges the summaries of the callees into sum, and reports
// whether it changed.
func (s *summarizer) propagate(sum map[string]*Access, calls []call) bool {
	changed := false
	for _, cl := range calls {
		cref := funcRef(cl.callee)
		for _, a := range s.calleeAccesses(cl.callee) {
			if len(a.Via) >= maxChain {
				continue
			}
			cand := &Access{Var: a.Var, Write: a.Write, At: a.At, Via: append([]Ref{cref}, a.Via...)}
			k := a.Var.key()
			if cand.better(sum[k]) {
				sum[k] = cand
				changed = true
			}
		}
	}
	return changed
}

// calleeAccesses returns what fn reaches: computed here for the package's
// own functions, from its fact for another package's.
func (s *summarizer) calleeAccesses(fn *types.Func) []*Access {
	if sum, ok := s.sums[fn]; ok {
		out := make([]*Access, 0, len(sum))
		for _, a := range sum {
			out = append(out, a)
		}
		return out
	}
	if fn.Pkg() == s.c.pass.Pkg || !s.inScope(fn.Pkg()) {
		return nil
	}
	sum, ok := s.foreign[fn]
	if !ok {
		sum = new(Summary)
		if !s.c.pass.ImportObjectFact(fn, sum) {
			sum = nil
		}
		s.foreign[fn] = sum
	}
	if sum == nil {
		return nil
	}
	out := make([]*Access, len(sum.Accesses))
	for i := range sum.Accesses {
		out[i] = &sum.Accesses[i]
	}
	return out
}

// export exports the summaries other packages can use, and the package's
// writes.
func (s *summarizer) export() {
	pass := s.c.pass
	for _, fd := range s.c.funcs {
		sum := s.sums[fd.obj]
		if len(sum) == 0 || !(fd.obj.Exported() || fd.obj.Signature().Recv() != nil) {
			continue
		}
		pass.ExportObjectFact(fd.obj, &Summary{Accesses: flatten(sum)})
	}
	pass.ExportPackageFact(&Writes{Vars: s.ownWrites()})
}

// ownWrites returns the package's writes, sorted.
func (s *summarizer) ownWrites() []Write {
	ws := []Write{}
	for v, pos := range s.writes {
		ws = append(ws, Write{Var: varRef(v), At: at(s.c.pass.Fset, pos)})
	}
	sortWrites(ws)
	return ws
}

// flatten returns the accesses of sum sorted by variable.
func flatten(sum map[string]*Access) []Access {
	out := make([]Access, 0, len(sum))
	for _, a := range sum {
		out = append(out, *a)
	}
	sortAccesses(out)
	return out
}

func varRef(v *types.Var) Ref {
	return Ref{Path: v.Pkg().Path(), Pkg: v.Pkg().Name(), Name: v.Name()}
}

// funcRef names a function or method: "bump", "Counter.Inc".
func funcRef(fn *types.Func) Ref {
	name := fn.Name()
	if recv := fn.Signature().Recv(); recv != nil {
		t := recv.Type()
		if p, ok := types.Unalias(t).(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			name = n.Obj().Name() + "." + name
		}
	}
	r := Ref{Name: name}
	if fn.Pkg() != nil {
		r.Path, r.Pkg = fn.Pkg().Path(), fn.Pkg().Name()
	}
	return r
}
