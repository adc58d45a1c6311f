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
