package config

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"syscall"
)

// Main is the command `freshet connect --config FILE`: it loads the
// configuration and runs it until SIGINT or SIGTERM, then flushes,
// checkpoints and stops. It returns the exit code: 0 after a clean stop,
// 1 if the pipeline stopped with an error (a shard blocked), 2 for a bad
// command line or configuration.
func Main(ctx context.Context, name string, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "the connector's configuration file (JSON; see the connect/config package documentation)")
	logJSON := fs.Bool("log-json", false, "log JSON lines instead of text")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s --config FILE\n\nRuns one connector pipeline: a Kinesis stream into S3, another stream,\nPostgreSQL, DynamoDB or OpenSearch.\n\n", name)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *path == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	cfg, err := Load(*path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	hopts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(stderr, hopts)
	if *logJSON {
		h = slog.NewJSONHandler(stderr, hopts)
	}
	logger := slog.New(h)
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := Run(ctx, cfg, logger); err != nil {
		logger.Error("connector failed", "err", err)
		return 1
	}
	return 0
}
