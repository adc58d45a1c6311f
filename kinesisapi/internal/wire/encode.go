package wire

import (
	"errors"
	"reflect"
	"sort"
)

// Encode encodes a response struct (or any wire struct) in the format of
// contentType; an unknown content type encodes JSON.
//
// Members with omitempty are omitted when nil (a nil pointer, slice or
// map; an empty but non-nil slice is encoded). Members without omitempty,
// the required ones, are always encoded, nil lists as []. In JSON, blobs are
// standard padded base64 and timestamps epoch seconds in plain decimal
// (1700000000.123); in CBOR, blobs are byte strings and timestamps tag 1
// wrapping integer epoch milliseconds. Hash keys and sequence numbers are
// strings in both.
func Encode(contentType string, v any) ([]byte, error) {
	return AppendEncode(nil, contentType, v)
}

// AppendEncode is Encode appending to b, so that a caller can reuse a
// buffer across responses. Besides wire structs it encodes the engine
// outputs GetRecordsOutput and PutRecordsOutput.
func AppendEncode(b []byte, contentType string, v any) ([]byte, error) {
	if out, ok := appendEngineOutput(b, formatOf(contentType), v); ok {
		return out, nil
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil, errors.New("wire: Encode needs a struct or a pointer to one")
	}
	e := newEmitter(formatOf(contentType), b)
	if err := encodeValue(e, rv); err != nil {
		return nil, err
	}
	return e.bytes(), nil
}

// EncodeError encodes an error body: {"__type": code, "message": message}.
// The message member is named "Message" for SerializationException, as
// Kinesis names it, and is left out when message is empty.
func EncodeError(contentType, code, message string) []byte {
	e := newEmitter(formatOf(contentType), nil)
	n := 1
	if message != "" {
		n = 2
	}
	e.beginMap(n)
	e.key(0, "__type")
	e.str(code)
	if message != "" {
		name := "message"
		if code == codeSerialization {
			name = "Message"
		}
		e.key(1, name)
		e.str(message)
	}
	e.endMap()
	return e.bytes()
}

// emitter writes one format. Maps and lists announce their length first,
// which CBOR needs and JSON ignores; key and elem take the position of the
// entry so that JSON can place its commas.
type emitter interface {
	beginMap(n int)
	key(i int, name string)
	endMap()
	beginList(n int)
	elem(i int)
	endList()
	str(s string)
	integer(i int64)
	boolean(b bool)
	blob(b []byte)
	timestamp(ms int64)
	bytes() []byte
	// records and resultEntries write the lists of GetRecords and
	// PutRecords outputs, as encodeStruct would write each element
	// (encode_records.go).
	records(recs []Record)
	resultEntries(results []PutRecordsResultEntry)
}

// newEmitter returns an emitter of format f that appends to b.
func newEmitter(f Format, b []byte) emitter {
	if f == FormatCBOR {
		return &cborEmitter{buf: b}
	}
	return &jsonEmitter{buf: b}
}

// encodeValue writes v, which must not be a nil pointer.
func encodeValue(e emitter, v reflect.Value) error {
	t := v.Type()
	switch {
	case t == timestampType:
		e.timestamp(v.Interface().(Timestamp).UnixMilli())
		return nil
	case t == bytesType:
		e.blob(v.Bytes())
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return encodeValue(e, v.Elem())
	case reflect.Struct:
		if encodePutRecordResponse(e, v) {
			return nil
		}
		return encodeStruct(e, v)
	case reflect.Slice:
		if encodeRecordList(e, v) {
			return nil
		}
		e.beginList(v.Len())
		for i := 0; i < v.Len(); i++ {
			e.elem(i)
			if err := encodeValue(e, v.Index(i)); err != nil {
				return err
			}
		}
		e.endList()
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		e.beginMap(len(keys))
		for i, k := range keys {
			e.key(i, k.String())
			if err := encodeValue(e, v.MapIndex(k)); err != nil {
				return err
			}
		}
		e.endMap()
	case reflect.String:
		e.str(v.String())
	case reflect.Int32, reflect.Int64:
		e.integer(v.Int())
	case reflect.Bool:
		e.boolean(v.Bool())
	default:
		return errors.New("wire: cannot encode " + t.String())
	}
	return nil
}

func encodeStruct(e emitter, v reflect.Value) error {
	fields := fieldsOf(v.Type())
	n := 0
	for _, f := range fields {
		if !f.omitEmpty || !isNil(v.Field(f.index)) {
			n++
		}
	}
	e.beginMap(n)
	i := 0
	for _, f := range fields {
		fv := v.Field(f.index)
		if f.omitEmpty && isNil(fv) {
			continue
		}
		e.key(i, f.name)
		i++
		if fv.Kind() == reflect.Pointer && fv.IsNil() {
			// A required member left nil: encode its zero value.
			fv = reflect.New(fv.Type().Elem()).Elem()
		}
		if err := encodeValue(e, fv); err != nil {
			return err
		}
	}
	e.endMap()
	return nil
}

// isNil reports whether v is a nil pointer, slice or map.
func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return v.IsNil()
	}
	return false
}
