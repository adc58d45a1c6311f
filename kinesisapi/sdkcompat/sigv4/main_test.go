package sigv4_test

import (
	"testing"

	"github.com/freshet-io/freshet/internal/leakcheck"
)

// TestMain checks that no test leaves a goroutine behind, such as a test
// server's connection.
func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}
