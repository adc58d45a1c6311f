//go:build !race

package wire

// raceEnabled reports whether the tests run under the race detector.
const raceEnabled = false
