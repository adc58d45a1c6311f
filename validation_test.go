package freshet

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	c "github.com/freshet-io/freshet/internal/constraint"
)

// The quick paths of PutRecord and PutRecords name the table's members by
// position: these are the positions they assume.
func TestQuickPathsMemberOrder(t *testing.T) {
	paths := func(ms []c.Member) []string {
		var p []string
		for _, m := range ms {
			p = append(p, m.Path)
		}
		return p
	}
	assert.Equal(t, []string{"streamName", "data", "partitionKey", "explicitHashKey", "sequenceNumberForOrdering", "streamARN", "streamId"}, paths(c.PutRecord.Members))
	assert.Equal(t, []string{"records", "streamName", "streamARN", "streamId"}, paths(c.PutRecords.Members))
	assert.Equal(t, []string{"data", "explicitHashKey", "partitionKey"}, paths(c.PutRecordsEntry))
}

// PutRecords' quick path accepts only what the table accepts: for each
// input, a quick "valid" agrees with walking the table.
func TestPutRecordsQuickPathAgreesWithTable(t *testing.T) {
	entry := PutRecordsRequestEntry{PartitionKey: "k", Data: []byte("x")}
	many := func(n int) []PutRecordsRequestEntry {
		r := make([]PutRecordsRequestEntry, n)
		for i := range r {
			r[i] = entry
		}
		return r
	}
	with := func(f func(*PutRecordsRequestEntry)) []PutRecordsRequestEntry {
		r := many(3)
		f(&r[1])
		return r
	}
	for _, tc := range []struct {
		name  string
		in    PutRecordsInput
		valid bool
	}{
		{"one entry", PutRecordsInput{StreamName: "s", Records: many(1)}, true},
		{"500 entries", PutRecordsInput{StreamName: "s", Records: many(500)}, true},
		{"by ARN", PutRecordsInput{StreamARN: "arn:aws:kinesis:us-east-1:123456789012:stream/s", Records: many(2)}, true},
		{"explicit hash key", PutRecordsInput{StreamName: "s", Records: with(func(e *PutRecordsRequestEntry) { e.ExplicitHashKey = "42" })}, true},
		{"no entries", PutRecordsInput{StreamName: "s", Records: []PutRecordsRequestEntry{}}, false},
		{"nil entries", PutRecordsInput{StreamName: "s"}, false},
		{"501 entries", PutRecordsInput{StreamName: "s", Records: many(501)}, false},
		{"bad stream name", PutRecordsInput{StreamName: "a b", Records: many(1)}, false},
		{"long stream name", PutRecordsInput{StreamName: strings.Repeat("s", 129), Records: many(1)}, false},
		{"empty key", PutRecordsInput{StreamName: "s", Records: with(func(e *PutRecordsRequestEntry) { e.PartitionKey = "" })}, false},
		{"long key", PutRecordsInput{StreamName: "s", Records: with(func(e *PutRecordsRequestEntry) { e.PartitionKey = strings.Repeat("k", 257) })}, false},
		{"129 emoji key", PutRecordsInput{StreamName: "s", Records: with(func(e *PutRecordsRequestEntry) { e.PartitionKey = strings.Repeat("😀", 129) })}, false},
		{"bad hash key", PutRecordsInput{StreamName: "s", Records: with(func(e *PutRecordsRequestEntry) { e.ExplicitHashKey = "x" })}, false},
		{"data of 1 MiB + 1 (the record size limit applies later)", PutRecordsInput{StreamName: "s", Records: with(func(e *PutRecordsRequestEntry) { e.Data = make([]byte, 1<<20+1) })}, true},
		{"data beyond the model's 10 MiB", PutRecordsInput{StreamName: "s", Records: with(func(e *PutRecordsRequestEntry) { e.Data = make([]byte, 10<<20+1) })}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			walked := validateWith((*putEntries)(&tc.in.Records), c.PutRecords, c.List(len(tc.in.Records), tc.in.Records != nil),
				str(tc.in.StreamName), str(tc.in.StreamARN), absent)
			require.Equal(t, tc.valid, walked == nil, "the table: %v", walked)
			if tc.in.quickValid() {
				assert.True(t, tc.valid, "the quick path accepted what the table refuses")
			}
			assert.Equal(t, walked, tc.in.validate())
		})
	}
}
