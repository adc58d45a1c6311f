package kinesisapi

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain leak-checks every test of the package: no goroutine started by
// a handler, an engine, a subscription, a test server or a test may outlive
// the run.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
