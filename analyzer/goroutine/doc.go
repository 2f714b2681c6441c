// Package goroutine defines the goroutine rule of isolatevet: data races
// between plain goroutines. It is off by default (it checks code that does
// not use isolates) and turned on with isolatevet -goroutine, or the
// golangci-lint plugin's enable: [goroutine] setting.
//
// # Why
//
// Most Go code never calls Spawn; it says go, and that is where Go's races
// live: a loop variable captured by a goroutine, an err or a named result
// assigned inside one, a map or slice shared with one, a counter every
// goroutine of a loop increments, a WaitGroup.Add that runs inside the
// goroutine it should wait for. The race detector finds a race only when a
// test executes it; this rule finds the common kernels at compile time,
// and says nothing where it cannot be sure.
//
// # What it reports
//
// A spawn is a go statement whose function is a func literal, a call of
// sync.WaitGroup.Go or errgroup.Group.Go (or TryGo) with a func literal,
// and a call that passes a func literal to a function that runs that
// argument in a new goroutine on every call: one whose body says go f() for
// the parameter f, or hands f on to such a function, at its top level
// before any return. Such functions carry a Spawns fact, so this works
// across packages.
//
// For each variable the goroutine touches that is declared outside it
// (local variables of the spawner, named results, package-level
// variables), and each field of it or map it holds, the rule reports an
// access of the goroutine and another access to the same memory, at least
// one of them a write, that nothing can order:
//
//   - the spawning function's access on some path after the spawn, when
//     the goroutine has no operation that could synchronize before its
//     access, and either none after it or the spawner's path reaches its
//     access without an operation that could wait (for WaitGroup.Go and
//     errgroup.Group.Go the group's Wait counts);
//   - the access of the same goroutine started again by the loop around
//     the spawn, or of another goroutine the spawner starts later.
//
// An operation that could synchronize is a channel operation (send,
// receive, select, close, range over a channel), a method of a sync type,
// an atomic, sync.Once.Do, a go statement, and any call through an
// interface or a func value, or of a function not known, by a SyncFree
// fact, to do none of these. WaitGroup.Add and Done only release, Wait
// only acquires; an Add inside the goroutine does not make the spawner's
// Wait wait for it.
//
// The message names the variable, the spawn, both accesses (the finding
// sits at the goroutine's access; the spawn and the other access are
// related positions), and ends with what to do:
//
//	data race on err: the goroutine started at line 7 writes it at line 8, and the spawning function reads it at line 10 with no synchronization between them; hand the value over a channel, or wait for the goroutine (sync.WaitGroup.Wait, a receive) before the spawning function touches err
//
// A loop variable of a file whose Go version (types.Info.FileVersions,
// from go.mod's go line or a //go:build go1.21 line) is older than go1.22
// is one variable for every iteration: a goroutine that reads it races
// with the loop's next assignment, as vet's loopclosure warns:
//
//	loop variable x is shared by every iteration of its loop (this file's Go version is older than go1.22): the goroutine started at line 12 reads it at line 13 while the loop assigns it for the next iteration at line 11; pass x to the goroutine as an argument, copy it (x := x) before the spawn, or upgrade the module to go1.22
//
// # Before and after
//
// Captured err:
//
//	var err error
//	go func() { err = fetch() }()   // goroutine: data race on err ...
//	return err
//
// fixed:
//
//	errc := make(chan error, 1)
//	go func() { errc <- fetch() }()
//	return <-errc
//
// An unguarded counter:
//
//	for range n {
//		wg.Add(1)
//		go func() { defer wg.Done(); hits++ }() // goroutine: data race on hits: every goroutine started at line 3 writes it ...
//	}
//	wg.Wait()
//
// fixed with a mutex held around the increment, or an atomic.Int64. The
// corpus in testdata/analyzer/goroutine holds every kernel beside its fix.
//
// # Blind spots
//
// Precision first, as vet: a finding is a race whenever both accesses run.
// Where the analysis cannot know, it says nothing:
//
//   - goroutines whose code is not a func literal at the spawn (go f(x),
//     go s.run()) are not looked into, nor are functions that run a method
//     of their receiver in a goroutine;
//   - a goroutine that calls through an interface or a func value, or any
//     function that may synchronize, is assumed to synchronize wherever that
//     call could order its accesses;
//   - memory reached through pointers is tracked only along the same
//     variable (p.f in the goroutine and p.f in the spawner), never through
//     aliases; slice and array elements are not tracked (goroutines often
//     own distinct elements), only the slice variable itself (append);
//   - accesses in functions the goroutine or the spawner calls, and in
//     func literals they define, are not collected;
//   - a package-level variable is checked against the spawner and its
//     goroutines only, not against every other function that may run at
//     the same time;
//   - a loop is assumed to run its body more than once;
//   - by-value receivers that copy a lock are vet's copylocks rule.
//
// # Silencing
//
// An //isolate:ignore comment with a reason, trailing the goroutine's
// access or on the line before it, silences the finding. When the rule is
// on, the directive rule counts such an ignore as used.
package goroutine
