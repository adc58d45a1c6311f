package freshet

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/freshet-io/freshet/internal/constraint"
	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const dpHashPattern = `0|([1-9]\d{0,38})`

func TestPutRecordValidation(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t)
	dpCreate(t, e, "s", 1)
	long := strings.Repeat("k", 257)
	cases := []struct {
		name string
		in   PutRecordInput
		code string
		msg  string
	}{
		{
			name: "missing partition key",
			in:   PutRecordInput{StreamName: "s", Data: []byte("x")},
			code: codeValidation,
			msg:  "1 validation error detected: Value null at 'partitionKey' failed to satisfy constraint: Member must not be null",
		},
		{
			name: "257-character partition key",
			in:   PutRecordInput{StreamName: "s", PartitionKey: long},
			code: codeValidation,
			msg:  "1 validation error detected: Value '" + long + "' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256",
		},
		{
			name: "257 unicode characters",
			in:   PutRecordInput{StreamName: "s", PartitionKey: strings.Repeat("é", 257)},
			code: codeValidation,
			msg: "1 validation error detected: Value '" + strings.Repeat("é", 257) +
				"' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256",
		},
		{
			name: "explicit hash key not a decimal",
			in:   PutRecordInput{StreamName: "s", PartitionKey: "k", ExplicitHashKey: "abc"},
			code: codeValidation,
			msg:  "1 validation error detected: Value 'abc' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: " + dpHashPattern,
		},
		{
			name: "explicit hash key with a leading zero",
			in:   PutRecordInput{StreamName: "s", PartitionKey: "k", ExplicitHashKey: "01"},
			code: codeValidation,
			msg:  "1 validation error detected: Value '01' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: " + dpHashPattern,
		},
		{
			name: "explicit hash key of 40 digits",
			in:   PutRecordInput{StreamName: "s", PartitionKey: "k", ExplicitHashKey: "1" + strings.Repeat("0", 39)},
			code: codeValidation,
			msg: "1 validation error detected: Value '1" + strings.Repeat("0", 39) +
				"' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: " + dpHashPattern,
		},
		{
			name: "explicit hash key 2^128",
			in:   PutRecordInput{StreamName: "s", PartitionKey: "k", ExplicitHashKey: "340282366920938463463374607431768211456"},
			code: codeInvalidArgument,
			msg:  "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456",
		},
		{
			name: "explicit hash key of 39 nines",
			in:   PutRecordInput{StreamName: "s", PartitionKey: "k", ExplicitHashKey: strings.Repeat("9", 39)},
			code: codeInvalidArgument,
			msg:  "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was " + strings.Repeat("9", 39),
		},
		{
			name: "sequence number for ordering not a decimal",
			in:   PutRecordInput{StreamName: "s", PartitionKey: "k", SequenceNumberForOrdering: "12x"},
			code: codeValidation,
			msg:  "1 validation error detected: Value '12x' at 'sequenceNumberForOrdering' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})",
		},
		{
			name: "sequence number for ordering not a sequence number",
			in:   PutRecordInput{StreamName: "s", PartitionKey: "k", SequenceNumberForOrdering: "1234"},
			code: codeInvalidArgument,
			msg:  "ExclusiveMinimumSequenceNumber 1234 used in PutRecord on stream s under account 000000000000 is invalid.",
		},
		{
			name: "sequence number for ordering of 60 digits",
			in:   PutRecordInput{StreamName: "s", PartitionKey: "k", SequenceNumberForOrdering: strings.Repeat("4", 60)},
			code: codeInvalidArgument,
			msg:  "ExclusiveMinimumSequenceNumber " + strings.Repeat("4", 60) + " used in PutRecord on stream s under account 000000000000 is invalid.",
		},
		{
			name: "sequence number for ordering from the future",
			in: PutRecordInput{StreamName: "s", PartitionKey: "k",
				SequenceNumberForOrdering: makeSequenceNumber(dpEpoch.Unix(), 0, 1, dpEpoch.Unix()+10).String()},
			code: codeInvalidArgument,
			msg: "ExclusiveMinimumSequenceNumber " + makeSequenceNumber(dpEpoch.Unix(), 0, 1, dpEpoch.Unix()+10).String() +
				" used in PutRecord on stream s under account 000000000000 is invalid.",
		},
		{
			name: "record larger than the maximum record size",
			in:   PutRecordInput{StreamName: "s", PartitionKey: "k", Data: make([]byte, 1<<20)},
			code: codeInvalidArgument,
			msg:  "Record size 1048577 bytes exceeds the maximum record size of 1048576 bytes for stream s under account 000000000000.",
		},
		{
			name: "data above the model's 10 MiB",
			in:   PutRecordInput{StreamName: "s", PartitionKey: "k", Data: make([]byte, 10<<20+1)},
			code: codeValidation,
			msg:  "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 cap=10485761]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 10485760",
		},
		{
			name: "unknown stream",
			in:   PutRecordInput{StreamName: "nope", PartitionKey: "k"},
			code: codeResourceNotFound,
			msg:  "Stream nope under account 000000000000 not found.",
		},
		{
			name: "no stream",
			in:   PutRecordInput{PartitionKey: "k"},
			code: codeInvalidArgument,
			msg:  "Either StreamName or StreamARN must be provided.",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			_, err := e.PutRecord(ctx, &in)
			dpRequireErr(t, err, c.code, c.msg)
		})
	}
	// None of the rejected calls wrote anything.
	require.Empty(t, dpReadShard(t, e, "s", "shardId-000000000000"))
}

func TestPutRecordAccepts(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t)
	dpCreate(t, e, "s", 2)

	// Empty data is a valid record.
	out := dpPut(t, e, "s", "k", nil)
	require.Equal(t, EncryptionNone, out.EncryptionType)
	out2 := dpPut(t, e, "s", "k", []byte{})
	require.Equal(t, out.ShardId, out2.ShardId)

	// Partition keys are counted in UTF-16 code units: 256 two-byte
	// characters (512 bytes) are fine, and 128 emoji (2 units each); the
	// record size counts bytes.
	wide := strings.Repeat("é", 256)
	dpPut(t, e, "s", wide, nil)
	dpPut(t, e, "s", strings.Repeat("k", 256), nil)
	dpPut(t, e, "s", strings.Repeat("😀", 128), nil) // 512 bytes
	_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: wide, Data: make([]byte, 1<<20-512)})
	require.NoError(t, err)
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: wide, Data: make([]byte, 1<<20-511)})
	dpRequireErr(t, err, codeInvalidArgument,
		"Record size 1048577 bytes exceeds the maximum record size of 1048576 bytes for stream s under account 000000000000.")

	// A record of exactly the maximum size, and explicit hash keys at the
	// edges of the space.
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: make([]byte, 1<<20-1)})
	require.NoError(t, err)
	for _, h := range []string{"0", dpMaxHashKey} {
		_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", ExplicitHashKey: h})
		require.NoError(t, err, h)
	}

	// A previous sequence number is a valid SequenceNumberForOrdering, and
	// the next record's sequence number is greater.
	prev := dpPut(t, e, "s", "ordered", []byte("1"))
	next, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "ordered", Data: []byte("2"),
		SequenceNumberForOrdering: prev.SequenceNumber.String()})
	require.NoError(t, err)
	require.Equal(t, prev.ShardId, next.ShardId)
	require.Equal(t, 1, next.SequenceNumber.Cmp(prev.SequenceNumber))

	// The stream ARN addresses the stream as well as its name.
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/s", PartitionKey: "k"})
	require.NoError(t, err)

	// Records read back are exactly those written.
	var got []string
	for _, sh := range []string{"shardId-000000000000", "shardId-000000000001"} {
		for _, r := range dpReadShard(t, e, "s", sh) {
			got = append(got, fmt.Sprintf("%d:%d", len(r.PartitionKey), len(r.Data)))
		}
	}
	require.ElementsMatch(t, []string{"1:0", "1:0", "512:0", "256:0", "512:0", "512:1048064", "1:1048575", "1:0", "1:0",
		"7:1", "7:1", "1:0"}, got)
}

// TestPutRecordCopiesData checks that the engine keeps its own copy of the
// data: changing the caller's slice afterwards changes nothing stored.
func TestPutRecordCopiesData(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t)
	dpCreate(t, e, "s", 1)
	data := []byte("hello")
	dpPut(t, e, "s", "k", data)
	batch := []byte("batch")
	_, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: []PutRecordsRequestEntry{{PartitionKey: "k", Data: batch}}})
	require.NoError(t, err)
	copy(data, "XXXXX")
	copy(batch, "YYYYY")
	recs := dpReadShard(t, e, "s", "shardId-000000000000")
	require.Len(t, recs, 2)
	require.Equal(t, "hello", string(recs[0].Data))
	require.Equal(t, "batch", string(recs[1].Data))
	require.Equal(t, "k", recs[0].PartitionKey)
}

// TestPutRecordConcurrent runs writers and readers in parallel (run with
// -race): sequence numbers are unique, strictly increasing per shard in
// each writer's order, and a shard reads back in sequence-number order
// with every record exactly once.
func TestPutRecordConcurrent(t *testing.T) {
	ctx := context.Background()
	e := New(WithRetentionSweep(0)) // the wall clock: arrival times collide and must not matter
	t.Cleanup(func() { _ = e.Close() })
	dpCreate(t, e, "s", 2)
	const writers, perWriter = 8, 300

	stop := make(chan struct{})
	var readers sync.WaitGroup
	readErrs := make(chan error, 2)
	for _, sh := range []string{"shardId-000000000000", "shardId-000000000001"} {
		it := dpIter(t, e, "s", sh, TrimHorizon, "")
		readers.Add(1)
		go func() {
			defer readers.Done()
			var last SequenceNumber
			for {
				out, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it, Limit: 7})
				if err != nil {
					readErrs <- err
					return
				}
				for _, r := range out.Records {
					if !last.IsZero() && r.SequenceNumber.Cmp(last) <= 0 {
						readErrs <- fmt.Errorf("%s: %s after %s", sh, r.SequenceNumber, last)
						return
					}
					last = r.SequenceNumber
				}
				it = out.NextShardIterator
				if testsync.Closed(stop) {
					return
				}
			}
		}()
	}

	type put struct {
		writer int
		n      int
		out    *PutRecordOutput
	}
	results := make([][]put, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range perWriter {
				out, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: fmt.Sprintf("w%d-%d", w, n%5),
					Data: []byte(fmt.Sprintf("%d/%d", w, n))})
				if err != nil {
					t.Error(err)
					return
				}
				results[w] = append(results[w], put{writer: w, n: n, out: out})
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(readErrs)
	for err := range readErrs {
		require.NoError(t, err)
	}

	seen := map[SequenceNumber]string{}
	for w := range writers {
		last := map[string]SequenceNumber{}
		for _, p := range results[w] {
			sn := p.out.SequenceNumber
			_, dup := seen[sn]
			require.False(t, dup, "duplicate sequence number %s", sn)
			seen[sn] = fmt.Sprintf("%d/%d", w, p.n)
			if prev, ok := last[p.out.ShardId]; ok {
				require.Equal(t, 1, sn.Cmp(prev), "writer %d: %s not after %s", w, sn, prev)
			}
			last[p.out.ShardId] = sn
		}
	}
	total := 0
	for _, sh := range []string{"shardId-000000000000", "shardId-000000000001"} {
		recs := dpReadShard(t, e, "s", sh)
		total += len(recs)
		for i, r := range recs {
			require.Equal(t, uint64(i+1), r.SequenceNumber.Counter(), "counters are dense")
			require.Equal(t, seen[r.SequenceNumber], string(r.Data))
		}
	}
	require.Equal(t, writers*perWriter, total)
}

func TestPutRecordsValidation(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t)
	dpCreate(t, e, "s", 1)
	ok := PutRecordsRequestEntry{PartitionKey: "k", Data: []byte("x")}
	entries := func(n int) []PutRecordsRequestEntry {
		out := make([]PutRecordsRequestEntry, n)
		for i := range out {
			out[i] = ok
		}
		return out
	}
	list501 := "[" + strings.TrimSuffix(strings.Repeat("com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310, ", 501), ", ") + "]"
	bad := entries(5)
	bad[2].PartitionKey = ""
	cases := []struct {
		name    string
		records []PutRecordsRequestEntry
		code    string
		msg     string
	}{
		{"nil records", nil, codeValidation,
			"1 validation error detected: Value null at 'records' failed to satisfy constraint: Member must not be null"},
		{"no records", []PutRecordsRequestEntry{}, codeValidation,
			"1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"501 records", entries(501), codeValidation,
			"1 validation error detected: Value '" + list501 + "' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500"},
		{"entry 3 without a partition key", bad, codeValidation,
			"1 validation error detected: Value null at 'records.3.member.partitionKey' failed to satisfy constraint: Member must not be null"},
		{"entry 2 with a bad hash key", []PutRecordsRequestEntry{ok, {PartitionKey: "k", ExplicitHashKey: "-5"}}, codeValidation,
			"1 validation error detected: Value '-5' at 'records.2.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: " + dpHashPattern},
		{"entry 1 with 11 MiB of data", []PutRecordsRequestEntry{{PartitionKey: "k", Data: make([]byte, 11<<20)}}, codeValidation,
			"1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=11534336 cap=11534336]' at 'records.1.member.data' failed to satisfy constraint: Member must have length less than or equal to 10485760"},
		{"an entry above the maximum record size", []PutRecordsRequestEntry{ok, {PartitionKey: "kk", Data: make([]byte, 1<<20)}}, codeInvalidArgument,
			"Record size 1048578 bytes exceeds the maximum record size of 1048576 bytes for stream s under account 000000000000."},
		{"an explicit hash key out of range", []PutRecordsRequestEntry{ok, ok, {PartitionKey: "k", ExplicitHashKey: "340282366920938463463374607431768211456"}}, codeInvalidArgument,
			"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: c.records})
			dpRequireErr(t, err, c.code, c.msg)
		})
	}
	// 501 bad entries: Kinesis lists the first 10 violations and counts
	// those it lists; an entry's members come in model order (data,
	// explicitHashKey, partitionKey).
	bad501 := entries(501)
	for i := range bad501 {
		bad501[i] = PutRecordsRequestEntry{Data: []byte("d"), PartitionKey: "", ExplicitHashKey: "x"}
	}
	_, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: bad501})
	require.ErrorIs(t, err, ErrValidation)
	msg := err.(*Error).Message
	require.True(t, strings.HasPrefix(msg, "10 validation errors detected: Value '["), "message = %.200q", msg)
	require.Equal(t, 10, strings.Count(msg, " failed to satisfy constraint: "), "violations listed")
	tail := msg[strings.Index(msg, "]' at 'records'"):]
	require.True(t, strings.HasSuffix(tail, "; Value 'x' at 'records.5.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: "+dpHashPattern),
		"last listed violation: %q", tail)

	_, err = e.PutRecords(ctx, &PutRecordsInput{StreamName: "nope", Records: entries(1)})
	dpRequireErr(t, err, codeResourceNotFound, "Stream nope under account 000000000000 not found.")

	// Whole-request failures write nothing, not even the valid entries.
	require.Empty(t, dpReadShard(t, e, "s", "shardId-000000000000"))

	// 500 entries are fine.
	out, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: entries(500)})
	require.NoError(t, err)
	require.Len(t, out.Records, 500)
	require.Zero(t, out.FailedRecordCount)
}

// TestPutRecordsTotalSize checks the 10 MiB limit of a request, partition
// keys included.
func TestPutRecordsTotalSize(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t)
	dpCreate(t, e, "s", 1)
	big := make([]byte, 1<<20-1) // with the 1-byte key: 1 MiB records
	records := make([]PutRecordsRequestEntry, 10)
	for i := range records {
		records[i] = PutRecordsRequestEntry{PartitionKey: "k", Data: big}
	}
	out, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: records})
	require.NoError(t, err, "exactly 10 MiB is allowed")
	require.Zero(t, out.FailedRecordCount)

	records = append(records, PutRecordsRequestEntry{PartitionKey: "k"})
	_, err = e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: records})
	dpRequireErr(t, err, codeInvalidArgument,
		"Records size 10485761 bytes exceeds the maximum PutRecords request size of 10485760 bytes for stream s under account 000000000000.")
	require.Len(t, dpReadShard(t, e, "s", "shardId-000000000000"), 10)
}

// TestPutRecordsResults checks one result per entry, in request order, on
// the shard its hash selects, with sequence numbers following the input
// order within each shard.
func TestPutRecordsResults(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t)
	dpCreate(t, e, "s", 3)
	shards := dpShards(t, e, "s")
	r := rand.New(rand.NewPCG(31, 32))
	in := &PutRecordsInput{StreamName: "s"}
	for i := range 500 {
		entry := PutRecordsRequestEntry{PartitionKey: fmt.Sprintf("key-%d", r.IntN(40)), Data: []byte(fmt.Sprint(i))}
		if i%7 == 0 {
			entry.ExplicitHashKey = HashKey{hi: r.Uint64(), lo: r.Uint64()}.String()
		}
		in.Records = append(in.Records, entry)
	}
	out, err := e.PutRecords(ctx, in)
	require.NoError(t, err)
	require.Zero(t, out.FailedRecordCount)
	require.Equal(t, EncryptionNone, out.EncryptionType)
	require.Len(t, out.Records, 500)
	perShard := map[string][]string{}
	last := map[string]SequenceNumber{}
	for i, res := range out.Records {
		entry := in.Records[i]
		k := HashPartitionKey(entry.PartitionKey)
		if entry.ExplicitHashKey != "" {
			k, err = ParseHashKey(entry.ExplicitHashKey)
			require.NoError(t, err)
		}
		var want string
		for _, sh := range shards {
			if sh.HashKeyRange.Contains(k) {
				want = sh.ShardId
			}
		}
		require.Equal(t, want, res.ShardId, "entry %d", i)
		require.Empty(t, res.ErrorCode)
		require.Empty(t, res.ErrorMessage)
		require.Equal(t, res.ShardId, res.SequenceNumber.ShardId())
		if prev, ok := last[res.ShardId]; ok {
			require.Equal(t, 1, res.SequenceNumber.Cmp(prev), "entry %d", i)
		}
		last[res.ShardId] = res.SequenceNumber
		perShard[res.ShardId] = append(perShard[res.ShardId], string(entry.Data))
	}
	for _, sh := range shards {
		var got []string
		for _, rec := range dpReadShard(t, e, "s", sh.ShardId) {
			got = append(got, string(rec.Data))
		}
		require.Equal(t, perShard[sh.ShardId], got, sh.ShardId)
	}
}

// TestPutRecordsThrottling checks per-entry throttling under AWSLimits:
// the over-limit entries fail alone, with the write-throttling message,
// and the shard accepts writes again once its bucket refills.
func TestPutRecordsThrottling(t *testing.T) {
	ctx := context.Background()
	e, clk := dpEngine(t, WithLimits(AWSLimits), WithAccount("123456789012"))
	dpCreate(t, e, "orders", 1)
	chunk := make([]byte, 300<<10)
	in := &PutRecordsInput{StreamName: "orders", Records: []PutRecordsRequestEntry{
		{PartitionKey: "a", Data: chunk},
		{PartitionKey: "b", Data: chunk},
		{PartitionKey: "c", Data: chunk},
		{PartitionKey: "d", Data: chunk}, // 1200 KiB > 1 MiB/s: throttled
		{PartitionKey: "e", Data: []byte("small")},
	}}
	out, err := e.PutRecords(ctx, in)
	require.NoError(t, err)
	require.Equal(t, 1, out.FailedRecordCount)
	for i, res := range out.Records {
		if i == 3 {
			require.Equal(t, "ProvisionedThroughputExceededException", res.ErrorCode)
			require.Equal(t, "Rate exceeded for shard shardId-000000000000 in stream orders under account 123456789012.", res.ErrorMessage)
			require.Empty(t, res.ShardId)
			require.True(t, res.SequenceNumber.IsZero())
			continue
		}
		require.Empty(t, res.ErrorCode, i)
		require.Equal(t, "shardId-000000000000", res.ShardId)
	}
	// PutRecord fails as a whole with the same error.
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "orders", PartitionKey: "d", Data: chunk})
	dpRequireErr(t, err, codeProvisionedThroughputExceeded,
		"Rate exceeded for shard shardId-000000000000 in stream orders under account 123456789012.")
	require.ErrorIs(t, err, ErrProvisionedThroughputExceeded)

	clk.Advance(time.Second)
	out, err = e.PutRecords(ctx, &PutRecordsInput{StreamName: "orders", Records: in.Records[3:4]})
	require.NoError(t, err)
	require.Zero(t, out.FailedRecordCount)

	// 1,000 records per second: two full batches of tiny records pass,
	// the third fails entirely.
	clk.Advance(time.Second)
	tiny := make([]PutRecordsRequestEntry, 500)
	for i := range tiny {
		tiny[i] = PutRecordsRequestEntry{PartitionKey: "t"}
	}
	for round, failed := range []int{0, 0, 500} {
		out, err = e.PutRecords(ctx, &PutRecordsInput{StreamName: "orders", Records: tiny})
		require.NoError(t, err)
		require.Equal(t, failed, out.FailedRecordCount, "round %d", round)
	}
	clk.Advance(100 * time.Millisecond) // refills 100 records
	out, err = e.PutRecords(ctx, &PutRecordsInput{StreamName: "orders", Records: tiny[:150]})
	require.NoError(t, err)
	require.Equal(t, 50, out.FailedRecordCount)
	for i, res := range out.Records {
		require.Equal(t, i >= 100, res.ErrorCode != "", "entry %d", i)
	}
	require.Len(t, dpReadShard(t, e, "orders", "shardId-000000000000"), 4+1+1000+100)
}

// TestPutRecordDuringReshard writes from several goroutines while the
// stream is resharded again and again (run with -race): no record is lost
// or duplicated, each lands in a shard whose range holds its hash, and a
// writer's records for one key move only from a closed shard to a later
// one, in sequence-number order within each shard.
func TestPutRecordDuringReshard(t *testing.T) {
	ctx := context.Background()
	e := New(WithRetentionSweep(0))
	t.Cleanup(func() { _ = e.Close() })
	dpCreate(t, e, "s", 2)
	const writers, perWriter = 6, 400

	type put struct {
		key string
		out *PutRecordOutput
	}
	results := make([][]put, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range perWriter {
				key := fmt.Sprintf("w%d-k%d", w, n%3)
				out, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: key, Data: []byte(fmt.Sprintf("%d/%d", w, n))})
				if err != nil {
					t.Error(err)
					return
				}
				results[w] = append(results[w], put{key: key, out: out})
			}
		}()
	}
	for _, target := range []int{4, 3, 5, 3, 2} {
		_, err := e.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: "s", TargetShardCount: target, ScalingType: UniformScaling})
		require.NoError(t, err)
	}
	wg.Wait()

	shards := dpShards(t, e, "s")
	byID := map[string]Shard{}
	found := map[SequenceNumber]Record{}
	for _, sh := range shards {
		byID[sh.ShardId] = sh
		for _, r := range dpReadShard(t, e, "s", sh.ShardId) {
			require.True(t, sh.HashKeyRange.Contains(HashPartitionKey(r.PartitionKey)), "%s in %s", r.PartitionKey, sh.ShardId)
			require.Equal(t, sh.ShardId, r.SequenceNumber.ShardId())
			if end := sh.SequenceNumberRange.EndingSequenceNumber; !end.IsZero() {
				require.Equal(t, -1, r.SequenceNumber.Cmp(end))
			}
			_, dup := found[r.SequenceNumber]
			require.False(t, dup)
			found[r.SequenceNumber] = r
		}
	}
	require.Len(t, found, writers*perWriter)
	for w := range writers {
		last := map[string]*PutRecordOutput{}
		for n, p := range results[w] {
			r, ok := found[p.out.SequenceNumber]
			require.True(t, ok, "record %d/%d lost", w, n)
			require.Equal(t, fmt.Sprintf("%d/%d", w, n), string(r.Data))
			if prev := last[p.key]; prev != nil {
				if prev.ShardId == p.out.ShardId {
					require.Equal(t, 1, p.out.SequenceNumber.Cmp(prev.SequenceNumber))
				} else {
					require.Greater(t, p.out.SequenceNumber.ShardIndex(), prev.SequenceNumber.ShardIndex(), "moved to an older shard")
					require.False(t, byID[prev.ShardId].SequenceNumberRange.EndingSequenceNumber.IsZero(), "moved away from an open shard")
				}
			}
			last[p.key] = p.out
		}
	}
}

// TestPutRecordCreatingStream checks that a stream still CREATING cannot be
// written or read, with production's "not found" messages.
func TestPutRecordCreatingStream(t *testing.T) {
	ctx := context.Background()
	e, clk := dpEngine(t, WithStateDelays(StateDelays{Create: 10 * time.Second}))
	dpCreate(t, e, "s", 1)
	_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k"})
	dpRequireErr(t, err, codeResourceNotFound, "Stream s under account "+dpAccount+" not found.")
	_, err = e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: []PutRecordsRequestEntry{{PartitionKey: "k"}}})
	dpRequireErr(t, err, codeResourceNotFound, "Stream s under account "+dpAccount+" not found.")
	_, err = e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "0", ShardIteratorType: Latest})
	dpRequireErr(t, err, codeResourceNotFound, "Shard shardId-000000000000 in stream s under account "+dpAccount+" does not exist")
	clk.Advance(10 * time.Second)
	dpPut(t, e, "s", "k", []byte("1"))
	require.Equal(t, []string{"1"}, dpDatas(dpReadShard(t, e, "s", "0")))
}

// TestPutRecordLargeRecordThrottling checks records above the per-shard
// write budget of 1 MiB/s, possible on streams with MaxRecordSizeInKiB
// above 1024: such a record is accepted when the shard's budget is
// untouched, and the shard then refuses writes until the debt is repaid.
// (It was refused forever.)
func TestPutRecordLargeRecordThrottling(t *testing.T) {
	ctx := context.Background()
	e, clk := dpEngine(t, WithLimits(AWSLimits))
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "big", ShardCount: 1, MaxRecordSizeInKiB: 10240})
	require.NoError(t, err)
	const throttled = "Rate exceeded for shard shardId-000000000000 in stream big under account " + dpAccount + "."
	put := func(n int) error {
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "big", PartitionKey: "k", Data: make([]byte, n-1)})
		return err
	}
	require.NoError(t, put(3<<20))
	dpRequireErr(t, put(1), codeProvisionedThroughputExceeded, throttled)
	clk.Advance(2 * time.Second) // the 2 MiB of debt are repaid, nothing more
	dpRequireErr(t, put(1), codeProvisionedThroughputExceeded, throttled)
	clk.Advance(time.Millisecond)
	require.NoError(t, put(1))
	dpRequireErr(t, put(10<<20), codeProvisionedThroughputExceeded, throttled)
	clk.Advance(time.Second)
	require.NoError(t, put(10<<20))
	n := 0
	it := dpIter(t, e, "big", "0", TrimHorizon, "")
	for range 3 {
		clk.Advance(10 * time.Second) // reading 10 MiB puts the read budget in debt too
		out := dpGet(t, e, it, 0)
		n += len(out.Records)
		it = out.NextShardIterator
	}
	require.Equal(t, 3, n)
}

// TestSequenceNumberForOrderingVersions pins which sequence numbers Kinesis
// accepts for ordering: version 2 and version 1 layouts whose shard creation
// and record times are not in the future.
func TestSequenceNumberForOrderingVersions(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t)
	dpCreate(t, e, "s", 1)
	now := fmt.Sprintf("%09x", dpEpoch.Unix())
	dec := func(hex string) string {
		require.Len(t, hex, 47, "a sequence number of 188 bits")
		n, ok := new(big.Int).SetString(hex, 16)
		require.True(t, ok, hex)
		return n.String()
	}
	// version 2: 2, created (9), index nibble, counter (16), 00, record time (9), index (8), 2
	// version 1: 2, created (9), ?, byte1 (2), record time (9), random (14), counter (2), index (8), 1
	tests := []struct {
		name string
		hex  string
		ok   bool
	}{
		{"version 2 now", "2" + now + "0" + "0000000000000001" + "00" + now + "00000000" + "2", true},
		{"version 2 from a far-future shard", "2" + "fffffffff" + "0" + "0000000000000001" + "00" + now + "00000000" + "2", false},
		{"version 2 written in the far future", "2" + now + "0" + "0000000000000001" + "00" + "fffffffff" + "00000000" + "2", false},
		{"version 2 all f", "2" + strings.Repeat("f", 45) + "2", false},
		{"version 1 all zero", "2" + strings.Repeat("0", 45) + "1", true},
		{"version 1 now", "2" + now + "0" + "00" + now + strings.Repeat("0", 14) + "01" + "00000000" + "1", true},
		{"version 1 written in the far future", "2" + "000000000" + "0" + "00" + "fffffffff" + strings.Repeat("0", 24) + "1", false},
		{"version 1 all f", "2" + strings.Repeat("f", 45) + "1", false},
		{"version 3", "2" + strings.Repeat("0", 45) + "3", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sn := dec(tt.hex)
			_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", SequenceNumberForOrdering: sn})
			if tt.ok {
				require.NoError(t, err)
				return
			}
			requireKinesisError(t, err, ErrInvalidArgument,
				"ExclusiveMinimumSequenceNumber "+sn+" used in PutRecord on stream s under account 000000000000 is invalid.")
		})
	}
}

// The routers of a PutRecords call come from a pool and go back cleared:
// every list in the pool is zero, so a call never sees another's keys.
func TestPutRecordsRoutersRecycled(t *testing.T) {
	assert.Equal(t, constraint.PutRecordsList.MaxLen, putRecordsMaxEntries)
	r := getRouters(3)
	require.Len(t, r, 3)
	r[0].partitionKey, r[2].hashed = "k", true
	putRouters(r)
	for range 4 {
		r := getRouters(putRecordsMaxEntries)
		for i := range r {
			require.Zero(t, r[i], "router %d", i)
		}
		putRouters(r)
	}
	assert.Len(t, getRouters(putRecordsMaxEntries+1), putRecordsMaxEntries+1, "more than a request holds: not pooled")
}
