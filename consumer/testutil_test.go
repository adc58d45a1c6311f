package consumer

import "github.com/freshet-io/freshet/consumer/internal/testutil"

// The helpers shared with the consumertest suite.
var (
	waitFor             = testutil.WaitFor
	putRange            = testutil.PutRange
	openShards          = testutil.OpenShards
	split               = testutil.Split
	waitForLeaseCleanup = testutil.WaitForLeaseCleanup
)
