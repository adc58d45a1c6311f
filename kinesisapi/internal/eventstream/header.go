package eventstream

import (
	"strconv"
	"time"
)

// HeaderType is the wire type of a header value, the byte that follows the
// header name.
type HeaderType uint8

// The ten header value types of the format.
const (
	TypeBoolTrue  HeaderType = 0 // boolean true, no value bytes
	TypeBoolFalse HeaderType = 1 // boolean false, no value bytes
	TypeByte      HeaderType = 2 // int8
	TypeInt16     HeaderType = 3 // int16
	TypeInt32     HeaderType = 4 // int32
	TypeInt64     HeaderType = 5 // int64
	TypeByteArray HeaderType = 6 // uint16 length, then the bytes
	TypeString    HeaderType = 7 // uint16 length, then the (UTF-8) bytes
	TypeTimestamp HeaderType = 8 // int64 milliseconds since the Unix epoch
	TypeUUID      HeaderType = 9 // 16 bytes
)

// String returns the name the format specification uses for t, such as
// "byte_array", or "HeaderType(N)" for an unknown type.
func (t HeaderType) String() string {
	switch t {
	case TypeBoolTrue:
		return "bool_true"
	case TypeBoolFalse:
		return "bool_false"
	case TypeByte:
		return "byte"
	case TypeInt16:
		return "int16"
	case TypeInt32:
		return "int32"
	case TypeInt64:
		return "int64"
	case TypeByteArray:
		return "byte_array"
	case TypeString:
		return "string"
	case TypeTimestamp:
		return "timestamp"
	case TypeUUID:
		return "uuid"
	}
	return "HeaderType(" + strconv.Itoa(int(t)) + ")"
}

// Header is one name/value pair of a message's header section.
type Header struct {
	// Name is the header name, 1 to MaxHeaderNameLength bytes.
	Name string
	// Value is the header value; it must not be nil.
	Value HeaderValue
}

// HeaderValue is the value of a header. The set of implementations is
// closed: BoolValue, Int8Value, Int16Value, Int32Value, Int64Value,
// BytesValue, StringValue, TimestampValue and UUIDValue, one per
// [HeaderType] (BoolValue covers both boolean types). The names are those of
// the AWS SDK for Go v2. Use a type switch to read a value.
type HeaderValue interface {
	// Type reports the wire type the value is encoded with.
	Type() HeaderType

	isHeaderValue()
}

// BoolValue is a boolean header value, encoded as TypeBoolTrue or
// TypeBoolFalse.
type BoolValue bool

// Int8Value is a byte header value (TypeByte).
type Int8Value int8

// Int16Value is an int16 header value (TypeInt16).
type Int16Value int16

// Int32Value is an int32 header value (TypeInt32).
type Int32Value int32

// Int64Value is an int64 header value (TypeInt64).
type Int64Value int64

// BytesValue is a byte-array header value (TypeByteArray) of at most
// MaxHeaderValueLength bytes.
type BytesValue []byte

// StringValue is a string header value (TypeString) of at most
// MaxHeaderValueLength bytes.
type StringValue string

// TimestampValue is a timestamp header value (TypeTimestamp). The wire
// carries whole milliseconds since the Unix epoch: encoding drops anything
// finer, and decoding yields a time in UTC.
type TimestampValue time.Time

// UUIDValue is a UUID header value (TypeUUID), in its 16-byte binary form.
type UUIDValue [16]byte

// Type returns TypeBoolTrue or TypeBoolFalse, according to v.
func (v BoolValue) Type() HeaderType {
	if v {
		return TypeBoolTrue
	}
	return TypeBoolFalse
}

// Type returns TypeByte.
func (Int8Value) Type() HeaderType { return TypeByte }

// Type returns TypeInt16.
func (Int16Value) Type() HeaderType { return TypeInt16 }

// Type returns TypeInt32.
func (Int32Value) Type() HeaderType { return TypeInt32 }

// Type returns TypeInt64.
func (Int64Value) Type() HeaderType { return TypeInt64 }

// Type returns TypeByteArray.
func (BytesValue) Type() HeaderType { return TypeByteArray }

// Type returns TypeString.
func (StringValue) Type() HeaderType { return TypeString }

// Type returns TypeTimestamp.
func (TimestampValue) Type() HeaderType { return TypeTimestamp }

// Type returns TypeUUID.
func (UUIDValue) Type() HeaderType { return TypeUUID }

func (BoolValue) isHeaderValue()      {}
func (Int8Value) isHeaderValue()      {}
func (Int16Value) isHeaderValue()     {}
func (Int32Value) isHeaderValue()     {}
func (Int64Value) isHeaderValue()     {}
func (BytesValue) isHeaderValue()     {}
func (StringValue) isHeaderValue()    {}
func (TimestampValue) isHeaderValue() {}
func (UUIDValue) isHeaderValue()      {}
