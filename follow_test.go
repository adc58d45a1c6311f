package freshet

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// flwSplit splits a shard of stream s in two halves.
func flwSplit(t testing.TB, e *Engine, stream string, sh Shard) {
	t.Helper()
	_, err := e.SplitShard(context.Background(), &SplitShardInput{StreamName: stream, ShardToSplit: sh.ShardId,
		NewStartingHashKey: sh.HashKeyRange.Midpoint().String()})
	require.NoError(t, err)
}

// flwOpen returns the open shards of a stream by starting hash key.
func flwOpen(st *Stream) []Shard {
	var open []Shard
	for _, sh := range st.Shards() {
		if sh.SequenceNumberRange.EndingSequenceNumber.IsZero() {
			open = append(open, sh)
		}
	}
	sort.Slice(open, func(i, j int) bool {
		return open[i].HashKeyRange.StartingHashKey.Cmp(open[j].HashKeyRange.StartingHashKey) < 0
	})
	return open
}

// flwTake reads n records from a follower with Next (and leaves its limit
// at 1).
func flwTake(t testing.TB, f *Follower, n int) []Record {
	t.Helper()
	var out []Record
	for len(out) < n {
		f.SetLimit(n - len(out))
		recs, err := f.Next(context.Background())
		require.NoError(t, err)
		out = append(out, recs...)
	}
	require.Len(t, out, n, "no more records than written")
	return out
}

func flwData(recs []Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Data)
	}
	return out
}

// A follower from TRIM_HORIZON reads a split shard before its children and
// a merged pair before the merge's child.
func TestFollowerParentsBeforeChildren(t *testing.T) {
	e, _ := newClockEngine(t)
	mustCreate(t, e, "s", 2)
	st, _ := e.Stream("s")
	ctx := context.Background()
	put := func(v string) {
		_, err := st.Append(ctx, "key", []byte(v))
		require.NoError(t, err)
	}
	put("0")
	flwSplit(t, e, "s", flwOpen(st)[0])
	flwSplit(t, e, "s", flwOpen(st)[2]) // the original upper shard
	put("1")
	open := flwOpen(st)
	require.Len(t, open, 4)
	for i := 0; i < 3; i++ { // merge everything back into one shard
		open = flwOpen(st)
		_, err := e.MergeShards(ctx, &MergeShardsInput{StreamName: "s", ShardToMerge: open[0].ShardId, AdjacentShardToMerge: open[1].ShardId})
		require.NoError(t, err)
	}
	put("2")

	f, err := st.Follower(StartingPosition{Type: TrimHorizon})
	require.NoError(t, err)
	recs := flwTake(t, f, 3)
	assert.Equal(t, []string{"0", "1", "2"}, flwData(recs))
}

// Latest reads only what is written after the follower was made, on every
// open shard, and children made later.
func TestFollowerLatest(t *testing.T) {
	e, _ := newClockEngine(t)
	mustCreate(t, e, "s", 2)
	st, _ := e.Stream("s")
	ctx := context.Background()
	for i := range 10 {
		_, err := st.Append(ctx, "old-"+strconv.Itoa(i), nil)
		require.NoError(t, err)
	}
	flwSplit(t, e, "s", flwOpen(st)[0])
	f, err := st.Follower(StartingPosition{Type: Latest})
	require.NoError(t, err)
	flwSplit(t, e, "s", flwOpen(st)[0])
	var want []string
	for i := range 20 {
		v := "new-" + strconv.Itoa(i)
		want = append(want, v)
		_, err := st.Append(ctx, v, []byte(v))
		require.NoError(t, err)
	}
	got := flwData(flwTake(t, f, 20))
	assert.ElementsMatch(t, want, got)
}

// AT_TIMESTAMP starts every shard at the first record that arrived at or
// after the time.
func TestFollowerAtTimestamp(t *testing.T) {
	e, clk := newClockEngine(t)
	mustCreate(t, e, "s", 3)
	st, _ := e.Stream("s")
	ctx := context.Background()
	var want []string
	for i := range 30 {
		clk.Advance(time.Second)
		v := strconv.Itoa(i)
		_, err := st.Append(ctx, "k"+v, []byte(v))
		require.NoError(t, err)
		if i >= 20 {
			want = append(want, v)
		}
		if i == 10 {
			flwSplit(t, e, "s", flwOpen(st)[0])
		}
	}
	f, err := st.Follower(StartAtTimestamp(testEpoch.Add(21 * time.Second)))
	require.NoError(t, err)
	assert.ElementsMatch(t, want, flwData(flwTake(t, f, 10)))
}

func TestFollowerStartErrors(t *testing.T) {
	e, _ := newClockEngine(t)
	mustCreate(t, e, "s", 1)
	st, _ := e.Stream("s")
	out, err := st.Append(context.Background(), "k", nil)
	require.NoError(t, err)
	_, err = st.Follower(StartAfter(out.SequenceNumber))
	requireKinesisError(t, err, ErrInvalidArgument, "A Follower starts at TRIM_HORIZON, LATEST or AT_TIMESTAMP; "+
		"resume one from a Checkpoint to start at sequence numbers. Request specified AFTER_SEQUENCE_NUMBER.")
	_, err = st.Follower(StartingPosition{})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value null at 'shardIteratorType' failed to satisfy constraint: Member must not be null"))
	_, err = st.Follower(StartingPosition{Type: AtTimestamp})
	requireKinesisError(t, err, ErrInvalidArgument, "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.")

	// A checkpoint entry of another shard.
	mustCreate(t, e, "t", 2)
	other, _ := e.Stream("t")
	_, err = other.ResumeFollower(Checkpoint{"shardId-000000000001": out.SequenceNumber})
	requireKinesisError(t, err, ErrInvalidArgument,
		"Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard with shardId-000000000001")
}

// A checkpoint resumes after the last record delivered, through finished,
// started and not yet started shards.
func TestFollowerCheckpointResume(t *testing.T) {
	e, _ := newClockEngine(t)
	mustCreate(t, e, "s", 1)
	st, _ := e.Stream("s")
	ctx := context.Background()
	put := func(from, to int) {
		for i := from; i < to; i++ {
			_, err := st.Append(ctx, "key-"+strconv.Itoa(i%5), []byte(strconv.Itoa(i)))
			require.NoError(t, err)
		}
	}
	put(0, 10)
	flwSplit(t, e, "s", flwOpen(st)[0])
	put(10, 30)

	f, err := st.Follower(StartingPosition{Type: TrimHorizon})
	require.NoError(t, err)
	first := flwTake(t, f, 12) // all of the parent, then part of the children
	cp := f.Checkpoint()
	assert.Equal(t, maxSequenceCounter, int(cp["shardId-000000000000"].Counter()), "the parent is finished")
	require.Len(t, cp, 3)

	g, err := st.ResumeFollower(cp)
	require.NoError(t, err)
	rest := flwTake(t, g, 18)
	seen := map[string]bool{}
	for _, v := range append(flwData(first), flwData(rest)...) {
		require.False(t, seen[v], "delivered twice: %s", v)
		seen[v] = true
	}
	assert.Len(t, seen, 30)

	// Breaking out of Records mid-batch: the checkpoint and the follower
	// stay after the last record yielded.
	h, err := st.ResumeFollower(nil)
	require.NoError(t, err)
	var got []string
	for rec, err := range h.Records(ctx) {
		require.NoError(t, err)
		got = append(got, string(rec.Data))
		if len(got) == 5 {
			break
		}
	}
	k, err := st.ResumeFollower(h.Checkpoint())
	require.NoError(t, err)
	more := flwData(flwTake(t, k, 25))
	next := flwData(flwTake(t, h, 25))
	assert.ElementsMatch(t, more, next, "the follower and its checkpoint agree")
	assert.Len(t, append(got, more...), 30)
	assert.ElementsMatch(t, flwData(append(first, rest...)), append(got, more...))
}

// Cancelling the context ends Follow without an error item; deleting the
// stream and closing the engine yield their error once.
func TestFollowEnds(t *testing.T) {
	e := newTestEngine(t, WithRetentionSweep(0))
	mustCreate(t, e, "s", 4)
	st, _ := e.Stream("s")

	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan []error, 1)
	go func() {
		var errs []error
		n := 0
		for _, err := range st.Follow(ctx, StartingPosition{Type: Latest}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if n++; n == 3 {
				cancel()
			}
		}
		got <- errs
	}()
	for i := 0; ctx.Err() == nil; i++ { // the follower may start after some writes
		_, err := st.Append(context.Background(), strconv.Itoa(i), nil)
		require.NoError(t, err)
		time.Sleep(time.Millisecond)
	}
	assert.Empty(t, <-got)

	for _, end := range []struct {
		name string
		do   func()
		want error
	}{
		{"delete", func() {
			_, err := e.DeleteStream(context.Background(), &DeleteStreamInput{StreamName: "s"})
			require.NoError(t, err)
		}, ErrResourceNotFound},
		{"close", func() { require.NoError(t, e.Close()) }, ErrClosed},
	} {
		t.Run(end.name, func(t *testing.T) {
			if end.name == "close" {
				mustCreate(t, e, "s", 2)
				st, _ = e.Stream("s")
			}
			f, err := st.Follower(StartingPosition{Type: Latest})
			require.NoError(t, err)
			got := make(chan []error, 1)
			go func() {
				var errs []error
				for _, err := range f.Records(context.Background()) {
					errs = append(errs, err)
				}
				got <- errs
			}()
			end.do()
			errs := <-got
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], end.want)
		})
	}
}

// A follower parked on several shards is woken by a write to any of them.
func TestFollowerWakesOnAnyShard(t *testing.T) {
	e := newTestEngine(t, WithRetentionSweep(0))
	mustCreate(t, e, "s", 4)
	st, _ := e.Stream("s")
	f, err := st.Follower(StartingPosition{Type: Latest})
	require.NoError(t, err)
	for i := range 20 {
		done := make(chan string, 1)
		go func() {
			recs, err := f.Next(context.Background())
			if err != nil || len(recs) != 1 {
				done <- fmt.Sprint(err, len(recs))
				return
			}
			done <- string(recs[0].Data)
		}()
		v := "v" + strconv.Itoa(i)
		_, err := st.Append(context.Background(), v, []byte(v))
		require.NoError(t, err)
		require.Equal(t, v, <-done)
	}
	st.followers.mu.Lock()
	assert.Empty(t, st.followers.list, "no waiter left behind")
	st.followers.mu.Unlock()
}

// A follower that keeps up with a producer allocates nothing per read:
// Next reuses its buffer, and a read keeps its snapshot of the shard on the
// stack.
func TestFollowerNextDoesNotAllocate(t *testing.T) {
	e := newTestEngine(t, WithRetentionSweep(0))
	mustCreate(t, e, "s", 4)
	st, _ := e.Stream("s")
	f, err := st.Follower(StartingPosition{Type: TrimHorizon})
	require.NoError(t, err)
	ctx := context.Background()
	data := make([]byte, 100)
	for range 1000 { // past the first, small chunks
		_, err := st.Append(ctx, "warm", data)
		require.NoError(t, err)
		_, err = f.Next(ctx)
		require.NoError(t, err)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		_, _ = st.Append(ctx, "customer-42", data)
		recs, _ := f.Next(ctx)
		if len(recs) != 1 {
			t.Errorf("read %d records, want 1", len(recs))
		}
	})
	assert.Less(t, allocs, 0.1) // a new chunk now and then
}

// Property: while producers write and shards are split and merged
// concurrently, a follower (stopped and resumed from its checkpoint at
// random points) delivers every record exactly once, in write order per
// partition key, and every shard's records after all of its parents'.
func TestFollowerPropertyConcurrentResharding(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { followProperty(t, seed) })
	}
}

func followProperty(t *testing.T, seed uint64) {
	const producers, perProducer, keys, reshards = 3, 1500, 6, 12
	rng := rand.New(rand.NewPCG(seed, 99))
	e := newTestEngine(t, WithRetentionSweep(0))
	mustCreate(t, e, "p", 2)
	st, _ := e.Stream("p")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a guard against hanging, not a timing assertion
	defer cancel()

	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perProducer {
				key := fmt.Sprintf("p%d-k%d", p, i%keys)
				if _, err := st.Append(ctx, key, []byte(strconv.Itoa(i/keys))); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	ops := make([]int, reshards)
	for i := range ops {
		ops[i] = rng.IntN(1 << 30)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, op := range ops {
			open := flwOpen(st)
			var err error
			if op%2 == 0 || len(open) < 2 {
				sh := open[op%len(open)]
				_, err = e.SplitShard(ctx, &SplitShardInput{StreamName: "p", ShardToSplit: sh.ShardId,
					NewStartingHashKey: sh.HashKeyRange.Midpoint().String()})
			} else {
				i := op % (len(open) - 1)
				_, err = e.MergeShards(ctx, &MergeShardsInput{StreamName: "p", ShardToMerge: open[i].ShardId, AdjacentShardToMerge: open[i+1].ShardId})
			}
			if err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Duration(op%500) * time.Microsecond)
		}
	}()

	// The follower: delivered records in order, restarted from its
	// checkpoint now and then.
	total := producers * perProducer
	var delivered []Record
	stops := rand.New(rand.NewPCG(seed, 7))
	f, err := st.Follower(StartingPosition{Type: TrimHorizon})
	require.NoError(t, err)
	for len(delivered) < total {
		stopAfter := 1 + stops.IntN(total/4)
		n := 0
		for rec, err := range f.Records(ctx) {
			require.NoError(t, err)
			delivered = append(delivered, Record{SequenceNumber: rec.SequenceNumber, PartitionKey: rec.PartitionKey, Data: append([]byte(nil), rec.Data...)})
			if n++; n == stopAfter || len(delivered) == total {
				break
			}
		}
		require.NoError(t, ctx.Err(), "the follower stalled after %d of %d records", len(delivered), total)
		f, err = st.ResumeFollower(f.Checkpoint())
		require.NoError(t, err)
	}
	wg.Wait()

	// Nothing more arrives.
	extra, cancelExtra := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancelExtra()
	for rec, err := range f.Records(extra) {
		require.NoError(t, err)
		t.Fatalf("record delivered twice or invented: %s %s", rec.PartitionKey, rec.Data)
	}

	// Exactly once, in order per key.
	next := map[string]int{}
	for _, r := range delivered {
		v, err := strconv.Atoi(string(r.Data))
		require.NoError(t, err)
		require.Equal(t, next[r.PartitionKey], v, "key %s", r.PartitionKey)
		next[r.PartitionKey] = v + 1
	}
	require.Len(t, delivered, total)

	// Parents before children.
	first, last := map[string]int{}, map[string]int{}
	for i, r := range delivered {
		id := r.SequenceNumber.ShardId()
		if _, ok := first[id]; !ok {
			first[id] = i
		}
		last[id] = i
	}
	shards := st.Shards()
	require.Greater(t, len(shards), 2+reshards, "the reshards happened")
	for _, sh := range shards {
		f, ok := first[sh.ShardId]
		if !ok {
			continue
		}
		for _, p := range []string{sh.ParentShardId, sh.AdjacentParentShardId} {
			if l, ok := last[p]; ok && p != "" {
				require.Less(t, l, f, "%s delivered after its child %s", p, sh.ShardId)
			}
		}
	}
}

func TestHashKeyBigAndMidpoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		a := HashKey{hi: rng.Uint64(), lo: rng.Uint64()}
		b := HashKey{hi: rng.Uint64(), lo: rng.Uint64()}
		if a.Cmp(b) > 0 {
			a, b = b, a
		}
		require.Equal(t, a.String(), a.Big().String())
		back, err := HashKeyFromBig(a.Big())
		require.NoError(t, err)
		require.Equal(t, a, back)
		sum := a.Big()
		sum.Add(sum, b.Big()).Rsh(sum, 1)
		require.Equal(t, sum.String(), HashKeyRange{StartingHashKey: a, EndingHashKey: b}.Midpoint().String())
	}
	assert.Equal(t, "170141183460469231731687303715884105727", HashKeyRange{EndingHashKey: MaxHashKey}.Midpoint().String())
	_, err := HashKeyFromBig(MaxHashKey.Big().Lsh(MaxHashKey.Big(), 1))
	assert.Error(t, err)
	neg := MaxHashKey.Big()
	_, err = HashKeyFromBig(neg.Neg(neg))
	assert.Error(t, err)
}

// The position constructors read as the string fields do.
func TestStartingPositionConstructors(t *testing.T) {
	e, _ := newClockEngine(t)
	mustCreate(t, e, "s", 1)
	st, _ := e.Stream("s")
	var sns []SequenceNumber
	for i := range 3 {
		out, err := st.Append(context.Background(), "k", []byte(strconv.Itoa(i)))
		require.NoError(t, err)
		sns = append(sns, out.SequenceNumber)
	}
	for _, tt := range []struct {
		p    StartingPosition
		want []string
	}{
		{StartAt(sns[1]), []string{"1", "2"}},
		{StartAfter(sns[1]), []string{"2"}},
		{StartAtTimestamp(testEpoch), []string{"0", "1", "2"}},
	} {
		it, err := st.Iterator("shardId-000000000000", tt.p)
		require.NoError(t, err)
		recs, err := it.Next(context.Background())
		require.NoError(t, err)
		assert.Equal(t, tt.want, flwData(recs))
	}
	_, err := st.Iterator("shardId-000000000000", StartAfter(SequenceNumber{}))
	require.True(t, errors.Is(err, ErrInvalidArgument))
}
