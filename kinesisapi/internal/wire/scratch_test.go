package wire

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/kinesisapi/internal/wiretest"
)

// TestDecodeScratch decodes a series of requests with one Scratch, as the
// handler does, and checks each against Decode: the memory of one request
// serves the next without changing what either decodes to.
func TestDecodeScratch(t *testing.T) {
	bodies := [][]byte{
		putRecordsBody(500, 100),
		putRecordsBody(3, 1000), // larger blobs than the first: new memory
		[]byte(`{"StreamName":"s","PartitionKey":"k","Data":"AAEC"}`),
		putRecordsBody(1, 0),
		[]byte(`{"Records":[{"Data":"QUJD","PartitionKey":"a\u00e9"},{"Data":"QUJD","PartitionKey":"b"}]}`), // the generic path
		[]byte(`{"Records":[{"Data":"QUJD","PartitionKey":"a"},{"Data":"bad!","PartitionKey":"b"}]}`),       // an error
		putRecordsBody(500, 100),
	}
	for _, c := range putRecordsCases {
		bodies = append(bodies, []byte(c))
	}
	for seed := uint64(1); seed <= 20; seed++ {
		var req PutRecordsRequest
		wiretest.NewFiller(seed, TimestampFromMillis).Fill(reflect.ValueOf(&req).Elem())
		b, err := Encode(ContentTypeJSON, &req)
		require.NoError(t, err)
		bodies = append(bodies, b)
	}
	var s Scratch
	for _, body := range bodies {
		for _, op := range []string{"PutRecords", "PutRecord"} {
			o, ok := Lookup(op)
			require.True(t, ok)
			want, got := o.NewRequest(), o.NewRequest()
			wantErr := Decode(ContentTypeJSON, body, want)
			gotErr := DecodeScratch(ContentTypeJSON, body, got, &s)
			require.Equal(t, wantErr, gotErr, "%s %.200s", op, body)
			require.Equal(t, want, got, "%s %.200s", op, body)
			s.Reset()
		}
	}
}

// TestDecodeScratchReuses checks that a Scratch serves the blobs and
// entries of the next request of the same size without allocating them.
func TestDecodeScratchReuses(t *testing.T) {
	body := putRecordsBody(500, 100)
	var s Scratch
	decode := func(s *Scratch) {
		var req PutRecordsRequest
		require.NoError(t, DecodeScratch(ContentTypeJSON, body, &req, s))
		require.Len(t, req.Records, 500)
		s.Reset()
	}
	decode(&s)
	var fresh Scratch
	allocsFresh := testing.AllocsPerRun(10, func() { fresh = Scratch{}; decode(&fresh) })
	allocsReused := testing.AllocsPerRun(10, func() { decode(&s) })
	require.Less(t, allocsReused, allocsFresh-1, "blobs and entries reused")
}
