//go:build !race

package testtypes

// raceEnabled reports whether the tests run under the race detector.
const raceEnabled = false
