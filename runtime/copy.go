package runtime

import (
	"context"
	"fmt"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"unsafe"
)

// Unchecked is implemented by the types annotated //isolate:unchecked: their
// author vouches that sharing a value of the type between isolates is safe
// (it is immutable, or synchronizes itself), as with Swift's
// @unchecked Sendable. The generator marks such a type T with
//
//	func (T) IsolateUnchecked() {}
//
// (a value receiver, so that T and *T both implement Unchecked), and Send
// then passes a T or a *T as a plain Go copy, sharing what it points to. The
// method does nothing; it is never called.
type Unchecked interface {
	IsolateUnchecked()
}

// deepCopier is the generated DeepCopy method of a copyable pointer type (or
// of a named slice or map type with a value receiver), Kubernetes convention.
type deepCopier[T any] interface{ DeepCopy() T }

// deepCopyIntoer is the generated DeepCopyInto method on *T, for a copyable
// value type T.
type deepCopyIntoer[T any] interface{ DeepCopyInto(*T) }

// copier copies a message for Send, or refuses it with an error.
type copier[T any] func(T) (T, error)

// copierFor decides, once per port (or per Spawn), how a message of type T is
// copied on Send: nil means a plain Go copy is enough. A type with the
// generated deep copy is copied with it; any other named type of the main
// module, or pointer to one, must share no mutable memory in a plain copy
// (or be marked Unchecked), else every copy fails with an error naming the
// type and the path to the shared part (see plainCopyErr). The decision uses
// type assertions on the zero value and a per-type cache, so a send pays
// only for the copy itself. The answer is kept per type (copiers): a Spawn or
// a new port pays one map lookup for it. A zero-sized type has nothing to
// copy or share.
func copierFor[T any]() copier[T] {
	var zero T
	if unsafe.Sizeof(zero) == 0 {
		return nil
	}
	t := reflect.TypeFor[T]()
	if c, ok := copiers.Load(t); ok {
		return c.(copier[T])
	}
	c := makeCopier[T]()
	copiers.Store(t, c)
	return c
}

// copiers caches copierFor's answer: reflect.Type → copier[T] (nil too).
var copiers sync.Map

// makeCopier is copierFor without the cache.
func makeCopier[T any]() copier[T] {
	var zero T
	if _, ok := any(zero).(deepCopier[T]); ok {
		if reflect.TypeFor[T]().Kind() == reflect.Pointer {
			// A nil pointer stays nil, whatever DeepCopy does with a nil
			// receiver. Pointers are comparable, so this compare is safe.
			return func(v T) (T, error) {
				if any(v) == any(zero) {
					return v, nil
				}
				return any(v).(deepCopier[T]).DeepCopy(), nil
			}
		}
		return func(v T) (T, error) { return any(v).(deepCopier[T]).DeepCopy(), nil }
	}
	if _, ok := any(&zero).(deepCopyIntoer[T]); ok {
		return func(v T) (out T, _ error) {
			any(&v).(deepCopyIntoer[T]).DeepCopyInto(&out)
			return out, nil
		}
	}
	t := reflect.TypeFor[T]()
	if t.Kind() == reflect.Interface {
		// A SendPort[any] (or of another interface type) carries values
		// whose static type the vet check judged at the call (DESIGN §7); a
		// copyable one must be copied here, by its dynamic type, and one
		// that cannot be copied is refused.
		return func(v T) (T, error) {
			c, err := dynamicCopy(any(v))
			if err != nil {
				return v, err
			}
			out, ok := c.(T)
			if !ok {
				return v, nil
			}
			return out, nil
		}
	}
	if err := plainCopyErr(t); err != nil {
		return func(v T) (T, error) { return v, err }
	}
	return nil
}

// dynCopy is the copy function for one dynamic type; f is nil when the type
// needs no copy, err is set when it may not be sent at all.
type dynCopy struct {
	f   func(any) any
	err error
}

// dynCopies caches, per dynamic type, how a value sent through an
// interface-typed port is copied: the method lookup happens once per type.
var dynCopies sync.Map // reflect.Type → dynCopy

func dynamicCopy(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	t := reflect.TypeOf(v)
	c, ok := dynCopies.Load(t)
	if !ok {
		c, _ = dynCopies.LoadOrStore(t, buildDynCopy(t))
	}
	d := c.(dynCopy)
	if d.err != nil {
		return v, d.err
	}
	if d.f == nil {
		return v, nil
	}
	return d.f(v), nil
}

var (
	errorType   = reflect.TypeFor[error]()
	contextType = reflect.TypeFor[context.Context]()
)

func buildDynCopy(t reflect.Type) dynCopy {
	if m, ok := t.MethodByName("DeepCopy"); ok && m.Type.NumIn() == 1 && m.Type.NumOut() == 1 && m.Type.Out(0) == t {
		return dynCopy{f: func(v any) any {
			rv := reflect.ValueOf(v)
			if rv.Kind() == reflect.Pointer && rv.IsNil() {
				return v
			}
			return m.Func.Call([]reflect.Value{rv})[0].Interface()
		}}
	}
	pt := reflect.PointerTo(t)
	if m, ok := pt.MethodByName("DeepCopyInto"); ok && m.Type.NumIn() == 2 && m.Type.In(1) == pt && m.Type.NumOut() == 0 {
		return dynCopy{f: func(v any) any {
			in := reflect.New(t)
			in.Elem().Set(reflect.ValueOf(v))
			out := reflect.New(t)
			m.Func.Call([]reflect.Value{in, out})
			return out.Elem().Interface()
		}}
	}
	// The value may have been sent as an error or a context.Context, both
	// on the allow-list (DESIGN §2): only its dynamic type is seen here.
	if t.Implements(errorType) || t.Implements(contextType) {
		return dynCopy{}
	}
	return dynCopy{err: plainCopyErr(t)}
}

// verdict is the cached answer of plainCopyErr for one type.
type verdict struct{ err error }

// verdicts caches plainCopyErr per type: the type walk happens once.
var verdicts sync.Map // reflect.Type → verdict

// plainCopyErr reports whether a value of type t, which has no generated
// deep copy, may be sent as a plain Go copy. Only named types of the main
// module (userNamed), and pointers to them, are judged; they pass when a
// plain copy shares no mutable memory (booleans, numbers, strings, arrays
// and structs of such, and the sendable runtime and allow-listed standard
// types of DESIGN §2), or when marked Unchecked. Other types (unnamed
// slices, maps and pointers, types of the standard library and of other
// modules) are sent as they are: the vet check reports them where it sees
// them. The verdict is cached per type.
func plainCopyErr(t reflect.Type) error {
	if basic(t) {
		return nil
	}
	if !userNamed(t) && (t.Kind() != reflect.Pointer || !userNamed(t.Elem())) {
		return nil
	}
	if v, ok := verdicts.Load(t); ok {
		return v.(verdict).err
	}
	var err error
	name := t.Name()
	if t.Kind() == reflect.Pointer {
		name = "*" + t.Elem().Name()
	}
	if path, part := sharedPart(t, name); part != nil {
		err = &notSendableError{typ: t, path: path, part: part}
	}
	v, _ := verdicts.LoadOrStore(t, verdict{err})
	return v.(verdict).err
}

// sharedPart walks t and returns the path to, and the type of, the first
// part of it that a plain Go copy would share, or nil if there is none.
func sharedPart(t reflect.Type, path string) (string, reflect.Type) {
	if sendableNamed(t) {
		return "", nil
	}
	if basic(t) {
		return "", nil
	}
	switch t.Kind() {
	case reflect.Array:
		p, part := sharedPart(t.Elem(), path+"[]")
		return stdStop(t, path, p, part)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if p, part := sharedPart(f.Type, path+"."+f.Name); part != nil {
				return stdStop(t, path, p, part)
			}
		}
		return "", nil
	}
	// Pointers, slices, maps, interfaces (but the allowed ones), channels,
	// funcs and unsafe.Pointer: a plain copy shares what they reach.
	return path, t
}

// stdStop reports a shared part found inside a standard library type at the
// type itself: its unexported insides mean nothing to the reader.
func stdStop(t reflect.Type, path, p string, part reflect.Type) (string, reflect.Type) {
	if part != nil && t.Name() != "" && t.PkgPath() != "" && isStd(t.PkgPath()) {
		return path, t
	}
	return p, part
}

// runtimePkg is this package's import path, as reflect reports it.
var runtimePkg = reflect.TypeFor[Capability]().PkgPath()

var uncheckedType = reflect.TypeFor[Unchecked]()

// sendableNamed reports whether t is one of the sendable types a plain copy
// may share: the runtime's SendPort, Capability, *Isolate and *RemoteError,
// the allow-listed standard types of DESIGN §2, and types marked Unchecked.
// The standard types are matched by name, so that this package links none
// of their packages.
func sendableNamed(t reflect.Type) bool {
	if t == errorType || t == contextType {
		return true
	}
	if t.Kind() != reflect.Interface && (t.Implements(uncheckedType) || reflect.PointerTo(t).Implements(uncheckedType)) {
		return true
	}
	ptr := t.Kind() == reflect.Pointer
	if ptr {
		t = t.Elem()
	}
	pkg, name := t.PkgPath(), t.Name()
	switch {
	case pkg == runtimePkg:
		if ptr {
			return name == "Isolate" || name == "RemoteError"
		}
		return name == "Capability" || strings.HasPrefix(name, "SendPort[")
	case pkg == "time":
		return ptr && name == "Location" || !ptr && (name == "Time" || name == "Duration")
	case pkg == "net/netip":
		return !ptr && (name == "Addr" || name == "AddrPort" || name == "Prefix")
	case pkg == "log/slog", pkg == "log":
		return ptr && name == "Logger"
	}
	return false
}

// basic reports whether t is a boolean, numeric or string type.
func basic(t reflect.Type) bool {
	k := t.Kind()
	return k >= reflect.Bool && k <= reflect.Complex128 || k == reflect.String
}

// userNamed reports whether t is a named type declared in the main module:
// a type the program's authors can annotate. Types of other modules are
// sent as they are, as the vet check may have been told they are sendable
// (its -sendable flag) and their authors generate their copies. Without
// module information, every package outside the standard library counts.
func userNamed(t reflect.Type) bool {
	path := t.PkgPath()
	if t.Name() == "" || path == "" || isStd(path) {
		return false
	}
	m := mainModule()
	return m == "" || path == "main" || path == m || strings.HasPrefix(path, m+"/")
}

// mainModule is the main module's path, "" if unknown.
var mainModule = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.Main.Path
	}
	return ""
})

// stdRoots are the first elements of the standard library's import paths.
var stdRoots = map[string]bool{
	"archive": true, "bufio": true, "bytes": true, "cmp": true, "compress": true,
	"container": true, "context": true, "crypto": true, "database": true,
	"debug": true, "embed": true, "encoding": true, "errors": true,
	"expvar": true, "flag": true, "fmt": true, "go": true, "hash": true,
	"html": true, "image": true, "index": true, "internal": true, "io": true,
	"iter": true, "log": true, "maps": true, "math": true, "mime": true,
	"net": true, "os": true, "path": true, "plugin": true, "reflect": true,
	"regexp": true, "runtime": true, "slices": true, "sort": true,
	"strconv": true, "strings": true, "structs": true, "sync": true,
	"syscall": true, "testing": true, "text": true, "time": true,
	"unicode": true, "unique": true, "unsafe": true, "vendor": true,
	"weak": true,
}

// isStd reports whether an import path is the standard library's. A module
// path without a dot (module example) is not taken for it unless its first
// element is one of the standard library's.
func isStd(path string) bool {
	root, _, _ := strings.Cut(path, "/")
	return !strings.Contains(root, ".") && stdRoots[root]
}

// notSendableError is what Send (and Spawn) return for a message whose type
// has no generated deep copy and whose plain copy would share memory.
type notSendableError struct {
	typ  reflect.Type // the message's type
	path string       // to the shared part, from the type's name
	part reflect.Type // the shared part's type
}

func (e *notSendableError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "isolate: cannot send %v: it has no generated deep copy and a plain copy shares memory", e.typ)
	if e.part != e.typ {
		fmt.Fprintf(&b, " at %s: %v", e.path, e.part)
	}
	switch {
	case e.part.Kind() == reflect.Pointer && e.part.Elem().PkgPath() == runtimePkg && strings.HasPrefix(e.part.Elem().Name(), "ReceivePort["):
		b.WriteString("; a ReceivePort belongs to its isolate: send its SendPort instead")
	case e.part.Kind() == reflect.Chan || e.part.Kind() == reflect.Func || e.part.Kind() == reflect.UnsafePointer:
		b.WriteString("; a channel, func or unsafe.Pointer can never be copied: leave it out of the message")
	default:
		b.WriteString("; annotate it //isolate:message and run go generate")
	}
	return b.String()
}
