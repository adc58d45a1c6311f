package freshet

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain leak-checks every test of the package: no goroutine started by
// an engine, a subscription or a test may outlive the run.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
