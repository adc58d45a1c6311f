package consumer

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
)

// sourceFactory returns the Source through which workers read e: the
// in-process adapter, or an SDK client of a wire server in front of e.
type sourceFactory func(t *testing.T) (e *freshet.Engine, src Source)

// journal records what the processors of a test saw, and checks the
// consumer's guarantees as it goes.
type journal struct {
	t      *testing.T
	e      *freshet.Engine
	stream string
	store  lease.Store

	mu        sync.Mutex
	processed map[string]int              // data -> times processed
	ended     map[string]bool             // shards checkpointed at SHARD_END
	parents   map[string][]string         // shard -> parents, from ListShards
	children  map[string][]string         // shard -> children, from ListShards
	floor     map[string]lease.Checkpoint // per shard, nothing at or before may be processed (restart check)
	errs      []string
}

func newJournal(t *testing.T, e *freshet.Engine, stream string) *journal {
	return &journal{t: t, e: e, stream: stream,
		processed: map[string]int{}, ended: map[string]bool{}, parents: map[string][]string{}, children: map[string][]string{}}
}

func (j *journal) errorf(format string, args ...any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.errs = append(j.errs, fmt.Sprintf(format, args...))
}

func (j *journal) check() {
	j.t.Helper()
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, e := range j.errs {
		j.t.Error(e)
	}
	j.errs = nil
}

func (j *journal) parentsOf(shard string) []string {
	j.mu.Lock()
	p, ok := j.parents[shard]
	j.mu.Unlock()
	if ok {
		return p
	}
	j.refreshLineage()
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.parents[shard]
}

// childrenOf returns the children shard has now. Unlike parents, children
// appear later, so they are read again each time.
func (j *journal) childrenOf(shard string) []string {
	j.refreshLineage()
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.children[shard]
}

func (j *journal) refreshLineage() {
	out, err := j.e.ListShards(context.Background(), &freshet.ListShardsInput{StreamName: j.stream})
	if err != nil {
		j.errorf("ListShards: %v", err)
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.children = map[string][]string{}
	for _, sh := range out.Shards {
		var ps []string
		for _, p := range []string{sh.ParentShardId, sh.AdjacentParentShardId} {
			if p != "" {
				ps = append(ps, p)
				j.children[p] = append(j.children[p], sh.ShardId)
			}
		}
		j.parents[sh.ShardId] = ps
	}
}

func (j *journal) count(n int) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := 0
	for i := 0; i < n; i++ {
		if j.processed[strconv.Itoa(i)] > 0 {
			c++
		}
	}
	return c
}

// factory returns processors that record into j and check order and
// lineage. They checkpoint after every batch, alternating between a direct
// and a two-phase checkpoint.
func (j *journal) factory() ProcessorFactory {
	return func(shardID string) RecordProcessor { return &journalProcessor{j: j, shard: shardID} }
}

type journalProcessor struct {
	j     *journal
	shard string
	last  lease.Checkpoint
	n     int
}

func (p *journalProcessor) Initialize(ctx context.Context, in InitializeInput) error {
	p.last = in.Checkpoint
	for _, parent := range p.j.parentsOf(p.shard) {
		p.j.mu.Lock()
		ended := p.j.ended[parent]
		p.j.mu.Unlock()
		if !ended {
			p.j.errorf("shard %s started before its parent %s ended", p.shard, parent)
		}
		if l, err := p.j.store.Get(ctx, parent); err == nil && l.Checkpoint.SequenceNumber != lease.ShardEnd {
			p.j.errorf("shard %s started before its parent %s was checkpointed at SHARD_END", p.shard, parent)
		}
	}
	// A shard whose lease cleanup deleted must not get a new lease and
	// be read again.
	for _, child := range p.j.childrenOf(p.shard) {
		if l, err := p.j.store.Get(ctx, child); err == nil && hasBegun(l.Checkpoint) {
			p.j.errorf("shard %s started again after its child %s progressed (checkpoint %s)", p.shard, child, l.Checkpoint.SequenceNumber)
		}
	}
	return nil
}

func (p *journalProcessor) ProcessRecords(ctx context.Context, in ProcessRecordsInput) error {
	p.j.mu.Lock()
	floor, hasFloor := p.j.floor[p.shard]
	for _, r := range in.Records {
		cp := r.Checkpoint()
		if cp.Compare(p.last) <= 0 {
			p.j.errs = append(p.j.errs, fmt.Sprintf("shard %s: record %s/%d after %s/%d: out of order", p.shard, cp.SequenceNumber, cp.SubSequenceNumber, p.last.SequenceNumber, p.last.SubSequenceNumber))
		}
		if hasFloor && cp.Compare(floor) <= 0 {
			p.j.errs = append(p.j.errs, fmt.Sprintf("shard %s: record %s processed again after a clean restart at checkpoint %s", p.shard, cp.SequenceNumber, floor.SequenceNumber))
		}
		p.last = cp
		p.j.processed[string(r.Data)]++
	}
	p.j.mu.Unlock()
	p.n++
	if p.n%2 == 0 {
		last := in.Records[len(in.Records)-1]
		if err := in.Checkpointer.Prepare(ctx, last.SequenceNumber.String(), last.SubSequenceNumber); err != nil {
			return err
		}
		return in.Checkpointer.Commit(ctx)
	}
	return in.Checkpointer.Checkpoint(ctx)
}

func (p *journalProcessor) LeaseLost(context.Context) {}

func (p *journalProcessor) ShardEnded(ctx context.Context, cp *Checkpointer) error {
	// Marked before checkpointing: once the checkpoint is written, a
	// child may start at once.
	p.j.mu.Lock()
	p.j.ended[p.shard] = true
	p.j.mu.Unlock()
	return cp.Checkpoint(ctx)
}

func (p *journalProcessor) ShutdownRequested(ctx context.Context, cp *Checkpointer) error {
	return cp.Checkpoint(ctx)
}

// fleet is a set of workers sharing a lease store.
type fleet struct {
	t       *testing.T
	src     Source
	stream  string
	store   lease.Store
	factory ProcessorFactory
	opts    []Option // after the suite's options
	running map[string]*runningWorker
}

type runningWorker struct {
	w    *Worker
	errc chan error
}

func (f *fleet) start(id string) {
	w := New(f.src, f.stream, f.factory, append([]Option{
		WithWorkerID(id),
		WithLeaseStore(f.store),
		WithInitialPosition(lease.TrimHorizon),
		WithFailoverTime(150 * time.Millisecond),
		WithShardSyncInterval(50 * time.Millisecond),
		WithLeaseCleanupInterval(20 * time.Millisecond),
		WithIdleTimeBetweenReads(2 * time.Millisecond),
		WithRetryBackoff(2*time.Millisecond, 50*time.Millisecond),
		WithMaxRecords(100),
		WithMaxLeasesToStealAtOneTime(2),
	}, f.opts...)...)
	rw := &runningWorker{w: w, errc: make(chan error, 1)}
	go func() { rw.errc <- w.Run(context.Background()) }()
	f.running[id] = rw
}

// owned counts the leases id owns.
func (f *fleet) owned(id string) int {
	leases, err := f.store.List(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	n := 0
	for _, l := range leases {
		if l.Owner == id {
			n++
		}
	}
	return n
}

func (f *fleet) kill(id string) {
	rw := f.running[id]
	rw.w.kill()
	if err := <-rw.errc; err != nil {
		f.t.Errorf("worker %s: %v", id, err)
	}
	delete(f.running, id)
}

func (f *fleet) shutdownAll() {
	for id, rw := range f.running {
		if err := rw.w.Shutdown(context.Background()); err != nil {
			f.t.Errorf("Shutdown %s: %v", id, err)
		}
		if err := <-rw.errc; err != nil {
			f.t.Errorf("worker %s: %v", id, err)
		}
		delete(f.running, id)
	}
}

// waitFor waits until cond holds, failing the test after a generous
// deadline: the deadline only catches hangs, it asserts no timing.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitForLeaseCleanup waits until the lease table holds only the leases of
// open shards and of closed shards with a child whose lease has not begun
// (cleanup keeps those), and returns the number of leases of closed
// shards left. This is the bound that keeps the table from growing with
// every reshard.
func waitForLeaseCleanup(t *testing.T, e *freshet.Engine, stream string, store lease.Store) (closedLeft int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		left, why := leaseTableExcess(t, e, stream, store)
		if why == "" {
			return left
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for the lease cleanup: %s", why)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// leaseTableExcess counts the leases of closed shards that cleanup keeps,
// and describes one lease it should have deleted, if any.
func leaseTableExcess(t *testing.T, e *freshet.Engine, stream string, store lease.Store) (closedLeft int, why string) {
	t.Helper()
	out, err := e.ListShards(context.Background(), &freshet.ListShardsInput{StreamName: stream})
	if err != nil {
		t.Fatal(err)
	}
	leases, err := store.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]lease.Lease{}
	for _, l := range leases {
		byKey[l.Key] = l
	}
	open := map[string]bool{}
	unstarted := map[string]bool{} // shards with a child whose lease has not begun
	for _, sh := range out.Shards {
		open[sh.ShardId] = sh.SequenceNumberRange.EndingSequenceNumber.IsZero()
		if l, ok := byKey[sh.ShardId]; ok && !hasBegun(l.Checkpoint) {
			unstarted[sh.ParentShardId] = true
			unstarted[sh.AdjacentParentShardId] = true
		}
	}
	for _, l := range leases {
		isOpen, listed := open[l.Key]
		switch {
		case !listed:
			return 0, "lease " + l.Key + " of a shard that does not exist"
		case isOpen:
		case unstarted[l.Key]:
			closedLeft++
		default:
			return 0, fmt.Sprintf("lease %s of a closed shard at %s whose children all progressed", l.Key, l.Checkpoint.SequenceNumber)
		}
	}
	return closedLeft, ""
}

func putRange(t *testing.T, e *freshet.Engine, stream string, from, to int) {
	t.Helper()
	for i := from; i < to; i += 100 {
		var entries []freshet.PutRecordsRequestEntry
		for k := i; k < min(i+100, to); k++ {
			entries = append(entries, freshet.PutRecordsRequestEntry{PartitionKey: "pk" + strconv.Itoa(k*7919), Data: []byte(strconv.Itoa(k))})
		}
		out, err := e.PutRecords(context.Background(), &freshet.PutRecordsInput{StreamName: stream, Records: entries})
		if err != nil || out.FailedRecordCount != 0 {
			t.Fatalf("PutRecords: %v (%d failed)", err, out.FailedRecordCount)
		}
	}
}

// openShards returns the open shards of the stream sorted by hash key.
func openShards(t *testing.T, e *freshet.Engine, stream string) []freshet.Shard {
	t.Helper()
	out, err := e.ListShards(context.Background(), &freshet.ListShardsInput{StreamName: stream})
	if err != nil {
		t.Fatal(err)
	}
	var open []freshet.Shard
	for _, sh := range out.Shards {
		if sh.SequenceNumberRange.EndingSequenceNumber.IsZero() {
			open = append(open, sh)
		}
	}
	sort.Slice(open, func(i, k int) bool {
		return open[i].HashKeyRange.StartingHashKey.Cmp(open[k].HashKeyRange.StartingHashKey) < 0
	})
	return open
}

func split(t *testing.T, e *freshet.Engine, stream string, sh freshet.Shard) {
	t.Helper()
	lo, _ := new(big.Int).SetString(sh.HashKeyRange.StartingHashKey.String(), 10)
	hi, _ := new(big.Int).SetString(sh.HashKeyRange.EndingHashKey.String(), 10)
	mid := new(big.Int).Rsh(new(big.Int).Add(lo, hi), 1)
	if _, err := e.SplitShard(context.Background(), &freshet.SplitShardInput{StreamName: stream, ShardToSplit: sh.ShardId, NewStartingHashKey: mid.String()}); err != nil {
		t.Fatal(err)
	}
}

// testWorkerSuite is the consumer's end-to-end suite: several workers
// consume a multi-shard stream while it is split, merged and rescaled and
// while workers are stopped abruptly and started again. It checks that
// every record is processed at least once, that records of a shard are
// processed in order, that no child shard starts before its parents ended
// and no shard starts again once a child progressed, that after a clean
// shutdown and restart nothing up to the last checkpoints is processed
// again, and that lease cleanup leaves a lease table that holds only the
// leases of open shards, however many reshards it went through.
func testWorkerSuite(t *testing.T, newSource sourceFactory) {
	const stream = "suite"
	e, src := newSource(t)
	ctx := context.Background()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: stream, ShardCount: 4}); err != nil {
		t.Fatal(err)
	}
	j := newJournal(t, e, stream)
	store := lease.NewMemoryStore()
	j.store = store
	f := &fleet{t: t, src: src, stream: stream, store: store, factory: j.factory(), running: map[string]*runningWorker{}}
	defer f.shutdownAll()

	n := 0
	put := func(k int) {
		putRange(t, e, stream, n, n+k)
		n += k
	}
	caughtUp := func() {
		t.Helper()
		waitFor(t, "every record processed", func() bool { return j.count(n) == n })
	}
	for _, id := range []string{"a", "b", "c"} {
		f.start(id)
	}
	put(400)
	caughtUp()

	split(t, e, stream, openShards(t, e, stream)[0])
	put(400)
	caughtUp()

	// b dies holding leases: a and c take them once they expire.
	waitFor(t, "b to hold a lease", func() bool { return f.owned("b") > 0 })
	f.kill("b")
	t.Logf("b held %d leases when it died", f.owned("b"))
	put(400)
	caughtUp()
	f.start("b")

	open := openShards(t, e, stream)
	if _, err := e.MergeShards(ctx, &freshet.MergeShardsInput{StreamName: stream, ShardToMerge: open[1].ShardId, AdjacentShardToMerge: open[2].ShardId}); err != nil {
		t.Fatal(err)
	}
	put(400)
	f.start("d")
	f.kill("a")

	if _, err := e.UpdateShardCount(ctx, &freshet.UpdateShardCountInput{StreamName: stream, TargetShardCount: 6, ScalingType: freshet.UniformScaling}); err != nil {
		t.Fatal(err)
	}
	put(400)
	f.kill("c")
	f.start("a")
	put(400)
	waitFor(t, "every record processed", func() bool { return j.count(n) == n })
	j.check()
	// Every child has records by now: cleanup leaves the leases of the
	// open shards only.
	if left := waitForLeaseCleanup(t, e, stream, store); left != 0 {
		t.Errorf("%d leases of closed shards left, want 0", left)
	}

	// A clean shutdown, then a restart: nothing up to the final
	// checkpoints may be processed again.
	clean := map[string]bool{}
	for id := range f.running {
		clean[id] = true
	}
	f.shutdownAll()
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
	f.start("x")
	f.start("y")
	waitFor(t, "records written after the restart processed", func() bool { return j.count(n) == n })
	if left := waitForLeaseCleanup(t, e, stream, store); left != 0 {
		t.Errorf("%d leases of closed shards left after the restart, want 0", left)
	}
	f.shutdownAll()
	j.check()
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := 0; i < before; i++ {
		if c := j.processed[strconv.Itoa(i)]; c == 0 {
			t.Errorf("record %d never processed", i)
		}
	}
}

func TestWorkerSuiteEngine(t *testing.T) {
	testWorkerSuite(t, func(t *testing.T) (*freshet.Engine, Source) {
		e := freshet.New()
		t.Cleanup(func() { e.Close() })
		return e, FromEngine(e)
	})
}
