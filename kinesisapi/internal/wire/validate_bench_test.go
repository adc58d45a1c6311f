package wire

import (
	"strconv"
	"testing"
)

// The benchmarks measure the model validation of valid requests of the hot
// path, per record.

func BenchmarkValidatePutRecord(b *testing.B) {
	req := &PutRecordRequest{StreamName: ptr("bench"), Data: make([]byte, 100), PartitionKey: ptr("user-0001"),
		StreamARN: ptr("arn:aws:kinesis:us-east-1:123456789012:stream/bench")}
	b.ReportAllocs()
	for b.Loop() {
		if err := req.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidatePutRecords(b *testing.B) {
	records := make([]PutRecordsRequestEntry, 500)
	for i := range records {
		records[i] = PutRecordsRequestEntry{Data: make([]byte, 100), PartitionKey: ptr("user-" + strconv.Itoa(i))}
	}
	req := &PutRecordsRequest{StreamName: ptr("bench"), Records: records}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n += len(records) {
		if err := req.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateGetRecords(b *testing.B) {
	req := &GetRecordsRequest{ShardIterator: ptr(string(make([]byte, 300))), Limit: ptr[int32](1000)}
	b.ReportAllocs()
	for b.Loop() {
		if err := req.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}
