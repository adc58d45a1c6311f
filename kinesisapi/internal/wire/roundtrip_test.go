package wire

import (
	"encoding/json"
	"github.com/freshet-io/freshet/kinesisapi/internal/wiretest"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fxamacker/cbor/v2"
)

// TestRoundTrip checks decode(encode(x)) == x for every operation's request
// and response, in both formats, with randomly filled values.
func TestRoundTrip(t *testing.T) {
	for _, op := range Operations {
		for _, newValue := range []func() any{
			func() any { return op.NewRequest() },
			op.NewResponse,
		} {
			typ := reflect.TypeOf(newValue()).Elem().Name()
			for seed := range uint64(20) {
				x := newValue()
				wiretest.NewFiller(seed, TimestampFromMillis).Fill(reflect.ValueOf(x).Elem())
				var decoded []any
				for _, ct := range []string{ContentTypeJSON, ContentTypeCBOR} {
					b, err := Encode(ct, x)
					require.NoError(t, err, "%s: Encode(%s)", typ, ct)
					if ct == ContentTypeJSON {
						require.True(t, json.Valid(b), "%s: invalid JSON %s", typ, b)
					}
					if ct == ContentTypeCBOR {
						require.NoError(t, cbor.Wellformed(b), "%s: ill-formed CBOR %x", typ, b)
					}
					y := newValue()
					require.NoError(t, Decode(ct, b, y), "%s: Decode(%s, %s)", typ, ct, b)
					require.Equal(t, x, y, "%s seed %d (%s):\nwire %s", typ, seed, ct, b)
					decoded = append(decoded, y)
				}
				require.Equal(t, decoded[0], decoded[1], "%s: JSON and CBOR decode differently", typ)
			}
		}
	}
}

// TestRoundTripEmptyValues covers present-but-empty members: "", 0, false,
// empty blobs, lists and maps must survive as present.
func TestRoundTripEmptyValues(t *testing.T) {
	for _, op := range Operations {
		x := op.NewRequest()
		setEmpty(reflect.ValueOf(x).Elem())
		for _, ct := range []string{ContentTypeJSON, ContentTypeCBOR} {
			b, err := Encode(ct, x)
			require.NoError(t, err)
			y := op.NewRequest()
			require.NoError(t, Decode(ct, b, y))
			assert.Equal(t, x, y, "%s (%s):\nwire %s", op.Name, ct, b)
		}
	}
}

// setEmpty sets every pointer member to a pointer to its zero value, and
// every slice and map member to an empty, non-nil one.
func setEmpty(v reflect.Value) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Pointer:
			p := reflect.New(f.Type().Elem())
			if p.Elem().Kind() == reflect.Struct && p.Elem().Type() != timestampType {
				setEmpty(p.Elem())
			}
			if p.Elem().Type() == timestampType {
				p.Elem().Set(reflect.ValueOf(TimestampFromMillis(0)))
			}
			f.Set(p)
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 0, 0))
		case reflect.Map:
			f.Set(reflect.MakeMap(f.Type()))
		}
	}
}
