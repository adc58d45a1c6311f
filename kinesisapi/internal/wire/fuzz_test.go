package wire

import (
	"errors"
	"github.com/freshet-io/freshet/kinesisapi/internal/wiretest"
	"reflect"
	"testing"

	"github.com/freshet-io/freshet"
)

// addSeeds adds an encoding of every request and response type, filled at
// random, to the corpus.
func addSeeds(f *testing.F, contentType string) {
	for _, op := range Operations {
		for _, v := range []any{op.NewRequest(), op.NewResponse()} {
			wiretest.NewFiller(1, TimestampFromMillis).Fill(reflect.ValueOf(v).Elem())
			b, err := Encode(contentType, v)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// checkDecode decodes data into every request type and checks that it fails
// only with a SerializationException, that a decoded request validates,
// encodes in both formats and survives a CBOR round trip unchanged.
func checkDecode(t *testing.T, contentType string, data []byte) {
	for _, op := range Operations {
		req := op.NewRequest()
		err := Decode(contentType, data, req)
		if err != nil {
			var ferr *freshet.Error
			if !errors.As(err, &ferr) || ferr.Code != "SerializationException" {
				t.Fatalf("%s: error %v", op.Name, err)
			}
			continue
		}
		if err := req.Validate(); err != nil {
			var ferr *freshet.Error
			if !errors.As(err, &ferr) || ferr.Code != "ValidationException" {
				t.Fatalf("%s: Validate: %v", op.Name, err)
			}
		}
		if _, err := Encode(ContentTypeJSON, req); err != nil {
			t.Fatalf("%s: Encode JSON: %v", op.Name, err)
		}
		b, err := Encode(ContentTypeCBOR, req)
		if err != nil {
			t.Fatalf("%s: Encode CBOR: %v", op.Name, err)
		}
		again := op.NewRequest()
		if err := Decode(ContentTypeCBOR, b, again); err != nil {
			t.Fatalf("%s: decoding our own CBOR %x: %v", op.Name, b, err)
		}
		if !reflect.DeepEqual(req, again) {
			t.Fatalf("%s: CBOR round trip\n  in %+v\n out %+v", op.Name, req, again)
		}
	}
}

func FuzzDecodeJSON(f *testing.F) {
	addSeeds(f, ContentTypeJSON)
	for _, s := range []string{``, `{}`, `null`, `[]`, `{"Records":[{"Data":"AA==","PartitionKey":"a"},null]}`,
		`{"Limit":1e400,"Timestamp":-1e400,"StreamName":"\ud800"}`, `{"Tags":{"a":null,"":""}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, ContentTypeJSON, data)
	})
}

func FuzzDecodeCBOR(f *testing.F) {
	addSeeds(f, ContentTypeCBOR)
	for _, s := range [][]byte{nil, {0xa0}, {0xf6}, {0x80}, {0xbf, 0xff}, {0xa1, 0x61, 'X', 0xc1, 0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0}} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, ContentTypeCBOR, data)
	})
}
