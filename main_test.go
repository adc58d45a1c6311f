package freshet

import (
	"testing"

	"github.com/freshet-io/freshet/internal/leakcheck"
)

// TestMain leak-checks every test of the package: no goroutine started by
// an engine, a subscription or a test may outlive the run.
func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}
