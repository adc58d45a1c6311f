package consumer_test

import (
	"testing"

	"github.com/freshet-io/freshet/consumer/consumertest"
)

// The end-to-end suite over the in-process engine and the memory store.
// The kinesissdk module runs it through the wire server and the AWS SDK,
// and each durable lease store runs it with its store.
func TestWorkerSuiteEngine(t *testing.T) {
	consumertest.RunWorkerSuite(t, consumertest.Config{})
}
