// Package consumertest is the end-to-end conformance suite of the consumer
// library: RunWorkerSuite runs several workers of one application against
// a multi-shard stream while it is split, merged and rescaled and while
// workers crash and restart, and checks the consumer's guarantees. Run it
// with every Source and every lease.Store you use: the in-process engine
// and the memory store by default, an AWS SDK client of a wire server, or a
// durable lease store. Fleet is the harness it is built on, usable in tests
// of an application's own failover.
package consumertest

import (
	"context"
	"strconv"
	"testing"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/internal/testutil"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/internal/testsync"
)

// Config says what RunWorkerSuite runs against. The zero value runs the
// workers over an in-process engine with a memory lease store.
type Config struct {
	// Setup returns the engine the suite writes to and reshards, and the
	// Source through which workers read it: the engine itself (the
	// default), or an SDK client of a wire server in front of it.
	Setup func(t *testing.T) (*freshet.Engine, consumer.Source)
	// NewStore returns an empty lease store for one run, shared by every
	// worker. Default: lease.NewMemoryStore.
	NewStore func(t *testing.T) lease.Store
	// Options are added after the suite's own options (FastOptions) to
	// every worker, for example a longer failover time for a store with
	// slower round trips.
	Options []consumer.Option
}

// RunWorkerSuite is the consumer's end-to-end suite: several workers
// consume a multi-shard stream while it is split, merged and rescaled and
// while workers are stopped abruptly and started again. It checks that
// every record is processed at least once, that records of a shard are
// processed in order, that no child shard starts before its parents ended
// and no shard starts again once a child progressed, that after a clean
// shutdown and restart nothing up to the last checkpoints is processed
// again, and that lease cleanup leaves a lease table that holds only the
// leases of open shards, however many reshards it went through.
func RunWorkerSuite(t *testing.T, cfg Config) {
	const stream = "suite"
	if cfg.Setup == nil {
		cfg.Setup = func(t *testing.T) (*freshet.Engine, consumer.Source) {
			e := freshet.New()
			t.Cleanup(func() { e.Close() })
			return e, e
		}
	}
	if cfg.NewStore == nil {
		cfg.NewStore = func(*testing.T) lease.Store { return lease.NewMemoryStore() }
	}
	e, src := cfg.Setup(t)
	ctx := context.Background()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: stream, ShardCount: 4}); err != nil {
		t.Fatal(err)
	}
	j := newJournal(t, e, stream)
	store := cfg.NewStore(t)
	j.store = store
	f := NewFleet(t, src, stream, store, j.factory(), cfg.Options...)

	n := 0
	put := func(k int) {
		testutil.PutRange(t, e, stream, n, n+k)
		n += k
	}
	caughtUp := func() {
		t.Helper()
		testsync.WaitFor(t, "every record processed", func() bool { return j.count(n) == n })
	}
	for _, id := range []string{"a", "b", "c"} {
		f.Start(id)
	}
	put(400)
	caughtUp()

	testutil.Split(t, e, stream, testutil.OpenShards(t, e, stream)[0])
	put(400)
	caughtUp()

	// b dies holding leases: a and c take them once they expire.
	testsync.WaitFor(t, "b to hold a lease", func() bool { return f.Owned("b") > 0 })
	f.Crash("b")
	t.Logf("b held %d leases when it died", f.Owned("b"))
	put(400)
	caughtUp()
	f.Start("b")

	open := testutil.OpenShards(t, e, stream)
	if _, err := e.MergeShards(ctx, &freshet.MergeShardsInput{StreamName: stream, ShardToMerge: open[1].ShardId, AdjacentShardToMerge: open[2].ShardId}); err != nil {
		t.Fatal(err)
	}
	put(400)
	f.Start("d")
	f.Crash("a")

	if _, err := e.UpdateShardCount(ctx, &freshet.UpdateShardCountInput{StreamName: stream, TargetShardCount: 6, ScalingType: freshet.UniformScaling}); err != nil {
		t.Fatal(err)
	}
	put(400)
	f.Crash("c")
	f.Start("a")
	put(400)
	testsync.WaitFor(t, "every record processed", func() bool { return j.count(n) == n })
	j.check()
	// Every child has records by now: cleanup leaves the leases of the
	// open shards only.
	if left := testutil.WaitForLeaseCleanup(t, e, stream, store); left != 0 {
		t.Errorf("%d leases of closed shards left, want 0", left)
	}

	// A clean shutdown, then a restart: nothing up to the final
	// checkpoints may be processed again.
	clean := map[string]bool{}
	for _, id := range f.Running() {
		clean[id] = true
	}
	f.ShutdownAll()
	leases, err := store.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	j.mu.Lock()
	j.floor = map[string]lease.Checkpoint{}
	for _, l := range leases {
		// Leases of killed workers stay theirs until they expire.
		if clean[l.Owner] {
			t.Errorf("lease %s still owned by %s after its clean shutdown", l.Key, l.Owner)
		}
		j.floor[l.Key] = l.Checkpoint
	}
	j.mu.Unlock()
	before := n
	put(300)
	f.Start("x")
	f.Start("y")
	testsync.WaitFor(t, "records written after the restart processed", func() bool { return j.count(n) == n })
	if left := testutil.WaitForLeaseCleanup(t, e, stream, store); left != 0 {
		t.Errorf("%d leases of closed shards left after the restart, want 0", left)
	}
	f.ShutdownAll()
	j.check()
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := 0; i < before; i++ {
		if c := j.processed[strconv.Itoa(i)]; c == 0 {
			t.Errorf("record %d never processed", i)
		}
	}
}
