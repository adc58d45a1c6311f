//go:build race

package consumer

// raceEnabled reports that the race detector is on.
const raceEnabled = true
