package consumer_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/consumertest"
	"github.com/freshet-io/freshet/consumer/internal/testutil"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/internal/testsync"
)

// lineageChecker checks, as processors start, that every record of a
// shard's parents has been processed, and that no shard starts again once a
// child has progressed.
type lineageChecker struct {
	e      *freshet.Engine
	stream string
	store  lease.Store

	mu        sync.Mutex
	written   map[string]int             // shard -> records written to it
	processed map[string]map[string]bool // shard -> data processed
	errs      []string
}

func (lc *lineageChecker) put(t *testing.T, from, to int) {
	t.Helper()
	var entries []freshet.PutRecordsRequestEntry
	for k := from; k < to; k++ {
		entries = append(entries, freshet.PutRecordsRequestEntry{PartitionKey: "pk" + strconv.Itoa(k*7919), Data: []byte(strconv.Itoa(k))})
	}
	out, err := lc.e.PutRecords(context.Background(), &freshet.PutRecordsInput{StreamName: lc.stream, Records: entries})
	require.NoError(t, err, "PutRecords")
	require.Zero(t, out.FailedRecordCount, "PutRecords: %v", err)
	lc.mu.Lock()
	defer lc.mu.Unlock()
	for _, r := range out.Records {
		lc.written[r.ShardId]++
	}
}

func (lc *lineageChecker) count() int {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	n := 0
	for _, m := range lc.processed {
		n += len(m)
	}
	return n
}

func (lc *lineageChecker) factory() consumer.ProcessorFactory {
	return func(shardID string) consumer.RecordProcessor { return &lineageProcessor{lc: lc, shard: shardID} }
}

type lineageProcessor struct {
	consumertest.CheckpointAtEnds
	lc    *lineageChecker
	shard string
}

func (p *lineageProcessor) Initialize(ctx context.Context, in consumer.InitializeInput) error {
	lc := p.lc
	out, err := lc.e.ListShards(ctx, &freshet.ListShardsInput{StreamName: lc.stream})
	if err != nil {
		return err
	}
	lc.mu.Lock()
	defer lc.mu.Unlock()
	for _, sh := range out.Shards {
		if sh.ShardId == p.shard {
			for _, parent := range []string{sh.ParentShardId, sh.AdjacentParentShardId} {
				if parent == "" {
					continue
				}
				if got, want := len(lc.processed[parent]), lc.written[parent]; got != want {
					lc.errs = append(lc.errs, fmt.Sprintf("shard %s started when %d of the %d records of its parent %s were processed", p.shard, got, want, parent))
				}
			}
		}
		if sh.ParentShardId == p.shard || sh.AdjacentParentShardId == p.shard {
			if l, err := lc.store.Get(ctx, sh.ShardId); err == nil && testutil.HasBegun(l.Checkpoint) {
				lc.errs = append(lc.errs, fmt.Sprintf("shard %s started again after its child %s progressed", p.shard, sh.ShardId))
			}
		}
	}
	return nil
}

func (p *lineageProcessor) ProcessRecords(ctx context.Context, in consumer.ProcessRecordsInput) error {
	time.Sleep(time.Millisecond) // parents finish slowly while cleanup runs
	p.lc.mu.Lock()
	m := p.lc.processed[p.shard]
	if m == nil {
		m = map[string]bool{}
		p.lc.processed[p.shard] = m
	}
	for _, r := range in.Records {
		m[string(r.Data)] = true
	}
	p.lc.mu.Unlock()
	return in.Checkpointer.Checkpoint(ctx)
}

// With cleanup in every lease cycle, several workers, workers dying and
// joining, and every kind of reshard, no child starts before every record
// of its parents is processed, and no finished shard is read again.
func TestChildNeverStartsBeforeParentWithAggressiveCleanup(t *testing.T) {
	const stream = "s"
	e := freshet.New()
	t.Cleanup(func() { e.Close() })
	_, err := e.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: stream, ShardCount: 3})
	require.NoError(t, err)
	ctx := context.Background()
	store := lease.NewMemoryStore()
	lc := &lineageChecker{e: e, stream: stream, store: store, written: map[string]int{}, processed: map[string]map[string]bool{}}
	f := consumertest.NewFleet(t, e, stream, store, lc.factory(),
		consumer.WithLeaseCleanupInterval(time.Nanosecond),
		consumer.WithRenewInterval(2*time.Millisecond),
		consumer.WithShardSyncInterval(5*time.Millisecond),
		consumer.WithMaxRecords(20),
	)
	for _, id := range []string{"a", "b", "c"} {
		f.Start(id)
	}
	n := 0
	put := func(k int) {
		lc.put(t, n, n+k)
		n += k
	}
	reshards := []func(){
		func() { testutil.Split(t, e, stream, testutil.OpenShards(t, e, stream)[0]) },
		func() {
			open := testutil.OpenShards(t, e, stream)
			_, err := e.MergeShards(ctx, &freshet.MergeShardsInput{StreamName: stream, ShardToMerge: open[1].ShardId, AdjacentShardToMerge: open[2].ShardId})
			require.NoError(t, err)
			f.Start("d") // discovers shards whose leases others create and delete
		},
		func() {
			_, err := e.UpdateShardCount(ctx, &freshet.UpdateShardCountInput{StreamName: stream, TargetShardCount: 6, ScalingType: freshet.UniformScaling})
			require.NoError(t, err)
			f.Crash("a")
		},
		func() {
			open := testutil.OpenShards(t, e, stream)
			testutil.Split(t, e, stream, open[len(open)-1])
			f.Start("a")
		},
		func() {
			_, err := e.UpdateShardCount(ctx, &freshet.UpdateShardCountInput{StreamName: stream, TargetShardCount: 4, ScalingType: freshet.UniformScaling})
			require.NoError(t, err)
		},
	}
	for _, reshard := range reshards {
		put(300)
		reshard()
	}
	put(300)
	failed := func() bool {
		lc.mu.Lock()
		defer lc.mu.Unlock()
		return !assert.Empty(t, lc.errs, "lineage violations")
	}
	testsync.WaitFor(t, "every record processed", func() bool { return lc.count() == n || failed() })
	if t.Failed() {
		t.FailNow()
	}
	left := testutil.WaitForLeaseCleanup(t, e, stream, store)
	assert.Zero(t, left, "%d leases of closed shards left, want 0", left)
	f.ShutdownAll()
	failed()
}
