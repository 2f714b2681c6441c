// Package typeparams holds what the send and capture rules share about
// generic code (DESIGN §7): a generic body is judged not for its type
// parameters, but for what no instantiation could make sendable.
package typeparams

import (
	"go/token"
	"go/types"
)

// Of returns the type parameters in scope in fn's body: its own
// and its receiver's.
func Of(fn *types.Func) []*types.TypeParam {
	if fn == nil {
		return nil
	}
	sig := fn.Signature()
	var out []*types.TypeParam
	for i := 0; i < sig.RecvTypeParams().Len(); i++ {
		out = append(out, sig.RecvTypeParams().At(i))
	}
	for i := 0; i < sig.TypeParams().Len(); i++ {
		out = append(out, sig.TypeParams().At(i))
	}
	return out
}

func Mentions(t types.Type, is func(*types.TypeParam) bool, seen map[types.Type]bool) bool {
	t = types.Unalias(t)
	if t == nil || seen[t] {
		return false
	}
	seen[t] = true
	switch u := t.(type) {
	case *types.TypeParam:
		return is(u)
	case *types.Pointer:
		return Mentions(u.Elem(), is, seen)
	case *types.Slice:
		return Mentions(u.Elem(), is, seen)
	case *types.Array:
		return Mentions(u.Elem(), is, seen)
	case *types.Chan:
		return Mentions(u.Elem(), is, seen)
	case *types.Map:
		return Mentions(u.Key(), is, seen) || Mentions(u.Elem(), is, seen)
	case *types.Named:
		for i := 0; i < u.TypeArgs().Len(); i++ {
			if Mentions(u.TypeArgs().At(i), is, seen) {
				return true
			}
		}
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if Mentions(u.Field(i).Type(), is, seen) {
				return true
			}
		}
	case *types.Signature:
		return Mentions(u.Params(), is, seen) || Mentions(u.Results(), is, seen)
	case *types.Tuple:
		for i := 0; i < u.Len(); i++ {
			if Mentions(u.At(i).Type(), is, seen) {
				return true
			}
		}
	}
	return false
}

// BestCase replaces the type parameters tps in t by a type that is sendable
// both as a value and behind a pointer (as an //isolate:unchecked type is).
// If t still fails its boundary then, it fails for every instantiation, and
// the generic body itself is at fault; otherwise the call sites decide.
func BestCase(t types.Type, tps []*types.TypeParam, any types.Type) types.Type {
	m := map[*types.TypeParam]bool{}
	for _, tp := range tps {
		m[tp] = true
	}
	s := substituter{replace: m, with: any, done: map[types.Type]types.Type{}}
	return s.subst(t)
}

type substituter struct {
	replace map[*types.TypeParam]bool
	with    types.Type
	done    map[types.Type]types.Type
}

func (s *substituter) subst(t types.Type) types.Type {
	t = types.Unalias(t)
	if r, ok := s.done[t]; ok {
		return r
	}
	if !Mentions(t, func(tp *types.TypeParam) bool { return s.replace[tp] }, map[types.Type]bool{}) {
		return t
	}
	s.done[t] = t // a provisional answer for recursive types
	var r types.Type = t
	switch u := t.(type) {
	case *types.TypeParam:
		r = s.with
	case *types.Pointer:
		r = types.NewPointer(s.subst(u.Elem()))
	case *types.Slice:
		r = types.NewSlice(s.subst(u.Elem()))
	case *types.Array:
		r = types.NewArray(s.subst(u.Elem()), u.Len())
	case *types.Chan:
		r = types.NewChan(u.Dir(), s.subst(u.Elem()))
	case *types.Map:
		r = types.NewMap(s.subst(u.Key()), s.subst(u.Elem()))
	case *types.Struct:
		fields := make([]*types.Var, u.NumFields())
		tags := make([]string, u.NumFields())
		for i := range fields {
			f := u.Field(i)
			fields[i] = types.NewField(f.Pos(), f.Pkg(), f.Name(), s.subst(f.Type()), f.Embedded())
			tags[i] = u.Tag(i)
		}
		r = types.NewStruct(fields, tags)
	case *types.Tuple:
		vars := make([]*types.Var, u.Len())
		for i := range vars {
			v := u.At(i)
			vars[i] = types.NewParam(v.Pos(), v.Pkg(), v.Name(), s.subst(v.Type()))
		}
		r = types.NewTuple(vars...)
	case *types.Signature:
		params, _ := s.subst(u.Params()).(*types.Tuple)
		results, _ := s.subst(u.Results()).(*types.Tuple)
		r = types.NewSignatureType(nil, nil, nil, params, results, u.Variadic())
	case *types.Named:
		args := make([]types.Type, u.TypeArgs().Len())
		for i := range args {
			args[i] = s.subst(u.TypeArgs().At(i))
		}
		if inst, err := types.Instantiate(nil, u.Origin(), args, false); err == nil {
			r = inst
		}
	}
	s.done[t] = r
	return r
}

// StandIn makes the stand-in type of bestCase: a named empty struct in
// a package of its own, which the checker is told is //isolate:unchecked.
func StandIn() *types.TypeName {
	pkg := types.NewPackage("isolate.invalid/any", "any")
	tn := types.NewTypeName(token.NoPos, pkg, "Any", nil)
	types.NewNamed(tn, types.NewStruct(nil, nil), nil)
	return tn
}
