package wire

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/freshet-io/freshet"
)

// The benchmarks measure the codecs alone, one op per record. Encoding
// appends to a buffer reused across responses, as the handler reuses its
// own.

// benchRecords returns n records like the ones a GetRecords call returns
// after PutRecords batches of 500: 100-byte data, short partition keys,
// 56-digit sequence numbers and arrival times shared by each batch.
func benchRecords(n int) []Record {
	recs := make([]Record, n)
	data := bytes.Repeat([]byte("x"), 100)
	for i := range recs {
		recs[i] = Record{
			SequenceNumber:              fmt.Sprintf("4965%052d", i),
			ApproximateArrivalTimestamp: ptr(TimestampFromMillis(1700000000123 + int64(i/500))),
			Data:                        data,
			PartitionKey:                fmt.Sprintf("user-%04d", i%500),
		}
	}
	return recs
}

func benchEncodeGetRecords(b *testing.B, contentType string) {
	out := &GetRecordsResponse{Records: benchRecords(10000), NextShardIterator: ptr("AAAA"), MillisBehindLatest: ptr[int64](0)}
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n += len(out.Records) {
		var err error
		if buf, err = AppendEncode(buf[:0], contentType, out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeGetRecordsJSON(b *testing.B) { benchEncodeGetRecords(b, ContentTypeJSON) }
func BenchmarkEncodeGetRecordsCBOR(b *testing.B) { benchEncodeGetRecords(b, ContentTypeCBOR) }

func BenchmarkEncodePutRecordsJSON(b *testing.B) {
	results := make([]PutRecordsResultEntry, 500)
	for i := range results {
		results[i] = PutRecordsResultEntry{SequenceNumber: ptr(fmt.Sprintf("4965%052d", i)), ShardId: ptr("shardId-000000000000")}
	}
	out := &PutRecordsResponse{Records: results}
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n += len(results) {
		var err error
		if buf, err = AppendEncode(buf[:0], ContentTypeJSON, out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodePutRecordsJSON(b *testing.B) {
	data := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("x"), 100))
	var body bytes.Buffer
	body.WriteString(`{"StreamName":"bench","Records":[`)
	for i := range 500 {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"PartitionKey":"user-%04d","Data":"%s"}`, i, data)
	}
	body.WriteString(`]}`)
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n += 500 {
		var req PutRecordsRequest
		if err := Decode(ContentTypeJSON, body.Bytes(), &req); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSequences returns n sequence numbers of one shard as the engine
// issues them to PutRecords batches of 500, one batch a second: successive
// counters (2^80 apart) within a batch.
func benchSequences(n int) []freshet.SequenceNumber {
	v, _ := new(big.Int).SetString("49650458727380587393745384920347601209876543210987654321", 10)
	step := new(big.Int).Lsh(big.NewInt(1), 80)
	second := new(big.Int).Lsh(big.NewInt(1), 36)
	out := make([]freshet.SequenceNumber, n)
	for i := range out {
		v.Add(v, step)
		if i%500 == 0 {
			v.Add(v, second)
		}
		sn, err := freshet.ParseSequenceNumber(v.String())
		if err != nil {
			panic(err)
		}
		out[i] = sn
	}
	return out
}

// benchEngineRecords returns what the engine returns for benchRecords: the
// records of PutRecords batches of 500 to one shard.
func benchEngineRecords(n int) []freshet.Record {
	recs := make([]freshet.Record, n)
	data := bytes.Repeat([]byte("x"), 100)
	seqs := benchSequences(n)
	for i := range recs {
		recs[i] = freshet.Record{
			SequenceNumber:              seqs[i],
			ApproximateArrivalTimestamp: time.UnixMilli(1700000000123 + int64(i/500)),
			Data:                        data,
			PartitionKey:                fmt.Sprintf("user-%04d", i%500),
		}
	}
	return recs
}

func benchEncodeGetRecordsOutput(b *testing.B, contentType string) {
	out := &GetRecordsOutput{Records: benchEngineRecords(10000), NextShardIterator: "AAAA"}
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n += len(out.Records) {
		var err error
		if buf, err = AppendEncode(buf[:0], contentType, out); err != nil {
			b.Fatal(err)
		}
	}
}

// The engine's GetRecords output, encoded straight from its records.
func BenchmarkEncodeGetRecordsOutputJSON(b *testing.B) {
	benchEncodeGetRecordsOutput(b, ContentTypeJSON)
}
func BenchmarkEncodeGetRecordsOutputCBOR(b *testing.B) {
	benchEncodeGetRecordsOutput(b, ContentTypeCBOR)
}

// The engine's PutRecords output, encoded straight from its results.
func BenchmarkEncodePutRecordsOutputJSON(b *testing.B) {
	results := make([]freshet.PutRecordsResultEntry, 500)
	for i, sn := range benchSequences(len(results)) {
		results[i] = freshet.PutRecordsResultEntry{SequenceNumber: sn, ShardId: "shardId-000000000000"}
	}
	out := &PutRecordsOutput{Records: results}
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n += len(results) {
		var err error
		if buf, err = AppendEncode(buf[:0], ContentTypeJSON, out); err != nil {
			b.Fatal(err)
		}
	}
}
