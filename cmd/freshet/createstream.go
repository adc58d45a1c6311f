package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/freshet-io/freshet"
)

// streamSpec is a stream --create-stream asks for: NAME or NAME:SHARDS.
type streamSpec struct {
	name   string
	shards int
}

// streamSpecs is the value of the repeatable --create-stream flag. Set
// also takes a comma-separated list, so that one environment variable
// (FRESHET_CREATE_STREAM=orders:4,events) can name several streams.
type streamSpecs []streamSpec

// String returns the specs as Set reads them.
func (s *streamSpecs) String() string {
	parts := make([]string, len(*s))
	for i, sp := range *s {
		parts[i] = sp.name + ":" + strconv.Itoa(sp.shards)
	}
	return strings.Join(parts, ",")
}

// Set adds the streams of v: NAME[:SHARDS][,NAME[:SHARDS]...]. SHARDS
// defaults to 1.
func (s *streamSpecs) Set(v string) error {
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		name, count, hasCount := strings.Cut(item, ":")
		sp := streamSpec{name: name, shards: 1}
		if name == "" {
			return fmt.Errorf("want NAME or NAME:SHARDS, got %q", item)
		}
		if hasCount {
			n, err := strconv.Atoi(count)
			if err != nil || n < 1 {
				return fmt.Errorf("want a positive shard count after %q, got %q", name+":", count)
			}
			sp.shards = n
		}
		*s = append(*s, sp)
	}
	return nil
}

// createStreams creates the streams of specs in e, in provisioned mode,
// leaving alone those that exist already (restored from --data-file).
func createStreams(ctx context.Context, e *freshet.Engine, specs streamSpecs, logger *slog.Logger) error {
	for _, sp := range specs {
		_, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: sp.name, ShardCount: sp.shards})
		var kerr *freshet.Error
		switch {
		case errors.As(err, &kerr) && kerr.Code == "ResourceInUseException":
			logger.Info("stream exists already; --create-stream leaves it as it is", "stream", sp.name)
		case err != nil:
			return fmt.Errorf("--create-stream %s:%d: %w", sp.name, sp.shards, err)
		default:
			logger.Info("stream created", "stream", sp.name, "shards", sp.shards)
		}
	}
	return nil
}
