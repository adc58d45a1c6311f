package wire

import (
	"github.com/freshet-io/freshet/kinesisapi/internal/wiretest"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// TestEncodeRecordListsAsReflection checks that the lists encoded without
// reflection encode exactly as the reflective encoder encodes them, with
// every member set and with every optional member nil.
func TestEncodeRecordListsAsReflection(t *testing.T) {
	for _, contentType := range []string{ContentTypeJSON, ContentTypeCBOR} {
		for seed := range uint64(50) {
			f := wiretest.NewFiller(seed, TimestampFromMillis)
			lists := []any{&[]Record{}, &[]PutRecordsResultEntry{}}
			for _, l := range lists {
				v := reflect.ValueOf(l).Elem()
				f.Fill(v)
				// Clear members at random, the optional ones included.
				for i := range v.Len() {
					el := v.Index(i)
					for j := range el.NumField() {
						if f.IntN(3) == 0 {
							el.Field(j).SetZero()
						}
					}
				}
				e := newEmitter(formatOf(contentType), nil)
				require.True(t, encodeRecordList(e, v), "%T not encoded", l)
				slow := newEmitter(formatOf(contentType), nil)
				slow.beginList(v.Len())
				for i := range v.Len() {
					slow.elem(i)
					require.NoError(t, encodeStruct(slow, v.Index(i)))
				}
				slow.endList()
				require.Equal(t, string(slow.bytes()), string(e.bytes()), "%s %T", contentType, l)
			}
		}
	}
}

// TestEncodeRecordsSharedTimestamps checks lists of records whose arrival
// times repeat, in runs and not, which the JSON encoder formats once per
// run.
func TestEncodeRecordsSharedTimestamps(t *testing.T) {
	stamps := []*Timestamp{
		nil,
		ptr(TimestampFromMillis(0)),
		ptr(TimestampFromMillis(1700000000123)),
		ptr(TimestampFromMillis(1700000000100)),
		ptr(TimestampFromMillis(1700000000000)),
		ptr(TimestampFromMillis(-1500)),
		{time.Unix(1700000000, 123456789)}, // the same millisecond as the third
	}
	for _, contentType := range []string{ContentTypeJSON, ContentTypeCBOR} {
		for seed := range uint64(50) {
			rnd := rand.New(rand.NewPCG(seed, 1))
			recs := make([]Record, 1+rnd.IntN(20))
			for i := range recs {
				recs[i] = Record{
					SequenceNumber:              strconv.Itoa(i),
					ApproximateArrivalTimestamp: stamps[rnd.IntN(len(stamps))],
					Data:                        []byte{byte(i)},
					PartitionKey:                "pk",
				}
				if rnd.IntN(2) == 0 && i > 0 { // a run
					recs[i].ApproximateArrivalTimestamp = recs[i-1].ApproximateArrivalTimestamp
				}
			}
			got, err := Encode(contentType, &GetRecordsResponse{Records: recs})
			require.NoError(t, err)
			slow := newEmitter(formatOf(contentType), nil)
			slow.beginMap(1)
			slow.key(0, "Records")
			slow.beginList(len(recs))
			for i := range recs {
				slow.elem(i)
				require.NoError(t, encodeStruct(slow, reflect.ValueOf(&recs[i]).Elem()))
			}
			slow.endList()
			slow.endMap()
			require.Equal(t, string(slow.bytes()), string(got), contentType)
		}
	}
}

// TestEncodePutRecordResponseAsReflection checks the PutRecord output the
// same way.
func TestEncodePutRecordResponseAsReflection(t *testing.T) {
	for _, contentType := range []string{ContentTypeJSON, ContentTypeCBOR} {
		for seed := range uint64(50) {
			f := wiretest.NewFiller(seed, TimestampFromMillis)
			var r PutRecordResponse
			v := reflect.ValueOf(&r).Elem()
			f.Fill(v)
			for j := range v.NumField() {
				if f.IntN(3) == 0 {
					v.Field(j).SetZero()
				}
			}
			e := newEmitter(formatOf(contentType), nil)
			require.True(t, encodePutRecordResponse(e, v), "not encoded")
			slow := newEmitter(formatOf(contentType), nil)
			require.NoError(t, encodeStruct(slow, v))
			require.Equal(t, string(slow.bytes()), string(e.bytes()), contentType)
		}
	}
}

func TestSafePrefix(t *testing.T) {
	// Every byte value at every position of a 20-byte string.
	base := []byte("abcdefghijklmnopqrst")
	for pos := range base {
		for c := range 256 {
			s := append([]byte(nil), base...)
			s[pos] = byte(c)
			want := len(s)
			for i, b := range s {
				if !jsonSafe[b] {
					want = i
					break
				}
			}
			require.Equal(t, want, safePrefix(s), "%q: safePrefix", s)
			require.Equal(t, want, safePrefix(string(s)), "%q: safePrefix (string)", s)
		}
	}
}

// TestEncodeRecordSequence: a record whose sequence number is given as
// Sequence encodes exactly as one given as the SequenceNumber string.
func TestEncodeRecordSequence(t *testing.T) {
	seqs := []string{"49590338271490256608559692538361571095921575989136588898", "1", "18446744073709551616"}
	for _, contentType := range []string{ContentTypeJSON, ContentTypeCBOR} {
		var asStrings, asNumbers []Record
		for i, s := range seqs {
			n, err := freshet.ParseSequenceNumber(s)
			require.NoError(t, err)
			r := Record{Data: []byte{byte(i)}, PartitionKey: "k" + strconv.Itoa(i), ApproximateArrivalTimestamp: ptr(TimestampFromMillis(1700000000123))}
			asStrings = append(asStrings, r)
			asStrings[i].SequenceNumber = s
			asNumbers = append(asNumbers, r)
			asNumbers[i].Sequence = n
		}
		want, err := Encode(contentType, &GetRecordsResponse{Records: asStrings})
		require.NoError(t, err)
		got, err := Encode(contentType, &GetRecordsResponse{Records: asNumbers})
		require.NoError(t, err)
		require.Equal(t, want, got, contentType)
		var back GetRecordsResponse
		require.NoError(t, Decode(contentType, got, &back))
		require.Equal(t, asStrings, back.Records, "%s: decoded, the numbers are strings", contentType)
	}
}
