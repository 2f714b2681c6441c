// Package raceexit makes a test binary built with the race detector exit
// as soon as its tests end. Every test package of the module imports it
// for its side effect:
//
//	import _ "github.com/go-isolate/isolate/internal/raceexit"
//
// The race detector's runtime sleeps for GORACE's atexit_sleep_ms, one
// second by default, before a process with goroutines still alive exits,
// so that their pending reports are printed. A test binary always has
// some, so each of the module's two dozen test binaries, and each process
// a test starts from its own binary, spent a second asleep: a quarter of
// go test -race ./... on two cores. Races are reported as they are found,
// and the testing package fails the test in which one happened, so the
// wait adds nothing to the checks.
//
// Under the race detector on Unix, its init re-executes the binary, same
// arguments and process, with atexit_sleep_ms=0 appended to GORACE, unless
// GORACE already sets atexit_sleep_ms. Elsewhere it does nothing.
package raceexit
