// Package leakcheck fails a test binary that leaves goroutines running
// after its tests, as go.uber.org/goleak's VerifyTestMain does, without
// adding a module to the graph of everyone who imports freshet.
package leakcheck

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// VerifyTestMain runs the tests of m and then, if they passed, checks that
// no goroutine they started is still running, waiting up to a few seconds
// for goroutines that are on their way out. Call it from TestMain.
//
// ignore names functions (as a stack prints them, such as
// "github.com/jackc/pgx/v5/pgconn/ctxwatch.(*ContextWatcher).Watch.func1")
// whose goroutines are a dependency's, known to outlive their owner; a
// goroutine whose innermost frame is one of them is not reported. Say why
// beside each.
func VerifyTestMain(m *testing.M, ignore ...string) {
	code := m.Run()
	if code == 0 {
		if leaked := Find(5*time.Second, ignore...); leaked != "" {
			fmt.Fprintf(os.Stderr, "leakcheck: goroutines still running after the tests:\n\n%s\n", leaked)
			code = 1
		}
	}
	os.Exit(code)
}

// Find waits up to wait for every goroutine but the caller's and those of
// the runtime and the testing package to end, and returns the stacks of
// those left ("" if none).
func Find(wait time.Duration, ignore ...string) string {
	deadline := time.Now().Add(wait)
	for pause := time.Millisecond; ; pause = min(2*pause, 100*time.Millisecond) {
		leaked := others(ignore)
		if len(leaked) == 0 {
			return ""
		}
		if time.Now().After(deadline) {
			return strings.Join(leaked, "\n\n")
		}
		time.Sleep(pause)
	}
}

// others returns the stacks of the goroutines other than the caller's that
// are not the runtime's or the testing package's own, nor run one of the
// ignored functions.
func others(ignore []string) []string {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	stacks := strings.Split(string(buf), "\n\n")
	var leaked []string
	for _, s := range stacks[1:] { // the first is the caller's
		if !expected(s) && !ignored(s, ignore) {
			leaked = append(leaked, s)
		}
	}
	return leaked
}

// expected reports whether a goroutine's stack is one that outlives tests
// by design: the testing package's, signal handling, tracing.
func expected(stack string) bool {
	for _, f := range []string{
		"testing.RunTests", "testing.(*T).Run", "testing.(*T).Parallel", "testing.runFuzzing", "testing.(*M).",
		"os/signal.signal_recv", "os/signal.loop", "runtime.ensureSigM",
		"runtime/trace.Start", "runtime.ReadTrace",
	} {
		if strings.Contains(stack, f) {
			return true
		}
	}
	return false
}

// ignored reports whether the innermost frame of a goroutine's stack runs
// one of the functions of ignore.
func ignored(stack string, ignore []string) bool {
	lines := strings.SplitN(stack, "\n", 3)
	if len(lines) < 2 {
		return false
	}
	fn, _, _ := strings.Cut(lines[1], "(0x") // "pkg.fn(0x1, 0x2)" or "pkg.fn(...)"
	fn = strings.TrimSuffix(strings.TrimSuffix(fn, "(...)"), "()")
	for _, f := range ignore {
		if fn == f {
			return true
		}
	}
	return false
}
