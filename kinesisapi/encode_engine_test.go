package kinesisapi

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// The GetRecords and PutRecords outputs are encoded straight from the
// engine's (wire.GetRecordsOutput, wire.PutRecordsOutput). These tests hold
// them to the bytes of the wire responses converted member for member and
// encoded by the generic encoder, in both formats.

// getRecordsResponse converts GetRecords' output member for member: what
// the encoding of a wire.GetRecordsOutput must equal.
func getRecordsResponse(out *freshet.GetRecordsOutput) *wire.GetRecordsResponse {
	return &wire.GetRecordsResponse{
		Records:            wireRecords(out.Records),
		NextShardIterator:  optStr(out.NextShardIterator),
		MillisBehindLatest: ptr(out.MillisBehindLatest),
		ChildShards:        wireChildShards(out.ChildShards),
	}
}

// putRecordsResponse converts PutRecords' output member for member: what
// the encoding of a wire.PutRecordsOutput must equal.
func putRecordsResponse(out *freshet.PutRecordsOutput) *wire.PutRecordsResponse {
	results := make([]wire.PutRecordsResultEntry, len(out.Records))
	for i, res := range out.Records {
		if res.ErrorCode != "" {
			results[i] = wire.PutRecordsResultEntry{ErrorCode: ptr(res.ErrorCode), ErrorMessage: ptr(res.ErrorMessage)}
			continue
		}
		results[i] = wire.PutRecordsResultEntry{SequenceNumber: ptr(res.SequenceNumber.String()), ShardId: ptr(res.ShardId)}
	}
	return &wire.PutRecordsResponse{
		FailedRecordCount: i32(out.FailedRecordCount),
		Records:           results,
		EncryptionType:    optStr(string(out.EncryptionType)),
	}
}

// encodedFormats are the content types responses are written in.
var encodedFormats = []string{wire.ContentTypeJSON, wire.ContentTypeLegacyJSON, wire.ContentTypeCBOR}

// requireSameGetRecords checks that out encodes, straight from the
// engine's records, as its conversion does, in every format and after a
// prefix already in the buffer.
func requireSameGetRecords(t testing.TB, out *freshet.GetRecordsOutput) {
	t.Helper()
	for _, ct := range encodedFormats {
		want, err := wire.Encode(ct, getRecordsResponse(out))
		require.NoError(t, err)
		got, err := wire.Encode(ct, (*wire.GetRecordsOutput)(out))
		require.NoError(t, err)
		require.Equal(t, want, got, "%s", ct)
		got, err = wire.AppendEncode([]byte("prefix"), ct, (*wire.GetRecordsOutput)(out))
		require.NoError(t, err)
		require.Equal(t, append([]byte("prefix"), want...), got, "%s after a prefix", ct)
	}
}

// requireSamePutRecords is requireSameGetRecords for PutRecords.
func requireSamePutRecords(t testing.TB, out *freshet.PutRecordsOutput) {
	t.Helper()
	for _, ct := range encodedFormats {
		want, err := wire.Encode(ct, putRecordsResponse(out))
		require.NoError(t, err)
		got, err := wire.Encode(ct, (*wire.PutRecordsOutput)(out))
		require.NoError(t, err)
		require.Equal(t, want, got, "%s", ct)
		got, err = wire.AppendEncode([]byte("prefix"), ct, (*wire.PutRecordsOutput)(out))
		require.NoError(t, err)
		require.Equal(t, append([]byte("prefix"), want...), got, "%s after a prefix", ct)
	}
}

// oddKeys are partition keys and messages that exercise escaping: quotes,
// backslashes, control characters, U+2028/U+2029, invalid UTF-8, and
// multi-byte characters around the 8-byte blocks of the escaping check.
var oddKeys = []string{
	"", "a", "user-0001", `"`, `\`, "a\"b\\c", "\x00\x01\x1f\x7f", "\n\r\t", "line\u2028sep\u2029",
	"héllo wörld", "日本語のキー", "🙂🙃", "\xff\xfe", "ab\xc3", "1234567\xe2\x82", strings.Repeat("k", 256),
	strings.Repeat("é", 128), "0123456789abcdef\"", "<script>&amp;",
}

// testSequence returns sequence numbers of every size the engine makes and
// some it does not: zero, small, version-2 layout, the largest.
func testSequences() []freshet.SequenceNumber {
	var out []freshet.SequenceNumber
	for _, s := range []string{
		"9999999999999999999999999999999999999999", "49999999999999999999999999999999999999999999999999999999",
		"", "0", "1", "9", "10", "99999999999999999999", "100000000000000000000",
		"49650458727380587393745384920347601209876543210987654321",
		"6277101735386680763835789423207666416102355444464034512895", // 2^192-1
	} {
		if s == "" {
			out = append(out, freshet.SequenceNumber{})
			continue
		}
		sn, err := freshet.ParseSequenceNumber(s)
		if err != nil {
			panic(err)
		}
		out = append(out, sn, successor(sn), successor(successor(sn)))
	}
	return out
}

// successor returns sn plus 2^80, the next sequence number of a shard in
// the same second, or the zero value past 2^192.
func successor(sn freshet.SequenceNumber) freshet.SequenceNumber {
	v, ok := new(big.Int).SetString(sn.String(), 10)
	if !ok {
		v = new(big.Int)
	}
	v.Add(v, new(big.Int).Lsh(big.NewInt(1), 80))
	next, err := freshet.ParseSequenceNumber(v.String())
	if err != nil {
		return freshet.SequenceNumber{}
	}
	return next
}

func TestEncodeGetRecordsOutputAsConverted(t *testing.T) {
	base := time.Date(2026, 12, 3, 17, 0, 0, 123_000_000, time.UTC)
	binary256 := make([]byte, 256)
	for i := range binary256 {
		binary256[i] = byte(i)
	}
	var recs []freshet.Record
	for i, sn := range testSequences() {
		for j, key := range oddKeys {
			r := freshet.Record{
				SequenceNumber:              sn,
				ApproximateArrivalTimestamp: base.Add(time.Duration(i*len(oddKeys)+j/3) * time.Millisecond),
				PartitionKey:                key,
			}
			switch j % 5 {
			case 0: // nil data
			case 1:
				r.Data = []byte{}
			case 2:
				r.Data = binary256[:j%4+1] // every padding
			case 3:
				r.Data = binary256
			case 4:
				r.Data = []byte(key)
				r.EncryptionType = freshet.EncryptionKMS
			}
			if j%7 == 6 {
				r.ApproximateArrivalTimestamp = time.Time{}
			}
			recs = append(recs, r)
		}
	}
	// Times in the same millisecond but not equal, in other locations,
	// before 1970, and with a monotonic reading.
	recs = append(recs,
		freshet.Record{ApproximateArrivalTimestamp: base.Add(100 * time.Microsecond), PartitionKey: "a"},
		freshet.Record{ApproximateArrivalTimestamp: base.Add(900 * time.Microsecond), PartitionKey: "a"},
		freshet.Record{ApproximateArrivalTimestamp: base.In(time.FixedZone("x", 3600)), PartitionKey: "a"},
		freshet.Record{ApproximateArrivalTimestamp: time.UnixMilli(-1500), PartitionKey: "a"},
		freshet.Record{ApproximateArrivalTimestamp: time.UnixMilli(0), PartitionKey: "a"},
		freshet.Record{ApproximateArrivalTimestamp: time.Now(), PartitionKey: "a"},
		freshet.Record{ApproximateArrivalTimestamp: base.Add(time.Second), PartitionKey: "a"},
		freshet.Record{ApproximateArrivalTimestamp: base.Add(time.Second), PartitionKey: "b"},
	)
	maxData := bytes.Repeat([]byte{0xfb, 0xff, 0x00}, 1<<20/3+1)[:1<<20]
	lower, err := freshet.ParseHashKey("170141183460469231731687303715884105727")
	require.NoError(t, err)
	upper, err := freshet.ParseHashKey("340282366920938463463374607431768211455")
	require.NoError(t, err)
	children := []freshet.ChildShard{
		{ShardId: "shardId-000000000001", ParentShards: []string{"shardId-000000000000"},
			HashKeyRange: freshet.HashKeyRange{EndingHashKey: lower}},
		{ShardId: "shardId-000000000002", ParentShards: []string{"shardId-000000000000", "shardId-000000000003"},
			HashKeyRange: freshet.HashKeyRange{StartingHashKey: lower, EndingHashKey: upper}},
		{ShardId: "shardId-000000000004"},
	}
	outs := []*freshet.GetRecordsOutput{
		{},
		{Records: []freshet.Record{}, NextShardIterator: "AAAA", MillisBehindLatest: 0},
		{Records: recs, NextShardIterator: "it\"er\u2028", MillisBehindLatest: 86_400_000},
		{Records: recs[:1], MillisBehindLatest: math.MaxInt64},
		{Records: []freshet.Record{{SequenceNumber: testSequences()[7], Data: maxData, PartitionKey: strings.Repeat("p", 256),
			ApproximateArrivalTimestamp: base}}, NextShardIterator: "x"},
		{Records: recs[:3], ChildShards: children},
		{ChildShards: []freshet.ChildShard{}},
	}
	for _, out := range outs {
		requireSameGetRecords(t, out)
	}
}

func TestEncodePutRecordsOutputAsConverted(t *testing.T) {
	var results []freshet.PutRecordsResultEntry
	for i, sn := range testSequences() {
		results = append(results, freshet.PutRecordsResultEntry{SequenceNumber: sn, ShardId: "shardId-000000000000"})
		key := oddKeys[i%len(oddKeys)]
		results = append(results,
			freshet.PutRecordsResultEntry{ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "Rate exceeded for shard " + key},
			freshet.PutRecordsResultEntry{ErrorCode: "InternalFailure"},
			freshet.PutRecordsResultEntry{SequenceNumber: sn, ShardId: key},
		)
	}
	outs := []*freshet.PutRecordsOutput{
		{},
		{Records: []freshet.PutRecordsResultEntry{}},
		{Records: results, FailedRecordCount: len(results) / 2},
		{Records: results[:1], EncryptionType: freshet.EncryptionKMS},
		{Records: results[1:3], FailedRecordCount: 2, EncryptionType: "NONE\""},
		{Records: results, FailedRecordCount: math.MaxInt32 + 1}, // the int32 conversion
	}
	for _, out := range outs {
		requireSamePutRecords(t, out)
	}
}

// TestEncodeEngineOutputsFromEngine encodes what an engine returns: records
// of a stream that encrypts, read to the end of a split shard (child shards),
// and PutRecords results with throttled entries.
func TestEncodeEngineOutputsFromEngine(t *testing.T) {
	ctx := context.Background()
	e := freshet.New(freshet.WithShardLimit(8))
	defer e.Close()
	_, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "s", ShardCount: 1})
	require.NoError(t, err)
	var entries []freshet.PutRecordsRequestEntry
	for i, key := range oddKeys {
		if key == "" || !utf8.ValidString(key) {
			continue // not a valid partition key
		}
		entries = append(entries, freshet.PutRecordsRequestEntry{PartitionKey: key, Data: bytes.Repeat([]byte{byte(i)}, i)})
	}
	put, err := e.PutRecords(ctx, &freshet.PutRecordsInput{StreamName: "s", Records: entries})
	require.NoError(t, err)
	requireSamePutRecords(t, put)
	_, err = e.StartStreamEncryption(ctx, &freshet.StartStreamEncryptionInput{StreamName: "s", EncryptionType: freshet.EncryptionKMS, KeyId: "alias/aws/kinesis"})
	require.NoError(t, err)
	waitStreamActive(t, e, "s")
	put, err = e.PutRecords(ctx, &freshet.PutRecordsInput{StreamName: "s", Records: entries})
	require.NoError(t, err)
	require.Equal(t, freshet.EncryptionKMS, put.EncryptionType)
	requireSamePutRecords(t, put)

	_, err = e.SplitShard(ctx, &freshet.SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000",
		NewStartingHashKey: "170141183460469231731687303715884105728"})
	require.NoError(t, err)
	waitStreamActive(t, e, "s")
	put, err = e.PutRecords(ctx, &freshet.PutRecordsInput{StreamName: "s", Records: entries})
	require.NoError(t, err)
	shards := map[string]bool{}
	for _, r := range put.Records {
		shards[r.ShardId] = true
	}
	require.Len(t, shards, 2, "entries interleaving two shards")
	requireSamePutRecords(t, put)
	it, err := e.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: "s", ShardId: "shardId-000000000000",
		ShardIteratorType: freshet.TrimHorizon})
	require.NoError(t, err)
	iter, sawChildren, sawKMS := it.ShardIterator, false, false
	for iter != "" {
		out, err := e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: iter, Limit: 7})
		require.NoError(t, err)
		requireSameGetRecords(t, out)
		sawChildren = sawChildren || len(out.ChildShards) > 0
		for _, r := range out.Records {
			sawKMS = sawKMS || r.EncryptionType == freshet.EncryptionKMS
		}
		iter = out.NextShardIterator
	}
	require.True(t, sawChildren, "child shards at the end of the parent")
	require.True(t, sawKMS, "encrypted records")
}

// waitStreamActive waits for a stream to leave UPDATING.
func waitStreamActive(t *testing.T, e *freshet.Engine, name string) {
	t.Helper()
	ctx := context.Background()
	for range 1000 {
		d, err := e.DescribeStreamSummary(ctx, &freshet.DescribeStreamSummaryInput{StreamName: name})
		require.NoError(t, err)
		if d.StreamDescriptionSummary.StreamStatus == freshet.StreamStatusActive {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("stream %s not ACTIVE", name)
}

// FuzzEncodeEngineOutputs builds GetRecords and PutRecords outputs from
// untrusted bytes (record data and keys as a client may send them, any
// sequence numbers, times and messages) and checks that they encode as
// their conversions do.
func FuzzEncodeEngineOutputs(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x03abc\x05hello\x01\x00\x00\x00\x00\x00\x00\x00\x02"))
	f.Add([]byte("\x02\"\\\x04\xff\xfe\x00\x01\x80\x00\x00\x00\x00\x00\x00\x00\x07\xe2\x80\xa8x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src := fuzzSource{data: data}
		var recs []freshet.Record
		var results []freshet.PutRecordsResultEntry
		failed := 0
		for !src.done() && len(recs) < 100 {
			key := string(src.bytes())
			payload := src.bytes()
			flags := src.byte()
			ms := int64(src.uint64())
			r := freshet.Record{SequenceNumber: src.sequence(), PartitionKey: key, Data: payload}
			if flags&8 != 0 && len(recs) > 0 {
				r.SequenceNumber = successor(recs[len(recs)-1].SequenceNumber)
			}
			if flags&1 != 0 {
				r.ApproximateArrivalTimestamp = time.UnixMilli(ms % (1 << 50))
			}
			if flags&2 != 0 {
				r.EncryptionType = freshet.EncryptionType(key)
			}
			recs = append(recs, r)
			if flags&4 != 0 {
				results = append(results, freshet.PutRecordsResultEntry{ErrorCode: key, ErrorMessage: string(payload)})
				failed++
			} else {
				results = append(results, freshet.PutRecordsResultEntry{SequenceNumber: r.SequenceNumber, ShardId: key})
			}
		}
		requireSameGetRecords(t, &freshet.GetRecordsOutput{Records: recs, NextShardIterator: string(data[:min(len(data), 8)]),
			MillisBehindLatest: int64(len(data))})
		requireSamePutRecords(t, &freshet.PutRecordsOutput{Records: results, FailedRecordCount: failed,
			EncryptionType: freshet.EncryptionType(data[:min(len(data), 3)])})
	})
}

// fuzzSource reads values from fuzz input, zeros once it is used up.
type fuzzSource struct {
	data []byte
}

func (s *fuzzSource) done() bool { return len(s.data) == 0 }

func (s *fuzzSource) byte() byte {
	if len(s.data) == 0 {
		return 0
	}
	b := s.data[0]
	s.data = s.data[1:]
	return b
}

// bytes reads a length byte and that many bytes.
func (s *fuzzSource) bytes() []byte {
	n := min(int(s.byte()), len(s.data))
	b := s.data[:n]
	s.data = s.data[n:]
	return b
}

func (s *fuzzSource) uint64() uint64 {
	var b [8]byte
	n := copy(b[:], s.data)
	s.data = s.data[n:]
	return binary.LittleEndian.Uint64(b[:])
}

// sequence reads a sequence number of up to 192 bits.
func (s *fuzzSource) sequence() freshet.SequenceNumber {
	digits := make([]byte, 0, 60)
	for i, n := 0, int(s.byte())%59; i < n; i++ {
		d := s.byte() % 10
		if i == 0 && d == 0 {
			d = 1
		}
		digits = append(digits, '0'+d)
	}
	sn, err := freshet.ParseSequenceNumber(string(digits))
	if err != nil {
		return freshet.SequenceNumber{} // empty, or at or past 2^192
	}
	return sn
}
