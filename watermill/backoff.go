package kinesiswm

import (
	"context"
	"errors"
	"time"

	"github.com/freshet-io/freshet"
)

// errStopped is returned by sleep when stop is closed.
var errStopped = errors.New("kinesiswm: stopped")

// sleep waits for d on clk. It returns ctx.Err() if ctx ends first, and
// errStopped if stop is closed first.
func sleep(ctx context.Context, clk freshet.Clock, d time.Duration, stop <-chan struct{}) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := clk.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-stop:
		return errStopped
	}
}

// Backoff is how long to wait before each retry: the first pause is
// Initial, each next one twice the last, up to Max.
type Backoff struct {
	// Initial is the first pause.
	Initial time.Duration
	// Max is the longest pause.
	Max time.Duration
}

// pause returns the pause before retry number n (from 1).
func (b Backoff) pause(n int) time.Duration {
	d := b.Initial
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

func (b Backoff) withDefaults(initial, maxPause time.Duration) Backoff {
	if b.Initial <= 0 {
		b.Initial = initial
	}
	if b.Max <= 0 {
		b.Max = maxPause
	}
	b.Max = max(b.Max, b.Initial)
	return b
}
