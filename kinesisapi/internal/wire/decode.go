package wire

import (
	"encoding/base64"
	"errors"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/freshet-io/freshet"
)

// codeSerialization is the exception Coral answers type errors with.
const codeSerialization = "SerializationException"

// Decode decodes a request body in the format of contentType into dst, a
// pointer to a request struct (or any wire struct), following Coral's rules:
//
//   - an empty body is the empty object {};
//   - unknown members are ignored, and member names are case-sensitive;
//   - null is the same as an absent member;
//   - fractional integers are floored and out-of-range ones clamped to the
//     range of the member (Integer or Long);
//   - timestamps are epoch seconds in JSON and epoch milliseconds in CBOR
//     (plain or wrapped in tag 1);
//   - blobs are base64 strings in JSON and byte strings (or base64 text) in
//     CBOR.
//
// A body that is not an object, or not well-formed, or that holds a list or
// map of more than 131072 elements, fails with a SerializationException
// without message; a member of the wrong type with a
// SerializationException worded as Coral words it. Both are *freshet.Error.
// The first error in member order wins.
func Decode(contentType string, body []byte, dst any) error {
	return decode(contentType, body, dst, nil)
}

// decode is Decode with the memory of s, which may be nil.
func decode(contentType string, body []byte, dst any, s *Scratch) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return errors.New("wire: Decode needs a non-nil pointer to a struct")
	}
	f, ok := ParseContentType(contentType)
	if !ok {
		return serializationError("")
	}
	if isBlank(f, body) {
		return nil
	}
	if f == FormatJSON {
		return decodeJSONWith(jsonDecoder{data: body, scratch: s}, v.Elem())
	}
	p := cborParser{}
	top, err := p.parse(body)
	if err != nil || top.kind != kindMap {
		return serializationError("")
	}
	return binder{p}.structure(top, v.Elem())
}

// isBlank reports whether body holds no value at all.
func isBlank(f Format, body []byte) bool {
	if f == FormatCBOR {
		return len(body) == 0
	}
	for _, c := range body {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}

// maxElements is the most elements a list, and the most members a map or
// structure, may have: fxamacker/cbor's default limit, applied to JSON too.
// Every model maximum is far below it; the limit bounds the memory a body
// can make the decoder and the validator use.
const maxElements = 131072

// kind is the type of an encoded value, as far as binding cares.
type kind int

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindBytes
	kindList
	kindMap
)

// value is one value of a body, decoded shallowly: the elements of lists
// and the members of maps stay encoded until the binder asks for them, so
// unknown members are never decoded further.
type value struct {
	kind    kind
	boolean bool
	num     number
	str     string
	bytes   []byte
	elems   []raw
	members map[string]raw
}

// raw is one encoded value, kept undecoded. It copies what it is given, as
// both json.Unmarshaler and cbor.Unmarshaler must.
type raw []byte

// UnmarshalJSON implements json.Unmarshaler.
func (r *raw) UnmarshalJSON(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}

// UnmarshalCBOR implements cbor.Unmarshaler.
func (r *raw) UnmarshalCBOR(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}

// number is a decoded number: exactly as an int64 when it is an integer in
// range, else as a float64.
type number struct {
	i     int64
	f     float64
	exact bool
}

// clamp returns n floored and clamped to [lo, hi].
func (n number) clamp(lo, hi int64) int64 {
	if n.exact {
		return min(max(n.i, lo), hi)
	}
	f := math.Floor(n.f)
	switch {
	case math.IsNaN(f):
		return 0
	case f <= float64(lo):
		return lo
	case f >= float64(hi):
		return hi
	}
	return int64(f)
}

// parser decodes one encoded value shallowly. The whole body has been
// checked to be well-formed by the time elements and members are parsed.
type parser interface {
	parse(raw []byte) (value, error)
	// millis converts a timestamp number to epoch milliseconds.
	millis(n number) int64
}

// binder sets Go values from parsed values, by reflection over the wire
// structs. Its recursion is bounded by the depth of the Go types, not by the
// input.
type binder struct {
	p parser
}

// member decodes raw into v. Null leaves v untouched; a pointer is
// allocated only for a non-null value.
func (b binder) member(raw []byte, v reflect.Value) error {
	val, err := b.p.parse(raw)
	if err != nil {
		return err
	}
	if val.kind == kindNull {
		return nil
	}
	if v.Kind() == reflect.Pointer {
		target := reflect.New(v.Type().Elem())
		if err := b.value(val, target.Elem()); err != nil {
			return err
		}
		v.Set(target)
		return nil
	}
	return b.value(val, v)
}

func (b binder) value(val value, v reflect.Value) error {
	t := v.Type()
	switch {
	case t == timestampType:
		return b.timestamp(val, v)
	case t == bytesType:
		return blobValue(val, v)
	}
	switch t.Kind() {
	case reflect.Struct:
		return b.structure(val, v)
	case reflect.Slice:
		return b.list(val, v)
	case reflect.Map:
		return b.stringMap(val, v)
	case reflect.String:
		return stringValue(val, v)
	case reflect.Int32:
		return intValue(val, v, math.MinInt32, math.MaxInt32, "Integer")
	case reflect.Int64:
		return intValue(val, v, math.MinInt64, math.MaxInt64, "Long")
	case reflect.Bool:
		return boolValue(val, v)
	}
	return errors.New("wire: cannot decode into " + t.String())
}

func (b binder) structure(val value, v reflect.Value) error {
	switch val.kind {
	case kindMap:
	case kindList:
		return serializationError(msgUnexpectedList)
	default:
		return serializationError("Expected null")
	}
	for _, f := range fieldsOf(v.Type()) {
		raw, ok := val.members[f.name]
		if !ok {
			continue
		}
		if err := b.member(raw, v.Field(f.index)); err != nil {
			return err
		}
	}
	return nil
}

func (b binder) list(val value, v reflect.Value) error {
	switch val.kind {
	case kindList:
	case kindMap:
		return serializationError(msgUnexpectedMap)
	default:
		return serializationError("Expected list or null")
	}
	list := reflect.MakeSlice(v.Type(), len(val.elems), len(val.elems))
	for i, raw := range val.elems {
		if err := b.member(raw, list.Index(i)); err != nil {
			return err
		}
	}
	v.Set(list)
	return nil
}

func (b binder) stringMap(val value, v reflect.Value) error {
	switch val.kind {
	case kindMap:
	case kindList:
		return serializationError(msgUnexpectedList)
	default:
		return serializationError("Expected map or null")
	}
	// Bind in key order, so that the first error is always the same one.
	keys := slices.Sorted(maps.Keys(val.members))
	m := reflect.MakeMapWithSize(v.Type(), len(keys))
	elem := reflect.New(v.Type().Elem()).Elem()
	for _, k := range keys {
		elem.SetZero()
		if err := b.member(val.members[k], elem); err != nil {
			return err
		}
		m.SetMapIndex(reflect.ValueOf(k), elem)
	}
	v.Set(m)
	return nil
}

// Coral's messages for containers found where a scalar was expected.
const (
	msgUnexpectedList = "Start of list found where not expected"
	msgUnexpectedMap  = "Start of structure or map found where not expected."
)

// containerError returns the error for a list or map given to a scalar
// member, or nil.
func containerError(val value) error {
	switch val.kind {
	case kindList:
		return serializationError(msgUnexpectedList)
	case kindMap:
		return serializationError(msgUnexpectedMap)
	}
	return nil
}

// javaClass is the Java class Coral names in type errors for a scalar.
func javaClass(k kind) string {
	switch k {
	case kindNumber:
		return "com.amazon.coral.value.json.numbers.TruncatingBigNumber"
	case kindString:
		return "java.lang.String"
	case kindBool:
		return "java.lang.Boolean"
	}
	return "[B" // a byte string: Java's byte[]
}

func conversionError(val value, target string) error {
	if err := containerError(val); err != nil {
		return err
	}
	return serializationError("class " + javaClass(val.kind) + " can not be converted to " + target)
}

func stringValue(val value, v reflect.Value) error {
	if val.kind != kindString {
		return conversionError(val, "an String")
	}
	v.SetString(val.str)
	return nil
}

func intValue(val value, v reflect.Value, lo, hi int64, javaType string) error {
	if val.kind != kindNumber {
		return conversionError(val, "an "+javaType)
	}
	v.SetInt(val.num.clamp(lo, hi))
	return nil
}

func boolValue(val value, v reflect.Value) error {
	switch val.kind {
	case kindBool:
		v.SetBool(val.boolean)
		return nil
	case kindString:
		return serializationError("'" + strings.ToUpper(val.str) + "' can not be converted to an Boolean")
	}
	return conversionError(val, "an Boolean")
}

// timestamp sets a timestamp from a number: seconds in JSON, milliseconds
// in CBOR.
func (b binder) timestamp(val value, v reflect.Value) error {
	if val.kind != kindNumber {
		return conversionError(val, "milliseconds since epoch")
	}
	v.Set(reflect.ValueOf(TimestampFromMillis(b.p.millis(val.num))))
	return nil
}

func blobValue(val value, v reflect.Value) error {
	switch val.kind {
	case kindBytes:
		v.SetBytes(val.bytes)
		return nil
	case kindString:
		b, err := decodeBase64(val.str)
		if err != nil {
			return err
		}
		v.SetBytes(b)
		return nil
	}
	return conversionError(val, "a Blob")
}

// decodeBase64 decodes standard, padded base64 as strictly as Coral does,
// with Coral's messages (including its misspelling of "detected").
func decodeBase64(s string) ([]byte, error) {
	fail := func(reason string) error {
		return serializationError("'" + s + "' can not be converted to a Blob: " + reason)
	}
	if n := javaLength(s); n%4 != 0 {
		return nil, fail("Base64 encoded length is expected a multiple of 4 bytes but found: " + strconv.Itoa(n))
	}
	for i, r := range s {
		valid := r == '+' || r == '/' || r == '=' ||
			('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
		if !valid || (r == '=' && i+1 < len(s) && s[i+1] != '=') {
			return nil, fail("Invalid Base64 character: '" + string(r) + "'")
		}
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fail("Invalid last non-pad Base64 character dectected")
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

// serializationError returns a SerializationException; message may be
// empty, as for malformed bodies.
func serializationError(message string) error {
	return &freshet.Error{Code: codeSerialization, Message: message}
}
