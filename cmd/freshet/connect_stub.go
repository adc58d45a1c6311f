//go:build freshet_noconnect

package main

import (
	"context"
	"fmt"
	"io"
)

// runConnect, in a server built with the tag freshet_noconnect (without
// the connectors and their SDKs), points to the standalone command.
func runConnect(ctx context.Context, args []string, stdout io.Writer) error {
	fmt.Fprint(stdout, "freshet: this build has no connectors (built with -tags freshet_noconnect); use\n"+
		"  go run github.com/freshet-io/freshet/connect/cmd/freshet-connect --config FILE\n")
	return errUsage
}
