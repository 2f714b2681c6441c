package boundary

import (
	"fmt"
	"go/types"
	"strings"

	"github.com/go-isolate/isolate/internal/sendable"
)

// Describe renders why a type cannot cross: "Order.Items is []string
// (shared mutable memory)"; "map[string]int is shared mutable memory" for a
// reason about the judged type itself; "*State is a pointer, so both
// isolates would share the State it points to" for a pointer to a value
// that would be fine on its own.
func Describe(r *sendable.Reason, q types.Qualifier) string {
	typ := types.TypeString(r.Type, q)
	_, iface := r.Type.(*types.Interface) // a named interface's own method set
	root := !strings.ContainsAny(r.Path, ".[")
	if r.Path == typ || iface && root {
		return r.Path + " is " + r.Why
	}
	if p, ok := r.Type.(*types.Pointer); ok && root {
		return fmt.Sprintf("%s is a pointer, so both isolates would share the %s it points to", typ, types.TypeString(p.Elem(), q))
	}
	return r.String()
}

// Fix returns what to do about a reason found where judged crosses a
// boundary: the reason's own hint when it leads somewhere, else advice by
// the kind of the offending part, or "" when there is none to give.
// move says the boundary moves the value (Transfer, Exit, Run's result);
// transfer says Transfer is an option in its place (a Send of a value that
// can be moved).
func Fix(r *sendable.Reason, judged types.Type, move, transfer bool, q types.Qualifier) string {
	if r.Hint != "" && !(strings.HasPrefix(r.Hint, "annotate ") && neverCopied(r.Type)) {
		return r.Hint
	}
	if n := foreign(judged); n != nil && !move && !neverCopied(n) {
		// Users cannot change a standard type, only vouch for it.
		name := n.Obj().Pkg().Path() + "." + n.Obj().Name()
		return fmt.Sprintf("if %s is safe to share (immutable or synchronized), allow it with -sendable=%s; else send the data it is made from", types.TypeString(n, q), name)
	}
	root, _, _ := strings.Cut(r.Path, ".")
	root, _, _ = strings.Cut(root, "[")
	switch u := types.Unalias(r.Type).(type) {
	case *types.Basic:
		if u.Kind() == types.UnsafePointer {
			return "an unsafe.Pointer cannot be copied: keep it out of the message, or mark " + root + " //isolate:unchecked if what it points to is immutable or synchronized"
		}
	case *types.Signature:
		if move {
			return "a func may still be called by the goroutines that hold it: hand over the data it works on instead"
		}
		return "a func cannot be copied: keep it out of the message, and send data that tells the receiving isolate what to do"
	case *types.Chan:
		return "send a runtime.SendPort instead"
	case *types.Interface:
		if strings.ContainsAny(r.Path, ".[") {
			return "give " + r.Path + " a concrete type that is sendable or an //isolate:message type"
		}
		return "send a value of a concrete type that is sendable or an //isolate:message type"
	case *types.Named:
		if p := u.Obj().Pkg(); p != nil && (p.Path() == "sync" || p.Path() == "sync/atomic") {
			return "keep the lock out of the message: the receiving isolate owns its copy and needs no lock"
		}
	case *types.Slice, *types.Map:
		if r.Path == types.TypeString(r.Type, q) {
			s := fmt.Sprintf("declare a named type for it (type %s %s), annotate that //isolate:message and run go generate", exampleName(u), types.TypeString(r.Type, q))
			if transfer {
				s += ", or hand it over with Transfer if this isolate is done with it"
			}
			return s
		}
	}
	return ""
}

// neverCopied reports whether no generated copy can copy a value of type t,
// so that annotating the type that holds it leads nowhere: isolategen
// rejects such a field.
func neverCopied(t types.Type) bool {
	switch u := types.Unalias(t).(type) {
	case *types.Basic:
		return u.Kind() == types.UnsafePointer
	case *types.Signature, *types.Chan, *types.Interface:
		return true
	case *types.Named:
		p := u.Obj().Pkg()
		if p == nil {
			return false
		}
		switch p.Path() {
		case "sync", "sync/atomic":
			return true
		case sendable.RuntimePath:
			return u.Obj().Name() == "ReceivePort" || u.Obj().Name() == "Isolate"
		}
		_, iface := u.Underlying().(*types.Interface)
		return iface
	}
	return false
}

// exampleName names the named type a finding suggests for a slice or map:
// Lines for []Line, Items for []*Item, else Batch or Table.
func exampleName(t types.Type) string {
	var elem types.Type
	name := "Batch"
	switch u := t.(type) {
	case *types.Slice:
		elem = u.Elem()
	case *types.Map:
		elem, name = u.Elem(), "Table"
	}
	if p, ok := types.Unalias(elem).(*types.Pointer); ok {
		elem = p.Elem()
	}
	if n, ok := types.Unalias(elem).(*types.Named); ok {
		return n.Obj().Name() + "s"
	}
	return name
}

// foreign returns the named type judged is, or points to, when it is a
// standard library type: users cannot annotate it, only vouch for it.
func foreign(judged types.Type) *types.Named {
	t := types.Unalias(judged)
	if p, ok := t.(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return nil
	}
	first, _, _ := strings.Cut(n.Obj().Pkg().Path(), "/")
	if strings.Contains(first, ".") || first == "main" {
		return nil
	}
	return n
}
