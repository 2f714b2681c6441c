// Package stale defines the stale rule of isolatevet: an //isolate:message
// type whose generated deep copy is missing, or was generated from fields
// the type no longer has.
//
// # Why
//
// A port copies a message with the type's DeepCopyInto method, which
// isolategen generates from the type's fields. A field added after the last
// go generate is silently left out of the copy, or worse, shared between two
// isolates: the generated code still compiles, and the sendability proof of
// the other rules no longer holds. The rule catches that before it runs.
//
// # What it reports
//
// For every type declared in the package with //isolate:message:
//
//   - no DeepCopyInto method on *T: "message type Order has no generated
//     methods: run go generate";
//   - a DeepCopyInto whose doc comment carries the line
//     //isolategen:fingerprint <hex> (isolategen writes it; see package
//     internal/fingerprint) that differs from the fingerprint of the type's
//     current type parameters and fields: "generated code no longer matches
//     the fields of Order: run go generate";
//   - a DeepCopyInto that is not func (*T) DeepCopyInto(*T), which the
//     runtime cannot call.
//
// The finding sits at the type's declaration.
//
// For every type declared with //isolate:unchecked whose plain copy would
// share memory (a map, a slice, a pointer...), it reports a missing
// IsolateUnchecked method, which isolategen writes on such types and which
// the runtime asks for (runtime.Unchecked) before it sends a value as a
// plain copy: without it, ports refuse the type at run time. Interfaces and
// pointer types cannot have the method and are left alone.
//
// Example, after adding the Notes field without running go generate:
//
//	//isolate:message
//	type Order struct { // stale: generated code no longer matches the fields of Order
//		ID    string
//		Items []Item
//		Notes map[string]string
//	}
//
// Running go generate rewrites isolate_gen.go and the finding goes away.
//
// # What it does not report
//
// A DeepCopyInto without a fingerprint line was written by hand (or by
// another generator, as Kubernetes types are): its author owns it, and the
// rule trusts it. Types whose //isolate:message is misplaced (a func or
// basic type, say) are the directive rule's business. Only types of the
// package being analysed are checked; a dependency is checked when it is
// analysed itself.
//
// # Silencing
//
// An //isolate:ignore comment with a reason on the line before the type
// (or trailing the type's line) silences the finding:
//
//	//isolate:message
//	//isolate:ignore the copy is written by hand in copy.go
//	type Order struct{ ... }
package stale
