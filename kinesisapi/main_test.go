package kinesisapi

import (
	"testing"

	"github.com/freshet-io/freshet/internal/leakcheck"
)

// TestMain leak-checks every test of the package: no goroutine started by
// a handler, an engine, a subscription, a test server or a test may outlive
// the run.
func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}
