// Package fingerprint summarises the shape of an //isolate:message type, so
// that the analyzer's stale rule can tell whether the generated copy still
// matches the fields it was generated from.
//
// The generator writes the fingerprint into the doc comment of each type's
// generated DeepCopyInto method, as a line
//
//	//isolategen:fingerprint 0123456789abcdef
//
// and the analyzer recomputes it from the type and compares.
package fingerprint

import (
	"crypto/sha256"
	"encoding/hex"
	"go/types"
	"strings"
)

// Marker starts the fingerprint line in a generated method's doc comment.
const Marker = "//isolategen:fingerprint "

// version changes whenever the generator changes what it emits for the same
// fields, so that older generated code reads as stale.
const version = "1"

// Of returns the fingerprint of named type n as annotated (tree says whether
// //isolate:message tree was given): a hash of its type parameters and
// underlying type, with field names, embedding and fully qualified types.
func Of(n *types.Named, tree bool) string {
	var b strings.Builder
	b.WriteString(version)
	if tree {
		b.WriteString(" tree")
	}
	q := func(p *types.Package) string { return p.Path() }
	n = n.Origin()
	if tps := n.TypeParams(); tps != nil {
		for i := 0; i < tps.Len(); i++ {
			tp := tps.At(i)
			b.WriteString(" [" + tp.Obj().Name() + " " + types.TypeString(tp.Constraint(), q) + "]")
		}
	}
	b.WriteString(" ")
	if s, ok := n.Underlying().(*types.Struct); ok {
		// TypeString omits nothing we need, but spell fields out so that
		// embedding and names are explicit whatever the printer does.
		b.WriteString("struct{")
		for i := 0; i < s.NumFields(); i++ {
			f := s.Field(i)
			if f.Embedded() {
				b.WriteString("embedded ")
			}
			b.WriteString(f.Name() + " " + types.TypeString(f.Type(), q) + ";")
		}
		b.WriteString("}")
	} else {
		b.WriteString(types.TypeString(n.Underlying(), q))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}

// Find returns the fingerprint recorded in a doc comment's text, or "".
func Find(doc []string) string {
	for _, line := range doc {
		if fp, ok := strings.CutPrefix(line, Marker); ok {
			return strings.TrimSpace(fp)
		}
	}
	return ""
}
