package kinesiswm_test

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// Watermill's conformance suite merges several subscribers with
		// goroutines that forward to a channel nobody reads once the
		// test has its messages: they block forever, whatever the
		// Pub/Sub does. These are the suite's goroutines, not ours.
		goleak.IgnoreAnyFunction("github.com/ThreeDotsLabs/watermill/internal/subscriber.(*multiplier).Subscribe.func2"),
		goleak.IgnoreAnyFunction("github.com/ThreeDotsLabs/watermill/internal/subscriber.(*multiplier).Subscribe.func3"),
	)
}
