package freshet

import (
	"sync/atomic"
	"time"
)

// wallClock reads the system clock at half the cost of time.Now, for
// engines on SystemClock: every write reads the clock, and time.Now reads
// two clocks (wall and monotonic). wallClock reads the wall clock about once
// a second and the monotonic clock in between, adding the monotonic time
// elapsed to the last wall reading. The monotonic clock runs at the wall
// clock's rate (NTP slews both), so the two readings agree; only a step of
// the wall clock (settimeofday) shows up late, at the next wall reading, at
// most a second later.
type wallClock struct {
	base atomic.Pointer[time.Time] // the last wall reading, with its monotonic reading
}

// wallResync is how long a wall reading is extended with the monotonic
// clock before the wall clock is read again.
const wallResync = time.Second

func newWallClock() *wallClock {
	c := &wallClock{}
	t := time.Now()
	c.base.Store(&t)
	return c
}

// now returns the current time, as time.Now would, with a monotonic
// reading.
func (c *wallClock) now() time.Time {
	b := c.base.Load()
	d := time.Since(*b) // monotonic clock only
	if d < 0 || d >= wallResync {
		t := time.Now()
		c.base.Store(&t)
		return t
	}
	return b.Add(d)
}
