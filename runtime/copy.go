package runtime

import (
	"reflect"
	"sync"
)

// deepCopier is the generated DeepCopy method of a copyable pointer type (or
// of a named slice or map type with a value receiver), Kubernetes convention.
type deepCopier[T any] interface{ DeepCopy() T }

// deepCopyIntoer is the generated DeepCopyInto method on *T, for a copyable
// value type T.
type deepCopyIntoer[T any] interface{ DeepCopyInto(*T) }

// copierFor decides, once per port (or per Spawn), how a message of type T is
// copied on Send: nil means a plain Go copy is enough (the vet check makes sure
// T is sendable then). The decision uses type assertions on the zero value,
// so a send pays only for the copy itself.
func copierFor[T any]() func(T) T {
	var zero T
	if _, ok := any(zero).(deepCopier[T]); ok {
		if reflect.TypeFor[T]().Kind() == reflect.Pointer {
			// A nil pointer stays nil, whatever DeepCopy does with a nil
			// receiver. Pointers are comparable, so this compare is safe.
			return func(v T) T {
				if any(v) == any(zero) {
					return v
				}
				return any(v).(deepCopier[T]).DeepCopy()
			}
		}
		return func(v T) T { return any(v).(deepCopier[T]).DeepCopy() }
	}
	if _, ok := any(&zero).(deepCopyIntoer[T]); ok {
		return func(v T) (out T) {
			any(&v).(deepCopyIntoer[T]).DeepCopyInto(&out)
			return out
		}
	}
	if reflect.TypeFor[T]().Kind() == reflect.Interface {
		// A SendPort[any] (or of another interface type) carries values
		// whose static type the vet check judged at the call (DESIGN §7); a
		// copyable one must be copied here, by its dynamic type.
		return func(v T) T {
			c, ok := dynamicCopy(any(v)).(T)
			if !ok {
				return v
			}
			return c
		}
	}
	return nil
}

// dynCopy is the copy function for one dynamic type; f is nil when the type
// needs no copy.
type dynCopy struct{ f func(any) any }

// dynCopies caches, per dynamic type, how a value sent through an
// interface-typed port is copied: the method lookup happens once per type.
var dynCopies sync.Map // reflect.Type → dynCopy

func dynamicCopy(v any) any {
	if v == nil {
		return nil
	}
	t := reflect.TypeOf(v)
	c, ok := dynCopies.Load(t)
	if !ok {
		c, _ = dynCopies.LoadOrStore(t, buildDynCopy(t))
	}
	f := c.(dynCopy).f
	if f == nil {
		return v
	}
	return f(v)
}

func buildDynCopy(t reflect.Type) dynCopy {
	if m, ok := t.MethodByName("DeepCopy"); ok && m.Type.NumIn() == 1 && m.Type.NumOut() == 1 && m.Type.Out(0) == t {
		return dynCopy{func(v any) any {
			rv := reflect.ValueOf(v)
			if rv.Kind() == reflect.Pointer && rv.IsNil() {
				return v
			}
			return m.Func.Call([]reflect.Value{rv})[0].Interface()
		}}
	}
	pt := reflect.PointerTo(t)
	if m, ok := pt.MethodByName("DeepCopyInto"); ok && m.Type.NumIn() == 2 && m.Type.In(1) == pt && m.Type.NumOut() == 0 {
		return dynCopy{func(v any) any {
			in := reflect.New(t)
			in.Elem().Set(reflect.ValueOf(v))
			out := reflect.New(t)
			m.Func.Call([]reflect.Value{in, out})
			return out.Elem().Interface()
		}}
	}
	return dynCopy{}
}
