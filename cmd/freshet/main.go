// Command freshet runs freshet as a standalone Kinesis Data Streams server,
// for clients in any language: the AWS SDKs and CLI, the KCL, Flink,
// Spark and anything else that speaks the Kinesis wire protocol.
//
// Usage:
//
//	freshet serve [flags]            run the server
//	freshet streams [flags]          list the streams of a running server
//	freshet tail [flags] STREAM      print a stream's records as they arrive
//	freshet connect --config FILE    run a connector (module connect, package connect/config)
//	freshet version                  print the version (also --version)
//
// For example:
//
//	go run github.com/freshet-io/freshet/cmd/freshet serve --addr 127.0.0.1:4567
//	aws --endpoint-url http://127.0.0.1:4567 kinesis list-streams
//
// Every flag can also be set by an environment variable named after it:
// FRESHET_ and the flag name in upper case with dashes as underscores
// (--addr is FRESHET_ADDR, --create-delay is FRESHET_CREATE_DELAY). A flag
// on the command line wins over the environment.
//
// The server speaks HTTP/1.1 and HTTP/2 with prior knowledge (h2c) on a
// plain listener, or HTTPS with h2 and http/1.1 negotiated by ALPN when
// --tls-cert and --tls-key are given. GET /_health answers 200
// {"status":"ok"}; every other request goes to the Kinesis handler. On
// SIGINT or SIGTERM the server stops accepting connections, ends open
// subscriptions, waits up to --shutdown-timeout for requests in flight
// and exits.
//
// Limits: request bodies are read as they arrive, within --read-timeout,
// and all bodies held at once are bounded by --max-inflight-bytes (past it,
// 503 ServiceUnavailable, which SDKs retry); responses are written within
// --write-timeout (SubscribeToShard event streams excepted); idle
// keep-alive connections close after --idle-timeout; --max-accounts bounds
// the accounts and regions served (LimitExceededException past it). A
// client refused by a limit is logged at level warn once, then at debug.
//
// Metrics: GET --metrics-path (default /metrics) serves the engines'
// stream metrics, request metrics (freshet_requests_total,
// freshet_request_errors_total by code, freshet_request_duration_seconds)
// and Go runtime and process metrics. By default they are served on --addr
// without authentication; --metrics-addr moves them to a listener of their
// own and --metrics-token requires "Authorization: Bearer TOKEN". At
// --log-level debug every request is logged (operation, stream, status,
// duration, bytes).
//
// --create-stream NAME[:SHARDS] (repeatable; FRESHET_CREATE_STREAM takes
// a comma-separated list) creates streams at start-up unless they exist.
//
// The data lives in memory. With --data-file PATH it survives restarts, as
// kinesalite's --path does: the server restores PATH at start if it exists
// (refusing to start if PATH is not an intact data file), and saves it
// every --snapshot-interval (default 1m; 0 saves only at shutdown) and on
// graceful shutdown. Each save writes a new PATH.tmp-* in the same directory,
// syncs it, renames it over PATH and syncs the directory, so PATH is always
// a complete snapshot; a crash loses what was written since the last save.
// PATH holds one snapshot (freshet.Engine.WriteSnapshot) per account and
// region the server serves; shard iterators and NextTokens issued before a
// restart stay valid after it, until they expire.
//
//	freshet serve --data-file /var/lib/freshet/data --snapshot-interval 30s
//
// With --data-dir DIR the streams live on disk instead, in a log per shard
// under DIR/ACCOUNT/REGION: acknowledged writes survive a crash, and
// retention is not bounded by memory (--max-memory BYTES of the newest
// records stay in memory, 256 MiB by default). --sync chooses when a write
// is acknowledged: batch (the default: fsync first, concurrent writers
// sharing fsyncs), always (each writer fsyncs its shard itself),
// interval=DURATION or none (written to the operating system only, fsynced
// every DURATION or never: a machine crash may lose that window). Given
// --data-file too, a new data directory imports the data file's snapshots.
//
//	freshet serve --data-dir /var/lib/freshet --sync batch
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// Once the first signal has started the shutdown, a second one kills
	// the process at once.
	context.AfterFunc(ctx, stop)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "freshet:", err)
		os.Exit(1)
	}
}
