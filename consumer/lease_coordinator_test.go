package consumer

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
)

func noop(context.Context, Record) error { return nil }

// cycled starts w with a hook reporting the leases it holds after each
// lease cycle.
func cycled(t *testing.T, w *Worker) <-chan int {
	ch := make(chan int, 100)
	w.afterCycle = func(held int) {
		select {
		case ch <- held:
		default: // nobody is counting this many cycles
		}
	}
	start(t, w)
	return ch
}

// renewing makes w report each round of renewals on the channel
// returned, which must be read once before the first advance of a manual
// clock and once after each advance by the renew interval, so that the
// renewer has set its next timer before the clock moves on. Call it
// before cycled.
func renewing(w *Worker) <-chan int {
	ch := make(chan int, 100)
	w.afterRenew = func(n int) {
		select {
		case ch <- n:
		default:
		}
	}
	return ch
}

func next(t *testing.T, ch <-chan int) int {
	t.Helper()
	select {
	case n := <-ch:
		return n
	case <-time.After(10 * time.Second):
		require.FailNow(t, "no lease cycle")
		return 0
	}
}

func owned(t *testing.T, store lease.Store, id string) int {
	t.Helper()
	leases, err := store.List(context.Background())
	require.NoError(t, err)
	n := 0
	for _, l := range leases {
		if l.Owner == id {
			n++
		}
	}
	return n
}

// The leases of a dead worker are taken once they have not been renewed for
// the failover time, on the survivor's clock.
func TestLeasesOfDeadWorkerExpireAfterFailoverTime(t *testing.T) {
	clk := freshet.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e := newEngine(t, "s", 4)
	store := lease.NewMemoryStore()
	opts := func(id string) []Option {
		return []Option{WithClock(clk), WithLeaseStore(store), WithWorkerID(id), WithFailoverTime(9 * time.Second),
			WithInitialPosition(lease.TrimHorizon), WithMaxLeasesToStealAtOneTime(0)}
	}
	a := New(e, "s", HandlerFunc(noop), opts("a")...)
	n := next(t, cycled(t, a))
	require.Equal(t, 4, n, "a holds %d leases, want 4", n)
	a.Crash()

	b := cycled(t, New(e, "s", HandlerFunc(noop), opts("b")...))
	for i := 0; i < 3; i++ {
		if i > 0 {
			clk.Advance(3 * time.Second) // the renew interval, a third of failover
		}
		n := next(t, b)
		require.Equal(t, 0, n, "after %d s, b holds %d leases of a live-looking worker", 3*i, n)
	}
	clk.Advance(3 * time.Second)
	n = next(t, b)
	require.Equal(t, 4, n, "after the failover time, b holds %d leases, want 4", n)
}

type leaseMetrics struct {
	NopMetrics
	gained, stolen, lost atomic.Int64
}

func (m *leaseMetrics) LeaseGained(string)         { m.gained.Add(1) }
func (m *leaseMetrics) LeaseStolen(string, string) { m.stolen.Add(1) }
func (m *leaseMetrics) LeaseLost(string)           { m.lost.Add(1) }

// A new worker steals at most MaxLeasesToStealAtOneTime leases per cycle
// until the load is balanced, and the victim notices when it renews.
func TestLeaseStealingIsBounded(t *testing.T) {
	clk := freshet.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e := newEngine(t, "s", 4)
	store := lease.NewMemoryStore()
	ma := &leaseMetrics{}
	opts := func(id string, m Metrics) []Option {
		return []Option{WithClock(clk), WithLeaseStore(store), WithWorkerID(id), WithFailoverTime(9 * time.Second),
			WithInitialPosition(lease.TrimHorizon), WithMetrics(m), WithIdleTimeBetweenReads(time.Hour)}
	}
	wa := New(e, "s", HandlerFunc(noop), opts("a", ma)...)
	aRenewals := renewing(wa)
	a := cycled(t, wa)
	n := next(t, a)
	require.Equal(t, 4, n, "a holds %d leases, want 4", n)
	next(t, aRenewals)
	mb := &leaseMetrics{}
	wb := New(e, "s", HandlerFunc(noop), opts("b", mb)...)
	bRenewals := renewing(wb)
	b := cycled(t, wb)
	next(t, bRenewals)
	// b steals one lease per cycle until it has its share; a steal may
	// lose the race with a's renewal of the same lease and wait a cycle.
	held, balanced := 0, 0
	for i := 0; balanced < 2; i++ {
		if i > 0 {
			clk.Advance(3 * time.Second)
			next(t, aRenewals)
			next(t, bRenewals)
			next(t, a)
		}
		n := next(t, b)
		require.LessOrEqual(t, n, held+1, "cycle %d: b went from %d to %d leases", i, held, n)
		require.LessOrEqual(t, n, 2, "cycle %d: b went from %d to %d leases", i, held, n)
		if held = n; held == 2 {
			balanced++
		}
		require.NotEqual(t, 20, i, "b holds %d leases after %d cycles, want 2", held, i)
	}
	got := owned(t, store, "a")
	assert.Equal(t, 2, got, "a owns %d leases, want 2", got)
	// a notices a steal when it next renews; the last one may still be
	// pending.
	lost := ma.lost.Load()
	assert.GreaterOrEqual(t, lost, int64(1), "a noticed %d lost leases, want at least 1", lost)
	gained, stolen := mb.gained.Load(), mb.stolen.Load()
	assert.Equal(t, int64(2), gained, "b gained %d leases, stole %d; want 2 and 2", gained, stolen)
	assert.Equal(t, int64(2), stolen, "b gained %d leases, stole %d; want 2 and 2", gained, stolen)
	aStole := ma.stolen.Load()
	assert.Zero(t, aStole, "a stole %d leases, want 0", aStole)
}

// failingStore fails Renew with an error that is not a conflict, as an
// unreachable lease table would.
type failingStore struct {
	lease.Store
	fail atomic.Bool
}

func (s *failingStore) Renew(ctx context.Context, l lease.Lease) (lease.Lease, error) {
	if s.fail.Load() {
		return lease.Lease{}, errors.New("lease table unreachable")
	}
	return s.Store.Renew(ctx, l)
}

// A worker that cannot renew a lease for the failover time gives it up:
// other workers consider it expired.
func TestUnrenewableLeaseIsGivenUpAfterFailoverTime(t *testing.T) {
	clk := freshet.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e := newEngine(t, "s", 1)
	store := &failingStore{Store: lease.NewMemoryStore()}
	m := &leaseMetrics{}
	w := New(e, "s", HandlerFunc(noop), WithClock(clk), WithLeaseStore(store), WithWorkerID("a"),
		WithFailoverTime(9*time.Second), WithInitialPosition(lease.TrimHorizon), WithMetrics(m))
	renewals := renewing(w)
	a := cycled(t, w)
	n := next(t, a)
	require.Equal(t, 1, n, "a holds %d leases, want 1", n)
	next(t, renewals)
	store.fail.Store(true)
	for i := 1; i <= 3; i++ {
		clk.Advance(3 * time.Second)
		next(t, renewals)
		next(t, a)
		lost, want := m.lost.Load(), int64(i/3)
		require.Equal(t, want, lost, "after %d s without renewal: %d leases lost, want %d", 3*i, lost, want)
	}
}

// At LATEST, shards already closed when the worker starts have nothing
// left to read: their leases start at SHARD_END, and their children at
// LATEST. A shard split while it is read gives children that start at
// TRIM_HORIZON, so nothing written to them is lost.
func TestShardSyncInitialCheckpoints(t *testing.T) {
	e := newEngine(t, "s", 2)
	ctx := context.Background()
	putOrdered(t, e, "s", 0, 5)
	_, err := e.SplitShard(ctx, &freshet.SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000"})
	require.NoError(t, err)
	store := lease.NewMemoryStore()
	w := New(e, "s", HandlerFunc(noop), WithLeaseStore(store), WithInitialPosition(lease.Latest),
		WithIdleTimeBetweenReads(time.Millisecond), WithRenewInterval(time.Millisecond))
	cycles := cycled(t, w)
	next(t, cycles)
	want := map[string]string{
		"shardId-000000000000": lease.ShardEnd, // closed before the start
		"shardId-000000000001": lease.Latest,
		"shardId-000000000002": lease.Latest, // children of a shard skipped at LATEST
		"shardId-000000000003": lease.Latest,
	}
	checkpoints := func() map[string]string {
		leases, err := store.List(ctx)
		require.NoError(t, err)
		got := map[string]string{}
		for _, l := range leases {
			got[l.Key] = l.Checkpoint.SequenceNumber
		}
		return got
	}
	got := checkpoints()
	for k, v := range want {
		assert.Equal(t, v, got[k], "lease %s at %q, want %q", k, got[k], v)
	}
	// Split shard 1 while it is read: its children read from their start.
	for _, sh := range openShards(t, e, "s") {
		if sh.ShardId == "shardId-000000000001" {
			split(t, e, "s", sh)
		}
	}
	waitFor(t, "the children of shard 1", func() bool { return len(checkpoints()) == 6 })
	got = checkpoints()
	for _, k := range []string{"shardId-000000000004", "shardId-000000000005"} {
		assert.Equal(t, lease.TrimHorizon, got[k], "lease %s at %q, want %s", k, got[k], lease.TrimHorizon)
	}
}

type countingMetrics struct {
	NopMetrics
	records, bytes atomic.Int64
	held           atomic.Int64
}

func (m *countingMetrics) RecordsProcessed(_ string, n, bytes int) {
	m.records.Add(int64(n))
	m.bytes.Add(int64(bytes))
}
func (m *countingMetrics) LeasesHeld(n int) { m.held.Store(int64(n)) }

func TestMetrics(t *testing.T) {
	e := newEngine(t, "s", 2)
	putOrdered(t, e, "s", 0, 10) // "0".."9": 10 bytes
	m := &countingMetrics{}
	var c collector
	stop := start(t, New(e, "s", HandlerFunc(c.handle), fast(WithMetrics(m))...))
	waitFor(t, "records", func() bool { return m.records.Load() == 10 })
	stop()
	assert.Equal(t, int64(10), m.bytes.Load(), "bytes %d, leases held %d; want 10 and 2", m.bytes.Load(), m.held.Load())
	assert.Equal(t, int64(2), m.held.Load(), "bytes %d, leases held %d; want 10 and 2", m.bytes.Load(), m.held.Load())
}
