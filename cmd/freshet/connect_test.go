//go:build !freshet_noconnect

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/freshet-io/freshet/kinesistest"
)

// TestRunConnect runs `freshet connect` with a configuration that copies
// a stream into another stream of the same server, then stops it as a
// signal would.
func TestRunConnect(t *testing.T) {
	var out testsync.Buffer
	require.ErrorIs(t, run(context.Background(), []string{"connect"}, &out), errUsage)
	assert.Contains(t, out.String(), "usage: freshet connect --config FILE")

	srv := kinesistest.NewServer(t)
	ctx := context.Background()
	for _, name := range []string{"in", "out"} {
		_, err := srv.Engine.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: name, ShardCount: 1})
		require.NoError(t, err)
	}
	path := filepath.Join(t.TempDir(), "connector.json")
	require.NoError(t, os.WriteFile(path, fmt.Appendf(nil, `{
		"source": {"stream": "in", "endpoint": %[1]q, "region": %[2]q, "initial_position": "TRIM_HORIZON", "idle_time_between_reads": "10ms"},
		"buffer": {"max_records": 10, "max_age": "20ms"},
		"emitter": {"type": "kinesis", "kinesis": {"stream": "out", "endpoint": %[1]q, "region": %[2]q}}
	}`, srv.URL, srv.Engine.Region()), 0o600))

	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- run(rctx, []string{"connect", "--config", path}, &out) }()
	var entries []freshet.PutRecordsRequestEntry
	for i := range 50 {
		entries = append(entries, freshet.PutRecordsRequestEntry{PartitionKey: "k", Data: []byte(strconv.Itoa(i))})
	}
	_, err := srv.Engine.PutRecords(ctx, &freshet.PutRecordsInput{StreamName: "in", Records: entries})
	require.NoError(t, err)

	it, err := srv.Engine.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: "out",
		ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON"})
	require.NoError(t, err)
	iter := it.ShardIterator
	var got []string
	deadline := time.Now().Add(60 * time.Second) // catches a hang only
	for len(got) < 50 && time.Now().Before(deadline) {
		res, err := srv.Engine.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: iter})
		require.NoError(t, err)
		for _, r := range res.Records {
			got = append(got, string(r.Data))
		}
		iter = res.NextShardIterator
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	require.NoError(t, <-done, "output:\n%s", out.String())
	require.Len(t, got, 50)
	for i, d := range got {
		assert.Equal(t, strconv.Itoa(i), d)
	}
	assert.Contains(t, out.String(), "connector stopped")
}
