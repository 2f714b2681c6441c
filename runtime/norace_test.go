//go:build !race

package runtime

// raceEnabled reports whether the tests run under the race detector.
const raceEnabled = false
