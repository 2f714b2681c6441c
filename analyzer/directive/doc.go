// Package directive defines the directive rule of isolatevet: //isolate:
// comments that are malformed, unknown or misplaced, and //isolate:ignore
// comments that silence nothing.
//
// # Why
//
// A directive the tools do not read is worse than none: a misspelt
// //isolate:mesage leaves a type unsendable while its author believes it
// copyable, and a stale //isolate:ignore would silently swallow the next
// real finding on its line. Like staticcheck's //lint:ignore, every ignore
// needs a reason and must silence something.
//
// # What it reports
//
// Every problem the shared parser (package internal/directive) finds:
//
//   - an unknown directive or option: //isolate:mesage, //isolate:message deep,
//     //isolate:shared always (shared, unchecked and entry take no options);
//   - a directive written "// isolate:message", with a space, which Go tools
//     read as prose;
//   - //isolate:ignore without a reason (it then silences nothing);
//   - a directive on the wrong kind of declaration (message on a func, port on
//     a struct, shared on a const, entry on a type, message on an alias or an
//     interface), inside a function body (ignore aside), or in a comment that
//     documents no declaration.
//
// Then what needs types: //isolate:message on a type whose underlying type
// is not a struct, slice, map or array. A named basic type (type Celsius
// float64) is reported too: its values are sendable already, a plain
// assignment copies them, and isolategen generates nothing for it, so the
// directive only misleads; remove it. A pointer, channel, func or
// unsafe.Pointer type cannot be copied; an interface has no fields. And
// //isolate:message beside //isolate:unchecked on one type, which contradict
// each other (unchecked makes the type sendable, so its copy never runs).
//
// Last, every well-formed //isolate:ignore that silenced no finding of any
// isolatevet rule. The rule runs every other rule (their results say which
// ignores they used), so an ignore is judged against all of them even when
// some are switched off on the command line.
//
// # Example
//
//	// Before:
//	// isolate:message
//	type Order struct{ Items []Item } // the space makes it prose: reported
//
//	//isolate:ignore
//	port.Send(cache) // no reason: reported, and the send is still flagged
//
//	// After:
//	//isolate:message
//	type Order struct{ Items []Item }
//
//	port.Send(cache) //isolate:ignore the cache is frozen before any isolate starts
//
// # What it does not report
//
// Prose that mentions isolate: after other words ("see isolate:message") is
// not a directive. Directives in comments of other tools (//go:generate,
// //lint:ignore) are not read.
//
// # Silencing
//
// A directive finding sits on the directive's own comment, where no other
// comment fits: fix the directive rather than silence it. The report that
// an ignore is unused is never silenced: delete the ignore.
package directive
