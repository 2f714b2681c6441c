// Package capture defines the capture rule of isolatevet: a closure that
// runs in another isolate but shares variables with the one that made it.
//
// # Why
//
// Go closures capture variables, not values. A func literal given to
// runtime.Spawn or runtime.Run runs in a new isolate (one given to
// runtime.RunOn, on a warm isolate of a pool), yet every variable it
// uses from the function around it stays shared with that function: a
// write on either side is seen by the other, without a port, and without
// the isolation the rest of the program relies on. The runtime cannot see
// it; this rule does.
//
// # What it reports
//
// For every func literal given to Spawn or Run, each local variable it
// captures (package-level variables are the global rule's business) must
//
//   - be of a sendable type (DESIGN §2). Copyable is not enough: no copy is
//     made, the variable itself is shared;
//   - not be assigned inside the closure;
//   - not be assigned after the closure is made, on any path: assigned,
//     incremented, its address taken (&v, or a pointer method called on
//     it), by the function itself, a deferred call, or a goroutine.
//
// A Go 1.22 loop variable is a new variable in every iteration: the loop's
// own post statement does not assign the one a closure captured, and
// capturing it is fine. Files built with an older language version (a
// go.mod or //go:build line before go1.22) keep one variable per loop, and
// are judged so.
//
// A method value given to Spawn or Run (runtime.Spawn(ctx, w.run, msg))
// binds its receiver: the pointer for a pointer method, a copy for a value
// method. The bound receiver is judged as a captured variable. So is the
// receiver of a method declared //isolate:entry, which runs as an isolate's
// entry with the receiver it was bound to.
//
// A function that hands one of its func parameters to Spawn or Run, or
// calls it inside a closure it gives them, runs what its callers pass there
// in a new isolate: its calls are judged as Spawn's are, also from other
// packages (a fact on the function, as printf carries its wrappers):
//
//	func Go[M any](ctx context.Context, entry func(context.Context, M), msg M) (*runtime.Isolate, error) {
//		return runtime.Spawn(ctx, entry, msg)
//	}
//
//	pool.Go(ctx, func(ctx context.Context, j Job) { cache.Get(j.Key) }, job) // closure given to pool.Go captures cache, ...
//
// The finding sits at the closure (or the method value) and names the
// variable and the path to what makes it unsendable:
//
//	closure given to Spawn captures cache, whose type *Cache is not sendable: Cache.entries is map[string]string (shared mutable memory); make cache inside the closure, or pass it as Spawn's message, which is copied (its type must be sendable or an //isolate:message type)
//	closure given to Spawn captures started, which is incremented after the closure is made, so the closure may see either value; capture a copy made before the closure (started := started), as the suggested fix does
//	closure given to Run captures total and assigns it: the variable is shared with the isolate that made the closure; declare total inside the function, and return what the caller needs
//
// Every finding ends with what to do.
//
// # Moved values
//
// A variable of a transferable type is accepted when its value is moved
// into the closure (DESIGN §7): the function that makes the closure made
// the value itself, from make, new, a composite literal, or a call whose
// arguments are all sendable (a disconnected value, in the sense of Swift's
// region-based isolation; a generated DeepCopy counts too), stored it
// nowhere else (only sendable values go in or come out of it, and calls it
// is given receive nothing else), and never uses it after the closure is
// made. The new isolate is then its only owner:
//
//	seen := make(map[string]bool)
//	runtime.Run(ctx, func(ctx context.Context) (int, error) {
//		seen["warm"] = true // fine: seen was made here and is not used again
//		return len(seen), nil
//	})
//
// # Example
//
// Before:
//
//	started := 0
//	for _, j := range jobs {
//		runtime.Spawn(ctx, func(ctx context.Context, j Job) { log(started) }, j)
//		started++
//	}
//
// After the suggested fix, the closure captures a copy of its own:
//
//	started := 0
//	for _, j := range jobs {
//		startedCopy := started
//		runtime.Spawn(ctx, func(ctx context.Context, j Job) { log(startedCopy) }, j)
//		started++
//	}
//
// The same fix copies a captured message deeply with its generated
// DeepCopy (orderCopy := order.DeepCopy()). It is offered only when the
// closure does not assign the variable itself.
//
// # Blind spots
//
// A func value given to Spawn or Run (entry := func(...){...};
// runtime.Spawn(ctx, entry, msg)) is not followed, except where it is a
// parameter, whose callers are judged instead. A write made by a closure
// that is stored and called later is not seen, nor a write through a
// pointer taken before the closure was made. In a generic
// function, a captured value of a type parameter T is not judged for T:
// only what no instantiation could make sendable, such as a []T, is
// reported. Files generated by a tool are not reported. Types marked
// //isolate:unchecked, or named by the -sendable flag, are trusted.
//
// # Silencing
//
// An //isolate:ignore comment with a reason, trailing the line where the
// closure starts or on the line before it, silences the finding:
//
//	runtime.Spawn(ctx, func(ctx context.Context, _ struct{}) { //isolate:ignore the cache is frozen after start-up
package capture
