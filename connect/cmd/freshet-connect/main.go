// Command freshet-connect runs one connector pipeline from a configuration
// file: a Kinesis stream (freshet serve or real Kinesis) into S3, another
// stream, PostgreSQL, DynamoDB or OpenSearch, checkpointing only what is
// durably stored.
//
//	freshet-connect --config connector.json
//
// SIGINT or SIGTERM flushes the buffers, checkpoints and stops. The file
// format is documented in package github.com/freshet-io/freshet/connect/config;
// `freshet connect` (cmd/freshet) is the same command.
package main

import (
	"context"
	"os"

	"github.com/freshet-io/freshet/connect/config"
)

func main() {
	os.Exit(config.Main(context.Background(), "freshet-connect", os.Args[1:], os.Stderr))
}
