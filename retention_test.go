package freshet

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// rsWriteHourly writes records "r0".."r<n-1>" to stream name, record i at
// rsEpoch + i hours, and returns their sequence numbers.
func rsWriteHourly(t testing.TB, e *Engine, clk *ManualClock, name string, n int) []SequenceNumber {
	t.Helper()
	var sns []SequenceNumber
	for i := range n {
		clk.Set(rsEpoch.Add(time.Duration(i) * time.Hour))
		sns = append(sns, rsPut(t, e, name, "pk", "r"+strconv.Itoa(i)).SequenceNumber)
	}
	return sns
}

// rsRecordNames returns "r<from>".."r<to-1>".
func rsRecordNames(from, to int) []string {
	out := []string{}
	for i := from; i < to; i++ {
		out = append(out, "r"+strconv.Itoa(i))
	}
	return out
}

// TestRetentionTrimHorizonMoves is a step script: records written hourly
// age out one by one once they are older than 24 hours.
func TestRetentionTrimHorizonMoves(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "r", 1)
	sns := rsWriteHourly(t, e, clk, "r", 6)
	const shard = "shardId-000000000000"
	st, err := e.Stream("r")
	require.NoError(t, err)

	// An iterator at r0 taken shortly before r0 expires skips it afterwards.
	clk.Set(rsEpoch.Add(24*time.Hour - 2*time.Minute))
	atR0, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "r", ShardId: shard,
		ShardIteratorType: AtSequenceNumber, StartingSequenceNumber: sns[0].String()})
	require.NoError(t, err)

	steps := []struct {
		at    time.Duration // after rsEpoch
		first int           // first retained record
	}{
		{24 * time.Hour, 0}, // exactly 24 h old: not older than the retention yet
		{24*time.Hour + time.Millisecond, 1},
		{26*time.Hour + 30*time.Minute, 3},
		{29 * time.Hour, 5},
		{29*time.Hour + time.Millisecond, 6},
		{48 * time.Hour, 6},
	}
	for _, s := range steps {
		clk.Set(rsEpoch.Add(s.at))
		want := rsRecordNames(s.first, 6)
		recs, _ := rsReadShard(t, e, "r", shard, 0)
		require.Equal(t, want, rsData(recs), "TRIM_HORIZON at +%v", s.at)
		// AT_TIMESTAMP before the horizon starts at the horizon.
		for _, ts := range []time.Time{rsEpoch.Add(-time.Hour), rsEpoch, rsEpoch.Add(s.at - 24*time.Hour)} {
			out, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "r", ShardId: shard, ShardIteratorType: AtTimestamp, Timestamp: ts})
			require.NoError(t, err)
			recs, _ := rsDrain(t, e, out.ShardIterator, 0)
			require.Equal(t, want, rsData(recs), "AT_TIMESTAMP %v at +%v", ts, s.at)
		}
		// AT_TIMESTAMP inside the retained window starts at that record.
		if s.first < 5 {
			out, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "r", ShardId: shard, ShardIteratorType: AtTimestamp,
				Timestamp: rsEpoch.Add(4*time.Hour + 30*time.Minute)})
			require.NoError(t, err)
			recs, _ := rsDrain(t, e, out.ShardIterator, 0)
			require.Equal(t, []string{"r5"}, rsData(recs))
		}
		// The Go-native reader agrees.
		got := []string{}
		ictx, cancel := context.WithCancel(ctx)
		it, err := st.Iterator(shard, StartingPosition{Type: TrimHorizon})
		require.NoError(t, err)
		for len(got) < len(want) {
			recs, err := it.Next(ictx)
			require.NoError(t, err)
			got = append(got, rsData(recs)...)
		}
		cancel()
		require.Equal(t, want, got)
		if s.at == 24*time.Hour+time.Millisecond {
			// Within its 5 minutes, the iterator at r0 now starts at r1.
			recs, _ := rsDrain(t, e, atR0.ShardIterator, 0)
			require.Equal(t, want, rsData(recs))
		}
	}
	// A new record after everything aged out is read from TRIM_HORIZON.
	rsPut(t, e, "r", "pk", "late")
	recs, _ := rsReadShard(t, e, "r", shard, 0)
	require.Equal(t, []string{"late"}, rsData(recs))
}

func TestRetentionDecreaseIsImmediate(t *testing.T) {
	for _, readBetween := range []bool{true, false} {
		t.Run("readBetween="+strconv.FormatBool(readBetween), func(t *testing.T) {
			ctx := context.Background()
			e, clk := rsClockEngine(t)
			rsCreate(t, e, "r", 1)
			_, err := e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "r", RetentionPeriodHours: 48})
			require.NoError(t, err)
			rsWriteHourly(t, e, clk, "r", 6)
			clk.Set(rsEpoch.Add(27*time.Hour + 30*time.Minute))
			recs, _ := rsReadShard(t, e, "r", "shardId-000000000000", 0)
			require.Equal(t, rsRecordNames(0, 6), rsData(recs))

			_, err = e.DecreaseStreamRetentionPeriod(ctx, &DecreaseStreamRetentionPeriodInput{StreamName: "r", RetentionPeriodHours: 24})
			require.NoError(t, err)
			if readBetween {
				recs, _ = rsReadShard(t, e, "r", "shardId-000000000000", 0)
				require.Equal(t, rsRecordNames(4, 6), rsData(recs), "older data is unreadable at once")
			}
			// Increasing again does not bring the trimmed records back.
			_, err = e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "r", RetentionPeriodHours: 72})
			require.NoError(t, err)
			recs, _ = rsReadShard(t, e, "r", "shardId-000000000000", 0)
			require.Equal(t, rsRecordNames(4, 6), rsData(recs))
		})
	}
}

// Records that aged out before IncreaseStreamRetentionPeriod stay gone even
// if nothing read (and so lazily trimmed) them before the increase.
func TestRetentionIncreaseDoesNotResurrect(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "r", 1)
	rsWriteHourly(t, e, clk, "r", 6)
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "r", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "100"})
	require.NoError(t, err)
	// 29h30m: r0..r5 expired (the last was written at +5 h) and the parent,
	// closed at +5 h, too.
	clk.Set(rsEpoch.Add(29*time.Hour + 30*time.Minute))
	_, err = e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "r", RetentionPeriodHours: 168})
	require.NoError(t, err)
	require.Equal(t, rsID(1, 2), rsIDs(rsShards(t, e, "r")), "the expired parent stays expired")
	_, err = e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "r", ShardId: "shardId-000000000000", ShardIteratorType: TrimHorizon})
	rsErr(t, err, ErrResourceNotFound, "Shard shardId-000000000000 in stream r under account "+rsAccount+" does not exist")

	// Same for records of an open shard.
	rsCreate(t, e, "o", 1)
	base := clk.Now()
	for i := range 3 {
		clk.Set(base.Add(time.Duration(i) * time.Hour))
		rsPut(t, e, "o", "pk", "o"+strconv.Itoa(i))
	}
	clk.Set(base.Add(25*time.Hour + 30*time.Minute)) // o0 and o1 expired
	_, err = e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "o", RetentionPeriodHours: 48})
	require.NoError(t, err)
	recs, _ := rsReadShard(t, e, "o", "shardId-000000000000", 0)
	require.Equal(t, []string{"o2"}, rsData(recs))
}

func TestRetentionClosedShardsExpire(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "r", 1)
	rsPut(t, e, "r", "pk", "before")
	clk.Set(rsEpoch.Add(time.Hour))
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "r", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "100"})
	require.NoError(t, err)
	st, err := e.Stream("r")
	require.NoError(t, err)

	describeIDs := func() []string {
		d, err := e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "r"})
		require.NoError(t, err)
		return rsIDs(d.StreamDescription.Shards)
	}
	// Just before the parent's retention passes it is listed and readable
	// (its record aged out; the read ends with the children).
	clk.Set(rsEpoch.Add(25*time.Hour - time.Millisecond))
	require.Equal(t, rsID(0, 1, 2), rsIDs(rsShards(t, e, "r")))
	require.Equal(t, rsID(0, 1, 2), describeIDs())
	require.Equal(t, rsID(0, 1, 2), rsIDs(st.Shards()))
	oldIter := rsIter(t, e, "r", "shardId-000000000000", TrimHorizon)
	recs, children := rsReadShard(t, e, "r", "shardId-000000000000", 0)
	require.Empty(t, recs)
	require.Len(t, children, 2)

	clk.Set(rsEpoch.Add(25 * time.Hour))
	require.Equal(t, rsID(1, 2), rsIDs(rsShards(t, e, "r")))
	require.Equal(t, rsID(1, 2), describeIDs())
	require.Equal(t, rsID(1, 2), rsIDs(st.Shards()))
	gone := "Shard shardId-000000000000 in stream r under account " + rsAccount + " does not exist"
	_, err = e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "r", ShardId: "shardId-000000000000", ShardIteratorType: TrimHorizon})
	rsErr(t, err, ErrResourceNotFound, gone)
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: oldIter})
	rsErr(t, err, ErrResourceNotFound, gone)
	_, err = st.Iterator("shardId-000000000000", StartingPosition{Type: TrimHorizon})
	rsErr(t, err, ErrResourceNotFound, gone)
	_, err = e.MergeShards(ctx, &MergeShardsInput{StreamName: "r", ShardToMerge: "shardId-000000000000", AdjacentShardToMerge: "shardId-000000000001"})
	rsErr(t, err, ErrResourceNotFound, "Could not find shard shardId-000000000000 in stream r under account "+rsAccount+".")
	// Children are open and never expire.
	clk.Set(rsEpoch.Add(1000 * time.Hour))
	require.Equal(t, rsID(1, 2), rsIDs(rsShards(t, e, "r")))
}

// rsChunks returns how many chunks shard idx of stream name holds, its
// trim counter and whether it was dropped.
func rsChunks(t testing.TB, e *Engine, name string, idx int) (chunks int, trim uint64, gone bool) {
	t.Helper()
	st := e.list()[name]
	require.NotNil(t, st)
	st.mu.Lock()
	sh := st.shards[idx]
	st.mu.Unlock()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.chunks.Len(), sh.trim, sh.gone
}

// rsFillChunks writes n 1 KiB records to the shard owning hash key 0 of a
// stream, enough to span several chunks.
func rsFillChunks(t testing.TB, e *Engine, name, tag string, n int) {
	t.Helper()
	data := strings.Repeat("x", 1024)
	for i := range n {
		rsPutHash(t, e, name, "0", tag+strconv.Itoa(i)+data)
	}
}

func TestRetentionApplyRetentionFreesChunks(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "r", 1)
	rsFillChunks(t, e, "r", "old", 200)
	oldChunks, _, _ := rsChunks(t, e, "r", 0)
	require.Greater(t, oldChunks, 3)
	clk.Set(rsEpoch.Add(12 * time.Hour))
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "r", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "100"})
	require.NoError(t, err)
	rsFillChunks(t, e, "r", "new", 10) // to shard 1
	newChunks, _, _ := rsChunks(t, e, "r", 1)

	// Nothing is dropped before its time.
	clk.Set(rsEpoch.Add(24 * time.Hour))
	e.ApplyRetention()
	n, trim, gone := rsChunks(t, e, "r", 0)
	require.Equal(t, oldChunks, n)
	require.Equal(t, uint64(1), trim)
	require.False(t, gone)

	// The records of shard 0 age out: its chunks are freed though the shard,
	// closed at +12 h, is still listed.
	clk.Set(rsEpoch.Add(24*time.Hour + time.Millisecond))
	e.ApplyRetention()
	n, trim, gone = rsChunks(t, e, "r", 0)
	require.Zero(t, n)
	require.Equal(t, uint64(201), trim)
	require.False(t, gone)
	require.Equal(t, rsID(0, 1, 2), rsIDs(rsShards(t, e, "r")))
	n, _, _ = rsChunks(t, e, "r", 1)
	require.Equal(t, newChunks, n)

	// Once its retention passed, the closed shard is dropped.
	clk.Set(rsEpoch.Add(36*time.Hour + time.Millisecond))
	e.ApplyRetention()
	_, _, gone = rsChunks(t, e, "r", 0)
	require.True(t, gone)
	n, _, _ = rsChunks(t, e, "r", 1)
	require.Zero(t, n, "the children's records aged out too")
}

// The background sweep runs on the engine clock and trims like
// ApplyRetention.
func TestRetentionBackgroundSweep(t *testing.T) {
	e, clk := rsClockEngine(t, WithRetentionSweep(time.Minute))
	// set moves the clock once the sweep is armed and returns once any
	// sweep that fell due has finished (the sweep re-arms after a pass).
	set := func(at time.Duration) {
		rsWaitTimers(t, clk, 1)
		clk.Set(rsEpoch.Add(at))
		rsWaitTimers(t, clk, 1)
	}
	rsCreate(t, e, "r", 1)
	rsFillChunks(t, e, "r", "old", 200)
	set(12 * time.Hour)
	rsFillChunks(t, e, "r", "new", 10)
	all, _, _ := rsChunks(t, e, "r", 0)

	set(24 * time.Hour) // the sweep ran at +24 h: nothing to trim yet
	n, trim, _ := rsChunks(t, e, "r", 0)
	require.Equal(t, all, n)
	require.Equal(t, uint64(1), trim)

	set(24*time.Hour + time.Minute)
	n, trim, _ = rsChunks(t, e, "r", 0)
	require.Less(t, n, all)
	require.Equal(t, uint64(201), trim, "the sweep trimmed the 200 old records")
	recs, _ := rsReadShard(t, e, "r", "shardId-000000000000", 0)
	require.Len(t, recs, 10)
}

func TestRetentionPeriodChangeMessages(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "r", 1)
	inc := func(h int) error {
		_, err := e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "r", RetentionPeriodHours: h})
		return err
	}
	dec := func(h int) error {
		_, err := e.DecreaseStreamRetentionPeriod(ctx, &DecreaseStreamRetentionPeriodInput{StreamName: "r", RetentionPeriodHours: h})
		return err
	}
	rsErr(t, inc(23), ErrInvalidArgument, "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.")
	rsErr(t, inc(8761), ErrInvalidArgument, "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.")
	require.NoError(t, inc(24), "an equal value is accepted")
	require.NoError(t, inc(100))
	rsErr(t, inc(50), ErrInvalidArgument, "Requested retention period (50 hours) for stream r can not be shorter than existing retention period (100 hours). Use DecreaseRetentionPeriod API.")
	rsErr(t, dec(200), ErrInvalidArgument, "Requested retention period (200 hours) for stream r can not be longer than existing retention period (100 hours). Use IncreaseRetentionPeriod API.")
	require.NoError(t, dec(30))
	d, err := e.DescribeStreamSummary(ctx, &DescribeStreamSummaryInput{StreamName: "r"})
	require.NoError(t, err)
	require.Equal(t, 30, d.StreamDescriptionSummary.RetentionPeriodHours)
}
