package freshet

import (
	"context"
	"errors"
	"math/big"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Helpers of the invariant, time and concurrency tests (reshard_test.go,
// retention_test.go, limits_test.go, intercept_test.go, subscribe_test.go,
// iterator_test.go). All are prefixed rs.

// rsEpoch is the ManualClock start of these tests.
var rsEpoch = time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)

const rsAccount = "000000000000"

// rsTwo128 is 2^128, one past the largest hash key.
var rsTwo128 = new(big.Int).Lsh(big.NewInt(1), 128)

// rsMaxKey is 2^128-1 in decimal.
const rsMaxKey = "340282366920938463463374607431768211455"

// rsEngine returns an engine closed at the end of the test. The retention
// sweep is off unless an option turns it on, so a ManualClock's Timers
// counts only the timers of the code under test.
func rsEngine(t testing.TB, opts ...Option) *Engine {
	t.Helper()
	e := New(append([]Option{WithRetentionSweep(0)}, opts...)...)
	t.Cleanup(func() { e.Close() })
	return e
}

// rsClockEngine returns an engine on a ManualClock at rsEpoch.
func rsClockEngine(t testing.TB, opts ...Option) (*Engine, *ManualClock) {
	t.Helper()
	clk := NewManualClock(rsEpoch)
	return rsEngine(t, append([]Option{WithClock(clk)}, opts...)...), clk
}

func rsCreate(t testing.TB, e *Engine, name string, shards int) {
	t.Helper()
	_, err := e.CreateStream(context.Background(), &CreateStreamInput{StreamName: name, ShardCount: shards})
	require.NoError(t, err)
}

// rsErr asserts err is the Kinesis error want with exactly message msg.
func rsErr(t testing.TB, err error, want *Error, msg string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, want)
	var kerr *Error
	require.True(t, errors.As(err, &kerr), "not an *Error: %v", err)
	require.Equal(t, want.Code, kerr.Code)
	require.Equal(t, msg, kerr.Message)
}

// rsShards lists every live shard of a stream (all pages) in index order.
func rsShards(t testing.TB, e *Engine, name string) []Shard {
	t.Helper()
	return rsListShards(t, e, name, nil)
}

// rsOpenShards lists the open shards in hash-key order.
func rsOpenShards(t testing.TB, e *Engine, name string) []Shard {
	t.Helper()
	open := rsListShards(t, e, name, &ShardFilter{Type: AtLatest})
	sort.Slice(open, func(i, j int) bool {
		return open[i].HashKeyRange.StartingHashKey.Cmp(open[j].HashKeyRange.StartingHashKey) < 0
	})
	return open
}

func rsListShards(t testing.TB, e *Engine, name string, f *ShardFilter) []Shard {
	t.Helper()
	ctx := context.Background()
	out, err := e.ListShards(ctx, &ListShardsInput{StreamName: name, ShardFilter: f, MaxResults: 10000})
	require.NoError(t, err)
	shards := out.Shards
	for out.NextToken != "" {
		out, err = e.ListShards(ctx, &ListShardsInput{NextToken: out.NextToken, MaxResults: 10000})
		require.NoError(t, err)
		shards = append(shards, out.Shards...)
	}
	return shards
}

// rsIDs returns the ids of shards.
func rsIDs(shards []Shard) []string {
	ids := make([]string, len(shards))
	for i, s := range shards {
		ids[i] = s.ShardId
	}
	return ids
}

// rsID formats shard ids from indices.
func rsID(indices ...int) []string {
	ids := make([]string, len(indices))
	for i, n := range indices {
		ids[i] = shardID(n)
	}
	return ids
}

// rsByID indexes shards by id.
func rsByID(shards []Shard) map[string]Shard {
	m := make(map[string]Shard, len(shards))
	for _, s := range shards {
		m[s.ShardId] = s
	}
	return m
}

// rsBig converts a hash key to a big.Int through its decimal form.
func rsBig(t testing.TB, k HashKey) *big.Int {
	t.Helper()
	b, ok := new(big.Int).SetString(k.String(), 10)
	require.True(t, ok, "hash key %q", k.String())
	return b
}

// rsUniform returns floor(k*2^128/m), the k-th boundary of m uniform ranges.
func rsUniform(k, m int) *big.Int {
	b := new(big.Int).Mul(big.NewInt(int64(k)), rsTwo128)
	return b.Div(b, big.NewInt(int64(m)))
}

// rsRequireCover asserts that open (in hash-key order) covers [0, 2^128-1]
// exactly: sorted, no gap, no overlap.
func rsRequireCover(t testing.TB, open []Shard) {
	t.Helper()
	require.NotEmpty(t, open)
	next := big.NewInt(0)
	for _, s := range open {
		start, end := rsBig(t, s.HashKeyRange.StartingHashKey), rsBig(t, s.HashKeyRange.EndingHashKey)
		require.Zero(t, next.Cmp(start), "shard %s starts at %s, want %s (gap or overlap)", s.ShardId, start, next)
		require.True(t, start.Cmp(end) <= 0, "shard %s has an empty range", s.ShardId)
		next = new(big.Int).Add(end, big.NewInt(1))
	}
	require.Zero(t, next.Cmp(rsTwo128), "open shards end at %s, want 2^128", next)
}

// rsRequireUniform asserts the open shards are the uniform partition into
// len(open) ranges.
func rsRequireUniform(t testing.TB, open []Shard) {
	t.Helper()
	rsRequireCover(t, open)
	m := len(open)
	for k, s := range open {
		require.Zero(t, rsUniform(k, m).Cmp(rsBig(t, s.HashKeyRange.StartingHashKey)),
			"shard %s (%d of %d) starts at %s", s.ShardId, k, m, s.HashKeyRange.StartingHashKey)
	}
}

// rsRequireLineage checks the resharding invariants of a stream's shards
// (all of them, none expired): every child has at most two parents that
// exist, a merge child's range is exactly the union of its two adjacent
// parents, the children of a split partition their parent exactly, closed
// shards have an EndingSequenceNumber and open ones none.
func rsRequireLineage(t testing.TB, all []Shard, open []Shard) {
	t.Helper()
	byID := rsByID(all)
	isOpen := map[string]bool{}
	for _, s := range open {
		isOpen[s.ShardId] = true
	}
	for i, s := range all {
		require.Equal(t, shardID(i), s.ShardId, "shard indices are dense")
		require.Equal(t, !isOpen[s.ShardId], !s.SequenceNumberRange.EndingSequenceNumber.IsZero(),
			"shard %s: closed iff it has an EndingSequenceNumber", s.ShardId)
	}
	splitKids := map[string][]Shard{}
	mergeKids := map[string][]Shard{}
	for _, s := range all {
		if s.ParentShardId == "" {
			require.Empty(t, s.AdjacentParentShardId, s.ShardId)
			continue
		}
		p, ok := byID[s.ParentShardId]
		require.True(t, ok, "parent %s of %s", s.ParentShardId, s.ShardId)
		require.Less(t, p.ShardId, s.ShardId, "parent index precedes child")
		if s.AdjacentParentShardId == "" {
			splitKids[p.ShardId] = append(splitKids[p.ShardId], s)
			continue
		}
		a, ok := byID[s.AdjacentParentShardId]
		require.True(t, ok, "adjacent parent %s of %s", s.AdjacentParentShardId, s.ShardId)
		pEnd := new(big.Int).Add(rsBig(t, p.HashKeyRange.EndingHashKey), big.NewInt(1))
		require.Zero(t, pEnd.Cmp(rsBig(t, a.HashKeyRange.StartingHashKey)), "merge parents of %s are adjacent", s.ShardId)
		require.Equal(t, p.HashKeyRange.StartingHashKey, s.HashKeyRange.StartingHashKey, s.ShardId)
		require.Equal(t, a.HashKeyRange.EndingHashKey, s.HashKeyRange.EndingHashKey, s.ShardId)
		mergeKids[p.ShardId] = append(mergeKids[p.ShardId], s)
		mergeKids[a.ShardId] = append(mergeKids[a.ShardId], s)
	}
	for _, s := range all {
		nSplit, nMerge := len(splitKids[s.ShardId]), len(mergeKids[s.ShardId])
		if isOpen[s.ShardId] {
			require.Zero(t, nSplit+nMerge, "open shard %s has children", s.ShardId)
			continue
		}
		require.True(t, nSplit == 2 && nMerge == 0 || nSplit == 0 && nMerge == 1,
			"closed shard %s: %d split children, %d merge children", s.ShardId, nSplit, nMerge)
		if nSplit == 2 {
			lo, hi := splitKids[s.ShardId][0], splitKids[s.ShardId][1]
			require.Equal(t, s.HashKeyRange.StartingHashKey, lo.HashKeyRange.StartingHashKey)
			require.Equal(t, s.HashKeyRange.EndingHashKey, hi.HashKeyRange.EndingHashKey)
			loEnd := new(big.Int).Add(rsBig(t, lo.HashKeyRange.EndingHashKey), big.NewInt(1))
			require.Zero(t, loEnd.Cmp(rsBig(t, hi.HashKeyRange.StartingHashKey)), "children of %s split it exactly", s.ShardId)
		}
	}
}

// rsIter returns a shard iterator.
func rsIter(t testing.TB, e *Engine, stream, shard string, typ ShardIteratorType) string {
	t.Helper()
	out, err := e.GetShardIterator(context.Background(), &GetShardIteratorInput{StreamName: stream, ShardId: shard, ShardIteratorType: typ})
	require.NoError(t, err)
	return out.ShardIterator
}

// rsReadShard reads a shard from TRIM_HORIZON with GetRecords (limit per
// call; 0 means the default) until a closed shard ends (it returns the
// children) or an open shard returns an empty page.
func rsReadShard(t testing.TB, e *Engine, stream, shard string, limit int) ([]Record, []ChildShard) {
	t.Helper()
	return rsDrain(t, e, rsIter(t, e, stream, shard, TrimHorizon), limit)
}

// rsDrain follows an iterator as rsReadShard does.
func rsDrain(t testing.TB, e *Engine, it string, limit int) ([]Record, []ChildShard) {
	t.Helper()
	var recs []Record
	for {
		out, err := e.GetRecords(context.Background(), &GetRecordsInput{ShardIterator: it, Limit: limit})
		require.NoError(t, err)
		recs = append(recs, out.Records...)
		if out.NextShardIterator == "" {
			require.NotEmpty(t, out.ChildShards, "a page without a next iterator carries ChildShards")
			return recs, out.ChildShards
		}
		require.Empty(t, out.ChildShards, "ChildShards only at the end of a closed shard")
		if len(out.Records) == 0 {
			return recs, nil
		}
		it = out.NextShardIterator
	}
}

// rsPut writes one record.
func rsPut(t testing.TB, e *Engine, stream, key, data string) *PutRecordOutput {
	t.Helper()
	out, err := e.PutRecord(context.Background(), &PutRecordInput{StreamName: stream, PartitionKey: key, Data: []byte(data)})
	require.NoError(t, err)
	return out
}

// rsPutHash writes one record with an explicit hash key.
func rsPutHash(t testing.TB, e *Engine, stream, hash, data string) *PutRecordOutput {
	t.Helper()
	out, err := e.PutRecord(context.Background(), &PutRecordInput{StreamName: stream, PartitionKey: "k", ExplicitHashKey: hash, Data: []byte(data)})
	require.NoError(t, err)
	return out
}

// rsData returns the payloads of records as strings.
func rsData(recs []Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Data)
	}
	return out
}

// rsWaitTimers waits (bounded) until the clock has at least n armed timers:
// the code under test is then blocked on them and Advance will wake it.
func rsWaitTimers(t testing.TB, clk *ManualClock, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for clk.Timers() < n {
		if time.Now().After(deadline) {
			t.Fatalf("clock has %d timers, want %d", clk.Timers(), n)
		}
		runtime.Gosched()
	}
}

// rsWaitFor waits (bounded) until cond holds.
func rsWaitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		runtime.Gosched()
	}
}

// rsRecv receives from ch, failing after a generous bound (a hang is a
// bug; the bound only keeps the test from hanging forever).
func rsRecv[T any](t testing.TB, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for a result")
		panic("unreachable")
	}
}

// rsNotReady asserts nothing has been sent on ch yet.
func rsNotReady[T any](t testing.TB, ch <-chan T) {
	t.Helper()
	select {
	case v := <-ch:
		t.Fatalf("unexpected result %v", v)
	default:
	}
}
