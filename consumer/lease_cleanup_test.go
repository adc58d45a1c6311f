package consumer

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
)

// testShard is a shard of a lineage test.
type testShard struct {
	id      string
	parents []string
}

func testLineage(shards ...testShard) *lineage {
	var ts []freshet.Shard
	for _, sh := range shards {
		s := freshet.Shard{ShardId: sh.id}
		if len(sh.parents) > 0 {
			s.ParentShardId = sh.parents[0]
		}
		if len(sh.parents) > 1 {
			s.AdjacentParentShardId = sh.parents[1]
		}
		ts = append(ts, s)
	}
	return newLineage(ts)
}

func at(key, checkpoint string, parents ...string) lease.Lease {
	return lease.Lease{Key: key, Checkpoint: lease.Checkpoint{SequenceNumber: checkpoint}, ParentShardIDs: parents}
}

const seq = "49590338271490256608559692538361571095921575989136588898"

// The parent-before-child rule decides from evidence, never from a missing
// lease alone.
func TestParentBeforeChildRule(t *testing.T) {
	split := testLineage(testShard{id: "p"}, testShard{id: "c1", parents: []string{"p"}}, testShard{id: "c2", parents: []string{"p"}})
	merge := testLineage(testShard{id: "p1"}, testShard{id: "p2"}, testShard{id: "c", parents: []string{"p1", "p2"}})
	tests := []struct {
		name   string
		g      *lineage
		leases []lease.Lease
		key    string
		want   bool
	}{
		{"parent at SHARD_END", split, []lease.Lease{at("p", lease.ShardEnd), at("c1", lease.TrimHorizon, "p")}, "c1", true},
		{"parent being read", split, []lease.Lease{at("p", seq), at("c1", lease.TrimHorizon, "p")}, "c1", false},
		{"parent not started", split, []lease.Lease{at("p", lease.TrimHorizon), at("c1", lease.TrimHorizon, "p")}, "c1", false},
		// The bug: a child lease seen before its parent's was taken.
		{"parent lease missing", split, []lease.Lease{at("c1", lease.TrimHorizon, "p"), at("c2", lease.TrimHorizon, "p")}, "c1", false},
		{"parent lease missing, child has begun", split, []lease.Lease{at("c1", seq, "p"), at("c2", lease.TrimHorizon, "p")}, "c1", true},
		{"parent lease missing, sibling has begun", split, []lease.Lease{at("c1", lease.TrimHorizon, "p"), at("c2", seq, "p")}, "c1", true},
		{"parent lease missing, sibling at SHARD_END", split, []lease.Lease{at("c1", lease.TrimHorizon, "p"), at("c2", lease.ShardEnd, "p")}, "c1", true},
		{"parent expired", testLineage(testShard{id: "c1", parents: []string{"p"}}), []lease.Lease{at("c1", lease.TrimHorizon, "p")}, "c1", true},
		{"child not listed yet", testLineage(testShard{id: "x"}), []lease.Lease{at("c1", lease.TrimHorizon, "p")}, "c1", false},
		{"no ListShards yet", nil, []lease.Lease{at("c1", lease.TrimHorizon, "p")}, "c1", false},
		{"merge, both parents ended", merge, []lease.Lease{at("p1", lease.ShardEnd), at("p2", lease.ShardEnd), at("c", lease.Latest, "p1", "p2")}, "c", true},
		{"merge, one parent being read", merge, []lease.Lease{at("p1", lease.ShardEnd), at("p2", seq), at("c", lease.Latest, "p1", "p2")}, "c", false},
		{"merge, one parent lease missing", merge, []lease.Lease{at("p1", lease.ShardEnd), at("c", lease.AtTimestamp, "p1", "p2")}, "c", false},
		{"at SHARD_END", split, []lease.Lease{at("p", lease.ShardEnd)}, "p", false},
		{"root", split, []lease.Lease{at("p", lease.TrimHorizon)}, "p", true},
		// A lease created again for a shard that was read to its end and
		// cleaned up: its children's progress says it is done.
		{"recreated after cleanup", split, []lease.Lease{at("p", lease.TrimHorizon), at("c1", seq, "p"), at("c2", lease.ShardEnd, "p")}, "p", false},
		{"recreated after cleanup, only a grandchild left", testLineage(
			testShard{id: "p"}, testShard{id: "c", parents: []string{"p"}}, testShard{id: "g", parents: []string{"c"}}),
			[]lease.Lease{at("p", lease.TrimHorizon), at("g", seq, "c")}, "p", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newLeaseView(tt.leases, tt.g)
			assert.Equal(t, tt.want, v.eligible(v.leases[tt.key]), "eligible(%s)", tt.key)
		})
	}
}

// Cleanup deletes a finished lease once every child has progressed, and
// only then.
func TestLeaseCleanupRule(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := testLineage(testShard{id: "p"}, testShard{id: "c1", parents: []string{"p"}}, testShard{id: "c2", parents: []string{"p"}},
		testShard{id: "g", parents: []string{"c2"}})
	owned := func(l lease.Lease, owner string) lease.Lease { l.Owner = owner; return l }
	tests := []struct {
		name   string
		leases []lease.Lease
		seen   time.Duration // how long ago the leases' counters were first seen
		want   []string      // deleted
	}{
		{"children not started", []lease.Lease{at("p", lease.ShardEnd), at("c1", lease.TrimHorizon, "p"), at("c2", lease.TrimHorizon, "p")}, 0, nil},
		{"one child started", []lease.Lease{at("p", lease.ShardEnd), at("c1", seq, "p"), at("c2", lease.Latest, "p")}, 0, nil},
		{"one child has no lease yet", []lease.Lease{at("p", lease.ShardEnd), at("c1", seq, "p")}, 0, nil},
		{"every child started", []lease.Lease{at("p", lease.ShardEnd), at("c1", seq, "p"), at("c2", lease.ShardEnd, "p"), at("g", lease.TrimHorizon, "c2")}, 0, []string{"p"}},
		{"a child cleaned up before", []lease.Lease{at("p", lease.ShardEnd), at("c1", seq, "p"), at("g", seq, "c2")}, 0, []string{"p"}},
		{"parent still being read", []lease.Lease{at("p", seq), at("c1", lease.TrimHorizon, "p"), at("c2", lease.TrimHorizon, "p")}, 0, nil},
		{"held by a live worker", []lease.Lease{owned(at("p", lease.ShardEnd), "other"), at("c1", seq, "p"), at("c2", seq, "p")}, 0, nil},
		{"held by a dead worker", []lease.Lease{owned(at("p", lease.ShardEnd), "other"), at("c1", seq, "p"), at("c2", seq, "p")}, time.Minute, []string{"p"}},
		{"left over by this worker's id", []lease.Lease{owned(at("p", lease.ShardEnd), "me"), at("c1", seq, "p"), at("c2", seq, "p")}, 0, []string{"p"}},
		{"recreated after cleanup", []lease.Lease{at("p", lease.TrimHorizon), at("c1", seq, "p"), at("c2", seq, "p")}, 0, []string{"p"}},
		{"expired shards", []lease.Lease{at("gone", seq), at("gone-too", lease.TrimHorizon), at("g", lease.TrimHorizon, "c2")}, 0, []string{"gone", "gone-too"}},
		{"finished shard without listed children", []lease.Lease{at("g", lease.ShardEnd, "c2")}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := lease.NewMemoryStore()
			for _, l := range tt.leases {
				_, err := store.CreateIfNotExists(t.Context(), l)
				require.NoError(t, err)
			}
			cfg := defaultConfig()
			cfg.store = store
			c := newCoordinator(&Worker{cfg: cfg, id: "me"}, t.Context())
			c.observe(tt.leases, now.Add(-tt.seen))
			deleted, err := c.cleanup(newLeaseView(tt.leases, g), now)
			require.NoError(t, err)
			slices.Sort(deleted)
			// As slices.Equal: nil and empty are the same.
			if len(tt.want) == 0 {
				assert.Empty(t, deleted, "deleted %v, want %v", deleted, tt.want)
			} else {
				assert.Equal(t, tt.want, deleted, "deleted %v, want %v", deleted, tt.want)
			}
			left, err := store.List(t.Context())
			require.NoError(t, err)
			assert.Len(t, left, len(tt.leases)-len(deleted), "%d leases left, want %d", len(left), len(tt.leases)-len(deleted))
		})
	}
}

// childrenOf returns the children of shard, lower hash keys first.
func childrenOf(t *testing.T, e *freshet.Engine, stream, shard string) []freshet.Shard {
	t.Helper()
	out, err := e.ListShards(context.Background(), &freshet.ListShardsInput{StreamName: stream})
	require.NoError(t, err)
	var children []freshet.Shard
	for _, sh := range out.Shards {
		if sh.ParentShardId == shard || sh.AdjacentParentShardId == shard {
			children = append(children, sh)
		}
	}
	slices.SortFunc(children, func(a, b freshet.Shard) int {
		return a.HashKeyRange.StartingHashKey.Cmp(b.HashKeyRange.StartingHashKey)
	})
	return children
}

// putInto writes one record with data into sh.
func putInto(t *testing.T, e *freshet.Engine, stream string, sh freshet.Shard, data string) {
	t.Helper()
	_, err := e.PutRecord(context.Background(), &freshet.PutRecordInput{StreamName: stream, PartitionKey: data,
		ExplicitHashKey: sh.HashKeyRange.StartingHashKey.String(), Data: []byte(data)})
	require.NoError(t, err)
}

func leaseOf(t *testing.T, store lease.Store, key string) (lease.Lease, bool) {
	t.Helper()
	l, err := store.Get(context.Background(), key)
	if err != nil {
		return lease.Lease{}, false
	}
	return l, true
}

// A worker taken through a split, a merge and UpdateShardCount ends with a
// lease table that holds the leases of the open shards only; a finished
// shard keeps its lease while one of its children has not started.
func TestLeaseCleanupThroughResharding(t *testing.T) {
	const stream = "s"
	e := newEngine(t, stream, 2)
	ctx := context.Background()
	store := lease.NewMemoryStore()
	var c collector
	w := New(e, stream, HandlerFunc(c.handle), fast(WithLeaseStore(store),
		WithLeaseCleanupInterval(0), WithRenewInterval(5*time.Millisecond), WithShardSyncInterval(time.Hour))...)
	cycles := cycled(t, w)
	n := 0
	put := func(k int) {
		t.Helper()
		putRange(t, e, stream, n, n+k)
		n += k
		waitFor(t, "every record processed", func() bool { return c.len() >= n })
	}
	put(200)
	split(t, e, stream, openShards(t, e, stream)[0])
	put(200)
	open := openShards(t, e, stream)
	_, err := e.MergeShards(ctx, &freshet.MergeShardsInput{StreamName: stream, ShardToMerge: open[1].ShardId, AdjacentShardToMerge: open[2].ShardId})
	require.NoError(t, err)
	put(200)
	_, err = e.UpdateShardCount(ctx, &freshet.UpdateShardCountInput{StreamName: stream, TargetShardCount: 4, ScalingType: freshet.UniformScaling})
	require.NoError(t, err)
	put(300)
	// The handler saw every record before the last batches' checkpoints
	// were written: wait for them, or a child can still look unstarted and
	// keep its parents' leases legitimately.
	waitFor(t, "every open shard's first checkpoint", func() bool {
		for _, sh := range openShards(t, e, stream) {
			l, err := store.Get(ctx, sh.ShardId)
			if err != nil || !hasBegun(l.Checkpoint) {
				return false
			}
		}
		return true
	})
	left := waitForLeaseCleanup(t, e, stream, store)
	require.Equal(t, 0, left, "%d leases of closed shards left, want 0", left)
	leases, err := store.List(ctx)
	require.NoError(t, err)
	got, want := len(leases), len(openShards(t, e, stream))
	require.Equal(t, want, got, "%d leases for %d open shards", got, want)

	// A finished shard keeps its lease while a child has not started.
	parent := openShards(t, e, stream)[0]
	split(t, e, stream, parent)
	children := childrenOf(t, e, stream, parent.ShardId)
	putInto(t, e, stream, children[0], "first")
	waitFor(t, "the first child's checkpoint", func() bool {
		l, ok := leaseOf(t, store, children[0].ShardId)
		return ok && hasBegun(l.Checkpoint)
	})
	for len(cycles) > 0 {
		<-cycles
	}
	for range 3 { // each cycle cleans up
		next(t, cycles)
	}
	l, ok := leaseOf(t, store, parent.ShardId)
	require.True(t, ok, "lease of the finished parent: %+v, %v; want it kept at SHARD_END", l, ok)
	require.Equal(t, lease.ShardEnd, l.Checkpoint.SequenceNumber, "lease of the finished parent: %+v, %v; want it kept at SHARD_END", l, ok)
	left = waitForLeaseCleanup(t, e, stream, store)
	require.Equal(t, 1, left, "%d leases of closed shards left, want 1", left)
	putInto(t, e, stream, children[1], "second")
	waitFor(t, "the parent's lease deleted", func() bool {
		_, ok := leaseOf(t, store, parent.ShardId)
		return !ok
	})
	left = waitForLeaseCleanup(t, e, stream, store)
	require.Equal(t, 0, left, "%d leases of closed shards left, want 0", left)
	got = c.len()
	assert.Equal(t, n+2, got, "%d records processed, want %d", got, n+2)
}

// Cleanup runs every WithLeaseCleanupInterval on the worker's clock.
func TestLeaseCleanupInterval(t *testing.T) {
	const stream = "s"
	clk := freshet.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e := newEngine(t, stream, 1)
	putOrdered(t, e, stream, 0, 3)
	parent := openShards(t, e, stream)[0]
	split(t, e, stream, parent)
	children := childrenOf(t, e, stream, parent.ShardId)
	putInto(t, e, stream, children[0], "3")
	putInto(t, e, stream, children[1], "4")
	store := lease.NewMemoryStore()
	var c collector
	w := New(e, stream, HandlerFunc(c.handle), WithClock(clk), WithLeaseStore(store), WithInitialPosition(lease.TrimHorizon),
		WithFailoverTime(9*time.Second), WithLeaseCleanupInterval(5*time.Minute), WithShardSyncInterval(time.Hour),
		WithIdleTimeBetweenReads(time.Hour), WithCheckpointInterval(0))
	cycles := cycled(t, w)
	waitFor(t, "every record processed", func() bool { return c.len() == 5 })
	waitFor(t, "the children's checkpoints", func() bool {
		for _, ch := range children {
			if l, ok := leaseOf(t, store, ch.ShardId); !ok || !hasBegun(l.Checkpoint) {
				return false
			}
		}
		return true
	})
	for len(cycles) > 0 {
		<-cycles
	}
	clk.Advance(4 * time.Minute)
	next(t, cycles)
	_, ok := leaseOf(t, store, parent.ShardId)
	require.True(t, ok, "the parent's lease was deleted before the cleanup interval")
	clk.Advance(time.Minute)
	waitFor(t, "the parent's lease deleted", func() bool {
		_, ok := leaseOf(t, store, parent.ShardId)
		return !ok
	})
}

// hidingStore hides one lease from List, as a table scan that runs while
// another worker creates leases may miss the parent's and see the child's.
type hidingStore struct {
	lease.Store
	hide   string
	hiding atomic.Bool
}

func (s *hidingStore) List(ctx context.Context) ([]lease.Lease, error) {
	leases, err := s.Store.List(ctx)
	if s.hiding.Load() {
		leases = slices.DeleteFunc(leases, func(l lease.Lease) bool { return l.Key == s.hide })
	}
	return leases, err
}

// TestMissingParentLeaseDoesNotStartChild pins a bug: a child whose
// parent's lease was missing from a listing counted the parent as finished
// and started before the parent's records were processed.
func TestMissingParentLeaseDoesNotStartChild(t *testing.T) {
	const stream = "s"
	e := newEngine(t, stream, 1)
	ctx := context.Background()
	putOrdered(t, e, stream, 0, 10)
	parent := openShards(t, e, stream)[0]
	split(t, e, stream, parent)
	putOrdered(t, e, stream, 10, 20) // into one child: one partition key
	store := &hidingStore{Store: lease.NewMemoryStore(), hide: parent.ShardId}
	store.hiding.Store(true)
	_, err := store.CreateIfNotExists(ctx, at(parent.ShardId, lease.TrimHorizon))
	require.NoError(t, err)
	for _, ch := range childrenOf(t, e, stream, parent.ShardId) {
		_, err := store.CreateIfNotExists(ctx, at(ch.ShardId, lease.TrimHorizon, parent.ShardId))
		require.NoError(t, err)
	}
	var c collector
	w := New(e, stream, HandlerFunc(c.handle), fast(WithLeaseStore(store), WithRenewInterval(time.Millisecond),
		WithLeaseCleanupInterval(0))...)
	cycles := cycled(t, w)
	for i := range 5 {
		held := next(t, cycles)
		require.Equal(t, 0, held, "cycle %d: the worker holds %d leases while the parent's is hidden, want 0", i, held)
	}
	store.hiding.Store(false)
	waitFor(t, "every record processed", func() bool { return c.len() >= 20 })
	exactlyOnceInOrder(t, c.records(), 20)
}

// TestFinishedShardIsNotReadAgain pins a bug that deleting leases would
// have brought: shard sync created a new lease, from the initial position,
// for a listed shard whose lease cleanup had deleted, and the shard was
// read again.
func TestFinishedShardIsNotReadAgain(t *testing.T) {
	const stream = "s"
	e := newEngine(t, stream, 1)
	putOrdered(t, e, stream, 0, 10)
	parent := openShards(t, e, stream)[0]
	split(t, e, stream, parent)
	children := childrenOf(t, e, stream, parent.ShardId)
	store := lease.NewMemoryStore()
	opts := fast(WithLeaseStore(store), WithRenewInterval(time.Millisecond), WithLeaseCleanupInterval(0))
	var first collector
	stop := start(t, New(e, stream, HandlerFunc(first.handle), opts...))
	putInto(t, e, stream, children[0], "10")
	putInto(t, e, stream, children[1], "11")
	waitFor(t, "the parent's lease deleted", func() bool {
		_, ok := leaseOf(t, store, parent.ShardId)
		return !ok && first.len() == 12
	})
	stop()

	// A new worker on the same table, and the first one's later syncs,
	// leave the parent alone.
	var second collector
	w := New(e, stream, HandlerFunc(second.handle), opts...)
	cycles := cycled(t, w)
	for range 5 {
		next(t, cycles)
	}
	putInto(t, e, stream, children[0], "12")
	waitFor(t, "the new record", func() bool { return second.len() >= 1 })
	for range 5 {
		next(t, cycles)
	}
	_, ok := leaseOf(t, store, parent.ShardId)
	assert.False(t, ok, "the parent's lease was created again")
	for _, r := range second.records() {
		assert.NotEqual(t, parent.ShardId, r.ShardID, "record %q of %s processed again", r.Data, r.ShardID)
		assert.Equal(t, "12", string(r.Data), "record %q of %s processed again", r.Data, r.ShardID)
	}
}
