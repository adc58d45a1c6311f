package kinesisapi

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// wireRecordsUnshared is wireRecords as it was before records with the same
// arrival time shared their timestamp: the reference its output must match.
func wireRecordsUnshared(recs []freshet.Record) []wire.Record {
	out := make([]wire.Record, len(recs))
	stamps := make([]wire.Timestamp, len(recs))
	for i, r := range recs {
		out[i] = wire.Record{
			Sequence:       r.SequenceNumber,
			Data:           r.Data,
			PartitionKey:   r.PartitionKey,
			EncryptionType: optStr(string(r.EncryptionType)),
		}
		if !r.ApproximateArrivalTimestamp.IsZero() {
			stamps[i] = wire.NewTimestamp(r.ApproximateArrivalTimestamp)
			out[i].ApproximateArrivalTimestamp = &stamps[i]
		}
		if out[i].Data == nil {
			out[i].Data = []byte{}
		}
	}
	return out
}

// engineRecords returns n records with runs of equal arrival times, some
// missing, encrypted, with empty or nil data.
func engineRecords(t *testing.T, n int, salt string) []freshet.Record {
	base := time.Date(2026, 12, 3, 16, 0, 0, 123456789, time.UTC)
	recs := make([]freshet.Record, n)
	for i := range recs {
		seq, err := freshet.ParseSequenceNumber(fmt.Sprintf("4965%052d", i+1))
		require.NoError(t, err)
		r := freshet.Record{
			SequenceNumber:              seq,
			ApproximateArrivalTimestamp: base.Add(time.Duration(i/7) * time.Millisecond).Add(time.Duration(i%3) * time.Microsecond),
			Data:                        []byte(fmt.Sprintf("%s data %d", salt, i)),
			PartitionKey:                fmt.Sprintf("%s-key-%d", salt, i),
		}
		switch i % 11 {
		case 3:
			r.ApproximateArrivalTimestamp = time.Time{}
		case 5:
			r.EncryptionType = freshet.EncryptionType("KMS")
		case 7:
			r.Data = nil
		case 9:
			r.Data = []byte{}
		}
		recs[i] = r
	}
	return recs
}

// TestWireRecordsMatchUnshared checks that GetRecords responses whose
// records share timestamps encode to the same bytes as before, in both
// formats.
func TestWireRecordsMatchUnshared(t *testing.T) {
	for round, n := range []int{100, 40, 0, 1, 250, 10} {
		recs := engineRecords(t, n, fmt.Sprint("round", round))
		for _, ct := range []string{wire.ContentTypeJSON, wire.ContentTypeCBOR} {
			want, err := wire.Encode(ct, &wire.GetRecordsResponse{Records: wireRecordsUnshared(recs), MillisBehindLatest: ptr[int64](0)})
			require.NoError(t, err)
			out := &wire.GetRecordsResponse{Records: wireRecords(recs), MillisBehindLatest: ptr[int64](0)}
			got, err := wire.Encode(ct, out)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got), "round %d, %s", round, ct)
		}
	}
}
