package freshet

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const dpIteratorBoth = "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber " +
	"or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified "

// dpDatas returns the data of records as strings.
func dpDatas(recs []Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Data)
	}
	return out
}

// dpFill writes records "r1".."rn" to shard 0 of a stream, one per clock
// second, and returns their outputs.
func dpFill(t testing.TB, e *Engine, clk *ManualClock, stream string, n int) []*PutRecordOutput {
	t.Helper()
	outs := make([]*PutRecordOutput, n)
	for i := range n {
		outs[i] = dpPutHash(t, e, stream, HashKey{}, []byte(fmt.Sprintf("r%d", i+1)))
		clk.Advance(time.Second)
	}
	return outs
}

func TestGetShardIteratorTypes(t *testing.T) {
	e, clk := dpEngine(t)
	dpCreate(t, e, "s", 1)
	const sh = "shardId-000000000000"
	outs := dpFill(t, e, clk, "s", 3)
	start := dpShards(t, e, "s")[0].SequenceNumberRange.StartingSequenceNumber
	read := func(it string) []string { return dpDatas(dpDrain(t, e, it, 0)) }

	require.Equal(t, []string{"r1", "r2", "r3"}, read(dpIter(t, e, "s", sh, TrimHorizon, "")))
	latest := dpIter(t, e, "s", sh, Latest, "")
	require.Empty(t, read(latest), "LATEST skips the records already there")
	require.Equal(t, []string{"r1", "r2", "r3"}, read(dpIter(t, e, "s", sh, AtSequenceNumber, outs[0].SequenceNumber.String())))
	require.Equal(t, []string{"r2", "r3"}, read(dpIter(t, e, "s", sh, AtSequenceNumber, outs[1].SequenceNumber.String())))
	require.Equal(t, []string{"r3"}, read(dpIter(t, e, "s", sh, AfterSequenceNumber, outs[1].SequenceNumber.String())))
	after3 := dpIter(t, e, "s", sh, AfterSequenceNumber, outs[2].SequenceNumber.String())
	require.Empty(t, read(after3))
	require.Equal(t, []string{"r1", "r2", "r3"}, read(dpIter(t, e, "s", sh, AtSequenceNumber, start.String())))
	require.Equal(t, []string{"r1", "r2", "r3"}, read(dpIter(t, e, "s", sh, AfterSequenceNumber, start.String())))

	// Iterators are positions: records written later are read from LATEST
	// and from after the last record, and the same iterator can be reused.
	dpPutHash(t, e, "s", HashKey{}, []byte("r4"))
	require.Equal(t, []string{"r4"}, read(latest))
	require.Equal(t, []string{"r4"}, read(latest))
	require.Equal(t, []string{"r4"}, read(after3))
}

func TestGetShardIteratorAtTimestamp(t *testing.T) {
	ctx := context.Background()
	e, clk := dpEngine(t)
	dpCreate(t, e, "s", 1)
	const sh = "shardId-000000000000"
	dpFill(t, e, clk, "s", 3) // r1 at t0, r2 at t0+1s, r3 at t0+2s; now t0+3s
	read := func(ts time.Time) []string { return dpDatas(dpDrain(t, e, dpIterAt(t, e, "s", sh, ts), 0)) }

	require.Equal(t, []string{"r1", "r2", "r3"}, read(dpEpoch.Add(-time.Hour)))
	require.Equal(t, []string{"r1", "r2", "r3"}, read(dpEpoch))
	require.Equal(t, []string{"r2", "r3"}, read(dpEpoch.Add(time.Millisecond)))
	require.Equal(t, []string{"r2", "r3"}, read(dpEpoch.Add(time.Second)))
	require.Equal(t, []string{"r3"}, read(dpEpoch.Add(1500*time.Millisecond)))
	require.Equal(t, []string{"r3"}, read(dpEpoch.Add(2*time.Second)))
	now := clk.Now()
	atNow := dpIterAt(t, e, "s", sh, now)
	require.Empty(t, dpGet(t, e, atNow, 0).Records)
	dpPutHash(t, e, "s", HashKey{}, []byte("r4"))
	require.Equal(t, []string{"r4"}, dpDatas(dpGet(t, e, atNow, 0).Records), "no record yet: the iterator waits at the tip")

	_, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: sh, ShardIteratorType: AtTimestamp,
		Timestamp: now.Add(time.Millisecond)})
	dpRequireErr(t, err, codeInvalidArgument, fmt.Sprintf(
		"The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: %d, currentTimestampInMillis: %d",
		now.UnixMilli()+1, now.UnixMilli()))
	_, err = e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: sh, ShardIteratorType: AtTimestamp})
	dpRequireErr(t, err, codeInvalidArgument,
		"Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.")
}

// TestGetShardIteratorAtTimestampProperty writes thousands of records (many
// storage chunks, several per millisecond) and checks that AT_TIMESTAMP
// starts at the first record that arrived at or after the time.
func TestGetShardIteratorAtTimestampProperty(t *testing.T) {
	e, clk := dpEngine(t)
	dpCreate(t, e, "s", 1)
	const sh = "shardId-000000000000"
	r := rand.New(rand.NewPCG(41, 42))
	var arrivals []time.Time
	for i := range 5000 {
		dpPutHash(t, e, "s", HashKey{}, make([]byte, r.IntN(200)))
		arrivals = append(arrivals, clk.Now())
		if i%3 == 0 {
			clk.Advance(time.Duration(r.IntN(5)) * time.Millisecond)
		}
	}
	for range 300 {
		ts := dpEpoch.Add(time.Duration(r.Int64N(int64(clk.Now().Sub(dpEpoch)) + 1)))
		want := len(arrivals)
		for i, a := range arrivals {
			if !a.Before(ts.Truncate(time.Millisecond)) {
				want = i
				break
			}
		}
		out := dpGet(t, e, dpIterAt(t, e, "s", sh, ts), 1)
		if want == len(arrivals) {
			require.Empty(t, out.Records)
			continue
		}
		require.Len(t, out.Records, 1)
		require.Equal(t, uint64(want+1), out.Records[0].SequenceNumber.Counter(), "ts %s", ts)
	}
}

func TestGetShardIteratorErrors(t *testing.T) {
	ctx := context.Background()
	e, clk := dpEngine(t)
	dpCreate(t, e, "s", 3)
	dpCreate(t, e, "other", 3)
	sn0 := dpPutHash(t, e, "s", HashKey{}, []byte("x")).SequenceNumber.String()  // shard 0
	sn2 := dpPutHash(t, e, "s", MaxHashKey, []byte("x")).SequenceNumber.String() // shard 2
	const acct = dpAccount
	cases := []struct {
		name string
		in   GetShardIteratorInput
		code string
		msg  string
	}{
		{"no shard id and type", GetShardIteratorInput{StreamName: "s"}, codeValidation,
			"2 validation errors detected: Value null at 'shardId' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'shardIteratorType' failed to satisfy constraint: Member must not be null"},
		{"unknown type", GetShardIteratorInput{StreamName: "s", ShardId: "0", ShardIteratorType: "OLDEST"}, codeValidation,
			"1 validation error detected: Value 'OLDEST' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: " +
				"[AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]"},
		{"sequence number pattern", GetShardIteratorInput{StreamName: "s", ShardId: "0", ShardIteratorType: AtSequenceNumber, StartingSequenceNumber: "12a"},
			codeValidation, "1 validation error detected: Value '12a' at 'startingSequenceNumber' failed to satisfy constraint: " +
				"Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})"},
		{"shard id pattern", GetShardIteratorInput{StreamName: "s", ShardId: "shard 1", ShardIteratorType: Latest}, codeValidation,
			"1 validation error detected: Value 'shard 1' at 'shardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"},
		{"AT_SEQUENCE_NUMBER without a sequence number", GetShardIteratorInput{StreamName: "s", ShardId: "0", ShardIteratorType: AtSequenceNumber},
			codeInvalidArgument, dpIteratorBoth + "AT_SEQUENCE_NUMBER and no StartingSequenceNumber."},
		{"AFTER_SEQUENCE_NUMBER without a sequence number", GetShardIteratorInput{StreamName: "s", ShardId: "0", ShardIteratorType: AfterSequenceNumber},
			codeInvalidArgument, dpIteratorBoth + "AFTER_SEQUENCE_NUMBER and no StartingSequenceNumber."},
		{"TRIM_HORIZON with a sequence number", GetShardIteratorInput{StreamName: "s", ShardId: "0", ShardIteratorType: TrimHorizon, StartingSequenceNumber: sn0},
			codeInvalidArgument, dpIteratorBoth + "TRIM_HORIZON and also a StartingSequenceNumber."},
		{"LATEST with a sequence number", GetShardIteratorInput{StreamName: "s", ShardId: "0", ShardIteratorType: Latest, StartingSequenceNumber: sn0},
			codeInvalidArgument, dpIteratorBoth + "LATEST and also a StartingSequenceNumber."},
		{"unparseable sequence number", GetShardIteratorInput{StreamName: "s", ShardId: "shardId-1", ShardIteratorType: AtSequenceNumber, StartingSequenceNumber: "1234"},
			codeInvalidArgument, "StartingSequenceNumber 1234 used in GetShardIterator on shard shardId-000000000001 in stream s under account " + acct + " is invalid."},
		{"sequence number above 2^192", GetShardIteratorInput{StreamName: "s", ShardId: "0", ShardIteratorType: AfterSequenceNumber, StartingSequenceNumber: strings.Repeat("9", 100)},
			codeInvalidArgument, "StartingSequenceNumber " + strings.Repeat("9", 100) + " used in GetShardIterator on shard shardId-000000000000 in stream s under account " + acct + " is invalid."},
		{"sequence number of another shard", GetShardIteratorInput{StreamName: "s", ShardId: "shardId-000000000001", ShardIteratorType: AtSequenceNumber, StartingSequenceNumber: sn2},
			codeInvalidArgument, "Invalid StartingSequenceNumber. It encodes shardId-000000000002, while it was used in a call to a shard with shardId-000000000001"},
		{"unknown stream", GetShardIteratorInput{StreamName: "nope", ShardId: "1", ShardIteratorType: Latest}, codeResourceNotFound,
			"Shard shardId-000000000001 in stream nope under account " + acct + " does not exist"},
		{"unknown shard", GetShardIteratorInput{StreamName: "s", ShardId: "shardId-000000000009", ShardIteratorType: Latest}, codeResourceNotFound,
			"Shard shardId-000000000009 in stream s under account " + acct + " does not exist"},
		{"unknown shard, short id", GetShardIteratorInput{StreamName: "s", ShardId: "foo-9", ShardIteratorType: Latest}, codeResourceNotFound,
			"Shard shardId-000000000009 in stream s under account " + acct + " does not exist"},
		{"largest shard index", GetShardIteratorInput{StreamName: "s", ShardId: "shardId-2147483647", ShardIteratorType: Latest}, codeResourceNotFound,
			"Shard shardId-002147483647 in stream s under account " + acct + " does not exist"},
		{"shard index out of range", GetShardIteratorInput{StreamName: "s", ShardId: "shardId-2147483648", ShardIteratorType: Latest}, codeResourceNotFound,
			"Could not find shard shardId-2147483648 in stream s under account " + acct + "."},
		{"shard id not a number", GetShardIteratorInput{StreamName: "s", ShardId: "shardId-abc", ShardIteratorType: Latest}, codeResourceNotFound,
			"Could not find shard shardId-abc in stream s under account " + acct + "."},
		{"shard id with a sign", GetShardIteratorInput{StreamName: "s", ShardId: "shardId--1", ShardIteratorType: Latest}, codeResourceNotFound,
			"Could not find shard shardId--1 in stream s under account " + acct + "."},
		{"shard id ending in a dash", GetShardIteratorInput{StreamName: "s", ShardId: "shardId-", ShardIteratorType: Latest}, codeResourceNotFound,
			"Could not find shard shardId- in stream s under account " + acct + "."},
		{"no stream", GetShardIteratorInput{ShardId: "0", ShardIteratorType: Latest}, codeInvalidArgument,
			"Either StreamName or StreamARN must be provided."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			out, err := e.GetShardIterator(ctx, &in)
			dpRequireErr(t, err, c.code, c.msg)
			require.Nil(t, out)
		})
	}

	// A sequence number of another stream that has the same shard: the
	// shard creation time tells them apart.
	otherSN := dpPutHash(t, e, "other", HashKey{}, nil).SequenceNumber.String()
	_, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "0", ShardIteratorType: AtSequenceNumber, StartingSequenceNumber: otherSN})
	require.NoError(t, err, "created in the same second, the streams' sequence numbers are indistinguishable, as in production")

	// Delete and recreate the stream a few seconds later: its old sequence
	// numbers did not come from the new stream.
	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	require.NoError(t, err)
	clk.Advance(3 * time.Second)
	dpCreate(t, e, "s", 3)
	for _, typ := range []ShardIteratorType{AtSequenceNumber, AfterSequenceNumber} {
		_, err = e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "shardId-000000000000", ShardIteratorType: typ, StartingSequenceNumber: sn0})
		dpRequireErr(t, err, codeInvalidArgument, "StartingSequenceNumber "+sn0+
			" used in GetShardIterator on shard shardId-000000000000 in stream s under account "+acct+" is invalid because it did not come from this stream.")
	}
}

// TestGetShardIteratorShardIDs checks shard-id normalization: the digits
// after the first '-' (or the whole id) name the shard.
func TestGetShardIteratorShardIDs(t *testing.T) {
	e, _ := dpEngine(t)
	dpCreate(t, e, "s", 3)
	shards := dpShards(t, e, "s")
	dpPutHash(t, e, "s", shards[1].HashKeyRange.StartingHashKey, []byte("one"))
	for _, id := range []string{"shardId-000000000001", "shardId-1", "1", "01", "foo-1", "shard-0001", "x-1", "shardId-000000000000000001"} {
		recs := dpDrain(t, e, dpIter(t, e, "s", id, TrimHorizon, ""), 0)
		require.Equal(t, []string{"one"}, dpDatas(recs), id)
	}
	require.Empty(t, dpDrain(t, e, dpIter(t, e, "s", "0", TrimHorizon, ""), 0))
}

// TestGetShardIteratorLength checks that iterators stay within the model's
// 512 characters, even for the longest stream name.
func TestGetShardIteratorLength(t *testing.T) {
	e, _ := dpEngine(t)
	name := strings.Repeat("n", 128)
	dpCreate(t, e, name, 1)
	out := dpPut(t, e, name, "k", nil)
	for _, typ := range []ShardIteratorType{TrimHorizon, Latest, AtSequenceNumber, AfterSequenceNumber} {
		sn := ""
		if typ == AtSequenceNumber || typ == AfterSequenceNumber {
			sn = out.SequenceNumber.String()
		}
		it := dpIter(t, e, name, "shardId-000000000000", typ, sn)
		require.LessOrEqual(t, len(it), 512)
		next := dpGet(t, e, it, 0).NextShardIterator
		require.LessOrEqual(t, len(next), 512)
		require.NotEmpty(t, next)
	}
}

func TestGetRecordsValidation(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t)
	dpCreate(t, e, "s", 1)
	it := dpIter(t, e, "s", "0", TrimHorizon, "")
	long := strings.Repeat("A", 513)
	cases := []struct {
		name string
		in   GetRecordsInput
		code string
		msg  string
	}{
		{"no iterator", GetRecordsInput{}, codeValidation,
			"1 validation error detected: Value null at 'shardIterator' failed to satisfy constraint: Member must not be null"},
		{"iterator too long", GetRecordsInput{ShardIterator: long}, codeValidation,
			"1 validation error detected: Value '" + long + "' at 'shardIterator' failed to satisfy constraint: Member must have length less than or equal to 512"},
		{"limit too large", GetRecordsInput{ShardIterator: it, Limit: 100000}, codeValidation,
			"1 validation error detected: Value '100000' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000"},
		{"negative limit", GetRecordsInput{ShardIterator: it, Limit: -1}, codeValidation,
			"1 validation error detected: Value '-1' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"garbage iterator", GetRecordsInput{ShardIterator: "not an iterator"}, codeInvalidArgument, "Invalid ShardIterator."},
		{"empty base64 iterator", GetRecordsInput{ShardIterator: "AAAA"}, codeInvalidArgument, "Invalid ShardIterator."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			_, err := e.GetRecords(ctx, &in)
			dpRequireErr(t, err, c.code, c.msg)
		})
	}
	_, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it, Limit: 10000, StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/s"})
	require.NoError(t, err)
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it, StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/t"})
	require.ErrorIs(t, err, ErrInvalidArgument)
}

func TestGetRecordsLimitAndChaining(t *testing.T) {
	e, clk := dpEngine(t)
	dpCreate(t, e, "s", 1)
	dpFill(t, e, clk, "s", 10)
	it := dpIter(t, e, "s", "0", TrimHorizon, "")
	var sizes []int
	var got []string
	for {
		out := dpGet(t, e, it, 3)
		require.NotNil(t, out.Records)
		require.NotEmpty(t, out.NextShardIterator, "an open shard always continues")
		require.Nil(t, out.ChildShards)
		if len(out.Records) == 0 {
			break
		}
		sizes = append(sizes, len(out.Records))
		got = append(got, dpDatas(out.Records)...)
		it = out.NextShardIterator
	}
	require.Equal(t, []int{3, 3, 3, 1}, sizes)
	require.Equal(t, []string{"r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10"}, got)

	recs := dpReadShard(t, e, "s", "0")
	for i, r := range recs {
		require.Equal(t, dpEpoch.Add(time.Duration(i)*time.Second), r.ApproximateArrivalTimestamp)
		require.Equal(t, time.UTC, r.ApproximateArrivalTimestamp.Location())
		require.Equal(t, "k", r.PartitionKey)
		require.Equal(t, EncryptionNone, r.EncryptionType)
	}
}

// TestGetRecordsChainingProperty reads shards of many records with random
// limits while writers keep adding, and checks that chaining
// NextShardIterator reads every record exactly once, in order.
func TestGetRecordsChainingProperty(t *testing.T) {
	e, clk := dpEngine(t)
	dpCreate(t, e, "s", 2)
	r := rand.New(rand.NewPCG(43, 44))
	want := map[string][]string{}
	write := func(n int) {
		for range n {
			data := make([]byte, r.IntN(3000))
			copy(data, fmt.Sprint(r.Uint64()))
			out := dpPut(t, e, "s", fmt.Sprint(r.IntN(100)), data)
			want[out.ShardId] = append(want[out.ShardId], string(data))
		}
	}
	write(3000)
	for _, sh := range []string{"shardId-000000000000", "shardId-000000000001"} {
		it := dpIter(t, e, "s", sh, TrimHorizon, "")
		var got []string
		for round := 0; ; round++ {
			out := dpGet(t, e, it, 1+r.IntN(400))
			got = append(got, dpDatas(out.Records)...)
			it = out.NextShardIterator
			if len(out.Records) == 0 && round > 20 {
				break
			}
			if round%5 == 0 {
				write(50)
				clk.Advance(time.Duration(r.IntN(100)) * time.Millisecond)
			}
		}
		require.Equal(t, want[sh], got, sh)
	}
}

// TestGetRecordsByteCap checks the 10 MiB cap of one response.
func TestGetRecordsByteCap(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t)
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "big", ShardCount: 1, MaxRecordSizeInKiB: 10240})
	require.NoError(t, err)
	four := make([]byte, 4<<20)
	for range 3 {
		dpPut(t, e, "big", "k", four)
	}
	out := dpGet(t, e, dpIter(t, e, "big", "0", TrimHorizon, ""), 0)
	require.Len(t, out.Records, 2, "8 MiB fit, 12 MiB do not")
	out = dpGet(t, e, out.NextShardIterator, 0)
	require.Len(t, out.Records, 1)

	// A record of the maximum size comes alone.
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "big", PartitionKey: "k", Data: make([]byte, 10<<20-1)})
	require.NoError(t, err)
	dpPut(t, e, "big", "k", []byte("tail"))
	out = dpGet(t, e, out.NextShardIterator, 0)
	require.Len(t, out.Records, 1)
	require.Len(t, out.Records[0].Data, 10<<20-1)
	out = dpGet(t, e, out.NextShardIterator, 0)
	require.Equal(t, []string{"tail"}, dpDatas(out.Records))

	// Exactly 10 MiB of 1 MiB records fit in one response; the eleventh
	// waits for the next.
	dpCreate(t, e, "mib", 1)
	for range 11 {
		dpPut(t, e, "mib", "k", make([]byte, 1<<20-1))
	}
	out = dpGet(t, e, dpIter(t, e, "mib", "0", TrimHorizon, ""), 0)
	require.Len(t, out.Records, 10)
	require.Len(t, dpGet(t, e, out.NextShardIterator, 0).Records, 1)
}

func TestGetRecordsMillisBehindLatest(t *testing.T) {
	e, clk := dpEngine(t)
	dpCreate(t, e, "s", 1)
	dpFill(t, e, clk, "s", 3) // at t0, t0+1s, t0+2s
	clk.Set(dpEpoch.Add(10 * time.Second))
	it := dpIter(t, e, "s", "0", TrimHorizon, "")
	var behind []int64
	for {
		out := dpGet(t, e, it, 1)
		behind = append(behind, out.MillisBehindLatest)
		if len(out.Records) == 0 {
			break
		}
		it = out.NextShardIterator
	}
	require.Equal(t, []int64{10000, 9000, 0, 0}, behind)

	out := dpGet(t, e, dpIter(t, e, "s", "0", TrimHorizon, ""), 0)
	require.Len(t, out.Records, 3)
	require.Zero(t, out.MillisBehindLatest, "the response reaches the tip")
	require.Zero(t, dpGet(t, e, dpIter(t, e, "s", "0", Latest, ""), 0).MillisBehindLatest)
}

// TestGetRecordsClosedShard checks the end of a closed shard: the response
// that reaches it (with records or empty) has no NextShardIterator and
// lists the children.
func TestGetRecordsClosedShard(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t)
	dpCreate(t, e, "s", 1)
	dpPut(t, e, "s", "a", []byte("1"))
	dpPut(t, e, "s", "b", []byte("2"))
	atTip := dpIter(t, e, "s", "0", Latest, "")
	fromStart := dpIter(t, e, "s", "0", TrimHorizon, "")
	const split = "170141183460469231731687303715884105728"
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: split})
	require.NoError(t, err)
	children := []ChildShard{
		{ShardId: "shardId-000000000001", ParentShards: []string{"shardId-000000000000"},
			HashKeyRange: HashKeyRange{StartingHashKey: HashKey{}, EndingHashKey: dpFromBig(dpBigOf(t, "170141183460469231731687303715884105727"))}},
		{ShardId: "shardId-000000000002", ParentShards: []string{"shardId-000000000000"},
			HashKeyRange: HashKeyRange{StartingHashKey: dpFromBig(dpBigOf(t, split)), EndingHashKey: MaxHashKey}},
	}
	dpPut(t, e, "s", "c", []byte("3")) // goes to a child

	out := dpGet(t, e, fromStart, 1)
	require.Equal(t, []string{"1"}, dpDatas(out.Records))
	require.NotEmpty(t, out.NextShardIterator)
	require.Empty(t, out.ChildShards)
	out = dpGet(t, e, out.NextShardIterator, 1)
	require.Equal(t, []string{"2"}, dpDatas(out.Records))
	require.Empty(t, out.NextShardIterator, "the response reaching the end of a closed shard has no next iterator")
	require.Equal(t, children, out.ChildShards)
	require.Zero(t, out.MillisBehindLatest)

	e.Clock().(*ManualClock).Advance(time.Second)
	for name, it := range map[string]string{
		"iterator from before the split": atTip,
		"LATEST on the closed shard":     dpIter(t, e, "s", "0", Latest, ""),
		"AT_TIMESTAMP now":               dpIterAt(t, e, "s", "0", e.Clock().Now()),
	} {
		out = dpGet(t, e, it, 0)
		require.NotNil(t, out.Records, name)
		require.Empty(t, out.Records, name)
		require.Empty(t, out.NextShardIterator, name)
		require.Equal(t, children, out.ChildShards, name)
	}
	out = dpGet(t, e, dpIter(t, e, "s", "0", TrimHorizon, ""), 0)
	require.Equal(t, []string{"1", "2"}, dpDatas(out.Records))
	require.Empty(t, out.NextShardIterator)
	require.Equal(t, children, out.ChildShards)

	// The shard's EndingSequenceNumber is a valid position: its end.
	end := dpShards(t, e, "s")[0].SequenceNumberRange.EndingSequenceNumber.String()
	for _, typ := range []ShardIteratorType{AtSequenceNumber, AfterSequenceNumber} {
		out = dpGet(t, e, dpIter(t, e, "s", "0", typ, end), 0)
		require.Empty(t, out.Records, typ)
		require.Empty(t, out.NextShardIterator, typ)
		require.Equal(t, children, out.ChildShards, typ)
	}
	// The children start at their StartingSequenceNumber.
	for _, c := range children {
		recs := dpReadShard(t, e, "s", c.ShardId)
		for _, r := range recs {
			require.Equal(t, c.ShardId, r.SequenceNumber.ShardId())
		}
	}
}

func TestGetRecordsIteratorExpiry(t *testing.T) {
	ctx := context.Background()
	e, clk := dpEngine(t)
	dpCreate(t, e, "s", 1)
	dpPut(t, e, "s", "k", []byte("1"))
	it := dpIter(t, e, "s", "0", TrimHorizon, "") // issued at 01:22:02

	clk.Advance(5 * time.Minute)
	out := dpGet(t, e, it, 0) // exactly 300000 ms old: still valid
	next := out.NextShardIterator
	clk.Advance(time.Millisecond)
	_, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it})
	dpRequireErr(t, err, codeExpiredIterator,
		"Iterator expired. The iterator was created at time Thu Jan 22 01:22:02 UTC 2015 while right now it is "+
			"Thu Jan 22 01:27:02 UTC 2015 which is further in the future than the tolerated delay of 300000 milliseconds.")
	require.ErrorIs(t, err, ErrExpiredIterator)
	require.Empty(t, dpGet(t, e, next, 0).Records, "NextShardIterator has its own 5 minutes")

	clk.Advance(2*time.Hour + 3*time.Minute + 4*time.Second)
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: next})
	dpRequireErr(t, err, codeExpiredIterator,
		"Iterator expired. The iterator was created at time Thu Jan 22 01:27:02 UTC 2015 while right now it is "+
			"Thu Jan 22 03:30:06 UTC 2015 which is further in the future than the tolerated delay of 300000 milliseconds.")

	// A shorter lifetime is configurable.
	e2, clk2 := dpEngine(t, WithIteratorLifetime(time.Second))
	dpCreate(t, e2, "s", 1)
	it = dpIter(t, e2, "s", "0", Latest, "")
	clk2.Advance(1001 * time.Millisecond)
	_, err = e2.GetRecords(ctx, &GetRecordsInput{ShardIterator: it})
	dpRequireErr(t, err, codeExpiredIterator,
		"Iterator expired. The iterator was created at time Thu Jan 22 01:22:02 UTC 2015 while right now it is "+
			"Thu Jan 22 01:22:03 UTC 2015 which is further in the future than the tolerated delay of 1000 milliseconds.")
}

func TestExpireIterators(t *testing.T) {
	ctx := context.Background()
	e, clk := dpEngine(t)
	dpCreate(t, e, "s", 1)
	dpPut(t, e, "s", "k", []byte("1"))
	it := dpIter(t, e, "s", "0", TrimHorizon, "")
	next := dpGet(t, e, it, 0).NextShardIterator
	clk.Advance(time.Second)
	e.ExpireIterators()
	for _, tok := range []string{it, next} {
		_, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: tok})
		dpRequireErr(t, err, codeExpiredIterator,
			// Reported as if the lifetime had passed, so that the message agrees with itself.
			"Iterator expired. The iterator was created at time Thu Jan 22 01:22:02 UTC 2015 while right now it is "+
				"Thu Jan 22 01:27:02 UTC 2015 which is further in the future than the tolerated delay of 300000 milliseconds.")
	}
	// Iterators issued afterwards work.
	require.Equal(t, []string{"1"}, dpDatas(dpGet(t, e, dpIter(t, e, "s", "0", TrimHorizon, ""), 0).Records))
}

func TestGetRecordsTamperedIterator(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t)
	dpCreate(t, e, "s", 1)
	dpPut(t, e, "s", "k", []byte("1"))
	it := dpIter(t, e, "s", "0", TrimHorizon, "")
	mid := len(it) / 2
	flipped := it[:mid] + string(it[mid]^1) + it[mid+1:]
	_, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: flipped})
	dpRequireErr(t, err, codeInvalidArgument, "Invalid ShardIterator.")

	// An iterator of another engine is not valid here.
	other, _ := dpEngine(t)
	dpCreate(t, other, "s", 1)
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: dpIter(t, other, "s", "0", TrimHorizon, "")})
	dpRequireErr(t, err, codeInvalidArgument, "Invalid ShardIterator.")
}

func TestGetRecordsDeletedStream(t *testing.T) {
	ctx := context.Background()
	e, clk := dpEngine(t)
	dpCreate(t, e, "s", 2)
	dpPut(t, e, "s", "k", []byte("1"))
	it := dpIter(t, e, "s", "shardId-000000000001", TrimHorizon, "")
	_, err := e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	require.NoError(t, err)
	const gone = "Shard shardId-000000000001 in stream s under account " + dpAccount + " does not exist"
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it})
	dpRequireErr(t, err, codeResourceNotFound, gone)

	clk.Advance(time.Second)
	dpCreate(t, e, "s", 2)
	dpPut(t, e, "s", "k", []byte("new"))
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it})
	dpRequireErr(t, err, codeResourceNotFound, gone)
	require.ErrorIs(t, err, ErrResourceNotFound)
}

// TestGetRecordsReadThrottling checks the read limits of AWSLimits: 5
// GetRecords calls per second per shard, and a 10 MiB response keeping the
// shard throttled until its 2 MiB/s byte budget is paid back.
func TestGetRecordsReadThrottling(t *testing.T) {
	ctx := context.Background()
	e, clk := dpEngine(t, WithLimits(AWSLimits))
	dpCreate(t, e, "s", 1)
	const throttled = "Rate exceeded for Shard - " + dpAccount + "/s/shardId-000000000000"
	it := dpIter(t, e, "s", "0", TrimHorizon, "")
	for range 5 {
		it = dpGet(t, e, it, 0).NextShardIterator
	}
	_, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it})
	dpRequireErr(t, err, codeProvisionedThroughputExceeded, throttled)
	clk.Advance(200 * time.Millisecond) // one more call's worth
	it = dpGet(t, e, it, 0).NextShardIterator
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it})
	dpRequireErr(t, err, codeProvisionedThroughputExceeded, throttled)

	// GetShardIterator has its own 5 calls per second.
	clk.Advance(time.Second)
	for range 5 {
		dpIter(t, e, "s", "0", Latest, "")
	}
	_, err = e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "0", ShardIteratorType: Latest})
	require.ErrorIs(t, err, ErrProvisionedThroughputExceeded)

	// Write 10 MiB at the write limit of 1 MiB/s, then read it at once.
	for range 10 {
		clk.Advance(time.Second)
		dpPut(t, e, "s", "k", make([]byte, 1<<20-1))
	}
	clk.Advance(time.Second)
	out := dpGet(t, e, it, 0)
	require.Len(t, out.Records, 10)
	it = out.NextShardIterator
	for _, d := range []time.Duration{0, time.Second, time.Second, time.Second, time.Second} {
		clk.Advance(d)
		_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it})
		dpRequireErr(t, err, codeProvisionedThroughputExceeded, throttled)
		it = dpIter(t, e, "s", "0", Latest, "") // keep the iterator fresh
	}
	clk.Advance(time.Second)
	require.Empty(t, dpGet(t, e, it, 0).Records, "5 s after the 10 MiB read, the shard reads again")
}

// TestGetRecordsRetention checks that records older than the retention
// period are skipped by every kind of iterator, and that a closed shard
// disappears once its retention has passed.
func TestGetRecordsRetention(t *testing.T) {
	ctx := context.Background()
	e, clk := dpEngine(t)
	dpCreate(t, e, "s", 1)
	old := dpPut(t, e, "s", "k", []byte("old"))
	clk.Advance(12 * time.Hour)
	dpPut(t, e, "s", "k", []byte("new"))
	clk.Advance(12*time.Hour - time.Minute)
	early := dpIter(t, e, "s", "0", TrimHorizon, "") // "old" still there
	clk.Advance(time.Minute + time.Millisecond)      // "old" is 24 h + 1 ms old

	want := []string{"new"}
	require.Equal(t, want, dpDatas(dpGet(t, e, early, 0).Records), "an iterator positioned on a trimmed record skips it")
	require.Equal(t, want, dpDatas(dpDrain(t, e, dpIter(t, e, "s", "0", TrimHorizon, ""), 0)))
	require.Equal(t, want, dpDatas(dpDrain(t, e, dpIter(t, e, "s", "0", AtSequenceNumber, old.SequenceNumber.String()), 0)))
	require.Equal(t, want, dpDatas(dpDrain(t, e, dpIterAt(t, e, "s", "0", dpEpoch), 0)), "a timestamp before the trim horizon reads from it")

	e.ApplyRetention()
	require.Equal(t, want, dpDatas(dpDrain(t, e, dpIter(t, e, "s", "0", TrimHorizon, ""), 0)))

	// A closed shard stays readable for the retention period, then is gone.
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "0", NewStartingHashKey: "1000"})
	require.NoError(t, err)
	clk.Advance(23 * time.Hour)
	out := dpGet(t, e, dpIter(t, e, "s", "0", TrimHorizon, ""), 0)
	require.Empty(t, out.Records, "its last record is 35 h old")
	require.Empty(t, out.NextShardIterator)
	require.Len(t, out.ChildShards, 2)
	clk.Advance(59 * time.Minute)
	late := dpIter(t, e, "s", "0", TrimHorizon, "")
	clk.Advance(time.Minute)
	const gone = "Shard shardId-000000000000 in stream s under account " + dpAccount + " does not exist"
	_, err = e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "0", ShardIteratorType: TrimHorizon})
	dpRequireErr(t, err, codeResourceNotFound, gone)
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: late})
	dpRequireErr(t, err, codeResourceNotFound, gone)
}

// TestIteratorOfStreamRecreatedAtSameInstant pins a bug: a stream deleted
// and recreated at the same clock instant accepted the old stream's
// iterators, because tokens named the stream by its creation time.
func TestIteratorOfStreamRecreatedAtSameInstant(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t) // the manual clock does not move during the test
	dpCreate(t, e, "s", 1)
	it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "shardId-000000000000", ShardIteratorType: TrimHorizon})
	require.NoError(t, err)
	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	require.NoError(t, err)
	dpCreate(t, e, "s", 1)
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it.ShardIterator})
	dpRequireErr(t, err, codeResourceNotFound, "Shard shardId-000000000000 in stream s under account "+dpAccount+" does not exist")
}
