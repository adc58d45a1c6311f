package connect_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/internal/conntest"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/internal/testsync"
)

const stream = "orders"

// atoi is the transformer of the tests: a record's data is its number.
func atoi(r connect.Record) (int, error) {
	n, err := strconv.Atoi(string(r.Data))
	if err != nil {
		return 0, fmt.Errorf("not a number: %q", r.Data)
	}
	return n, nil
}

// reading makes the consumer read from the start, quickly when idle, and
// retry soon after a failure.
func reading(store lease.Store, extra ...consumer.Option) connect.Option {
	opts := []consumer.Option{consumer.WithRetryBackoff(5*time.Millisecond, 50*time.Millisecond)}
	return conntest.Reading(store, append(opts, extra...)...)
}

func checkpointOf(t *testing.T, store lease.Store, shard string) lease.Checkpoint {
	t.Helper()
	l, err := store.Get(context.Background(), shard)
	require.NoError(t, err)
	return l.Checkpoint
}

// lastPerShard returns the last record written to each shard.
func lastPerShard(put map[int]freshet.PutRecordsResultEntry) map[string]freshet.PutRecordsResultEntry {
	last := map[string]freshet.PutRecordsResultEntry{}
	for _, r := range put {
		if l, ok := last[r.ShardId]; !ok || r.SequenceNumber.Cmp(l.SequenceNumber) > 0 {
			last[r.ShardId] = r
		}
	}
	return last
}

func TestPipelineStoresEveryRecordOnceAndCheckpointsAfterEmits(t *testing.T) {
	e := conntest.NewStream(t, stream, 4)
	store := lease.NewMemoryStore()
	var violations []string
	var mu sync.Mutex
	em := &conntest.Emitter[int]{Fail: func(_ int, b *connect.Batch[int]) ([]connect.Failure, error) {
		// While a batch is being emitted, the checkpoint is before its
		// first record and the pending checkpoint at or after its last.
		l, err := store.Get(context.Background(), b.ShardID)
		if err != nil {
			return nil, err
		}
		first := lease.Checkpoint{SequenceNumber: b.First().SequenceNumber.String(), SubSequenceNumber: b.First().SubSequenceNumber}
		last := lease.Checkpoint{SequenceNumber: b.Last().SequenceNumber.String(), SubSequenceNumber: b.Last().SubSequenceNumber}
		mu.Lock()
		defer mu.Unlock()
		if l.Checkpoint.Compare(first) >= 0 {
			violations = append(violations, "checkpoint "+l.Checkpoint.SequenceNumber+" at or past the batch's first record")
		}
		if l.PendingCheckpoint == nil || l.PendingCheckpoint.Compare(last) < 0 {
			violations = append(violations, "no pending checkpoint covering the batch")
		}
		return nil, nil
	}}
	p := connect.New(e, stream, atoi, em, reading(store),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 64, MaxAge: 20 * time.Millisecond}))
	stop := conntest.Start(t, p)

	put := conntest.Put(t, e, stream, 0, 2000)
	testsync.WaitFor(t, "every record stored", func() bool { return em.Len() == 2000 })
	require.NoError(t, stop())

	for k, n := range em.Stores() {
		assert.Equal(t, 1, n, "record %s stored more than once", k)
	}
	items := em.Items()
	for i, r := range put {
		assert.Equal(t, i, items[conntest.Key(r.ShardId, r.SequenceNumber.String(), 0)])
	}
	for _, b := range em.Batches() {
		assert.LessOrEqual(t, b.N, 64)
	}
	for shard, r := range lastPerShard(put) {
		assert.Equal(t, r.SequenceNumber.String(), checkpointOf(t, store, shard).SequenceNumber, "shard %s", shard)
	}
	st := p.Stats()
	assert.EqualValues(t, 2000, st.Total.Records)
	assert.EqualValues(t, 2000, st.Total.Emitted)
	assert.EqualValues(t, 0, st.Total.Buffered)
	assert.Len(t, st.Shards, 4)
	assert.Empty(t, violations)
}

func TestBufferFlushesOnAgeWithoutNewRecords(t *testing.T) {
	e := conntest.NewStream(t, stream, 1)
	store := lease.NewMemoryStore()
	clk := freshet.NewManualClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	em := &conntest.Emitter[int]{}
	p := connect.New(e, stream, atoi, em, reading(store), connect.WithClock(clk),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 1000, MaxAge: time.Minute}))
	stop := conntest.Start(t, p)

	put := conntest.Put(t, e, stream, 0, 10)
	testsync.WaitFor(t, "10 records buffered", func() bool { return p.Stats().Total.Buffered == 10 })
	testsync.WaitFor(t, "the age timer", func() bool { return clk.Timers() == 1 })
	clk.Advance(time.Minute - time.Second)
	assert.Equal(t, 1, clk.Timers(), "the age timer fired early")
	assert.Equal(t, 0, em.Len())

	clk.Advance(time.Second)
	testsync.WaitFor(t, "the flush on age", func() bool { return em.Len() == 10 })
	last := lastPerShard(put)
	for shard, r := range last {
		testsync.WaitFor(t, "the checkpoint", func() bool {
			return checkpointOf(t, store, shard).SequenceNumber == r.SequenceNumber.String()
		})
	}

	// The timer is armed again by the next record only.
	conntest.Put(t, e, stream, 10, 11)
	testsync.WaitFor(t, "1 record buffered", func() bool { return p.Stats().Total.Buffered == 1 })
	testsync.WaitFor(t, "the age timer", func() bool { return clk.Timers() == 1 })
	clk.Advance(time.Minute)
	testsync.WaitFor(t, "the second flush on age", func() bool { return em.Len() == 11 })
	require.NoError(t, stop())
	assert.Len(t, em.Batches(), 2)
}

func TestBufferFlushesOnBytes(t *testing.T) {
	e := conntest.NewStream(t, stream, 1)
	em := &conntest.Emitter[int]{}
	p := connect.New(e, stream, atoi, em, reading(lease.NewMemoryStore()),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 1000, MaxBytes: 100, MaxAge: time.Hour}))
	stop := conntest.Start(t, p)
	// Records of 30 bytes: a batch reaches 100 bytes at its fourth.
	conntest.PutData(t, e, stream, 0, 40, func(i int) []byte { return []byte(fmt.Sprintf("%030d", i)) })
	testsync.WaitFor(t, "40 records stored", func() bool { return em.Len() == 40 })
	require.NoError(t, stop())
	for _, b := range em.Batches() {
		assert.Equal(t, 4, b.N)
	}
}

func TestShutdownFlushesAndCheckpoints(t *testing.T) {
	e := conntest.NewStream(t, stream, 2)
	store := lease.NewMemoryStore()
	em := &conntest.Emitter[int]{}
	p := connect.New(e, stream, atoi, em, reading(store),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 1000, MaxAge: time.Hour}))
	stop := conntest.Start(t, p)
	put := conntest.Put(t, e, stream, 0, 30)
	testsync.WaitFor(t, "30 records buffered", func() bool { return p.Stats().Total.Buffered == 30 })
	assert.Equal(t, 0, em.Len())
	require.NoError(t, stop())
	assert.Equal(t, 30, em.Len())
	for shard, r := range lastPerShard(put) {
		assert.Equal(t, r.SequenceNumber.String(), checkpointOf(t, store, shard).SequenceNumber)
	}
}

// failOn makes the records whose data is "bad..." fail the transformer.
func failOn(r connect.Record) (int, error) {
	if strings.HasPrefix(string(r.Data), "bad") {
		return 0, errors.New("rejected " + string(r.Data))
	}
	return atoi(r)
}

func badAt(bad ...int) func(int) []byte {
	return func(i int) []byte {
		for _, b := range bad {
			if i == b {
				return []byte("bad-" + strconv.Itoa(i))
			}
		}
		return []byte(strconv.Itoa(i))
	}
}

func TestTransformFailureBlocksItsShardOnly(t *testing.T) {
	e := conntest.NewStream(t, stream, 2)
	store := lease.NewMemoryStore()
	em := &conntest.Emitter[int]{}
	blocked := make(chan *connect.BlockedError, 1)
	p := connect.New(e, stream, failOn, em, reading(store),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 10, MaxAge: 20 * time.Millisecond}),
		connect.WithOnBlock(func(b *connect.BlockedError) { blocked <- b }))
	stop := conntest.Start(t, p)
	put := conntest.PutData(t, e, stream, 0, 200, badAt(57))
	bad := put[57]

	var b *connect.BlockedError
	select {
	case b = <-blocked:
	case <-time.After(time.Minute):
		t.Fatal("no shard blocked")
	}
	assert.Equal(t, bad.ShardId, b.ShardID)
	assert.Equal(t, bad.SequenceNumber.String(), b.SequenceNumber)
	assert.Equal(t, connect.StageTransform, b.Stage)
	assert.ErrorContains(t, b, "rejected bad-57")

	// The other shard goes on to its end; the blocked one stored
	// everything before the bad record and nothing after it.
	var want, before int
	var prev freshet.PutRecordsResultEntry
	for i, r := range put {
		switch {
		case r.ShardId != bad.ShardId:
			want++
		case i < 57:
			want++
			before++
			if r.SequenceNumber.Cmp(prev.SequenceNumber) > 0 {
				prev = r
			}
		}
	}
	testsync.WaitFor(t, "the other shard stored", func() bool { return em.Len() == want })
	items := em.Items()
	for i, r := range put {
		_, ok := items[conntest.Key(r.ShardId, r.SequenceNumber.String(), 0)]
		assert.Equal(t, r.ShardId != bad.ShardId || i < 57, ok, "record %d", i)
	}
	assert.Equal(t, prev.SequenceNumber.String(), checkpointOf(t, store, bad.ShardId).SequenceNumber,
		"the checkpoint stops right before the bad record")

	err := stop()
	require.ErrorIs(t, err, connect.ErrBlocked)
	var be *connect.BlockedError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, bad.SequenceNumber.String(), be.SequenceNumber)
	assert.Equal(t, prev.SequenceNumber.String(), checkpointOf(t, store, bad.ShardId).SequenceNumber,
		"shutdown does not checkpoint a blocked shard")
	assert.NotNil(t, p.Stats().Shards[bad.ShardId].Blocked)
	assert.Len(t, p.Blocked(), 1)
}

func TestTransformFailureDeadLettered(t *testing.T) {
	e := conntest.NewStream(t, stream, 2)
	store := lease.NewMemoryStore()
	em := &conntest.Emitter[int]{}
	dl := &conntest.DeadLetter{}
	p := connect.New(e, stream, failOn, em, reading(store),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 16, MaxAge: 20 * time.Millisecond}),
		connect.WithFailurePolicy(connect.DeadLetterTo(dl)))
	stop := conntest.Start(t, p)
	put := conntest.PutData(t, e, stream, 0, 300, badAt(3, 150, 299))
	testsync.WaitFor(t, "the good records stored", func() bool { return em.Len() == 297 })
	testsync.WaitFor(t, "the bad records dead-lettered", func() bool { return len(dl.Letters()) == 3 })
	for shard, r := range lastPerShard(put) {
		testsync.WaitFor(t, "the checkpoint past the letters", func() bool {
			return checkpointOf(t, store, shard).SequenceNumber == r.SequenceNumber.String()
		})
	}
	require.NoError(t, stop())
	got := map[string]connect.Letter{}
	for _, l := range dl.Letters() {
		got[string(l.Data)] = l
	}
	for _, i := range []int{3, 150, 299} {
		l, ok := got["bad-"+strconv.Itoa(i)]
		require.True(t, ok, "letter of record %d", i)
		assert.Equal(t, put[i].SequenceNumber.String(), l.SequenceNumber)
		assert.Equal(t, put[i].ShardId, l.ShardID)
		assert.Equal(t, stream, l.StreamName)
		assert.Equal(t, connect.StageTransform, l.Stage)
		assert.Equal(t, "rejected bad-"+strconv.Itoa(i), l.Reason)
	}
	assert.EqualValues(t, 3, p.Stats().Total.DeadLettered)
	assert.EqualValues(t, 3, p.Stats().Total.TransformFailed)
}

func TestDropIsCounted(t *testing.T) {
	e := conntest.NewStream(t, stream, 1)
	store := lease.NewMemoryStore()
	em := &conntest.Emitter[int]{}
	p := connect.New(e, stream, failOn, em, reading(store), connect.WithFailurePolicy(connect.Drop()),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 5, MaxAge: 20 * time.Millisecond}))
	stop := conntest.Start(t, p)
	put := conntest.PutData(t, e, stream, 0, 50, badAt(0, 10, 49))
	testsync.WaitFor(t, "the good records stored", func() bool { return em.Len() == 47 })
	for shard, r := range lastPerShard(put) {
		testsync.WaitFor(t, "the checkpoint past the dropped", func() bool {
			return checkpointOf(t, store, shard).SequenceNumber == r.SequenceNumber.String()
		})
	}
	require.NoError(t, stop())
	assert.EqualValues(t, 3, p.Stats().Total.Dropped)
}

func TestFilterSkipsAndCheckpointsPast(t *testing.T) {
	e := conntest.NewStream(t, stream, 1)
	store := lease.NewMemoryStore()
	em := &conntest.Emitter[int]{}
	p := connect.New(e, stream, atoi, em, reading(store),
		connect.WithFilter(func(n int) bool { return n%10 == 0 }),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 3, MaxAge: time.Hour}))
	stop := conntest.Start(t, p)
	put := conntest.Put(t, e, stream, 0, 100)
	testsync.WaitFor(t, "the kept records stored", func() bool { return em.Len() == 9 })
	// The tenth kept record waits in the buffer; the records after it are
	// filtered, but the checkpoint cannot pass the buffered one.
	testsync.WaitFor(t, "all read", func() bool { return p.Stats().Total.Records == 100 })
	assert.Equal(t, put[80].SequenceNumber.String(), checkpointOf(t, store, put[0].ShardId).SequenceNumber)
	require.NoError(t, stop())
	assert.Equal(t, 10, em.Len())
	assert.Equal(t, put[99].SequenceNumber.String(), checkpointOf(t, store, put[0].ShardId).SequenceNumber)
	assert.EqualValues(t, 90, p.Stats().Total.Filtered)
}

func TestEmitterOutageIsRetriedWithNothingLostOrDuplicated(t *testing.T) {
	e := conntest.NewStream(t, stream, 2)
	em := &conntest.Emitter[int]{Fail: func(call int, _ *connect.Batch[int]) ([]connect.Failure, error) {
		if call <= 6 {
			return nil, errors.New("store unavailable")
		}
		return nil, nil
	}}
	p := connect.New(e, stream, atoi, em, reading(lease.NewMemoryStore()),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 20, MaxAge: 20 * time.Millisecond}),
		connect.WithBackoff(connect.Backoff{First: time.Millisecond, Max: 4 * time.Millisecond}))
	stop := conntest.Start(t, p)
	conntest.Put(t, e, stream, 0, 500)
	testsync.WaitFor(t, "every record stored", func() bool { return em.Len() == 500 })
	require.NoError(t, stop())
	for k, n := range em.Stores() {
		assert.Equal(t, 1, n, "record %s", k)
	}
	assert.GreaterOrEqual(t, p.Stats().Total.Retries, int64(6))
}

func TestPartialFailuresAreRetriedAloneAndPermanentOnesDeadLettered(t *testing.T) {
	e := conntest.NewStream(t, stream, 1)
	dl := &conntest.DeadLetter{}
	em := &conntest.Emitter[int]{Fail: func(call int, b *connect.Batch[int]) ([]connect.Failure, error) {
		var fs []connect.Failure
		for i, en := range b.Entries {
			switch {
			case en.Item%7 == 3:
				fs = append(fs, connect.Failure{Index: i, Err: errors.New("mapping conflict"), Permanent: true})
			case call%2 == 1 && en.Item%2 == 1:
				fs = append(fs, connect.Failure{Index: i, Err: errors.New("throttled")})
			}
		}
		return fs, nil
	}}
	p := connect.New(e, stream, atoi, em, reading(lease.NewMemoryStore()),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 50, MaxAge: 20 * time.Millisecond}),
		connect.WithFailurePolicy(connect.DeadLetterTo(dl)),
		connect.WithBackoff(connect.Backoff{First: time.Millisecond, Max: time.Millisecond}))
	stop := conntest.Start(t, p)
	conntest.Put(t, e, stream, 0, 200)
	var perm int
	for i := range 200 {
		if i%7 == 3 {
			perm++
		}
	}
	testsync.WaitFor(t, "the storable records stored", func() bool { return em.Len() == 200-perm })
	testsync.WaitFor(t, "the permanent failures dead-lettered", func() bool { return len(dl.Letters()) == perm })
	require.NoError(t, stop())
	for k, n := range em.Stores() {
		assert.Equal(t, 1, n, "record %s", k)
	}
	for _, l := range dl.Letters() {
		n, _ := strconv.Atoi(string(l.Data))
		assert.Equal(t, 3, n%7)
		assert.Equal(t, connect.StageEmit, l.Stage)
		assert.Equal(t, "mapping conflict", l.Reason)
	}
}

func TestRetriesExhaustedBlockWithoutCheckpoint(t *testing.T) {
	e := conntest.NewStream(t, stream, 1)
	store := lease.NewMemoryStore()
	em := &conntest.Emitter[int]{Fail: func(int, *connect.Batch[int]) ([]connect.Failure, error) {
		return nil, errors.New("bucket gone")
	}}
	p := connect.New(e, stream, atoi, em, reading(store),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 5}),
		connect.WithBackoff(connect.Backoff{First: time.Millisecond, Max: 2 * time.Millisecond, MaxElapsed: 20 * time.Millisecond}))
	stop := conntest.Start(t, p)
	put := conntest.Put(t, e, stream, 0, 20)
	testsync.WaitFor(t, "the block", func() bool { return len(p.Blocked()) == 1 })
	b := p.Blocked()[0]
	assert.Equal(t, connect.StageEmit, b.Stage)
	assert.Equal(t, put[0].SequenceNumber.String(), b.SequenceNumber)
	assert.ErrorContains(t, b, "bucket gone")
	assert.Equal(t, lease.TrimHorizon, checkpointOf(t, store, put[0].ShardId).SequenceNumber)
	require.ErrorIs(t, stop(), connect.ErrBlocked)
	assert.Equal(t, lease.TrimHorizon, checkpointOf(t, store, put[0].ShardId).SequenceNumber)
}

func TestCrashMidFlushReplaysTheSameBatch(t *testing.T) {
	e := conntest.NewStream(t, stream, 1)
	store := lease.NewMemoryStore()
	crashing := make(chan struct{})
	var once sync.Once
	em := &conntest.Emitter[int]{}
	wrap := &crashAfterStore{inner: em, at: 2, crashing: crashing, once: &once}
	limits := connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 30, MaxAge: time.Hour})
	p1 := connect.New(e, stream, atoi, connect.Emitter[int](wrap), reading(store, consumer.WithWorkerID("w")), limits)
	conntest.Start(t, p1)
	conntest.Put(t, e, stream, 0, 100)
	<-crashing
	p1.Crash() // the second batch is stored, its checkpoint not committed

	first := em.Batches()
	require.Len(t, first, 2)
	p2 := connect.New(e, stream, atoi, connect.Emitter[int](em), reading(store, consumer.WithWorkerID("w")),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 7, MaxAge: time.Hour}))
	stop := conntest.Start(t, p2)
	testsync.WaitFor(t, "every record read", func() bool { return p2.Stats().Total.Records == 70 })
	require.NoError(t, stop())
	assert.Equal(t, 100, em.Len())

	all := em.Batches()
	assert.Equal(t, first[1], all[2], "the interrupted batch is emitted again whole, with the same bounds")
	for _, b := range all[3:] {
		assert.LessOrEqual(t, b.N, 7)
	}
	// Only the replayed batch was stored twice: its records are the only
	// ones stored more than once, as an overwrite of the same batch.
	for k, n := range em.Stores() {
		if n > 1 {
			assert.True(t, inBatch(k, first[1]), "record %s stored %d times outside the replayed batch", k, n)
		}
	}
}

func inBatch(key string, b conntest.BatchInfo) bool {
	seq := func(k string) consumer.SequenceNumber {
		return consumer.NewSequenceNumber(strings.Split(k, "/")[1])
	}
	return seq(key).Compare(seq(b.First)) >= 0 && seq(key).Compare(seq(b.Last)) <= 0
}

// crashAfterStore stores the at-th batch, then reports the crash and hangs
// until cancelled, as a process that dies right after its write.
type crashAfterStore struct {
	inner    *conntest.Emitter[int]
	at       int
	n        int
	mu       sync.Mutex
	crashing chan struct{}
	once     *sync.Once
}

func (c *crashAfterStore) Emit(ctx context.Context, b *connect.Batch[int]) ([]connect.Failure, error) {
	c.mu.Lock()
	c.n++
	n := c.n
	c.mu.Unlock()
	if _, err := c.inner.Emit(ctx, b); err != nil {
		return nil, err
	}
	if n == c.at {
		c.once.Do(func() { close(c.crashing) })
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return nil, nil
}

func TestReshardedShardsAreFlushedParentFirst(t *testing.T) {
	e := conntest.NewStream(t, stream, 1)
	store := lease.NewMemoryStore()
	em := &conntest.Emitter[int]{}
	p := connect.New(e, stream, atoi, em, reading(store, consumer.WithShardSyncInterval(20*time.Millisecond)),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 1000, MaxAge: time.Hour}))
	stop := conntest.Start(t, p)
	put := conntest.Put(t, e, stream, 0, 50)
	testsync.WaitFor(t, "the parent read", func() bool { return p.Stats().Total.Buffered == 50 })
	parent := put[0].ShardId
	out, err := e.ListShards(context.Background(), &freshet.ListShardsInput{StreamName: stream})
	require.NoError(t, err)
	hk := out.Shards[0].HashKeyRange
	_, err = e.SplitShard(context.Background(), &freshet.SplitShardInput{StreamName: stream, ShardToSplit: parent,
		NewStartingHashKey: halfway(hk.StartingHashKey.String(), hk.EndingHashKey.String())})
	require.NoError(t, err)
	conntest.Put(t, e, stream, 50, 100)
	testsync.WaitFor(t, "every record read", func() bool { return p.Stats().Total.Records == 100 })
	assert.Equal(t, lease.ShardEnd, checkpointOf(t, store, parent).SequenceNumber)
	require.NoError(t, stop())
	assert.Equal(t, 100, em.Len())
	bs := em.Batches()
	assert.Equal(t, parent, bs[0].ShardID, "the parent's batch is flushed at its end, before its children start")
	assert.Equal(t, 50, bs[0].N)
}

func halfway(lo, hi string) string {
	a, _ := new(big.Int).SetString(lo, 10)
	b, _ := new(big.Int).SetString(hi, 10)
	return new(big.Int).Rsh(new(big.Int).Add(a, b), 1).String()
}

func TestPipelinesShareAStreamThroughTheLeaseStore(t *testing.T) {
	e := conntest.NewStream(t, stream, 4)
	store := lease.NewMemoryStore()
	em := &conntest.Emitter[int]{}
	newP := func(id string) *connect.Pipeline[int] {
		return connect.New(e, stream, atoi, connect.Emitter[int](em),
			reading(store, consumer.WithWorkerID(id), consumer.WithFailoverTime(300*time.Millisecond)),
			connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 50, MaxAge: 20 * time.Millisecond}))
	}
	a, b := newP("a"), newP("b")
	stopA, stopB := conntest.Start(t, a), conntest.Start(t, b)
	testsync.WaitFor(t, "both pipelines holding leases", func() bool {
		leases, err := store.List(context.Background())
		require.NoError(t, err)
		owners := map[string]int{}
		for _, l := range leases {
			owners[l.Owner]++
		}
		return owners["a"] == 2 && owners["b"] == 2
	})
	conntest.Put(t, e, stream, 0, 2000)
	testsync.WaitFor(t, "every record stored", func() bool { return em.Len() == 2000 })
	require.NoError(t, stopA())
	require.NoError(t, stopB())
	assert.NotZero(t, a.Stats().Total.Emitted)
	assert.NotZero(t, b.Stats().Total.Emitted)
	// A record stored twice (a lease moving mid-flush) was stored in a
	// batch with the same bounds both times.
	bs := em.Batches()
	for i := range bs {
		for j := range i {
			if bs[i].ShardID == bs[j].ShardID && (inBatch(bs[i].First, bs[j]) || inBatch(bs[j].First, bs[i])) {
				assert.Equal(t, bs[i], bs[j], "overlapping batches")
			}
		}
	}
}

func TestShutdownTimeoutAbandonsAFailingFlushWithoutCheckpoint(t *testing.T) {
	e := conntest.NewStream(t, stream, 1)
	store := lease.NewMemoryStore()
	clk := freshet.NewManualClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	em := &conntest.Emitter[int]{Fail: func(int, *connect.Batch[int]) ([]connect.Failure, error) {
		return nil, errors.New("store down")
	}}
	p := connect.New(e, stream, atoi, em, reading(store), connect.WithClock(clk),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 5, MaxAge: time.Hour}),
		connect.WithBackoff(connect.Backoff{First: time.Second, Max: time.Second, MaxElapsed: 24 * time.Hour}),
		connect.WithShutdownTimeout(10*time.Second))
	errc := make(chan error, 1)
	go func() { errc <- p.Run(context.Background()) }()
	put := conntest.Put(t, e, stream, 0, 5)
	testsync.WaitFor(t, "the first retry", func() bool { return p.Stats().Total.Retries == 1 })

	shut := make(chan error, 1)
	go func() { shut <- p.Shutdown(context.Background()) }()
	// The retry pause and the shutdown timeout wait on the clock.
	testsync.WaitFor(t, "the shutdown timer", func() bool { return clk.Timers() == 2 })
	clk.Advance(time.Second)
	testsync.WaitFor(t, "a retry during the shutdown", func() bool { return p.Stats().Total.Retries == 2 })
	testsync.WaitFor(t, "the next retry pause", func() bool { return clk.Timers() == 2 })
	clk.Advance(9 * time.Second)
	require.NoError(t, <-shut)
	require.NoError(t, <-errc)
	assert.Equal(t, lease.TrimHorizon, checkpointOf(t, store, put[0].ShardId).SequenceNumber,
		"an abandoned flush leaves the checkpoint where it was")
	l, err := store.Get(context.Background(), put[0].ShardId)
	require.NoError(t, err)
	require.NotNil(t, l.PendingCheckpoint, "the prepared flush is replayed by the next owner")
	assert.Equal(t, put[4].SequenceNumber.String(), l.PendingCheckpoint.SequenceNumber)
	assert.Empty(t, l.Owner, "the lease is released")
}

func TestDeadLetterFailingBlocksTheShard(t *testing.T) {
	e := conntest.NewStream(t, stream, 1)
	store := lease.NewMemoryStore()
	dl := &conntest.DeadLetter{Fail: func(int, []connect.Letter) ([]connect.Failure, error) {
		return nil, errors.New("errors bucket gone")
	}}
	p := connect.New(e, stream, failOn, &conntest.Emitter[int]{}, reading(store),
		connect.WithFailurePolicy(connect.DeadLetterTo(dl)),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 5, MaxAge: 20 * time.Millisecond}),
		connect.WithBackoff(connect.Backoff{First: time.Millisecond, Max: time.Millisecond, MaxElapsed: 10 * time.Millisecond}))
	stop := conntest.Start(t, p)
	put := conntest.PutData(t, e, stream, 0, 10, badAt(7))
	testsync.WaitFor(t, "the block", func() bool { return len(p.Blocked()) == 1 })
	b := p.Blocked()[0]
	assert.Equal(t, connect.StageDeadLetter, b.Stage)
	assert.Equal(t, put[7].SequenceNumber.String(), b.SequenceNumber)
	assert.ErrorContains(t, b, "errors bucket gone")
	assert.ErrorContains(t, b, "rejected bad-7")
	assert.Equal(t, put[4].SequenceNumber.String(), checkpointOf(t, store, put[0].ShardId).SequenceNumber)
	require.ErrorIs(t, stop(), connect.ErrBlocked)
}
