// Package retry holds the backoff the emitters share between the attempts
// of a write.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff returns the pause before attempt+1 (attempts count from 1): full
// jitter over a ceiling that doubles from initial up to max.
func Backoff(attempt int, initial, max time.Duration) time.Duration {
	ceiling := max
	if attempt < 30 {
		ceiling = min(initial<<(attempt-1), max)
	}
	return rand.N(ceiling) + 1
}

// Sleep waits for d, or returns ctx's error as soon as ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
