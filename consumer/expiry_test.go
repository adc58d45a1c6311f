package consumer

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
)

// TestExpiredParentDoesNotBlockChildren pins a bug: a parent shard whose
// retention passed before it was read to its end kept a lease short of
// SHARD_END forever, so its children never started. The lease of a shard
// ListShards no longer returns is now deleted.
func TestExpiredParentDoesNotBlockChildren(t *testing.T) {
	ctx := context.Background()
	clock := freshet.NewManualClock(time.Now())
	e := newEngine(t, "s", 1, freshet.WithClock(clock), freshet.WithRetentionSweep(0))
	// A lease table from an earlier run that never finished shard 0.
	store := lease.NewMemoryStore()
	_, err := store.CreateIfNotExists(ctx, lease.Lease{Key: "shardId-000000000000", Checkpoint: lease.Checkpoint{SequenceNumber: lease.TrimHorizon}})
	require.NoError(t, err)
	_, err = e.SplitShard(ctx, &freshet.SplitShardInput{StreamName: "s", ShardToSplit: "0", NewStartingHashKey: "170141183460469231731687303715884105728"})
	require.NoError(t, err)
	clock.Advance(25 * time.Hour) // shard 0 expires
	e.ApplyRetention()
	putOrdered(t, e, "s", 0, 10) // into the children

	var mu sync.Mutex
	got := 0
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	err = Consume(ctx, e, "s", func(ctx context.Context, r Record) error {
		mu.Lock()
		defer mu.Unlock()
		if got++; got == 10 {
			cancel()
		}
		return nil
	}, append(fast(), WithLeaseStore(store))...)
	require.NoError(t, err)
	require.Equal(t, 10, got, "processed %d records of the children, want 10", got)
	_, err = store.Get(context.Background(), "shardId-000000000000")
	require.Error(t, err, "the expired shard's lease is still there")
}
