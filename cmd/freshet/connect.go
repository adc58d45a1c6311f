//go:build !freshet_noconnect

package main

import (
	"context"
	"errors"
	"io"

	"github.com/freshet-io/freshet/connect/config"
)

// errConnectorFailed is returned by runConnect when the pipeline stopped
// with an error (a shard blocked, or it could not start); the connector
// has logged why.
var errConnectorFailed = errors.New("the connector stopped with an error (see its log)")

// runConnect is `freshet connect --config FILE`: one connector pipeline
// (module github.com/freshet-io/freshet/connect, the same command as
// freshet-connect) from a JSON file, until SIGINT or SIGTERM.
func runConnect(ctx context.Context, args []string, stdout io.Writer) error {
	switch config.Main(ctx, "freshet connect", args, stdout) {
	case 0:
		return nil
	case 2:
		return errUsage
	default:
		return errConnectorFailed
	}
}
