package freshet

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// docs/kinesis-notes.md §6.1: a 1-shard stream split at NewStartingHashKey "2".
func TestReshardSplitProductionExample(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 1)
	clk.Advance(10 * time.Second)
	var before []SequenceNumber
	for i := range 3 {
		before = append(before, rsPut(t, e, "s", "k"+strconv.Itoa(i), "old").SequenceNumber)
	}
	lastBefore := rsIter(t, e, "s", "shardId-000000000000", Latest)
	clk.Advance(10 * time.Second)
	closedAt := clk.Now()

	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "2"})
	require.NoError(t, err)

	all := rsShards(t, e, "s")
	require.Equal(t, rsID(0, 1, 2), rsIDs(all))
	parent, lo, hi := all[0], all[1], all[2]
	require.Equal(t, "0", lo.HashKeyRange.StartingHashKey.String())
	require.Equal(t, "1", lo.HashKeyRange.EndingHashKey.String())
	require.Equal(t, "2", hi.HashKeyRange.StartingHashKey.String())
	require.Equal(t, rsMaxKey, hi.HashKeyRange.EndingHashKey.String())
	for _, c := range []Shard{lo, hi} {
		require.Equal(t, "shardId-000000000000", c.ParentShardId)
		require.Empty(t, c.AdjacentParentShardId)
		require.True(t, c.SequenceNumberRange.EndingSequenceNumber.IsZero(), "children are open")
	}
	require.Equal(t, rsID(1, 2), rsIDs(rsOpenShards(t, e, "s")))
	rsRequireLineage(t, all, rsOpenShards(t, e, "s"))

	// DescribeStream agrees with ListShards.
	d, err := e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "s"})
	require.NoError(t, err)
	require.Equal(t, all, d.StreamDescription.Shards)
	require.Equal(t, StreamStatusActive, d.StreamDescription.StreamStatus)

	// The parent's EndingSequenceNumber: its creation time and index, the
	// maximum counter, the close time; at least every record's SN.
	end := parent.SequenceNumberRange.EndingSequenceNumber
	require.True(t, end.Valid())
	require.Equal(t, 0, end.ShardIndex())
	require.Equal(t, parent.SequenceNumberRange.StartingSequenceNumber.ShardCreated(), end.ShardCreated())
	require.Equal(t, uint64(maxSequenceCounter), end.Counter())
	require.Equal(t, closedAt.Unix(), end.Time().Unix())
	for _, sn := range before {
		require.Equal(t, 1, end.Cmp(sn))
	}
	// Children: created one second after the close, own index, counter 0.
	for i, c := range []Shard{lo, hi} {
		start := c.SequenceNumberRange.StartingSequenceNumber
		require.True(t, start.Valid())
		require.Equal(t, i+1, start.ShardIndex())
		require.Equal(t, closedAt.Unix()+1, start.ShardCreated().Unix())
		require.Equal(t, closedAt.Unix()+1, start.Time().Unix())
		require.Zero(t, start.Counter())
	}

	// Writes now route to the children; their SNs exceed the starting ones.
	for _, w := range []struct{ hash, shard string }{{"0", lo.ShardId}, {"1", lo.ShardId}, {"2", hi.ShardId}, {rsMaxKey, hi.ShardId}} {
		out := rsPutHash(t, e, "s", w.hash, "new")
		require.Equal(t, w.shard, out.ShardId)
		c := rsByID(all)[w.shard]
		require.Equal(t, 1, out.SequenceNumber.Cmp(c.SequenceNumberRange.StartingSequenceNumber))
	}

	// Reading the parent: its records, then no next iterator and the
	// children.
	wantChildren := []ChildShard{
		{ShardId: lo.ShardId, ParentShards: []string{parent.ShardId}, HashKeyRange: lo.HashKeyRange},
		{ShardId: hi.ShardId, ParentShards: []string{parent.ShardId}, HashKeyRange: hi.HashKeyRange},
	}
	recs, children := rsReadShard(t, e, "s", parent.ShardId, 0)
	require.Equal(t, []string{"old", "old", "old"}, rsData(recs))
	require.Equal(t, wantChildren, children)
	// An iterator taken at the tip before the split reaches the end at once.
	out, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: lastBefore})
	require.NoError(t, err)
	require.Empty(t, out.Records)
	require.Empty(t, out.NextShardIterator)
	require.Equal(t, wantChildren, out.ChildShards)
	// So does a LATEST iterator of the closed shard.
	out, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: rsIter(t, e, "s", parent.ShardId, Latest)})
	require.NoError(t, err)
	require.Empty(t, out.NextShardIterator)
	require.Equal(t, wantChildren, out.ChildShards)
	// Open children have next iterators and no ChildShards.
	recs, children = rsReadShard(t, e, "s", lo.ShardId, 1)
	require.Equal(t, []string{"new", "new"}, rsData(recs))
	require.Nil(t, children)
}

func TestReshardSplitNewStartingHashKeyRule(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 3)
	shards := rsShards(t, e, "s")
	mid := shards[1] // [S, E]
	s := rsBig(t, mid.HashKeyRange.StartingHashKey)
	end := rsBig(t, mid.HashKeyRange.EndingHashKey)
	add := func(b *big.Int, n int64) string { return new(big.Int).Add(b, big.NewInt(n)).String() }
	msg := func(k string, sh Shard) string {
		return fmt.Sprintf("NewStartingHashKey %s used in SplitShard() on shard %s in stream s under account %s is not both greater than one plus the shard's StartingHashKey %s and less than the shard's EndingHashKey %s.",
			k, sh.ShardId, rsAccount, sh.HashKeyRange.StartingHashKey, sh.HashKeyRange.EndingHashKey)
	}
	split := func(sh, k string) error {
		_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: sh, NewStartingHashKey: k})
		return err
	}
	for _, k := range []string{add(s, -1), add(s, 0), add(s, 1), add(end, 0), add(end, 1), "0", rsMaxKey} {
		rsErr(t, split(mid.ShardId, k), ErrInvalidArgument, msg(k, mid))
	}
	// 2^128 has 39 digits, passes the model pattern and is still rejected.
	rsErr(t, split("shardId-000000000002", rsTwo128.String()), ErrInvalidArgument, msg(rsTwo128.String(), shards[2]))
	// Nothing changed.
	require.Equal(t, rsID(0, 1, 2), rsIDs(rsShards(t, e, "s")))

	// The smallest and largest valid keys: both children own two keys or more.
	require.NoError(t, split(mid.ShardId, add(s, 2)))
	require.NoError(t, split("shardId-000000000004", add(end, -1)))
	all := rsShards(t, e, "s")
	require.Equal(t, rsID(0, 1, 2, 3, 4, 5, 6), rsIDs(all))
	require.Equal(t, add(s, 1), all[3].HashKeyRange.EndingHashKey.String())
	require.Equal(t, add(end, -1), all[6].HashKeyRange.StartingHashKey.String())
	require.Equal(t, end.String(), all[6].HashKeyRange.EndingHashKey.String())
	open := rsOpenShards(t, e, "s")
	require.Equal(t, rsID(0, 3, 5, 6, 2), rsIDs(open))
	rsRequireCover(t, open)
	rsRequireLineage(t, all, open)

	// Shard ids normalize; unknown ones are not found.
	require.NoError(t, split("0", "100"))
	rsErr(t, split("shardId-000000000099", "100"), ErrResourceNotFound,
		"Could not find shard shardId-000000000099 in stream s under account "+rsAccount+".")
	rsErr(t, split("shardId-x", "100"), ErrResourceNotFound,
		"Could not find shard shardId-x in stream s under account "+rsAccount+".")
}

// docs/kinesis-notes.md §6.2: merging shards 0 and 1 of a 3-shard stream.
func TestReshardMergeProductionExample(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 3)
	before := rsShards(t, e, "s")
	var sns []SequenceNumber
	for i := range 30 {
		out := rsPut(t, e, "s", "key-"+strconv.Itoa(i), strconv.Itoa(i))
		sns = append(sns, out.SequenceNumber)
	}

	_, err := e.MergeShards(ctx, &MergeShardsInput{StreamName: "s", ShardToMerge: "shardId-000000000000", AdjacentShardToMerge: "shardId-000000000001"})
	require.NoError(t, err)

	all := rsShards(t, e, "s")
	require.Equal(t, rsID(0, 1, 2, 3), rsIDs(all))
	child := all[3]
	require.Equal(t, "shardId-000000000000", child.ParentShardId)
	require.Equal(t, "shardId-000000000001", child.AdjacentParentShardId)
	require.Equal(t, HashKeyRange{StartingHashKey: before[0].HashKeyRange.StartingHashKey, EndingHashKey: before[1].HashKeyRange.EndingHashKey}, child.HashKeyRange)
	open := rsOpenShards(t, e, "s")
	require.Equal(t, rsID(3, 2), rsIDs(open))
	rsRequireCover(t, open)
	rsRequireLineage(t, all, open)

	// Each parent's EndingSequenceNumber is at least its records' SNs.
	for _, sn := range sns {
		sh := all[sn.ShardIndex()]
		if end := sh.SequenceNumberRange.EndingSequenceNumber; !end.IsZero() {
			require.Equal(t, 1, end.Cmp(sn))
		}
		require.Equal(t, 1, sn.Cmp(sh.SequenceNumberRange.StartingSequenceNumber))
	}

	// Both parents end with the same ChildShards entry naming both parents.
	want := []ChildShard{{ShardId: child.ShardId, ParentShards: rsID(0, 1), HashKeyRange: child.HashKeyRange}}
	total := 0
	for _, p := range rsID(0, 1) {
		recs, children := rsReadShard(t, e, "s", p, 7)
		require.Equal(t, want, children)
		total += len(recs)
	}
	recs, children := rsReadShard(t, e, "s", "shardId-000000000002", 0)
	require.Nil(t, children)
	require.Equal(t, 30, total+len(recs))

	out := rsPutHash(t, e, "s", "0", "x")
	require.Equal(t, child.ShardId, out.ShardId)
	require.Equal(t, 1, out.SequenceNumber.Cmp(child.SequenceNumberRange.StartingSequenceNumber))
}

func TestReshardMergeRejectsPairs(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 3)
	merge := func(a, b string) error {
		_, err := e.MergeShards(ctx, &MergeShardsInput{StreamName: "s", ShardToMerge: a, AdjacentShardToMerge: b})
		return err
	}
	notAdjacent := func(a, b int) string {
		return fmt.Sprintf("Shards %s and %s in stream s under account %s are not an adjacent pair of shards eligible for merging",
			shardID(a), shardID(b), rsAccount)
	}
	// Adjacency is directional: the lower shard comes first.
	rsErr(t, merge("shardId-000000000001", "shardId-000000000000"), ErrInvalidArgument, notAdjacent(1, 0))
	rsErr(t, merge("shardId-000000000000", "shardId-000000000002"), ErrInvalidArgument, notAdjacent(0, 2))
	rsErr(t, merge("shardId-000000000002", "shardId-000000000000"), ErrInvalidArgument, notAdjacent(2, 0))
	rsErr(t, merge("shardId-000000000001", "shardId-000000000001"), ErrInvalidArgument, notAdjacent(1, 1))
	rsErr(t, merge("shardId-000000000001", "shardId-000000000007"), ErrResourceNotFound,
		"Could not find shard shardId-000000000007 in stream s under account "+rsAccount+".")
	require.Equal(t, rsID(0, 1, 2), rsIDs(rsShards(t, e, "s")))

	// Closed shards are not eligible for merging or splitting.
	require.NoError(t, merge("1", "2"))
	closed := func(id string) string {
		return "Shard " + id + " in stream s under account " + rsAccount +
			" has already been merged or split, and thus is not eligible for merging or splitting."
	}
	rsErr(t, merge("shardId-000000000000", "shardId-000000000001"), ErrInvalidArgument, closed("shardId-000000000001"))
	rsErr(t, merge("shardId-000000000002", "shardId-000000000003"), ErrInvalidArgument, closed("shardId-000000000002"))
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000001", NewStartingHashKey: "1" + strings.Repeat("0", 38)})
	rsErr(t, err, ErrInvalidArgument, closed("shardId-000000000001"))
	require.NoError(t, merge("shardId-000000000000", "shardId-000000000003"))
	open := rsOpenShards(t, e, "s")
	require.Equal(t, rsID(4), rsIDs(open))
	rsRequireCover(t, open)
	rsRequireLineage(t, rsShards(t, e, "s"), open)
}

func TestReshardOnDemandRejected(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "od", StreamModeDetails: &StreamModeDetails{StreamMode: StreamModeOnDemand}})
	require.NoError(t, err)
	const msg = "This API is only supported for data streams with the provisioned capacity mode"
	_, err = e.SplitShard(ctx, &SplitShardInput{StreamName: "od", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "100"})
	rsErr(t, err, ErrValidation, msg)
	_, err = e.MergeShards(ctx, &MergeShardsInput{StreamName: "od", ShardToMerge: "shardId-000000000000", AdjacentShardToMerge: "shardId-000000000001"})
	rsErr(t, err, ErrValidation, msg)
	_, err = e.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: "od", TargetShardCount: 2, ScalingType: UniformScaling})
	rsErr(t, err, ErrValidation, msg)
	require.Len(t, rsShards(t, e, "od"), 4)
}

func TestReshardRequiresActive(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t, WithStateDelays(StateDelays{Create: 5 * time.Second, Update: 30 * time.Second}))
	rsCreate(t, e, "s", 2)
	split := func() error {
		_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "100"})
		return err
	}
	notActive := func(state string) string {
		return "Stream s under account " + rsAccount + " not ACTIVE, instead in state " + state
	}
	rsErr(t, split(), ErrResourceInUse, notActive("CREATING"))
	clk.Advance(5 * time.Second)
	require.NoError(t, split())
	require.Equal(t, StreamStatusUpdating, rsStatus(t, e, "s"))

	// While UPDATING, every resharding call is refused.
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000001", NewStartingHashKey: rsUniform(3, 4).String()})
	rsErr(t, err, ErrResourceInUse, notActive("UPDATING"))
	_, err = e.MergeShards(ctx, &MergeShardsInput{StreamName: "s", ShardToMerge: "shardId-000000000002", AdjacentShardToMerge: "shardId-000000000003"})
	rsErr(t, err, ErrResourceInUse, notActive("UPDATING"))
	_, err = e.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: "s", TargetShardCount: 4, ScalingType: UniformScaling})
	rsErr(t, err, ErrResourceInUse, notActive("UPDATING"))
	// Reads and writes keep working.
	rsPut(t, e, "s", "k", "v")

	clk.Advance(30*time.Second - time.Millisecond)
	require.Equal(t, StreamStatusUpdating, rsStatus(t, e, "s"))
	clk.Advance(time.Millisecond)
	require.Equal(t, StreamStatusActive, rsStatus(t, e, "s"))
	_, err = e.MergeShards(ctx, &MergeShardsInput{StreamName: "s", ShardToMerge: "shardId-000000000002", AdjacentShardToMerge: "shardId-000000000003"})
	require.NoError(t, err)
	require.Equal(t, StreamStatusUpdating, rsStatus(t, e, "s"))
}

func rsStatus(t testing.TB, e *Engine, name string) StreamStatus {
	t.Helper()
	out, err := e.DescribeStreamSummary(context.Background(), &DescribeStreamSummaryInput{StreamName: name})
	require.NoError(t, err)
	return out.StreamDescriptionSummary.StreamStatus
}

func TestReshardShardLimit(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t, WithShardLimit(3))
	rsCreate(t, e, "a", 1)
	rsCreate(t, e, "s", 2)
	limitMsg := func(cur, more int) string {
		return fmt.Sprintf("This request would exceed the shard limit for the account %s in us-east-1. "+
			"Current shard count for the account: %d. Limit: 3. "+
			"Number of additional shards that would have resulted from this request: %d. "+
			"Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) "+
			"for current limits and how to request higher limits.", rsAccount, cur, more)
	}
	// The model's validation of NewStartingHashKey comes before the shard
	// limit; the limit comes before the hash key's range within the shard
	// (production's order: shard, stream, ACTIVE, shard exists, limit,
	// range).
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "-1"})
	rsErr(t, err, ErrValidation, "1 validation error detected: Value '-1' at 'newStartingHashKey' failed to satisfy constraint: "+
		"Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})")
	_, err = e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "0"})
	rsErr(t, err, ErrLimitExceeded, limitMsg(3, 1))
	_, err = e.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: "s", TargetShardCount: 4, ScalingType: UniformScaling})
	rsErr(t, err, ErrLimitExceeded, limitMsg(3, 2))
	require.Len(t, rsShards(t, e, "s"), 2)

	// Merging frees a shard; then one split fits.
	_, err = e.MergeShards(ctx, &MergeShardsInput{StreamName: "s", ShardToMerge: "shardId-000000000000", AdjacentShardToMerge: "shardId-000000000001"})
	require.NoError(t, err)
	_, err = e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000002", NewStartingHashKey: "100"})
	require.NoError(t, err)
	_, err = e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000003", NewStartingHashKey: "50"})
	rsErr(t, err, ErrLimitExceeded, limitMsg(3, 1))
}

// The worked examples of docs/kinesis-notes.md §6.3, shard by shard.
func TestReshardUpdateShardCountExamples(t *testing.T) {
	type child struct {
		id, parent, adjacent int // -1: none
	}
	cases := []struct {
		from, to int
		created  []child // shards created by the call, in index order
		open     []int   // open shards in hash-key order
	}{
		{4, 3, []child{{4, 1, -1}, {5, 1, -1}, {6, 0, 4}, {7, 2, -1}, {8, 2, -1}, {9, 5, 7}, {10, 8, 3}}, []int{6, 9, 10}},
		{2, 4, []child{{2, 0, -1}, {3, 0, -1}, {4, 1, -1}, {5, 1, -1}}, []int{2, 3, 4, 5}},
		{2, 3, []child{{2, 0, -1}, {3, 0, -1}, {4, 1, -1}, {5, 1, -1}, {6, 3, 4}}, []int{2, 6, 5}},
		{3, 6, []child{{3, 0, -1}, {4, 0, -1}, {5, 1, -1}, {6, 1, -1}, {7, 2, -1}, {8, 2, -1}}, []int{3, 4, 5, 6, 7, 8}},
		{2, 1, []child{{2, 0, 1}}, []int{2}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%dto%d", c.from, c.to), func(t *testing.T) {
			ctx := context.Background()
			e := rsEngine(t)
			rsCreate(t, e, "s", c.from)
			out, err := e.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: "s", TargetShardCount: c.to, ScalingType: UniformScaling})
			require.NoError(t, err)
			require.Equal(t, &UpdateShardCountOutput{StreamName: "s", StreamARN: e.streamARN("s"), CurrentShardCount: c.from, TargetShardCount: c.to}, out)
			all := rsShards(t, e, "s")
			require.Len(t, all, c.from+len(c.created))
			for _, want := range c.created {
				got := all[want.id]
				require.Equal(t, shardID(want.parent), got.ParentShardId, got.ShardId)
				if want.adjacent < 0 {
					require.Empty(t, got.AdjacentParentShardId, got.ShardId)
				} else {
					require.Equal(t, shardID(want.adjacent), got.AdjacentParentShardId, got.ShardId)
				}
			}
			open := rsOpenShards(t, e, "s")
			want := make([]string, len(c.open))
			for i, n := range c.open {
				want[i] = shardID(n)
			}
			require.Equal(t, want, rsIDs(open))
			rsRequireUniform(t, open)
			rsRequireLineage(t, all, open)
		})
	}
}

func TestReshardUpdateShardCountRules(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 4)
	_, err := e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "s", RetentionPeriodHours: 48})
	require.NoError(t, err)
	update := func(n int) error {
		_, err := e.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: "s", TargetShardCount: n, ScalingType: UniformScaling})
		return err
	}
	rsErr(t, update(9), ErrInvalidArgument, "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 4 Target shard count: 9")
	rsErr(t, update(1), ErrInvalidArgument, "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 4 Target shard count: 1")
	require.Len(t, rsShards(t, e, "s"), 4, "refused calls change nothing")

	// The bounds themselves are allowed; odd counts round as target*2 >= current.
	require.NoError(t, update(8))
	require.NoError(t, update(4))
	require.NoError(t, update(5))
	rsErr(t, update(2), ErrInvalidArgument, "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 5 Target shard count: 2")
	require.NoError(t, update(3))
	rsRequireUniform(t, rsOpenShards(t, e, "s"))

	// Ten calls per rolling 24 hours: four so far, at t0. Six more, an hour apart.
	for i := range 6 {
		clk.Advance(time.Hour)
		require.NoError(t, update(3+i%2), "call %d", 5+i)
	}
	limit := "UpdateShardCount rate limit exceeded for stream s under account " + rsAccount + ". No more than 10 calls are allowed in a rolling 24 hour period."
	rsErr(t, update(3), ErrLimitExceeded, limit)
	open := rsOpenShards(t, e, "s")
	// 24 h after the first four calls, four more are allowed.
	clk.Set(rsEpoch.Add(24*time.Hour - time.Millisecond))
	rsErr(t, update(2), ErrLimitExceeded, limit)
	require.Equal(t, open, rsOpenShards(t, e, "s"))
	clk.Set(rsEpoch.Add(24 * time.Hour))
	for i := range 4 {
		require.NoError(t, update(4+i%2))
	}
	rsErr(t, update(4), ErrLimitExceeded, limit)
	clk.Advance(time.Hour)
	require.NoError(t, update(4))
	open = rsOpenShards(t, e, "s")
	rsRequireUniform(t, open)
	rsRequireLineage(t, rsShards(t, e, "s"), open)
}

// rsReshardOp performs one random valid resharding operation and describes
// it; it returns "" when the operation was refused by a documented limit.
func rsReshardOp(t testing.TB, e *Engine, rng *rand.Rand, name string) string {
	t.Helper()
	ctx := context.Background()
	open := rsOpenShards(t, e, name)
	switch op := rng.IntN(3); {
	case op == 0 || len(open) == 1: // split at a random valid key
		sh := open[rng.IntN(len(open))]
		lo := new(big.Int).Add(rsBig(t, sh.HashKeyRange.StartingHashKey), big.NewInt(2))
		hi := rsBig(t, sh.HashKeyRange.EndingHashKey) // exclusive
		width := new(big.Int).Sub(hi, lo)
		if width.Sign() <= 0 {
			return ""
		}
		k := new(big.Int).Add(lo, rsRandBig(rng, width))
		_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: name, ShardToSplit: sh.ShardId, NewStartingHashKey: k.String()})
		require.NoError(t, err)
		return "split " + sh.ShardId + " at " + k.String()
	case op == 1: // merge a random adjacent pair
		i := rng.IntN(len(open) - 1)
		_, err := e.MergeShards(ctx, &MergeShardsInput{StreamName: name, ShardToMerge: open[i].ShardId, AdjacentShardToMerge: open[i+1].ShardId})
		require.NoError(t, err)
		return "merge " + open[i].ShardId + " " + open[i+1].ShardId
	default:
		cur := len(open)
		lo, hi := (cur+1)/2, min(2*cur, 12)
		n := lo + rng.IntN(hi-lo+1)
		_, err := e.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: name, TargetShardCount: n, ScalingType: UniformScaling})
		if err != nil {
			require.ErrorIs(t, err, ErrLimitExceeded)
			return ""
		}
		rsRequireUniform(t, rsOpenShards(t, e, name))
		return "update to " + strconv.Itoa(n)
	}
}

// rsRandBig returns a uniform random integer in [0, n).
func rsRandBig(rng *rand.Rand, n *big.Int) *big.Int {
	b := make([]byte, len(n.Bytes())+8)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return new(big.Int).Mod(new(big.Int).SetBytes(b), n)
}

// rsAck is an acknowledged write of the property test.
type rsAck struct {
	key   string
	n     int // the write's position among its key's writes
	shard string
	sn    SequenceNumber
	hash  HashKey
	genLo int // reshard generation seen before the write
	genHi int // and after its acknowledgement
}

// rsLineageRead reads a whole stream the way KCL does: the original shards
// from TRIM_HORIZON, each to its end, and a child only once all its parents
// are finished. It returns the records read per shard.
func rsLineageRead(t testing.TB, e *Engine, name string, originals int, rng *rand.Rand) map[string][]Record {
	t.Helper()
	all := rsByID(rsShards(t, e, name))
	read := map[string][]Record{}
	finished := map[string]bool{}
	queue := rsID(rangeN(originals)...)
	started := map[string]bool{}
	for _, id := range queue {
		started[id] = true
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		recs, children := rsReadShard(t, e, name, id, 1+rng.IntN(40))
		read[id] = recs
		sh := all[id]
		if !sh.SequenceNumberRange.EndingSequenceNumber.IsZero() {
			require.NotEmpty(t, children, "closed shard %s ends with ChildShards", id)
		}
		finished[id] = true
		for _, c := range children {
			// ChildShards agree with the children's lineage fields.
			cs := all[c.ShardId]
			parents := []string{cs.ParentShardId}
			if cs.AdjacentParentShardId != "" {
				parents = append(parents, cs.AdjacentParentShardId)
			}
			require.Equal(t, parents, c.ParentShards)
			require.Equal(t, cs.HashKeyRange, c.HashKeyRange)
			ready := true
			for _, p := range c.ParentShards {
				ready = ready && finished[p]
			}
			if ready && !started[c.ShardId] {
				started[c.ShardId] = true
				queue = append(queue, c.ShardId)
			}
		}
	}
	require.Len(t, read, len(all), "the lineage walk reaches every shard")
	return read
}

func rangeN(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// rsCheckReads checks the records a lineage walk read against the
// acknowledged writes: each exactly once, in the shard the write reported,
// whose range holds its hash, and per key in write order.
func rsCheckReads(t testing.TB, e *Engine, name string, acks []rsAck, read map[string][]Record, order []string) {
	t.Helper()
	all := rsByID(rsShards(t, e, name))
	bySN := make(map[SequenceNumber]rsAck, len(acks))
	for _, a := range acks {
		_, dup := bySN[a.sn]
		require.False(t, dup, "sequence number %s issued twice", a.sn)
		bySN[a.sn] = a
	}
	seen := make(map[SequenceNumber]bool, len(acks))
	nextN := map[string]int{}
	for _, id := range order {
		sh := all[id]
		var prev SequenceNumber
		for _, r := range read[id] {
			// Plain checks: require per record is slow under -race.
			a, ok := bySN[r.SequenceNumber]
			switch {
			case !ok:
				t.Fatalf("record %s in %s was never acknowledged", r.SequenceNumber, id)
			case seen[r.SequenceNumber]:
				t.Fatalf("record %s read twice", r.SequenceNumber)
			case a.shard != id:
				t.Fatalf("record %s read from %s, written to %s", r.SequenceNumber, id, a.shard)
			case a.key != r.PartitionKey || a.key+"/"+strconv.Itoa(a.n) != string(r.Data):
				t.Fatalf("record %s: key %q data %q, want %s/%d", r.SequenceNumber, r.PartitionKey, r.Data, a.key, a.n)
			case !sh.HashKeyRange.Contains(a.hash):
				t.Fatalf("record %s of key %s is not in %s's range", r.SequenceNumber, a.key, id)
			case r.SequenceNumber.ShardId() != id:
				t.Fatalf("record %s encodes %s, read from %s", r.SequenceNumber, r.SequenceNumber.ShardId(), id)
			case !prev.IsZero() && r.SequenceNumber.Cmp(prev) <= 0:
				t.Fatalf("SNs of %s do not increase: %s after %s", id, r.SequenceNumber, prev)
			case !sh.SequenceNumberRange.EndingSequenceNumber.IsZero() && sh.SequenceNumberRange.EndingSequenceNumber.Cmp(r.SequenceNumber) <= 0:
				t.Fatalf("record %s beyond %s's EndingSequenceNumber", r.SequenceNumber, id)
			case nextN[a.key] != a.n:
				t.Fatalf("key %s: read write #%d, want #%d (lost, duplicated or reordered)", a.key, a.n, nextN[a.key])
			}
			seen[r.SequenceNumber] = true
			prev = r.SequenceNumber
			nextN[a.key]++
		}
	}
	require.Len(t, seen, len(acks), "every acknowledged record is read")
}

// rsReadOrder returns the order in which rsLineageRead visited shards:
// any order where parents precede children works for per-key order, so
// the shard index order (parents always have lower indices) is one.
func rsReadOrder(read map[string][]Record) []string {
	ids := make([]string, 0, len(read))
	for id := range read {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// TestReshardProperty drives a stream through random splits, merges and
// UpdateShardCount calls with writes in between, checking the invariants
// after every step and reading everything back through the lineage.
func TestReshardProperty(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run("seed"+strconv.FormatUint(seed, 10), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 0x5eed))
			e, clk := rsClockEngine(t)
			originals := 1 + rng.IntN(4)
			rsCreate(t, e, "p", originals)
			_, err := e.IncreaseStreamRetentionPeriod(context.Background(), &IncreaseStreamRetentionPeriodInput{StreamName: "p", RetentionPeriodHours: 8760})
			require.NoError(t, err)
			var acks []rsAck
			counts := map[string]int{}
			for step := range 40 {
				desc := rsReshardOp(t, e, rng, "p")
				clk.Advance(time.Duration(1+rng.IntN(3600)) * time.Second)
				open := rsOpenShards(t, e, "p")
				rsRequireCover(t, open)
				rsRequireLineage(t, rsShards(t, e, "p"), open)
				// A batch of writes: each lands in the open shard owning its hash.
				in := &PutRecordsInput{StreamName: "p"}
				var keys []string
				for range 1 + rng.IntN(30) {
					k := "key-" + strconv.Itoa(rng.IntN(40))
					keys = append(keys, k)
					in.Records = append(in.Records, PutRecordsRequestEntry{PartitionKey: k, Data: []byte(k + "/" + strconv.Itoa(counts[k]))})
					counts[k]++
				}
				out, err := e.PutRecords(context.Background(), in)
				require.NoError(t, err)
				require.Zero(t, out.FailedRecordCount)
				for i, r := range out.Records {
					h := HashPartitionKey(keys[i])
					owner := ""
					for _, s := range open {
						if s.HashKeyRange.Contains(h) {
							owner = s.ShardId
						}
					}
					require.Equal(t, owner, r.ShardId, "step %d (%s): key %s", step, desc, keys[i])
					n, _ := strconv.Atoi(strings.TrimPrefix(string(in.Records[i].Data), keys[i]+"/"))
					acks = append(acks, rsAck{key: keys[i], n: n, shard: r.ShardId, sn: r.SequenceNumber, hash: h})
				}
			}
			read := rsLineageRead(t, e, "p", originals, rng)
			rsCheckReads(t, e, "p", acks, read, rsReadOrder(read))
		})
	}
}

// TestReshardPropertyConcurrent runs the random resharding while several
// goroutines write, and checks that no acknowledged record is lost,
// duplicated, misrouted or reordered per partition key. Run it with -race.
func TestReshardPropertyConcurrent(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run("seed"+strconv.FormatUint(seed, 10), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 0xc0ffee))
			e := rsEngine(t)
			originals := 1 + rng.IntN(4)
			rsCreate(t, e, "p", originals)

			// openSets[g] is the set of open shards after the g-th reshard.
			var (
				gen      atomic.Int64
				batches  atomic.Int64
				setsMu   sync.Mutex
				openSets = []map[string]bool{rsOpenSet(rsOpenShards(t, e, "p"))}
				counts   = []int{originals} // shards created after g reshards
			)
			const writers = 4
			stop := make(chan struct{})
			results := make(chan []rsAck, writers)
			errs := make(chan error, writers)
			for w := range writers {
				go func() {
					wrng := rand.New(rand.NewPCG(seed, uint64(w)))
					var acks []rsAck
					counts := map[string]int{}
					for {
						select {
						case <-stop:
							results <- acks
							return
						default:
						}
						if batches.Load() >= int64(4*writers)*(gen.Load()+1) {
							runtime.Gosched() // far enough ahead of the resharding
							continue
						}
						in := &PutRecordsInput{StreamName: "p"}
						var keys []string
						for range 1 + wrng.IntN(20) {
							k := "w" + strconv.Itoa(w) + "-" + strconv.Itoa(wrng.IntN(12))
							keys = append(keys, k)
							in.Records = append(in.Records, PutRecordsRequestEntry{PartitionKey: k, Data: []byte(k + "/" + strconv.Itoa(counts[k]))})
							counts[k]++
						}
						lo := int(gen.Load())
						out, err := e.PutRecords(context.Background(), in)
						hi := int(gen.Load())
						if err == nil && out.FailedRecordCount != 0 {
							err = fmt.Errorf("%d records failed", out.FailedRecordCount)
						}
						if err != nil {
							errs <- err
							results <- acks
							return
						}
						for i, r := range out.Records {
							n, _ := strconv.Atoi(strings.TrimPrefix(string(in.Records[i].Data), keys[i]+"/"))
							acks = append(acks, rsAck{key: keys[i], n: n, shard: r.ShardId, sn: r.SequenceNumber,
								hash: HashPartitionKey(keys[i]), genLo: lo, genHi: hi})
						}
						batches.Add(1)
					}
				}()
			}
			for range 25 {
				// Let the writers make progress between reshards (and during
				// them: they never wait for the resharding to finish).
				rsWaitFor(t, func() bool { return batches.Load() >= int64(2*writers)*(gen.Load()+1) })
				rsReshardOp(t, e, rng, "p")
				open := rsOpenShards(t, e, "p")
				rsRequireCover(t, open)
				rsRequireLineage(t, rsShards(t, e, "p"), open)
				setsMu.Lock()
				openSets = append(openSets, rsOpenSet(open))
				counts = append(counts, len(rsShards(t, e, "p")))
				setsMu.Unlock()
				gen.Add(1)
			}
			close(stop)
			var acks []rsAck
			for range writers {
				acks = append(acks, rsRecv(t, results)...)
			}
			select {
			case err := <-errs:
				t.Fatal(err)
			default:
			}
			require.NotEmpty(t, acks)
			t.Logf("%d records, %d shards", len(acks), len(rsShards(t, e, "p")))
			// The shard that took a write was open while the write was in
			// flight: open after one of the reshards between the generation
			// seen before the write and the one after the generation seen
			// after it, or created (perhaps transiently, inside an
			// UpdateShardCount) by one of those reshards.
			for _, a := range acks {
				hi := min(a.genHi+1, len(openSets)-1)
				idx, _ := parseShardID(a.shard)
				ok := idx >= counts[a.genLo] && idx < counts[hi]
				for g := a.genLo; g <= hi; g++ {
					ok = ok || openSets[g][a.shard]
				}
				require.True(t, ok, "record %s went to %s, not open during generations %d..%d", a.sn, a.shard, a.genLo, hi)
			}
			read := rsLineageRead(t, e, "p", originals, rng)
			rsCheckReads(t, e, "p", acks, read, rsReadOrder(read))
		})
	}
}

func rsOpenSet(open []Shard) map[string]bool {
	m := make(map[string]bool, len(open))
	for _, s := range open {
		m[s.ShardId] = true
	}
	return m
}

// TestReshardWhenUpdated checks production's timing: while UPDATING the
// parent stays open, is listed without children and receives the writes;
// when UPDATING ends it closes and the children appear, dated then.
func TestReshardWhenUpdated(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t, WithStateDelays(StateDelays{Update: 10 * time.Second}), WithReshardTiming(ReshardWhenUpdated))
	rsCreate(t, e, "s", 1)
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "2"})
	require.NoError(t, err)
	splitAt := clk.Now()

	clk.Advance(9 * time.Second)
	require.Equal(t, StreamStatusUpdating, rsStatus(t, e, "s"))
	shards := rsShards(t, e, "s")
	require.Len(t, shards, 1, "no children while UPDATING")
	require.True(t, shards[0].SequenceNumberRange.EndingSequenceNumber.IsZero(), "the parent is open while UPDATING")
	require.Equal(t, 1, mustSummary(t, e, "s").OpenShardCount)
	require.Equal(t, "shardId-000000000000", rsPutHash(t, e, "s", "5", "during").ShardId, "writes go to the parent while UPDATING")
	_, err = e.MergeShards(ctx, &MergeShardsInput{StreamName: "s", ShardToMerge: "shardId-000000000000", AdjacentShardToMerge: "shardId-000000000001"})
	rsErr(t, err, ErrResourceInUse, "Stream s under account "+rsAccount+" not ACTIVE, instead in state UPDATING")

	clk.Advance(time.Second)
	require.Equal(t, StreamStatusActive, rsStatus(t, e, "s"))
	shards = rsShards(t, e, "s")
	require.Len(t, shards, 3)
	end := shards[0].SequenceNumberRange.EndingSequenceNumber
	require.False(t, end.IsZero(), "the parent is closed when UPDATING ends")
	require.Equal(t, "0", shards[1].HashKeyRange.StartingHashKey.String())
	require.Equal(t, "1", shards[1].HashKeyRange.EndingHashKey.String())
	require.Equal(t, "2", shards[2].HashKeyRange.StartingHashKey.String())
	for _, child := range shards[1:] {
		require.Equal(t, "shardId-000000000000", child.ParentShardId)
		require.Equal(t, splitAt.Add(11*time.Second).Unix(), child.SequenceNumberRange.StartingSequenceNumber.ShardCreated().Unix(),
			"children are dated at the end of UPDATING plus one second")
	}
	require.Equal(t, "shardId-000000000002", rsPutHash(t, e, "s", "5", "after").ShardId)
	recs, children := rsReadShard(t, e, "s", "shardId-000000000000", 100)
	require.Equal(t, []string{"during"}, rsData(recs), "the parent holds what was written while UPDATING")
	require.Len(t, children, 2, "and ends with its children")

	// UpdateShardCount and MergeShards wait the same way.
	_, err = e.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: "s", TargetShardCount: 4, ScalingType: UniformScaling})
	require.NoError(t, err)
	require.Len(t, rsOpenShards(t, e, "s"), 2)
	clk.Advance(10 * time.Second)
	require.Len(t, rsOpenShards(t, e, "s"), 4)
	open := rsOpenShards(t, e, "s")
	_, err = e.MergeShards(ctx, &MergeShardsInput{StreamName: "s", ShardToMerge: open[0].ShardId, AdjacentShardToMerge: open[1].ShardId})
	require.NoError(t, err)
	require.Len(t, rsOpenShards(t, e, "s"), 4)
	clk.Advance(10 * time.Second)
	require.Len(t, rsOpenShards(t, e, "s"), 3)
}

// TestReshardAtOnceByDefault checks the default timing: the children are
// listed and receive writes as soon as SplitShard returns.
func TestReshardAtOnceByDefault(t *testing.T) {
	ctx := context.Background()
	e, _ := newClockEngine(t, WithStateDelays(StateDelays{Update: 10 * time.Second}))
	rsCreate(t, e, "s", 1)
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "2"})
	require.NoError(t, err)
	require.Equal(t, StreamStatusUpdating, rsStatus(t, e, "s"))
	require.Len(t, rsShards(t, e, "s"), 3)
	require.Equal(t, "shardId-000000000002", rsPutHash(t, e, "s", "5", "x").ShardId)
}
