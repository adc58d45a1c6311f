package freshet

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The engine's reading of the system clock lies between two time.Now
// readings taken around it: exactly in monotonic time, and in wall time to
// within slack (time.Now reads the wall and monotonic clocks one after the
// other, so a wall reading and its monotonic reading are a few ns apart).
func TestWallClockAgreesWithTimeNow(t *testing.T) {
	const slack = 10 * time.Microsecond
	c := newWallClock()
	for range 10_000 {
		before := time.Now()
		got := c.now()
		after := time.Now()
		require.False(t, got.Before(before), "monotonic: %v before %v", got, before)
		require.False(t, got.After(after), "monotonic: %v after %v", got, after)
		wall := got.Round(0) // strip the monotonic reading: compare wall clocks
		require.False(t, wall.Before(before.Round(0).Add(-slack)), "wall: %v before %v", wall, before)
		require.False(t, wall.After(after.Round(0).Add(slack)), "wall: %v after %v", wall, after)
	}
}

// An old wall reading is replaced by a new one: a step of the wall clock
// is followed.
func TestWallClockRereadsTheWallClock(t *testing.T) {
	c := newWallClock()
	stale := time.Now().Add(-2 * wallResync)
	c.base.Store(&stale)
	before := time.Now()
	got := c.now()
	assert.False(t, got.Before(before))
	assert.Equal(t, got, *c.base.Load())
}

func TestEngineUsesWallClockOnlyForSystemClock(t *testing.T) {
	assert.NotNil(t, New(WithRetentionSweep(0)).wall)
	assert.Nil(t, New(WithRetentionSweep(0), WithClock(NewManualClock(time.Unix(0, 0)))).wall)
}
