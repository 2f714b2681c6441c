// Package bench measures isolate against the libraries and idioms its users
// already know, side by side, in one run on one machine: deep copy of the
// same messages (package message), message passing, request/response and
// spawning. It is its own module so that users of isolate never download
// the peers.
//
// The benchmarks are in the _test.go files of this package; cmd/report runs
// them and renders RESULTS.md and results.svg. See README.md.
package bench
