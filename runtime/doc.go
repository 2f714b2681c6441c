// Package runtime runs Dart-style isolates in Go: goroutines that own their
// memory, share no mutable state and talk only through typed ports.
//
// # Isolates
//
// Spawn starts an isolate running an entry function with a message; Run runs
// a function in a new isolate and hands its result back without copying it
// (as Dart's Isolate.run); Exit hands a last message over and ends the
// calling isolate. Each isolate has a context of its own: Current(ctx)
// returns the isolate a context belongs to. The *Isolate handle controls it
// from outside: Kill, Pause and Resume with capabilities, Ping, exit and
// error listeners, Done and Wait. Listeners are added and removed as in
// Dart; an exit listener that gets a chosen value (Dart's response:) is
// OnExit(iso, port, value), a function because Go methods cannot be
// generic, and RemoveOnExit removes it.
//
// # Ports
//
// NewReceivePort makes a ReceivePort owned by the isolate whose context made
// it; its SendPort is a small comparable value that may be sent anywhere. A
// port owned by an isolate closes when the isolate ends; one made outside any
// isolate lives until Close. Messages from one sender arrive in send order;
// any number of senders may feed one port. Send copies a message whose type
// has the generated deep copy (DeepCopy or DeepCopyInto, see the generator)
// and sends any other, sendable, value as a plain Go copy; Transfer moves a
// value without copying it.
//
// Send never shares memory behind the vet check's back: a named type of the
// main module (or a pointer to one) that has no generated deep copy, and whose
// plain copy would share a map, slice, pointer or the like (a type annotated
// //isolate:message whose isolate_gen.go is missing), is refused with an
// error naming the type and the path to the shared part, decided once per
// type. Types of other modules are sent as they are: the vet check judges
// them, and may have been told (-sendable) to accept one. A type whose
// author vouches for sharing (//isolate:unchecked) implements Unchecked and
// is sent as it is.
//
// # Pools
//
// Run pays a spawn per call; a Pool keeps isolates warm. NewPool starts a
// fixed number of isolates and RunOn runs a function on a free one, with
// Run's semantics: the result moved back, the function's own error, a panic
// as *RemoteError (and the isolate replaced: a pool never shrinks). Callers
// wait for a free isolate in the order they came, or until their ctx ends;
// nothing else is queued. Close stops accepting, fails the waiting callers
// with ErrClosed, lets running calls finish and returns when no goroutine of
// the pool is left; cancelling the pool's context also cancels the running
// calls. SpawnPortPool is the pool form of SpawnPort: isolates, each with
// state of its own, serving one shared port, as a generated SpawnIPool
// does for an //isolate:port interface.
//
// # Events
//
// Dart's isolates run an event loop; here an isolate's events are its
// receives from its own ports (Receive, or each step of All). Kill with
// BeforeNextEvent, Pause and Ping act at those points: a pending kill takes
// effect at the next receive, a paused isolate's receives wait, and a ping is
// answered by an isolate blocked in a receive or at its next one. A panic
// ends the isolate with a *RemoteError for Wait and the error listeners and
// never crashes the process; Guard contains a panic within one event, for
// servers that must survive a failed request when errors are not fatal.
//
// # What Go cannot do that Dart does
//
//   - No preemption. A Dart isolate can be killed between any two events and
//     its heap dropped; a goroutine cannot be stopped from outside. Kill
//     cancels the isolate's context and closes its ports, so blocked receives
//     return at once, but code that loops without receiving must watch
//     ctx.Done() itself, or the isolate never ends.
//   - One address space. Dart isolates have separate heaps; ours share one.
//     An isolate is a correctness boundary, proven by the isolatevet check
//     (send only sendable or copyable values, capture nothing shared, touch
//     no unsynchronised globals, never use what was transferred), not a
//     security sandbox: unsafe, reflect, cgo and code the check does not see
//     reach anything.
//   - No copy by the runtime of arbitrary graphs. Dart copies any message;
//     here a message is sendable (a plain copy shares nothing), copyable
//     (generated deep copy, used by Send without reflection) or moved with
//     Transfer, Exit and Run's result. The vet check enforces which, and
//     Send refuses a program's type it cannot copy without sharing.
//
// # Lifetimes, as in Dart, and contexts, as in Go
//
// A spawned isolate outlives the isolate that spawned it, as in Dart: a
// parent's end (return, Exit, Kill, panic) neither kills its children nor
// drops the messages waiting for them, even if a child has not started yet.
// Go's contexts still hold: cancelling a context the program made kills
// every isolate spawned below it, children of children included, because a
// child's cancellation comes from the context its parent was spawned with
// (and contexts the parent derived from its own ctx), never from the
// parent's own end. Values and deadlines are inherited as usual, and
// Current(ctx) in the child is the child. Run is the exception that proves
// the rule: its caller waits for it, so the caller's end cancels it.
//
// Listeners agree with Wait: error listeners hear the error that ended the
// isolate, the one Wait returns. A panic in an isolate that was killed, or
// had called Exit, came after its end was decided and is not reported; a
// Run whose function killed its own isolate returns ErrKilled, as Dart's
// Isolate.run fails.
//
// # What we do that Dart does not
//
//   - Typed ports: ReceivePort[T] and SendPort[T] carry one message type.
//   - A send to a closed port returns ErrClosed instead of being dropped
//     silently; Ping and Wait report an ended isolate instead of hanging.
//   - Bounded ports with backpressure (WithCapacity); unbounded by default.
//   - Contexts everywhere: Receive, Ping and Wait stop when their ctx ends,
//     and cancelling the context given to Spawn or Run kills the isolate.
//   - Wait returns how the isolate ended; Run returns the function's own
//     error value unchanged.
//
// # Goroutines
//
// The package starts one goroutine per isolate (ended when its entry
// returns) and none per message; Run waits for its isolate before returning.
// Go's context.AfterFunc runs a short-lived goroutine when a context an
// isolate watches is cancelled; the isolate waits for it before it ends.
// A RunOn call runs on its caller's goroutine, as an event of a free
// isolate of the pool, whose idle isolates have no goroutine; a port
// pool's isolates have one each. Close waits for all of them.
//
// # Cost
//
// A send to an unbounded port takes no lock: it hands its message to a
// receive blocked on the port, or queues it in linked chunks that are
// reused, so a port in steady use allocates nothing. A send to a bounded
// port takes the port's lock. Receive on an unbounded port, Wait, Run and
// a generated port call yield the processor once (runtime.Gosched) before
// they block: the goroutine they wait for is often runnable on the same
// processor, and a short exchange then completes without parking. The
// figures, against channels, goroutines and peer libraries, are in
// bench/RESULTS.md.
package runtime
