package wire

import (
	"bytes"
	"github.com/freshet-io/freshet/kinesisapi/internal/wiretest"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"
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
				if !encodeRecordList(e, v) {
					t.Fatalf("%T not encoded", l)
				}
				slow := newEmitter(formatOf(contentType), nil)
				slow.beginList(v.Len())
				for i := range v.Len() {
					slow.elem(i)
					if err := encodeStruct(slow, v.Index(i)); err != nil {
						t.Fatal(err)
					}
				}
				slow.endList()
				if !bytes.Equal(e.bytes(), slow.bytes()) {
					t.Fatalf("%s %T:\n got %q\nwant %q", contentType, l, e.bytes(), slow.bytes())
				}
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
			if err != nil {
				t.Fatal(err)
			}
			slow := newEmitter(formatOf(contentType), nil)
			slow.beginMap(1)
			slow.key(0, "Records")
			slow.beginList(len(recs))
			for i := range recs {
				slow.elem(i)
				if err := encodeStruct(slow, reflect.ValueOf(&recs[i]).Elem()); err != nil {
					t.Fatal(err)
				}
			}
			slow.endList()
			slow.endMap()
			if !bytes.Equal(got, slow.bytes()) {
				t.Fatalf("%s:\n got %q\nwant %q", contentType, got, slow.bytes())
			}
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
			if !encodePutRecordResponse(e, v) {
				t.Fatal("not encoded")
			}
			slow := newEmitter(formatOf(contentType), nil)
			if err := encodeStruct(slow, v); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(e.bytes(), slow.bytes()) {
				t.Fatalf("%s:\n got %q\nwant %q", contentType, e.bytes(), slow.bytes())
			}
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
			if got := safePrefix(s); got != want {
				t.Fatalf("%q: safePrefix %d, want %d", s, got, want)
			}
			if got := safePrefix(string(s)); got != want {
				t.Fatalf("%q: safePrefix (string) %d, want %d", s, got, want)
			}
		}
	}
}
