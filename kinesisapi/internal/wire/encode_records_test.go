package wire

import (
	"bytes"
	"reflect"
	"testing"
)

// TestEncodeRecordListsAsReflection checks that the lists encoded without
// reflection encode exactly as the reflective encoder encodes them, with
// every member set and with every optional member nil.
func TestEncodeRecordListsAsReflection(t *testing.T) {
	for _, contentType := range []string{ContentTypeJSON, ContentTypeCBOR} {
		for seed := range uint64(50) {
			f := newFiller(seed)
			lists := []any{&[]Record{}, &[]PutRecordsResultEntry{}}
			for _, l := range lists {
				v := reflect.ValueOf(l).Elem()
				f.fill(v)
				// Clear members at random, the optional ones included.
				for i := range v.Len() {
					el := v.Index(i)
					for j := range el.NumField() {
						if f.rnd.IntN(3) == 0 {
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

// TestEncodePutRecordResponseAsReflection checks the PutRecord output the
// same way.
func TestEncodePutRecordResponseAsReflection(t *testing.T) {
	for _, contentType := range []string{ContentTypeJSON, ContentTypeCBOR} {
		for seed := range uint64(50) {
			f := newFiller(seed)
			var r PutRecordResponse
			v := reflect.ValueOf(&r).Elem()
			f.fill(v)
			for j := range v.NumField() {
				if f.rnd.IntN(3) == 0 {
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
