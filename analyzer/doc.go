// Package analyzer is isolatevet: the go/analysis passes that prove, at
// compile time, that isolates share no mutable memory. The runtime moves
// values between goroutines; these rules are what make that safe.
//
// # The rules
//
// [Analyzers] holds one analyzer per rule, each in its own package, whose
// documentation is the rule's page (what, why, an example before and after,
// blind spots, how to silence):
//
//   - send (package analyzer/send): a value crossing a boundary that the
//     boundary cannot carry. SendPort.Send, Spawn's message and the
//     parameters and results of an //isolate:port interface copy, so the
//     value must be sendable or copyable; SendPort.Transfer, Exit and Run's
//     result move, so it must be transferable. The message names the path
//     to the cause: "cannot send *Cache to another isolate: Cache.items is
//     map[string]*Entry (shared mutable memory); annotate Cache with
//     //isolate:message and run go generate".
//   - capture (analyzer/capture): a closure given to Spawn or Run, or an
//     //isolate:entry function, capturing a variable that is not sendable,
//     or that is assigned after the closure is made.
//   - global (analyzer/global): isolate code reaching, through calls and
//     across packages, a package-level variable written outside its
//     initialisation, unless it is //isolate:shared.
//   - transfer (analyzer/transfer): a value used after Transfer or Exit
//     moved it, directly or through an alias made before the move.
//   - stale (analyzer/stale): an //isolate:message type whose generated
//     DeepCopyInto is missing, or was generated from other fields.
//   - directive (analyzer/directive): a malformed, unknown or misplaced
//     //isolate: directive, and an //isolate:ignore that silenced nothing.
//
// [OptIn] holds the rules that are off by default because they check code
// that does not use isolates; [Suite] returns the suite with some of them
// turned on (isolatevet -goroutine, the golangci-lint plugin's enable
// setting):
//
//   - goroutine (analyzer/goroutine): plain goroutines (DESIGN §10): memory
//     that one goroutine writes while another may access it with nothing
//     between that could synchronize them, loop variables shared by every
//     iteration before go1.22, captured err variables and named results,
//     unguarded counters.
//
// The sendability classes they share (sendable, copyable, transferable) are
// defined once, in package internal/sendable, and the directives are parsed
// once, in package internal/directive; the generator uses both too, so the
// two tools never disagree. Annotations of other packages reach each pass
// as facts (package analyzer/internal/annotations).
//
// # Running it
//
//	go vet -vettool=$(which isolatevet) ./...
//	isolatevet [-fix] [-diff] [-json] [-send=false ...] [-goroutine] ./...
//	isolatevet help send
//
// See cmd/isolatevet for flags and exit codes. A line ending with, or
// preceded by, //isolate:ignore <reason> is exempt from every rule; the
// reason is required, and an ignore that silences nothing is itself a
// finding.
//
// # Precision and blind spots
//
// As go vet's, a finding must be right: where the analysis cannot know, it
// says nothing. It cannot know:
//
//   - what a call through an interface method or a func value does: the
//     global rule follows static calls only, and a func-typed variable passed
//     to Spawn is not inspected;
//   - what unsafe or reflect reach: unsafe.Pointer is never sendable, but
//     code that converts through it, or reflect.Value.Set, escapes every rule;
//   - what happens in code it does not analyse: assembly, cgo, and packages
//     built without the analysis (their annotations are then unknown).
//
// An isolate is a correctness boundary, not a security sandbox: all isolates
// share one address space, and the rules prove the absence of accidental
// sharing by code that plays by Go's rules, not isolation from hostile code.
package analyzer
