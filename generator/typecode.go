package generator

import (
	"go/types"

	"github.com/dave/jennifer/jen"
)

// typeCode spells t as Go source, qualifying names of other packages so
// that jen adds their imports.
func typeCode(t types.Type) *jen.Statement {
	switch t := t.(type) {
	case *types.Alias:
		obj := t.Obj()
		if obj.Pkg() == nil {
			return jen.Id(obj.Name())
		}
		s := jen.Qual(obj.Pkg().Path(), obj.Name())
		if args := t.TypeArgs(); args != nil && args.Len() > 0 {
			s = s.Types(typeList(args)...)
		}
		return s
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() == nil {
			return jen.Id(obj.Name())
		}
		s := jen.Qual(obj.Pkg().Path(), obj.Name())
		if args := t.TypeArgs(); args != nil && args.Len() > 0 {
			s = s.Types(typeList(args)...)
		}
		return s
	case *types.Basic:
		if t.Kind() == types.UnsafePointer {
			return jen.Qual("unsafe", "Pointer")
		}
		return jen.Id(t.Name())
	case *types.Pointer:
		return jen.Op("*").Add(typeCode(t.Elem()))
	case *types.Slice:
		return jen.Index().Add(typeCode(t.Elem()))
	case *types.Array:
		return jen.Index(jen.Lit(int(t.Len()))).Add(typeCode(t.Elem()))
	case *types.Map:
		return jen.Map(typeCode(t.Key())).Add(typeCode(t.Elem()))
	case *types.Chan:
		switch t.Dir() {
		case types.SendOnly:
			return jen.Chan().Op("<-").Add(typeCode(t.Elem()))
		case types.RecvOnly:
			return jen.Op("<-").Chan().Add(typeCode(t.Elem()))
		}
		return jen.Chan().Add(typeCode(t.Elem()))
	case *types.Struct:
		fields := make([]jen.Code, t.NumFields())
		for i := range t.NumFields() {
			f := t.Field(i)
			var s *jen.Statement
			if f.Embedded() {
				s = typeCode(f.Type())
			} else {
				s = jen.Id(f.Name()).Add(typeCode(f.Type()))
			}
			if tag := t.Tag(i); tag != "" {
				// Any string literal is a valid tag; Lit keeps it exactly.
				s = s.Add(jen.Lit(tag))
			}
			fields[i] = s
		}
		return jen.Struct(fields...)
	case *types.TypeParam:
		return jen.Id(t.Obj().Name())
	case *types.Signature:
		return jen.Func().Add(signature(t))
	case *types.Union:
		terms := make([]jen.Code, t.Len())
		for i := range t.Len() {
			terms[i] = termCode(t.Term(i))
		}
		return jen.Union(terms...)
	case *types.Interface:
		if t.Empty() {
			return jen.Id("any")
		}
		if t.IsImplicit() && t.NumEmbeddeds() == 1 {
			return typeCode(t.EmbeddedType(0))
		}
		var elems []jen.Code
		for i := range t.NumEmbeddeds() {
			elems = append(elems, typeCode(t.EmbeddedType(i)))
		}
		for i := range t.NumExplicitMethods() {
			m := t.ExplicitMethod(i)
			elems = append(elems, jen.Id(m.Name()).Add(signature(m.Type().(*types.Signature))))
		}
		return jen.Interface(elems...)
	}
	return jen.Id(t.String())
}

func termCode(t *types.Term) *jen.Statement {
	if t.Tilde() {
		return jen.Op("~").Add(typeCode(t.Type()))
	}
	return typeCode(t.Type())
}

func typeList(l *types.TypeList) []jen.Code {
	out := make([]jen.Code, l.Len())
	for i := range l.Len() {
		out[i] = typeCode(l.At(i))
	}
	return out
}

func signature(sig *types.Signature) *jen.Statement {
	tuple := func(t *types.Tuple, variadic bool) []jen.Code {
		out := make([]jen.Code, t.Len())
		for i := range t.Len() {
			v := t.At(i)
			var ty *jen.Statement
			if variadic && i == t.Len()-1 {
				ty = jen.Op("...").Add(typeCode(v.Type().(*types.Slice).Elem()))
			} else {
				ty = typeCode(v.Type())
			}
			if v.Name() != "" {
				ty = jen.Id(v.Name()).Add(ty)
			}
			out[i] = ty
		}
		return out
	}
	s := jen.Params(tuple(sig.Params(), sig.Variadic())...)
	if r := sig.Results(); r.Len() == 1 && r.At(0).Name() == "" {
		return s.Add(typeCode(r.At(0).Type()))
	} else if r.Len() > 0 {
		return s.Params(tuple(r, false)...)
	}
	return s
}

// typeParams declares the type parameters of named (with constraints) and
// returns them, and the list of their names for instantiating.
func typeParams(named *types.Named) (decl, use []jen.Code) {
	tps := named.TypeParams()
	if tps == nil {
		return nil, nil
	}
	for i := range tps.Len() {
		tp := tps.At(i)
		decl = append(decl, jen.Id(tp.Obj().Name()).Add(typeCode(tp.Constraint())))
		use = append(use, jen.Id(tp.Obj().Name()))
	}
	return decl, use
}
