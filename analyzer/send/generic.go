package send

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// A generic function that passes a value of its type parameter T to a
// boundary is itself a boundary for T (DESIGN §7): its body is not judged
// for T, and its call sites are judged with the instantiated type instead.
// The fact below carries that to importing packages, as printf carries its
// wrappers.

// wrapperFact records the boundaries a generic function passes values of
// its type parameters to.
type wrapperFact struct {
	Crossings []Crossing
}

func (*wrapperFact) AFact() {}

func (f *wrapperFact) String() string {
	parts := make([]string, len(f.Crossings))
	for i, c := range f.Crossings {
		parts[i] = c.String()
	}
	return "boundary(" + strings.Join(parts, ", ") + ")"
}

// Crossing is one boundary inside a generic function, seen from its callers.
type Crossing struct {
	// Op is the runtime operation at the end of the chain of calls: Send,
	// Spawn, Transfer, Exit or Run.
	Op string
	// Move says the value is moved (it need only be transferable) rather
	// than copied (sendable or copyable).
	Move bool
	// Arg is the index of the argument that carries the value, or -1 when
	// no single argument does.
	Arg int
	// Type finds the judged type in an instantiation of the function.
	Type TypePath
}

func (c Crossing) String() string {
	s := c.Op + " " + c.Type.String()
	if c.Arg >= 0 {
		s += fmt.Sprintf(" arg %d", c.Arg)
	}
	return s
}

// TypePath finds a type inside an instantiation of a generic function,
// without naming it: the instantiated type is only known at the call site.
type TypePath struct {
	// Root is 'T' for the function's type parameter Index, 'R' for its
	// receiver's type parameter Index, 'P' for the type of its parameter
	// Index.
	Root  byte
	Index int
	// Steps lead from the root to the type, one byte each: '*' pointer
	// element, '[' slice or array element, 'k' map key, 'v' map value,
	// 'c' channel element, then the digit-led steps of Args: 'a' type
	// argument, 'p' parameter and 'r' result of a func type, 'f' field.
	Steps string
	Args  []int
}

func (p TypePath) String() string {
	s := fmt.Sprintf("%c%d", p.Root, p.Index)
	arg := 0
	for i := 0; i < len(p.Steps); i++ {
		switch c := p.Steps[i]; c {
		case 'a', 'p', 'r', 'f':
			if arg < len(p.Args) {
				s += fmt.Sprintf(".%c%d", c, p.Args[arg])
			}
			arg++
		default:
			s += "." + string(c)
		}
	}
	return s
}

// pathTo finds t within the signature of fn: a type parameter of fn or of its
// receiver, or a part of a parameter's type (searched a few levels deep).
func pathTo(fn *types.Func, t types.Type) (TypePath, bool) {
	sig := fn.Signature()
	if tp, ok := types.Unalias(t).(*types.TypeParam); ok {
		for i := 0; i < sig.TypeParams().Len(); i++ {
			if sig.TypeParams().At(i) == tp {
				return TypePath{Root: 'T', Index: i}, true
			}
		}
		for i := 0; i < sig.RecvTypeParams().Len(); i++ {
			if sig.RecvTypeParams().At(i) == tp {
				return TypePath{Root: 'R', Index: i}, true
			}
		}
	}
	for i := 0; i < sig.Params().Len(); i++ {
		if p, ok := search(sig.Params().At(i).Type(), t, TypePath{Root: 'P', Index: i}, 4); ok {
			return p, true
		}
	}
	return TypePath{}, false
}

func search(in, t types.Type, at TypePath, depth int) (TypePath, bool) {
	if types.Identical(in, t) {
		return at, true
	}
	if depth == 0 {
		return TypePath{}, false
	}
	step := func(c byte, x types.Type) (TypePath, bool) {
		next := TypePath{Root: at.Root, Index: at.Index, Steps: at.Steps + string(c), Args: at.Args}
		return search(x, t, next, depth-1)
	}
	stepN := func(c byte, n int, x types.Type) (TypePath, bool) {
		args := append(append([]int(nil), at.Args...), n)
		next := TypePath{Root: at.Root, Index: at.Index, Steps: at.Steps + string(c), Args: args}
		return search(x, t, next, depth-1)
	}
	switch u := types.Unalias(in).(type) {
	case *types.Pointer:
		return step('*', u.Elem())
	case *types.Slice:
		return step('[', u.Elem())
	case *types.Array:
		return step('[', u.Elem())
	case *types.Chan:
		return step('c', u.Elem())
	case *types.Map:
		if p, ok := step('k', u.Key()); ok {
			return p, ok
		}
		return step('v', u.Elem())
	case *types.Named:
		args := u.TypeArgs()
		for i := 0; i < args.Len(); i++ {
			if p, ok := stepN('a', i, args.At(i)); ok {
				return p, ok
			}
		}
	case *types.Signature:
		for i := 0; i < u.Params().Len(); i++ {
			if p, ok := stepN('p', i, u.Params().At(i).Type()); ok {
				return p, ok
			}
		}
		for i := 0; i < u.Results().Len(); i++ {
			if p, ok := stepN('r', i, u.Results().At(i).Type()); ok {
				return p, ok
			}
		}
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if p, ok := stepN('f', i, u.Field(i).Type()); ok {
				return p, ok
			}
		}
	}
	return TypePath{}, false
}

// resolve finds the type p designates in the instantiation called by call,
// or nil when it cannot be found (a call through a method expression, or an
// instantiation the type checker did not record).
func resolve(info *types.Info, call *ast.CallExpr, p TypePath) types.Type {
	var t types.Type
	switch p.Root {
	case 'T':
		id := calleeIdent(call.Fun)
		if id == nil {
			return nil
		}
		inst, ok := info.Instances[id]
		if !ok || inst.TypeArgs == nil || p.Index >= inst.TypeArgs.Len() {
			return nil
		}
		t = inst.TypeArgs.At(p.Index)
	case 'R':
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return nil
		}
		selection, ok := info.Selections[sel]
		if !ok {
			return nil
		}
		rt := types.Unalias(selection.Recv())
		if ptr, ok := rt.(*types.Pointer); ok {
			rt = types.Unalias(ptr.Elem())
		}
		n, ok := rt.(*types.Named)
		if !ok || p.Index >= n.TypeArgs().Len() {
			return nil
		}
		t = n.TypeArgs().At(p.Index)
	case 'P':
		sig, ok := info.TypeOf(call.Fun).(*types.Signature)
		if !ok || p.Index >= sig.Params().Len() {
			return nil
		}
		t = sig.Params().At(p.Index).Type()
	default:
		return nil
	}
	arg := 0
	next := func() int {
		if arg >= len(p.Args) {
			return -1
		}
		arg++
		return p.Args[arg-1]
	}
	for i := 0; i < len(p.Steps) && t != nil; i++ {
		t = walk(t, p.Steps[i], next)
	}
	return t
}

func walk(t types.Type, step byte, next func() int) types.Type {
	switch u := types.Unalias(t).(type) {
	case *types.Pointer:
		if step == '*' {
			return u.Elem()
		}
	case *types.Slice:
		if step == '[' {
			return u.Elem()
		}
	case *types.Array:
		if step == '[' {
			return u.Elem()
		}
	case *types.Chan:
		if step == 'c' {
			return u.Elem()
		}
	case *types.Map:
		switch step {
		case 'k':
			return u.Key()
		case 'v':
			return u.Elem()
		}
	case *types.Named:
		if step == 'a' {
			if i := next(); i >= 0 && i < u.TypeArgs().Len() {
				return u.TypeArgs().At(i)
			}
		}
	case *types.Signature:
		switch step {
		case 'p':
			if i := next(); i >= 0 && i < u.Params().Len() {
				return u.Params().At(i).Type()
			}
		case 'r':
			if i := next(); i >= 0 && i < u.Results().Len() {
				return u.Results().At(i).Type()
			}
		}
	case *types.Struct:
		if step == 'f' {
			if i := next(); i >= 0 && i < u.NumFields() {
				return u.Field(i).Type()
			}
		}
	}
	return nil
}

// calleeIdent returns the identifier naming the function a call expression
// calls, through parentheses and explicit instantiation.
func calleeIdent(fun ast.Expr) *ast.Ident {
	fun = ast.Unparen(fun)
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun = f.X
	case *ast.IndexListExpr:
		fun = f.X
	}
	switch f := ast.Unparen(fun).(type) {
	case *ast.Ident:
		return f
	case *ast.SelectorExpr:
		return f.Sel
	}
	return nil
}

// genericCallee returns the generic function or method (its origin) that
// call calls, or nil. Calls through method expressions, interfaces and func
// values are not followed.
func genericCallee(info *types.Info, call *ast.CallExpr) *types.Func {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn == nil {
		return nil
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s, ok := info.Selections[sel]; ok && s.Kind() != types.MethodVal {
			return nil // method expression: the receiver is an argument
		}
	}
	origin := fn.Origin()
	sig := origin.Signature()
	if sig.TypeParams().Len() == 0 && sig.RecvTypeParams().Len() == 0 {
		return nil
	}
	return origin
}

// hasTerms reports whether the constraint of tp restricts it to a set of
// types, as ~int | ~string does; any and method-only constraints do not.
func hasTerms(tp *types.TypeParam) bool {
	iface, ok := tp.Constraint().Underlying().(*types.Interface)
	return ok && embedsTerms(iface, map[*types.Interface]bool{})
}

func embedsTerms(iface *types.Interface, seen map[*types.Interface]bool) bool {
	if seen[iface] {
		return false
	}
	seen[iface] = true
	for i := 0; i < iface.NumEmbeddeds(); i++ {
		switch e := types.Unalias(iface.EmbeddedType(i)).Underlying().(type) {
		case *types.Interface:
			if embedsTerms(e, seen) {
				return true
			}
		default:
			return true // a union or a single type term
		}
	}
	return false
}
