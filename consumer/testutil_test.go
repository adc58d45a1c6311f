package consumer

import (
	"github.com/freshet-io/freshet/consumer/internal/testutil"
	"github.com/freshet-io/freshet/internal/testsync"
)

// The helpers shared with the consumertest suite.
var (
	waitFor             = testsync.WaitFor
	putRange            = testutil.PutRange
	openShards          = testutil.OpenShards
	split               = testutil.Split
	waitForLeaseCleanup = testutil.WaitForLeaseCleanup
)
