// Package sendable holds the one sendability rule of the project (DESIGN §2),
// used by the generator to decide how to copy a field and by the analyzer to
// decide what may cross an isolate boundary.
//
// Every type falls in one of four classes, each contained in the next:
//
//   - Sendable: a plain Go copy of a value shares no mutable memory.
//   - Copyable: not sendable, but annotated //isolate:message (or with a
//     DeepCopyInto method, generated or hand-written), or a pointer to one: a
//     port copies it on every send.
//   - Transferable: may be moved without a copy; it holds no channel, func or
//     runtime.ReceivePort, which goroutines could keep using after the move.
//   - Unsendable: none of the above.
//
// A verdict below Sendable comes with a Reason that names the path to the
// offending part, as Dart's retaining path does: Order.Items[].Tags:
// map[string]*Tag.
package sendable

import (
	"fmt"
	"go/types"
	"strings"
)

// RuntimePath is the import path of the isolate runtime. The checker knows the
// runtime by path and names only.
const RuntimePath = "github.com/go-isolate/isolate/runtime"

// Class is how far a type may cross an isolate boundary.
type Class int

// The classes, weakest last.
const (
	Sendable Class = iota
	Copyable
	Transferable
	Unsendable
)

func (c Class) String() string {
	switch c {
	case Sendable:
		return "sendable"
	case Copyable:
		return "copyable"
	case Transferable:
		return "transferable"
	}
	return "unsendable"
}

// Annotation is what a named type's //isolate: directives say of it.
type Annotation struct {
	Message   bool // //isolate:message
	Tree      bool // //isolate:message tree
	Unchecked bool // //isolate:unchecked
}

// Reason says why a type is not in a better class.
type Reason struct {
	// Path leads from the judged type to the offending part: "Order",
	// "Order.Items[].Tags", "Cfg.Handlers[key]".
	Path string
	// Type is the offending part's type.
	Type types.Type
	// Why is a short explanation: "shared mutable memory", "a channel", ...
	Why string
	// Hint is what to do about it, or "".
	Hint string

	qual types.Qualifier
}

// String renders "Order.Items[].Tags is map[string]*Tag (shared mutable memory)".
func (r *Reason) String() string {
	return fmt.Sprintf("%s is %s (%s)", r.Path, types.TypeString(r.Type, r.qual), r.Why)
}

// PathType renders "Order.Items[].Tags: map[string]*Tag".
func (r *Reason) PathType() string {
	return r.Path + ": " + types.TypeString(r.Type, r.qual)
}

// Checker classifies types. Its zero value knows no annotations and no extra
// allow-list entries; it caches verdicts, so keep one per package.
type Checker struct {
	// Annotations returns what the directives say of a named type, from the
	// package's own comments or from facts of its dependencies. May be nil.
	Annotations func(*types.TypeName) Annotation
	// Extra extends the allow-list with types users cannot annotate, as
	// "importpath.Name" (e.g. "net/http.Client"): T and *T become sendable.
	Extra []string
	// Qualifier renders type names in reasons; nil qualifies by package name.
	Qualifier types.Qualifier

	cache map[types.Type]verdict
	// provisional counts the answers given for types still being judged;
	// a verdict reached while one was given rests on it and is not cached.
	provisional int
	// moves remembers which types are transferable, as settled by transferable.
	moves map[types.Type]bool
}

type verdict struct {
	class  Class
	reason *Reason
}

// allowed lists the immutable or concurrency-safe standard types of DESIGN §2,
// keyed by "path.Name"; the bool says whether the pointer is the allowed form.
var allowed = map[string]bool{
	"time.Time":          false,
	"time.Duration":      false,
	"time.Location":      true,
	"net/netip.Addr":     false,
	"net/netip.AddrPort": false,
	"net/netip.Prefix":   false,
	"context.Context":    false,
	"log/slog.Logger":    true,
	"log.Logger":         true,
	"github.com/go-isolate/isolate/runtime.Capability": false,
	RuntimePath + ".SendPort":                          false,
	RuntimePath + ".Isolate":                           true,
	RuntimePath + ".Pool":                              true,
	RuntimePath + ".RemoteError":                       true,
	// The remote binding of a generated //isolate:port type: package
	// remote's callers are safe for concurrent use and hold no user memory.
	RuntimePath + ".WireCaller": false,
}

// Classify returns the class of t and, when t is not sendable, why.
func (c *Checker) Classify(t types.Type) (Class, *Reason) {
	v := c.classify(t, rootName(t, c.qualifier()), map[types.Type]bool{})
	return v.class, v.reason
}

// CanCopy reports whether t may cross a copying boundary (Send, Spawn's
// message, port parameters and results): sendable or copyable.
func (c *Checker) CanCopy(t types.Type) (bool, *Reason) {
	class, r := c.Classify(t)
	return class <= Copyable, r
}

// CanMove reports whether t may cross a moving boundary (Transfer, Exit,
// Run's result): transferable. The reason names the channel, func or
// ReceivePort that prevents it.
func (c *Checker) CanMove(t types.Type) (bool, *Reason) {
	if c.transferable(t) {
		return true, nil
	}
	r := c.untransferable(t, rootName(t, c.qualifier()), map[types.Type]bool{})
	return r == nil, r
}

// Annotation returns the annotation of named type n (or of the type a
// pointer points to), through the Annotations hook.
func (c *Checker) Annotation(n *types.Named) Annotation {
	if c.Annotations == nil || n == nil {
		return Annotation{}
	}
	return c.Annotations(n.Origin().Obj())
}

func (c *Checker) qualifier() types.Qualifier {
	if c.Qualifier != nil {
		return c.Qualifier
	}
	return func(p *types.Package) string { return p.Name() }
}

func rootName(t types.Type, q types.Qualifier) string {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		if n, ok := types.Unalias(p.Elem()).(*types.Named); ok {
			return n.Obj().Name()
		}
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	if tp, ok := types.Unalias(t).(*types.TypeParam); ok {
		return tp.Obj().Name()
	}
	return types.TypeString(t, q)
}

// key is the allow-list key of a named type.
func key(n *types.Named) string {
	obj := n.Obj()
	if obj.Pkg() == nil {
		return obj.Name()
	}
	return obj.Pkg().Path() + "." + obj.Name()
}

func (c *Checker) extra(n *types.Named) bool {
	k := key(n)
	for _, e := range c.Extra {
		if strings.TrimPrefix(e, "*") == k {
			return true
		}
	}
	return false
}

// named reports whether the allow-list or an annotation settles t (a named
// type or a pointer to one) as sendable.
func (c *Checker) listed(t types.Type) (ok, settled bool) {
	ptr := false
	if p, isPtr := t.(*types.Pointer); isPtr {
		t, ptr = types.Unalias(p.Elem()), true
	}
	n, isNamed := t.(*types.Named)
	if !isNamed {
		return false, false
	}
	if n.Obj().Pkg() == nil && n.Obj().Name() == "error" {
		return !ptr, !ptr
	}
	if isPtr, found := allowed[key(n.Origin())]; found {
		return isPtr == ptr, isPtr == ptr
	}
	if c.Annotation(n).Unchecked || c.extra(n.Origin()) {
		return true, true
	}
	return false, false
}

func (c *Checker) classify(t types.Type, path string, visiting map[types.Type]bool) verdict {
	t = types.Unalias(t)
	if v, ok := c.cache[t]; ok && v.reason == nil {
		return v
	}
	if expanding(t) {
		// Not judged: say nothing, and cache nothing judged with it.
		c.provisional++
		return verdict{Sendable, nil}
	}
	if visiting[t] {
		// A type reached again while it is being judged can only recur
		// through a pointer, slice or map, which decides the verdict; this
		// provisional answer is not cached, nor is anything judged with it.
		c.provisional++
		return verdict{Sendable, nil}
	}
	before := c.provisional
	v := c.classify1(t, path, visiting)
	if v.reason == nil && c.provisional == before { // reasons carry paths, which depend on the root
		if c.cache == nil {
			c.cache = map[types.Type]verdict{}
		}
		c.cache[t] = v
	}
	return v
}

func (c *Checker) reason(path string, t types.Type, why, hint string) *Reason {
	return &Reason{Path: path, Type: t, Why: why, Hint: hint, qual: c.qualifier()}
}

func (c *Checker) classify1(t types.Type, path string, visiting map[types.Type]bool) verdict {
	if ok, settled := c.listed(t); settled && ok {
		return verdict{Sendable, nil}
	}
	visiting[t] = true
	defer delete(visiting, t)

	switch u := t.(type) {
	case *types.Basic:
		if u.Kind() == types.UnsafePointer {
			return c.notSendable(t, path, "an unsafe.Pointer", "", visiting)
		}
		return verdict{Sendable, nil}
	case *types.Named:
		if r := c.special(u, path); r != nil {
			return verdict{c.weakest(t, path, visiting), r}
		}
		under := c.classify(u.Underlying(), path, visiting)
		if under.class == Sendable {
			return under
		}
		if c.copyable(u) {
			return verdict{Copyable, under.reason}
		}
		if under.class == Copyable {
			// Copyable parts do not make the whole copyable.
			return verdict{c.weakest(t, path, visiting), under.reason}
		}
		if under.reason != nil && under.reason.Hint == "" && annotatable(u) && c.CanMoveNoFunc(u) {
			under.reason.Hint = fmt.Sprintf("annotate %s with //isolate:message and run go generate", u.Obj().Name())
		}
		return under
	case *types.Pointer:
		elem := types.Unalias(u.Elem())
		if n, ok := elem.(*types.Named); ok && c.copyable(n) {
			ev := c.classify(elem, path, visiting)
			if ev.class <= Copyable {
				return verdict{Copyable, c.reason(path, t, "a pointer to shared memory", "")}
			}
		}
		// Name the deepest cause: a pointer to an unsendable struct is
		// unsendable first for what the struct holds.
		ev := c.classify(elem, path, visiting)
		if ev.reason != nil && ev.class != Copyable {
			return verdict{c.weakest(t, path, visiting), ev.reason}
		}
		hint := ""
		if n, ok := elem.(*types.Named); ok && annotatable(n) {
			hint = fmt.Sprintf("send a %s value, or annotate %s with //isolate:message and run go generate", n.Obj().Name(), n.Obj().Name())
		}
		return c.notSendable(t, path, "shared mutable memory", hint, visiting)
	case *types.Slice:
		return c.notSendable(t, path, "shared mutable memory", "", visiting)
	case *types.Map:
		return c.notSendable(t, path, "shared mutable memory", "", visiting)
	case *types.Chan:
		return c.notSendable(t, path, "a channel", "send a runtime.SendPort instead", visiting)
	case *types.Signature:
		return c.notSendable(t, path, "a func", "", visiting)
	case *types.Interface:
		return c.notSendable(t, path, "an interface, which may hold shared memory", "", visiting)
	case *types.Array:
		ev := c.classify(u.Elem(), path+"[]", visiting)
		if ev.class == Sendable {
			return ev
		}
		if ev.class == Copyable {
			ev.reason = c.copyableInside(path+"[]", u.Elem(), path)
		}
		return verdict{c.weakest(t, path, visiting), ev.reason}
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			fv := c.classify(f.Type(), path+"."+f.Name(), visiting)
			if fv.class == Copyable {
				fv.reason = c.copyableInside(path+"."+f.Name(), f.Type(), path)
			}
			if fv.class != Sendable {
				return verdict{c.weakest(t, path, visiting), fv.reason}
			}
		}
		return verdict{Sendable, nil}
	case *types.TypeParam:
		return c.typeParam(u, path, visiting)
	case *types.Tuple:
		for i := 0; i < u.Len(); i++ {
			if v := c.classify(u.At(i).Type(), path, visiting); v.class != Sendable {
				return v
			}
		}
		return verdict{Sendable, nil}
	}
	return c.notSendable(t, path, "of an unknown kind", "", visiting)
}

// copyableInside explains a copyable part of a type that is not itself
// copyable: its generated copy exists, but nothing calls it.
func (c *Checker) copyableInside(path string, t types.Type, outer string) *Reason {
	root, _, _ := strings.Cut(outer, ".")
	root, _, _ = strings.Cut(root, "[")
	return c.reason(path, t, "copyable, inside a type that is not a message", fmt.Sprintf("annotate %s with //isolate:message and run go generate", root))
}

// CanMoveNoFunc reports whether t holds no channel, func or ReceivePort.
func (c *Checker) CanMoveNoFunc(t types.Type) bool {
	return c.transferable(t)
}

// annotatable reports whether the hint "annotate T with //isolate:message"
// can be followed: T is a struct, slice, map or array type outside the
// standard library, whose declarations users cannot edit. Standard package
// paths are the ones whose first element has no dot (go.dev/ref/mod), but
// for "main" and a module named like a single word, which keep the hint.
func annotatable(n *types.Named) bool {
	pkg := n.Obj().Pkg()
	if pkg == nil || !canAnnotate(n.Underlying()) {
		return false
	}
	path := pkg.Path()
	first, _, nested := strings.Cut(path, "/")
	return strings.Contains(first, ".") || path == "main" || !nested && !stdSingle[path]
}

// stdSingle lists the one-element standard package paths that hold struct,
// slice, map or array types a message might carry.
var stdSingle = map[string]bool{
	"bufio": true, "bytes": true, "context": true, "errors": true, "expvar": true,
	"flag": true, "fmt": true, "iter": true, "log": true, "maps": true, "math": true,
	"mime": true, "net": true, "os": true, "path": true, "plugin": true, "reflect": true,
	"regexp": true, "runtime": true, "slices": true, "sort": true, "strconv": true,
	"strings": true, "structs": true, "sync": true, "syscall": true, "testing": true,
	"time": true, "unique": true, "unsafe": true, "weak": true,
}

func canAnnotate(u types.Type) bool {
	switch u.(type) {
	case *types.Struct, *types.Slice, *types.Map, *types.Array:
		return true
	}
	return false
}

// copyable reports whether n is annotated //isolate:message or has a deep
// copy method (generated, or hand-written as Kubernetes types have).
func (c *Checker) copyable(n *types.Named) bool {
	if c.Annotation(n).Message {
		return true
	}
	return HasDeepCopyInto(n)
}

// HasDeepCopyInto reports whether *T has a method DeepCopyInto(*T), the
// Kubernetes convention the runtime uses to copy a T on Send.
func HasDeepCopyInto(n *types.Named) bool {
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(n), true, n.Obj().Pkg(), "DeepCopyInto")
	fn, ok := obj.(*types.Func)
	if !ok {
		return false
	}
	sig := fn.Type().(*types.Signature)
	if sig.Params().Len() != 1 || sig.Results().Len() != 0 {
		return false
	}
	p, ok := sig.Params().At(0).Type().(*types.Pointer)
	return ok && types.Identical(p.Elem(), n)
}

// special handles the runtime and standard types whose structure says
// nothing of their sendability.
func (c *Checker) special(n *types.Named, path string) *Reason {
	obj := n.Obj()
	if obj.Pkg() == nil {
		return nil
	}
	switch obj.Pkg().Path() {
	case RuntimePath:
		switch obj.Name() {
		case "ReceivePort":
			return c.reason(path, n, "a ReceivePort, which belongs to its isolate", "send its SendPort() instead")
		case "Isolate":
			return c.reason(path, n, "an Isolate value", "send a *runtime.Isolate instead")
		}
	case "sync", "sync/atomic":
		return c.reason(path, n, "synchronization state, which must not be copied", "")
	}
	return nil
}

// notSendable builds the verdict for a type that is not sendable by its kind:
// transferable or not, with this reason.
func (c *Checker) notSendable(t types.Type, path, why, hint string, visiting map[types.Type]bool) verdict {
	return verdict{c.weakest(t, path, visiting), c.reason(path, t, why, hint)}
}

// weakest decides between Transferable and Unsendable for a type already
// known to be neither sendable nor copyable.
func (c *Checker) weakest(t types.Type, path string, _ map[types.Type]bool) Class {
	if !c.transferable(t) {
		return Unsendable
	}
	return Transferable
}

// transferable reports whether t holds no channel, func or ReceivePort, as
// untransferable does, but without building a reason, and remembering the
// answer: every verdict that is not sendable asks it, so over a large type
// graph it must not walk the graph each time.
func (c *Checker) transferable(t types.Type) bool {
	if c.moves == nil {
		c.moves = map[types.Type]bool{}
	}
	seen := map[types.Type]bool{}
	if !c.movable(t, seen) {
		c.moves[types.Unalias(t)] = false
		return false
	}
	// Everything the walk reached was explored in full and reaches no
	// channel, func or ReceivePort either.
	for x := range seen {
		c.moves[x] = true
	}
	return true
}

func (c *Checker) movable(t types.Type, seen map[types.Type]bool) bool {
	t = types.Unalias(t)
	if ok, known := c.moves[t]; known {
		return ok
	}
	if seen[t] || expanding(t) {
		return true
	}
	seen[t] = true
	if ok, settled := c.listed(t); settled && ok {
		return true
	}
	switch u := t.(type) {
	case *types.Named:
		if o := u.Obj(); o.Pkg() != nil && o.Pkg().Path() == RuntimePath && o.Name() == "ReceivePort" {
			return false
		}
		return c.movable(u.Underlying(), seen)
	case *types.Chan, *types.Signature:
		return false
	case *types.Pointer:
		return c.movable(u.Elem(), seen)
	case *types.Slice:
		return c.movable(u.Elem(), seen)
	case *types.Array:
		return c.movable(u.Elem(), seen)
	case *types.Map:
		return c.movable(u.Key(), seen) && c.movable(u.Elem(), seen)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if !c.movable(u.Field(i).Type(), seen) {
				return false
			}
		}
	case *types.TypeParam:
		iface, _ := u.Constraint().Underlying().(*types.Interface)
		if iface == nil {
			return true
		}
		terms, _ := termsOf(iface)
		for _, term := range terms {
			if !c.movable(term.Type(), seen) {
				return false
			}
		}
	}
	return true
}

func (c *Checker) typeParam(tp *types.TypeParam, path string, visiting map[types.Type]bool) verdict {
	iface, _ := tp.Constraint().Underlying().(*types.Interface)
	if iface == nil {
		return c.notSendable(tp, path, "a type parameter without a usable constraint", "", visiting)
	}
	terms, err := termsOf(iface)
	if err != nil || len(terms) == 0 {
		return c.notSendable(tp, path, fmt.Sprintf("a type parameter whose constraint %s admits shared memory", types.TypeString(tp.Constraint(), c.qualifier())), "constrain it to sendable types", visiting)
	}
	worst := verdict{Sendable, nil}
	for _, term := range terms {
		v := c.classify(term.Type(), path, visiting)
		if v.class > worst.class {
			worst = v
		}
	}
	return worst
}

// termsOf returns the type terms of a constraint's type set, or none when
// the set is not restricted by terms (any, comparable, method-only sets).
func termsOf(iface *types.Interface) ([]*types.Term, error) {
	var terms []*types.Term
	for i := 0; i < iface.NumEmbeddeds(); i++ {
		switch e := types.Unalias(iface.EmbeddedType(i)).(type) {
		case *types.Union:
			for j := 0; j < e.Len(); j++ {
				terms = append(terms, e.Term(j))
			}
		case *types.Interface:
			sub, err := termsOf(e)
			if err != nil {
				return nil, err
			}
			terms = append(terms, sub...)
		case *types.Named:
			if in, ok := e.Underlying().(*types.Interface); ok {
				sub, err := termsOf(in)
				if err != nil {
					return nil, err
				}
				terms = append(terms, sub...)
			} else {
				terms = append(terms, types.NewTerm(false, e))
			}
		default:
			terms = append(terms, types.NewTerm(false, e))
		}
	}
	return terms, nil
}

// untransferable returns why t cannot be moved: it holds a channel, a func or
// a runtime.ReceivePort, reached through any field, element or pointer.
func (c *Checker) untransferable(t types.Type, path string, visiting map[types.Type]bool) *Reason {
	t = types.Unalias(t)
	if ok, settled := c.listed(t); settled && ok {
		return nil
	}
	if visiting[t] || expanding(t) {
		return nil
	}
	visiting[t] = true
	switch u := t.(type) {
	case *types.Named:
		if o := u.Obj(); o.Pkg() != nil && o.Pkg().Path() == RuntimePath && o.Name() == "ReceivePort" {
			return c.reason(path, t, "a ReceivePort, which belongs to its isolate", "send its SendPort() instead")
		}
		return c.untransferable(u.Underlying(), path, visiting)
	case *types.Chan:
		return c.reason(path, t, "a channel, which other goroutines may still use", "send a runtime.SendPort instead")
	case *types.Signature:
		return c.reason(path, t, "a func, which may capture memory other goroutines use", "")
	case *types.Pointer:
		return c.untransferable(u.Elem(), path, visiting)
	case *types.Slice:
		return c.untransferable(u.Elem(), path+"[]", visiting)
	case *types.Array:
		return c.untransferable(u.Elem(), path+"[]", visiting)
	case *types.Map:
		if r := c.untransferable(u.Key(), path+"[key]", visiting); r != nil {
			return r
		}
		return c.untransferable(u.Elem(), path+"[]", visiting)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			if r := c.untransferable(f.Type(), path+"."+f.Name(), visiting); r != nil {
				return r
			}
		}
	case *types.TypeParam:
		iface, _ := u.Constraint().Underlying().(*types.Interface)
		if iface == nil {
			return nil
		}
		terms, _ := termsOf(iface)
		for _, term := range terms {
			if r := c.untransferable(term.Type(), path, visiting); r != nil {
				return r
			}
		}
	}
	return nil
}

// maxTypeArgDepth bounds how deeply the type arguments of an instance may
// nest before the checker leaves it unjudged. Only an instantiation cycle
// (type N[T any] struct{ x *N[N[T]] }), which go/types reports as an error,
// nests without bound: each level is a new type, so judging it would never
// end. Written code nests a handful of levels.
const maxTypeArgDepth = 32

// expanding reports whether t is an instance whose type arguments nest
// deeper than maxTypeArgDepth.
func expanding(t types.Type) bool {
	n, ok := t.(*types.Named)
	return ok && n.TypeArgs().Len() > 0 && typeDepth(n, maxTypeArgDepth+1) > maxTypeArgDepth
}

// typeDepth is how deeply t's type expression nests, through type
// arguments and composite types but not through the underlying types of
// named types, counting no further than limit.
func typeDepth(t types.Type, limit int) int {
	if limit <= 0 {
		return 0
	}
	deepest := func(ts ...types.Type) int {
		d := 0
		for _, x := range ts {
			d = max(d, typeDepth(x, limit-1))
		}
		return 1 + d
	}
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		args := t.TypeArgs()
		if args.Len() == 0 {
			return 0
		}
		ts := make([]types.Type, args.Len())
		for i := range ts {
			ts[i] = args.At(i)
		}
		return deepest(ts...)
	case *types.Pointer:
		return deepest(t.Elem())
	case *types.Slice:
		return deepest(t.Elem())
	case *types.Array:
		return deepest(t.Elem())
	case *types.Chan:
		return deepest(t.Elem())
	case *types.Map:
		return deepest(t.Key(), t.Elem())
	case *types.Struct:
		ts := make([]types.Type, t.NumFields())
		for i := range ts {
			ts[i] = t.Field(i).Type()
		}
		return deepest(ts...)
	case *types.Signature:
		var ts []types.Type
		for _, tuple := range []*types.Tuple{t.Params(), t.Results()} {
			for i := 0; i < tuple.Len(); i++ {
				ts = append(ts, tuple.At(i).Type())
			}
		}
		return deepest(ts...)
	}
	return 0
}
