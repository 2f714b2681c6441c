// Package global defines the global rule of isolatevet: code that runs
// inside an isolate must not reach a mutable package-level variable.
//
// # What it reports
//
// Dart gives every isolate its own globals; Go has one set, shared by every
// goroutine, so a package-level variable is the easiest way for isolate
// code to share mutable memory by accident. The rule finds the code that
// runs inside an isolate:
//
//   - the function or func literal given to runtime.Spawn, runtime.Run or
//     runtime.RunOn, or a method value (w.run) given to them;
//   - a func declaration annotated //isolate:entry;
//   - for a call of the SpawnI (or SpawnIPool) function isolategen generates for an
//     //isolate:port interface I: the newImpl function, and the methods of
//     I on each concrete type newImpl returns, when newImpl is a func
//     literal or a function of the same package;
//
// and follows its static calls, across packages, to every package-level
// variable it reads or writes. A variable is mutable when some code writes
// it outside its initialisation (DESIGN §7): assigns it, increments it,
// assigns a field or element of it, deletes from or clears it, takes its
// address, or calls a pointer method on it — anywhere but in an init
// function, a package-level var initializer (and func literals called right
// there), an unexported helper that only those call, or a func literal
// handed to sync.Once.Do, sync.OnceFunc, sync.OnceValue or
// sync.OnceValues (lazy initialisation, synchronized by the Once). The
// finding sits at the entry and shows the call chain to the access, and
// where the variable is written:
//
//	isolate entry worker reaches mutable global stats.hits: worker → record → stats.Record → stats.bump (written at stats.go:65); keep the state in the isolate (a port's implementation, or a message), or, if a lock or atomic guards every access, mark stats.hits //isolate:shared
//
// Variables that are only read after their initialisation are fine, and so
// are variables annotated //isolate:shared (shared on purpose, the author
// synchronizes them), variables of a synchronized type (the types of sync
// and sync/atomic, types annotated //isolate:unchecked, and pointers to
// them), and unexported variables that are only ever handed to sync/atomic
// functions (&n). Pointer methods of a synchronized field (stats.mu.Lock())
// are not writes.
//
// # Example
//
// Before:
//
//	var hits = map[string]int{}
//
//	func record(kind string) { hits[kind]++ }
//
//	func worker(ctx context.Context, job Job) { record(job.Kind) }
//
//	runtime.Spawn(ctx, worker, job) // isolate entry worker reaches mutable global hits: worker → record (written at stats.go:3)
//
// After: the isolate keeps its own counts and sends them to whoever
// aggregates them, or the variable becomes an atomic (or is guarded by a
// lock and annotated //isolate:shared):
//
//	var hits sync.Map // or a map guarded by a mutex, annotated //isolate:shared
//
// # How it works
//
// Each package is analysed once. Its functions' summaries (the mutable or
// possibly mutable variables each reaches, with the best call chain and the
// position of the access) are exported as facts on its exported functions
// and its methods, and the variables it writes outside initialisation as a
// package fact, so the packages that import it need not look into it
// again. Facts are sorted and deterministic.
//
// # Blind spots
//
//   - Calls through interfaces and func values are not followed; nor is a
//     func value given to Spawn or Run, or a newImpl that is itself a func
//     value or declared in another package (its own summary is still
//     checked, not the methods of what it returns).
//   - A write through an alias is not seen: a copy of a global map, slice
//     or pointer changed through the copy, or the variable handed to a
//     function that changes it (sort.Ints(global)).
//   - A variable written only by packages that the analysed package does
//     not import is not known to be written there.
//   - The variables of the standard library and of the isolate runtime are
//     out of scope, and the rule computes nothing for standard library
//     packages.
//   - A func literal counts as part of the function that makes it, wherever
//     it runs.
//
// # Silencing
//
// Annotate a variable that is synchronized on purpose //isolate:shared, or
// silence one finding with //isolate:ignore <reason> on its line.
package global
