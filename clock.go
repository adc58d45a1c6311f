package freshet

import (
	"sort"
	"sync"
	"time"
)

// Clock is the engine's source of time. Retention, iterator and NextToken
// expiry, stream and consumer state transitions, rate limits, subscription
// lifetimes and the retention sweep all read it, so a test that injects a
// ManualClock (WithClock) can drive all of them without sleeping.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// NewTimer returns a timer that fires once, d after Now.
	NewTimer(d time.Duration) Timer
}

// Timer is a one-shot timer created by a Clock.
type Timer interface {
	// C returns the channel on which the firing time is delivered.
	C() <-chan time.Time
	// Stop prevents the timer from firing. It reports whether it stopped
	// the timer before it fired.
	Stop() bool
}

// SystemClock is the wall clock, the default Clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// NewTimer returns a time.Timer.
func (SystemClock) NewTimer(d time.Duration) Timer { return systemTimer{time.NewTimer(d)} }

type systemTimer struct{ t *time.Timer }

func (t systemTimer) C() <-chan time.Time { return t.t.C }
func (t systemTimer) Stop() bool          { return t.t.Stop() }

// ManualClock is a Clock that moves only when told to, for tests. Timers
// created from it fire during Advance or Set, in deadline order. It is safe
// for concurrent use; the zero value is not usable, call NewManualClock.
type ManualClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*manualTimer
}

// NewManualClock returns a ManualClock that reads t until moved.
func NewManualClock(t time.Time) *ManualClock {
	return &ManualClock{now: t}
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d and fires the timers that fall due.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	t := c.now.Add(d)
	c.mu.Unlock()
	c.Set(t)
}

// Set moves the clock to t (never backwards: an earlier t is ignored) and
// fires the timers that fall due.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	if t.After(c.now) {
		c.now = t
	}
	now := c.now
	var due []*manualTimer
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if !tm.deadline.After(now) {
			due = append(due, tm)
		} else {
			kept = append(kept, tm)
		}
	}
	clear(c.timers[len(kept):])
	c.timers = kept
	c.mu.Unlock()
	sort.Slice(due, func(i, j int) bool { return due[i].deadline.Before(due[j].deadline) })
	for _, tm := range due {
		tm.ch <- tm.deadline // buffered, capacity 1, sent once
	}
}

// NewTimer returns a timer that fires when the clock reaches Now()+d.
func (c *ManualClock) NewTimer(d time.Duration) Timer {
	tm := &manualTimer{c: c, ch: make(chan time.Time, 1)}
	c.mu.Lock()
	tm.deadline = c.now.Add(d)
	if d <= 0 {
		c.mu.Unlock()
		tm.ch <- tm.deadline
		return tm
	}
	c.timers = append(c.timers, tm)
	c.mu.Unlock()
	return tm
}

// Timers returns how many timers are waiting to fire, so a test can wait
// until the code under test has armed its timers before advancing.
func (c *ManualClock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

type manualTimer struct {
	c        *ManualClock
	ch       chan time.Time
	deadline time.Time
}

func (t *manualTimer) C() <-chan time.Time { return t.ch }

func (t *manualTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	for i, tm := range t.c.timers {
		if tm == t {
			t.c.timers = append(t.c.timers[:i], t.c.timers[i+1:]...)
			return true
		}
	}
	return false
}
