package wire

import (
	"github.com/freshet-io/freshet/kinesisapi/internal/wiretest"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// addSeeds adds an encoding of every request and response type, filled at
// random, to the corpus.
func addSeeds(f *testing.F, contentType string) {
	for _, op := range Operations {
		for _, v := range []any{op.NewRequest(), op.NewResponse()} {
			wiretest.NewFiller(1, TimestampFromMillis).Fill(reflect.ValueOf(v).Elem())
			b, err := Encode(contentType, v)
			require.NoError(f, err)
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
			require.ErrorAs(t, err, &ferr, "%s: error %v", op.Name, err)
			require.Equal(t, "SerializationException", ferr.Code, "%s: error %v", op.Name, err)
			continue
		}
		if err := req.Validate(); err != nil {
			var ferr *freshet.Error
			require.ErrorAs(t, err, &ferr, "%s: Validate: %v", op.Name, err)
			require.Equal(t, "ValidationException", ferr.Code, "%s: Validate: %v", op.Name, err)
		}
		_, err = Encode(ContentTypeJSON, req)
		require.NoError(t, err, "%s: Encode JSON", op.Name)
		b, err := Encode(ContentTypeCBOR, req)
		require.NoError(t, err, "%s: Encode CBOR", op.Name)
		again := op.NewRequest()
		require.NoError(t, Decode(ContentTypeCBOR, b, again), "%s: decoding our own CBOR %x", op.Name, b)
		require.Equal(t, req, again, "%s: CBOR round trip", op.Name)
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
