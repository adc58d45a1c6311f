package wire

import (
	"encoding/json"
	"github.com/freshet-io/freshet/kinesisapi/internal/wiretest"
	"reflect"
	"testing"

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
					if err != nil {
						t.Fatalf("%s: Encode(%s): %v", typ, ct, err)
					}
					if ct == ContentTypeJSON && !json.Valid(b) {
						t.Fatalf("%s: invalid JSON %s", typ, b)
					}
					if ct == ContentTypeCBOR && cbor.Wellformed(b) != nil {
						t.Fatalf("%s: ill-formed CBOR %x: %v", typ, b, cbor.Wellformed(b))
					}
					y := newValue()
					if err := Decode(ct, b, y); err != nil {
						t.Fatalf("%s: Decode(%s, %s): %v", typ, ct, b, err)
					}
					if !reflect.DeepEqual(x, y) {
						t.Fatalf("%s seed %d (%s):\n  in %+v\n out %+v\nwire %s", typ, seed, ct, x, y, b)
					}
					decoded = append(decoded, y)
				}
				if !reflect.DeepEqual(decoded[0], decoded[1]) {
					t.Fatalf("%s: JSON and CBOR decode differently", typ)
				}
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
			if err != nil {
				t.Fatal(err)
			}
			y := op.NewRequest()
			if err := Decode(ct, b, y); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(x, y) {
				t.Errorf("%s (%s):\n  in %+v\n out %+v\nwire %s", op.Name, ct, x, y, b)
			}
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
