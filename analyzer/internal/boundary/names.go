package boundary

import (
	"go/types"

	"github.com/go-isolate/isolate/internal/sendable"
)

// ReachesRuntime reports whether pkg imports the runtime, directly or
// through the packages it imports: only then can it hold a SendPort or
// call Spawn, so a rule may skip every other package.
func ReachesRuntime(pkg *types.Package) bool {
	seen := map[*types.Package]bool{}
	var visit func(p *types.Package) bool
	visit = func(p *types.Package) bool {
		if p.Path() == sendable.RuntimePath {
			return true
		}
		if seen[p] {
			return false
		}
		seen[p] = true
		for _, q := range p.Imports() {
			if visit(q) {
				return true
			}
		}
		return false
	}
	return pkg != nil && visit(pkg)
}

// Qualifier names types of pkg unqualified and others by package name, as
// the code of pkg spells them.
func Qualifier(pkg *types.Package) types.Qualifier {
	return func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	}
}

// FuncName names fn as code in package from calls it: f, T.m, or pkg.T.m.
func FuncName(fn *types.Func, from *types.Package) string {
	name := fn.Name()
	if recv := fn.Signature().Recv(); recv != nil {
		t := types.Unalias(recv.Type())
		if p, ok := t.(*types.Pointer); ok {
			t = types.Unalias(p.Elem())
		}
		if n, ok := t.(*types.Named); ok {
			name = n.Obj().Name() + "." + name
		}
	}
	if fn.Pkg() != nil && fn.Pkg() != from {
		name = fn.Pkg().Name() + "." + name
	}
	return name
}
