package consumer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/kpl"
	"github.com/freshet-io/freshet/consumer/lease"
)

// start runs w until the test ends or the returned stop is called; stop
// shuts it down gracefully and checks Run's result.
func start(t *testing.T, w *Worker) (stop func()) {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- w.Run(context.Background()) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			assert.NoError(t, w.Shutdown(context.Background()), "Shutdown")
			assert.NoError(t, <-errc, "Run")
		})
	}
	t.Cleanup(stop)
	return stop
}

// collector records the records handed to HandlerFunc.
type collector struct {
	mu   sync.Mutex
	recs []Record
}

func (c *collector) handle(ctx context.Context, r Record) error {
	c.mu.Lock()
	c.recs = append(c.recs, r)
	c.mu.Unlock()
	return nil
}

func (c *collector) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.recs)
}

func (c *collector) records() []Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Record(nil), c.recs...)
}

// fast are the options of single-worker tests: read from the start, poll
// and retry quickly.
func fast(opts ...Option) []Option {
	return append([]Option{
		WithInitialPosition(lease.TrimHorizon),
		WithIdleTimeBetweenReads(time.Millisecond),
		WithRetryBackoff(time.Millisecond, 20*time.Millisecond),
		WithFailoverTime(300 * time.Millisecond),
		// Checkpoint after every batch: the tests watch the checkpoints
		// follow the records (checkpoint_interval_test.go tests the
		// interval).
		WithCheckpointInterval(0),
	}, opts...)
}

// exactlyOnceInOrder checks that recs hold data 0..n-1, each once, in
// order.
func exactlyOnceInOrder(t *testing.T, recs []Record, n int) {
	t.Helper()
	require.Len(t, recs, n, "got %d records, want %d", len(recs), n)
	for i, r := range recs {
		require.Equal(t, strconv.Itoa(i), string(r.Data), "record %d is %q", i, r.Data)
	}
}

func putOrdered(t *testing.T, e *freshet.Engine, stream string, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		_, err := e.PutRecord(context.Background(), &freshet.PutRecordInput{StreamName: stream, PartitionKey: "k", Data: []byte(strconv.Itoa(i))})
		require.NoError(t, err)
	}
}

func TestKPLAggregatesAreDeaggregatedAndFiltered(t *testing.T) {
	for _, filter := range []bool{true, false} {
		t.Run(fmt.Sprint("filter=", filter), func(t *testing.T) {
			e := newEngine(t, "s", 2) // shard 0 owns hash keys 0 to 2^127-1
			ctx := context.Background()
			agg := kpl.Aggregate([]kpl.SubRecord{
				{PartitionKey: "a", ExplicitHashKey: "0", Data: []byte("a")},
				{PartitionKey: "b", ExplicitHashKey: "1", Data: []byte("b")},
				{PartitionKey: "c", ExplicitHashKey: freshet.MaxHashKey.String(), Data: []byte("c")}, // shard 1's
				{PartitionKey: "d", ExplicitHashKey: "2", Data: []byte("d")},
			})
			_, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "s", PartitionKey: "a", ExplicitHashKey: "0", Data: agg})
			require.NoError(t, err)
			_, err = e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "s", PartitionKey: "e", ExplicitHashKey: "0", Data: []byte("e")})
			require.NoError(t, err)
			var c collector
			stop := start(t, New(e, "s", HandlerFunc(c.handle), fast(WithHashRangeFilter(filter))...))
			want := "abde"
			if !filter {
				want = "abcde"
			}
			waitFor(t, "records", func() bool { return c.len() >= len(want) })
			stop()
			var got string
			var subs []int64
			for _, r := range c.records() {
				got += string(r.Data)
				subs = append(subs, r.SubSequenceNumber)
				assert.Equal(t, string(r.Data) != "e", r.Aggregated, "record %s: Aggregated = %v", r.Data, r.Aggregated)
			}
			require.Equal(t, want, got, "got %q, want %q (sub-sequence numbers %v)", got, want, subs)
			wantSubs := []int64{0, 1, 3, 0}
			if !filter {
				wantSubs = []int64{0, 1, 2, 3, 0}
			}
			assert.Equal(t, wantSubs, subs, "sub-sequence numbers %v, want %v", subs, wantSubs)
		})
	}
}

// A checkpoint inside an aggregate resumes at the next user record.
func TestCheckpointInsideAggregate(t *testing.T) {
	e := newEngine(t, "s", 1)
	ctx := context.Background()
	agg := kpl.Aggregate([]kpl.SubRecord{
		{PartitionKey: "a", Data: []byte("a")},
		{PartitionKey: "b", Data: []byte("b")},
		{PartitionKey: "c", Data: []byte("c")},
	})
	_, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "s", PartitionKey: "a", Data: agg})
	require.NoError(t, err)
	store := lease.NewMemoryStore()
	// The first worker processes "a" and "b" only, and checkpoints "b".
	var first collector
	stop := start(t, New(e, "s", HandlerFunc(func(ctx context.Context, r Record) error {
		if string(r.Data) == "c" {
			return errors.New("not now")
		}
		return first.handle(ctx, r)
	}), fast(WithLeaseStore(store), WithRetryBackoff(time.Hour, time.Hour))...))
	waitFor(t, "a and b", func() bool { return first.len() == 2 })
	stop()
	l, err := store.Get(ctx, "shardId-000000000000")
	require.NoError(t, err)
	require.Equal(t, int64(1), l.Checkpoint.SubSequenceNumber, "checkpoint %+v, want sub-sequence number 1", l.Checkpoint)
	var second collector
	stop = start(t, New(e, "s", HandlerFunc(second.handle), fast(WithLeaseStore(store))...))
	waitFor(t, "c", func() bool { return second.len() == 1 })
	stop()
	r := second.records()[0]
	require.Equal(t, "c", string(r.Data), "after restart got %q/%d, want c/2", r.Data, r.SubSequenceNumber)
	require.Equal(t, int64(2), r.SubSequenceNumber, "after restart got %q/%d, want c/2", r.Data, r.SubSequenceNumber)
}

// An expired iterator is replaced by one AFTER the last record received:
// nothing is delivered twice and nothing is skipped.
func TestExpiredIteratorRestartsAfterLastRecord(t *testing.T) {
	e := newEngine(t, "s", 1)
	putOrdered(t, e, "s", 0, 100)
	var reads, iterators atomic.Int64
	defer e.Intercept(func(ctx context.Context, c *freshet.Call) error {
		if c.ShardId == "" {
			return nil
		}
		switch c.Operation {
		case "GetShardIterator":
			iterators.Add(1)
		case "GetRecords":
			// The 3rd and 7th reads find their iterator expired.
			if n := reads.Add(1); n == 3 || n == 7 {
				return freshet.ErrExpiredIterator
			}
		}
		return nil
	})()
	var c collector
	stop := start(t, New(e, "s", HandlerFunc(c.handle), fast(WithMaxRecords(10))...))
	waitFor(t, "records", func() bool { return c.len() >= 100 })
	stop()
	exactlyOnceInOrder(t, c.records(), 100)
	n := iterators.Load()
	assert.Equal(t, int64(3), n, "%d GetShardIterator calls, want 3", n)
}

type errorMetrics struct {
	NopMetrics
	mu   sync.Mutex
	errs map[string]int
}

func (m *errorMetrics) Error(op string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.errs == nil {
		m.errs = map[string]int{}
	}
	m.errs[op]++
}

func (m *errorMetrics) count(op string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.errs[op]
}

func TestThrottlingIsRetried(t *testing.T) {
	e := newEngine(t, "s", 1)
	putOrdered(t, e, "s", 0, 30)
	e.InjectFault(freshet.Fault{Operation: "GetRecords", Times: 3, Err: freshet.ErrProvisionedThroughputExceeded})
	e.InjectFault(freshet.Fault{Operation: "GetShardIterator", Times: 2, Err: freshet.ErrProvisionedThroughputExceeded})
	m := &errorMetrics{}
	var c collector
	stop := start(t, New(e, "s", HandlerFunc(c.handle), fast(WithMetrics(m))...))
	waitFor(t, "records", func() bool { return c.len() >= 30 })
	stop()
	exactlyOnceInOrder(t, c.records(), 30)
	assert.Equal(t, 3, m.count("GetRecords"), "errors reported: %v", m.errs)
	assert.Equal(t, 2, m.count("GetShardIterator"), "errors reported: %v", m.errs)
}

// A processor error makes the shard restart from its last checkpoint; the
// callback mode checkpoints the records before the failing one.
func TestHandlerErrorRedeliversFromFailingRecord(t *testing.T) {
	e := newEngine(t, "s", 1)
	putOrdered(t, e, "s", 0, 20)
	var c collector
	var failed atomic.Bool
	stop := start(t, New(e, "s", HandlerFunc(func(ctx context.Context, r Record) error {
		if string(r.Data) == "7" && !failed.Swap(true) {
			return errors.New("transient")
		}
		return c.handle(ctx, r)
	}), fast()...))
	waitFor(t, "records", func() bool { return c.len() >= 20 })
	stop()
	exactlyOnceInOrder(t, c.records(), 20)
}

// A slow processor stops the reading: at most MaxPrefetchBatches batches
// wait, plus the one being processed and the one being handed over.
func TestPrefetchIsBounded(t *testing.T) {
	e := newEngine(t, "s", 1)
	putOrdered(t, e, "s", 0, 200)
	reads := countShardCalls(t, e, freshet.OpGetRecords)
	release := make(chan struct{})
	var c collector
	stop := start(t, New(e, "s", HandlerFunc(func(ctx context.Context, r Record) error {
		if string(r.Data) == "0" {
			<-release
		}
		return c.handle(ctx, r)
	}), fast(WithMaxRecords(10), WithMaxPrefetchBatches(2))...))
	// Give the fetcher every chance to run ahead; it must block.
	waitFor(t, "the fetcher to block", func() bool { return reads.Load() >= 3 })
	time.Sleep(50 * time.Millisecond)
	n := reads.Load()
	assert.LessOrEqual(t, n, int64(4), "%d GetRecords calls while the processor is stuck on its first batch, want at most 4", n)
	close(release)
	waitFor(t, "records", func() bool { return c.len() >= 200 })
	stop()
	exactlyOnceInOrder(t, c.records(), 200)
}

func TestEnhancedFanOut(t *testing.T) {
	// Short subscriptions force resubscribing from the continuation
	// sequence number.
	e := newEngine(t, "s", 1, freshet.WithSubscriptionTiming(30*time.Millisecond, 10*time.Millisecond))
	ctx := context.Background()
	sum, err := e.DescribeStreamSummary(ctx, &freshet.DescribeStreamSummaryInput{StreamName: "s"})
	require.NoError(t, err)
	reg, err := e.RegisterStreamConsumer(ctx, &freshet.RegisterStreamConsumerInput{StreamARN: sum.StreamDescriptionSummary.StreamARN, ConsumerName: "app"})
	require.NoError(t, err)
	putOrdered(t, e, "s", 0, 50)
	var subscriptions atomic.Int64
	defer e.Intercept(func(ctx context.Context, c *freshet.Call) error {
		if c.Operation == "SubscribeToShard" && c.ShardId == "shardId-000000000000" {
			subscriptions.Add(1)
		}
		return nil
	})()
	var c collector
	stop := start(t, New(e, "s", HandlerFunc(c.handle), fast(WithEnhancedFanOut(reg.Consumer.ConsumerARN, nil))...))
	waitFor(t, "first records", func() bool { return c.len() >= 50 })
	time.Sleep(40 * time.Millisecond) // outlive a subscription
	putOrdered(t, e, "s", 50, 100)
	waitFor(t, "records", func() bool { return c.len() >= 100 })
	// Reading follows a split through the children.
	_, err = e.SplitShard(ctx, &freshet.SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000"})
	require.NoError(t, err)
	putOrdered(t, e, "s", 100, 120)
	waitFor(t, "records after the split", func() bool { return c.len() >= 120 })
	stop()
	exactlyOnceInOrder(t, c.records(), 120)
	n := subscriptions.Load()
	assert.GreaterOrEqual(t, n, int64(2), "%d subscriptions to the parent shard, want a resubscription", n)
}

// racingSubscriber's Subscribe succeeds only once its context is
// cancelled, as a real subscription does whose response arrives just as
// the shard consumer stops. It counts the Close calls of its streams.
type racingSubscriber struct {
	once    sync.Once
	entered chan struct{}
	closed  atomic.Int64
}

func (s *racingSubscriber) SubscribeToShard(ctx context.Context, _ *freshet.SubscribeToShardInput) (EventStream, error) {
	s.once.Do(func() { close(s.entered) })
	<-ctx.Done()
	return racingStream{s}, nil
}

type racingStream struct{ s *racingSubscriber }

func (racingStream) Next(ctx context.Context) (*freshet.SubscribeToShardEvent, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (r racingStream) Close() error {
	r.s.closed.Add(1)
	return nil
}

// A subscription that succeeds as the worker stops is closed all the same:
// over the SDK, an unclosed one leaks its connection and two goroutines.
func TestSubscriptionRacingShutdownIsClosed(t *testing.T) {
	e := newEngine(t, "s", 1)
	sub := &racingSubscriber{entered: make(chan struct{})}
	stop := start(t, New(e, "s", HandlerFunc(noop), fast(WithEnhancedFanOut("arn:consumer", sub))...))
	select {
	case <-sub.entered:
	case <-time.After(30 * time.Second):
		require.FailNow(t, "the worker never subscribed")
	}
	stop()
	n := sub.closed.Load()
	assert.Equal(t, int64(1), n, "%d subscriptions closed, want 1", n)
}

func TestInitialPositionLatest(t *testing.T) {
	e := newEngine(t, "s", 2)
	putOrdered(t, e, "s", 0, 10)
	iterators := countShardCalls(t, e, freshet.OpGetShardIterator)
	var c collector
	stop := start(t, New(e, "s", HandlerFunc(c.handle), fast(WithInitialPosition(lease.Latest))...))
	waitFor(t, "both shards read", func() bool { return iterators.Load() >= 2 })
	putOrdered(t, e, "s", 10, 20)
	waitFor(t, "records", func() bool { return c.len() >= 10 })
	stop()
	recs := c.records()
	for i, r := range recs {
		require.Equal(t, strconv.Itoa(10+i), string(r.Data), "record %d is %q, want %d", i, r.Data, 10+i)
	}
}

func TestInitialTimestamp(t *testing.T) {
	clk := freshet.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e := newEngine(t, "s", 1, freshet.WithClock(clk))
	putOrdered(t, e, "s", 0, 10)
	clk.Advance(time.Hour)
	from := clk.Now()
	putOrdered(t, e, "s", 10, 20)
	var c collector
	stop := start(t, New(e, "s", HandlerFunc(c.handle), fast(WithInitialTimestamp(from))...))
	waitFor(t, "records", func() bool { return c.len() >= 10 })
	stop()
	recs := c.records()
	require.Len(t, recs, 10, "got %d records starting at %q, want 10 from 10", len(recs), recs[0].Data)
	require.Equal(t, "10", string(recs[0].Data), "got %d records starting at %q, want 10 from 10", len(recs), recs[0].Data)
}

// stealingStore gives a lease away to another worker right after granting
// it, once: as if the worker had been paused past the failover time between
// taking the lease and starting to process the shard.
type stealingStore struct {
	lease.Store
	once sync.Once
}

func (s *stealingStore) Take(ctx context.Context, l lease.Lease, owner string) (lease.Lease, error) {
	got, err := s.Store.Take(ctx, l, owner)
	if err == nil {
		s.once.Do(func() {
			if _, err := s.Store.Take(ctx, got, "thief"); err != nil {
				panic(err)
			}
		})
	}
	return got, err
}

// ownerCheckingProcessor records, at Initialize, who owns its shard's
// lease in the store.
type ownerCheckingProcessor struct {
	store  lease.Store
	shard  string
	owners chan<- string
}

func (p *ownerCheckingProcessor) Initialize(ctx context.Context, _ InitializeInput) error {
	l, err := p.store.Get(ctx, p.shard)
	if err != nil {
		return err
	}
	p.owners <- l.Owner
	return nil
}

func (p *ownerCheckingProcessor) ProcessRecords(context.Context, ProcessRecordsInput) error {
	return nil
}
func (p *ownerCheckingProcessor) LeaseLost(context.Context) {}
func (p *ownerCheckingProcessor) ShardEnded(ctx context.Context, cp *Checkpointer) error {
	return cp.Checkpoint(ctx)
}
func (p *ownerCheckingProcessor) ShutdownRequested(context.Context, *Checkpointer) error {
	return nil
}

// A worker confirms its lease with the store before it starts a processor:
// a lease taken by another worker in the meantime is not processed.
func TestNoProcessorStartsOnALeaseTakenMeanwhile(t *testing.T) {
	e := newEngine(t, "s", 1)
	store := &stealingStore{Store: lease.NewMemoryStore()}
	owners := make(chan string, 10)
	factory := func(shard string) RecordProcessor {
		return &ownerCheckingProcessor{store: store, shard: shard, owners: owners}
	}
	start(t, New(e, "s", factory, fast(WithLeaseStore(store), WithWorkerID("w1"))...))
	// The thief never renews, so the worker takes the lease again once it
	// has expired, and only then starts a processor.
	select {
	case owner := <-owners:
		require.Equal(t, "w1", owner, "a processor started while %q owned the lease", owner)
	case <-time.After(30 * time.Second):
		require.FailNow(t, "no processor started")
	}
}

// countShardCalls counts the calls of op to e that address a shard, until
// the test ends.
func countShardCalls(t *testing.T, e *freshet.Engine, op freshet.Operation) *atomic.Int64 {
	var n atomic.Int64
	t.Cleanup(e.Intercept(func(ctx context.Context, c *freshet.Call) error {
		if c.Operation == op && c.ShardId != "" {
			n.Add(1)
		}
		return nil
	}))
	return &n
}
