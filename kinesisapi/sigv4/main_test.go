package sigv4_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no test leaves a goroutine behind, such as a test
// server's connection.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
