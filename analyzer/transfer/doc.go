// Package transfer defines the transfer rule of isolatevet: a value whose
// ownership moved to another isolate must not be used again.
//
// # What it reports
//
// SendPort.Transfer(x) and runtime.Exit(ctx, port, x) move x to another
// isolate without a copy (Dart's Isolate.exit, Swift's sending parameters,
// Rust's moves): the receiving isolate owns x and everything reached
// through it from then on. The rule follows every path of the function from
// the transfer and reports the first use on each path of x, of anything
// reached through x, or of an alias the function made before the move, with
// the transfer as related position:
//
//	o used after its ownership was transferred to another isolate
//	items shares memory with o and is used after its ownership was transferred to another isolate
//	deferred call uses o after its ownership was transferred to another isolate
//
// A use is anything that touches the moved memory or hands it on: reading
// or writing through it, comparing it, passing it to a function, storing
// it, returning it, calling a closure that captured it. Aliases count: x
// stored in a field, a slice, a map or a closure, or held by another
// variable, or a part of x (x.Items) taken before the move; so does
// handing on a value that still holds such an alias (a struct whose field
// refers to x, a slice x was appended to). Everything stored into x before
// the move moves with it. A deferred call registered before the move runs
// after it (after Exit too: Exit ends the goroutine with runtime.Goexit).
//
// What is not a use, following DESIGN §7:
//
//   - Moving a sendable value: it is a copy, and restricts nothing. Parts
//     of a moved value that are sendable (a string field read from a moved
//     struct value, a SendPort in it) are copies too.
//   - Uses on the branch where the Transfer's error is checked and not nil
//     (if err := p.Transfer(x); err != nil { … }): it moved nothing.
//   - len and cap of a moved slice, map or channel.
//   - Uses of m after v := m.Transfer(), the method isolategen generates:
//     it moves the contents out and leaves m zero.
//   - Uses after a fresh assignment to the variable, or after the field or
//     variable that held the alias was overwritten; a path that never
//     passes the transfer; a value made afresh on every loop iteration.
//   - Elements of a slice or map the function did not fill itself: moving
//     one element says nothing of the others.
//
// # Example
//
// Before:
//
//	o := orders.New(id)
//	_ = out.Transfer(o)
//	log.Printf("shipped %s", o.ID) // o used after its ownership was transferred to another isolate
//
// After: read what is needed before the move, or move a copy.
//
//	id := o.ID
//	_ = out.Transfer(o)
//	log.Printf("shipped %s", id)
//
// # How it works
//
// The rule first looks for Transfer and Exit calls in the syntax, and only
// for the few packages that have one builds SSA form (with debug
// information, to name uses by their source expression), and only analyses
// the functions that contain one. The analysis is a forward dataflow over
// the control-flow graph of the function: an intraprocedural points-to
// analysis (allocation sites, fields, elements, variables captured by
// closures, the most recent instance of each allocation) tells which values
// and containers refer to the moved memory at the transfer; the taint then
// flows along each path, through φ-nodes edge by edge, and ends at the
// first use or at a fresh assignment.
//
// # Blind spots
//
//   - Aliases made by called functions (a callee that stores x somewhere),
//     and what a function does with a value it was given after the caller
//     moved it: the analysis is per function. A function that moves its
//     parameter does not restrict its caller.
//   - Goroutines started before the move that hold x, and a closure that
//     moves a captured variable used by the enclosing function.
//   - Which element of a slice or map was loaded: an element loaded, then
//     moved, is not linked to the other references to the same object, and
//     moving one element of a slice the function filled does not restrict
//     the others.
//   - A Transfer error checked other than by comparison with nil (as by
//     errors.Is) still counts as a move.
//   - Packages with type errors are not analysed.
//
// # Silencing
//
// Silence one finding with //isolate:ignore <reason> on the line of the use.
package transfer
