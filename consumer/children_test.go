package consumer

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
)

// endRecordingStore records the children written with each SHARD_END
// checkpoint.
type endRecordingStore struct {
	lease.Store
	mu       sync.Mutex
	children map[string][]string
}

func (s *endRecordingStore) UpdateCheckpoint(ctx context.Context, l lease.Lease, cp lease.Checkpoint, pending *lease.Checkpoint) (lease.Lease, error) {
	got, err := s.Store.UpdateCheckpoint(ctx, l, cp, pending)
	if err == nil && cp.SequenceNumber == lease.ShardEnd {
		s.mu.Lock()
		s.children[l.Key] = slices.Sorted(slices.Values(l.ChildShardIDs))
		s.mu.Unlock()
	}
	return got, err
}

func (s *endRecordingStore) ended(key string) ([]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.children[key]
	return c, ok
}

// noChildShards is a Source whose GetRecords does not say which shards
// follow a closed one, as an older Kinesis client might not.
type noChildShards struct{ *freshet.Engine }

func (s noChildShards) GetRecords(ctx context.Context, in *freshet.GetRecordsInput) (*freshet.GetRecordsOutput, error) {
	out, err := s.Engine.GetRecords(ctx, in)
	if out != nil {
		out.ChildShards = nil
	}
	return out, err
}

// The SHARD_END checkpoint names the shard's children (the KCL's
// childShardIds): from GetRecords' ChildShards, from the subscription's
// last event, or, when the read named none, from ListShards.
func TestShardEndCheckpointNamesChildren(t *testing.T) {
	const parent = "shardId-000000000000"
	wantChildren := []string{"shardId-000000000001", "shardId-000000000002"}
	splitParent := func(t *testing.T, e *freshet.Engine) {
		t.Helper()
		_, err := e.SplitShard(context.Background(), &freshet.SplitShardInput{StreamName: "s", ShardToSplit: parent, NewStartingHashKey: "1000"})
		require.NoError(t, err)
	}
	tests := []struct {
		name string
		// run starts a worker and splits the shard, in some order.
		run func(t *testing.T, e *freshet.Engine, opts []Option)
	}{
		{"GetRecords", func(t *testing.T, e *freshet.Engine, opts []Option) {
			var c collector
			start(t, New(e, "s", HandlerFunc(c.handle), opts...))
			waitFor(t, "records", func() bool { return c.len() == 10 })
			splitParent(t, e)
		}},
		{"SubscribeToShard", func(t *testing.T, e *freshet.Engine, opts []Option) {
			ctx := context.Background()
			sum, err := e.DescribeStreamSummary(ctx, &freshet.DescribeStreamSummaryInput{StreamName: "s"})
			require.NoError(t, err)
			reg, err := e.RegisterStreamConsumer(ctx, &freshet.RegisterStreamConsumerInput{StreamARN: sum.StreamDescriptionSummary.StreamARN, ConsumerName: "app"})
			require.NoError(t, err)
			var c collector
			start(t, New(e, "s", HandlerFunc(c.handle), append(opts, WithEnhancedFanOut(reg.Consumer.ConsumerARN, nil))...))
			waitFor(t, "records", func() bool { return c.len() == 10 })
			splitParent(t, e)
		}},
		{"ListShards", func(t *testing.T, e *freshet.Engine, opts []Option) {
			splitParent(t, e)
			var c collector
			start(t, New(noChildShards{e}, "s", HandlerFunc(c.handle), opts...))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, "s", 1)
			putOrdered(t, e, "s", 0, 10)
			store := &endRecordingStore{Store: lease.NewMemoryStore(), children: map[string][]string{}}
			tt.run(t, e, fast(WithLeaseStore(store)))
			waitFor(t, "the SHARD_END checkpoint", func() bool { _, ok := store.ended(parent); return ok })
			got, _ := store.ended(parent)
			require.Equal(t, wantChildren, got, "SHARD_END written with children %v, want %v", got, wantChildren)
		})
	}
}
