// Package testsync holds what freshet's tests use to follow goroutines they
// do not control: Buffer, a bytes.Buffer that a logger or a child process
// may write while the test reads it, and WaitFor, which polls a condition
// until it holds.
//
// Tests of every module of the repository import it (through their replace
// of the root module), so it depends on the standard library only.
package testsync

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

// Buffer is a bytes.Buffer safe for concurrent use: one goroutine (a
// logger, a program under test) writes while the test reads. The zero
// value is an empty buffer ready to use.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p to the buffer.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Timeout is how long WaitFor waits. It is generous on purpose: it only
// catches a hang, it asserts no timing.
const Timeout = 60 * time.Second

// pollInterval is how often WaitFor checks its condition.
const pollInterval = 2 * time.Millisecond

// WaitFor returns once cond holds, checking it every few milliseconds; if
// it does not hold within Timeout, WaitFor fails the test with "timed out
// waiting for " and what.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	waitFor(t, what, cond, Timeout)
}

func waitFor(t testing.TB, what string, cond func() bool, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
			return
		}
		time.Sleep(pollInterval)
	}
}

// Closed tells whether ch is closed, without waiting: the check at the top
// of a test's writer loop that runs until the test closes its stop channel.
func Closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
