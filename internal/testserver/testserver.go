// Package testserver starts the real servers some of freshet's tests run
// against, each on a free loopback port and for the duration of one test:
// dynalite (a DynamoDB implementation, from npm) and a private PostgreSQL
// instance (initdb and pg_ctl of the installed PostgreSQL).
//
// A missing component makes the test skip with the command that installs
// it, unless the environment variable FRESHET_INTEROP is 1 (CI sets it):
// then the test fails, so that CI never passes by skipping.
package testserver

import (
	"fmt"
	"net"
	"os"
	"testing"
	"time"
)

// missing skips t, or fails it when FRESHET_INTEROP=1, because a component
// is not installed.
func missing(t testing.TB, what, install string) {
	t.Helper()
	msg := fmt.Sprintf("%s is not installed; install it with: %s", what, install)
	if os.Getenv("FRESHET_INTEROP") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitListening waits until something accepts connections on addr, or
// fails t after a generous deadline (which only catches a server that
// never starts).
func waitListening(t testing.TB, addr string, exited <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("the server for %s exited before it listened", addr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
