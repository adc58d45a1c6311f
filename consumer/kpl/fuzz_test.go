package kpl

import (
	"crypto/md5"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// FuzzDeaggregate feeds arbitrary bytes to Deaggregate. Random bytes almost
// never carry a valid digest, so when fixDigest is set the input is taken as
// a protobuf body and framed with the magic and its correct MD5, which lets
// the fuzzer explore the protobuf decoder.
//
// Properties: no panic; every error is ErrNotAggregated; a successful
// result survives Aggregate and Deaggregate unchanged and can be filtered.
func FuzzDeaggregate(f *testing.F) {
	f.Add([]byte{}, false)
	f.Add([]byte("plain record"), false)
	f.Add(Aggregate([]SubRecord{{PartitionKey: "k", Data: []byte("x")}}), false)
	f.Add(Aggregate([]SubRecord{
		{PartitionKey: "a", Data: []byte("one")},
		{PartitionKey: "b", ExplicitHashKey: "170141183460469231731687303715884105728", Data: []byte("two")},
		{PartitionKey: "a", ExplicitHashKey: "12", Data: nil},
	}), false)
	f.Add([]byte(pb{}.str(1, "k").msg(3, rec(0, "x").msg(fieldTags, pb{}.str(1, "t").str(2, "v")))), true)
	f.Add([]byte(pb{}.str(1, "k").str(2, "5").msg(3, rec(0, "x").varint(fieldExplicitHashKeyIndex, 0))), true)
	f.Add([]byte(pb{}.msg(3, rec(3, "x"))), true)
	f.Add([]byte(pb{}.raw(9<<3|wireVarint, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)), true)
	f.Add([]byte(pb{}.raw(1<<3|wireBytes, 0xff, 0xff, 0xff, 0xff, 0x0f)), true)
	f.Add([]byte(pb{}.raw(9<<3|wireFixed64, 1, 2, 3, 4, 5, 6, 7, 8, 9<<3|wireFixed32, 1, 2, 3, 4)), true)

	full := freshet.HashKeyRange{EndingHashKey: freshet.MaxHashKey}
	f.Fuzz(func(t *testing.T, data []byte, fixDigest bool) {
		if fixDigest {
			sum := md5.Sum(data)
			framed := append(magic[:len(magic):len(magic)], data...)
			data = append(framed, sum[:]...)
		}
		subs, err := Deaggregate(data)
		if err != nil {
			require.ErrorIs(t, err, ErrNotAggregated)
			require.Nil(t, subs, "got %d sub-records with an error", len(subs))
			return
		}
		for i, s := range subs {
			require.Equal(t, int64(i), s.SubSequenceNumber, "sub-record %d: sub-sequence number", i)
		}
		again, err := Deaggregate(Aggregate(subs))
		require.NoError(t, err, "re-aggregated output does not decode")
		require.Equal(t, normalize(subs), normalize(again), "round trip changed records")
		kept := Filter(full, subs)
		for _, s := range kept {
			_, err := s.HashKey()
			require.NoError(t, err, "kept a sub-record with a malformed hash key")
		}
	})
}

// normalize makes empty Data nil so that DeepEqual ignores the difference.
func normalize(subs []SubRecord) []SubRecord {
	for i := range subs {
		if len(subs[i].Data) == 0 {
			subs[i].Data = nil
		}
	}
	return subs
}
