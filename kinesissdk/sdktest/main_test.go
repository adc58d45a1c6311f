package sdktest_test

import (
	"testing"

	"github.com/freshet-io/freshet/internal/leakcheck"
)

func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}
