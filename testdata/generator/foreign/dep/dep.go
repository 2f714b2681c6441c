// Package dep declares types used by package foreign.
package dep

// Buffer has a hand-written deep copy, the Kubernetes convention.
type Buffer struct{ data []byte }

// DeepCopyInto copies b into out.
func (b *Buffer) DeepCopyInto(out *Buffer) {
	*out = *b
	out.data = append([]byte(nil), b.data...)
}

// Version is sendable: a plain copy shares nothing.
type Version struct{ Major, Minor int }

// Registry vouches for itself.
//
//isolate:unchecked
type Registry struct{ m map[string]int }
