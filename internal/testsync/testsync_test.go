package testsync

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBufferConcurrentWrites writes from several goroutines while reading
// (the race detector checks the locking) and finds every line.
func TestBufferConcurrentWrites(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				_, err := fmt.Fprintf(&b, "%d-%d\n", g, i)
				assert.NoError(t, err)
				_ = b.String()
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Len(t, lines, 400)
	assert.Contains(t, lines, "3-99")
}

// TestWaitForReturnsOnceTheConditionHolds waits for a goroutine.
func TestWaitForReturnsOnceTheConditionHolds(t *testing.T) {
	var done atomic.Bool
	var checks atomic.Int32
	go func() {
		for checks.Load() < 3 { // until WaitFor has polled a few times
			runtime.Gosched()
		}
		done.Store(true)
	}()
	WaitFor(t, "the goroutine", func() bool {
		checks.Add(1)
		return done.Load()
	})
	assert.True(t, done.Load())
}

// fatalRecorder is a testing.TB whose Fatalf records the failure instead
// of ending the goroutine.
type fatalRecorder struct {
	testing.TB
	failure string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.failure = fmt.Sprintf(format, args...)
}

// TestWaitForFailsAtTheDeadline fails the test, naming what it waited for.
func TestWaitForFailsAtTheDeadline(t *testing.T) {
	rec := &fatalRecorder{TB: t}
	checks := 0
	waitFor(rec, "a condition that never holds", func() bool { checks++; return false }, 0)
	assert.Equal(t, "timed out waiting for a condition that never holds", rec.failure)
	assert.Equal(t, 1, checks, "a zero timeout checks once")
}
