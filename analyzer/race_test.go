//go:build race

package analyzer_test

// raceEnabled reports whether the tests run under the race detector.
const raceEnabled = true
