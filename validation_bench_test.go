package freshet

import (
	"strconv"
	"testing"
)

// BenchmarkValidatePutRecords measures the model validation of a valid
// PutRecords request of 500 entries, per entry.
func BenchmarkValidatePutRecords(b *testing.B) {
	records := make([]PutRecordsRequestEntry, 500)
	for i := range records {
		records[i] = PutRecordsRequestEntry{Data: make([]byte, 100), PartitionKey: "user-" + strconv.Itoa(i)}
	}
	in := &PutRecordsInput{StreamName: "bench", Records: records}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n += len(records) {
		if err := in.validate(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidatePutRecord measures the model validation of a valid
// PutRecord input, as BenchmarkPutRecord writes it.
func BenchmarkValidatePutRecord(b *testing.B) {
	in := &PutRecordInput{StreamName: "bench", Data: make([]byte, 100), PartitionKey: "user-0001"}
	b.ReportAllocs()
	for b.Loop() {
		if err := in.validate(); err != nil {
			b.Fatal(err)
		}
	}
}
