package kpl

import "errors"

// This file holds the protobuf wire-format primitives used by Deaggregate and
// Aggregate. Only what AggregatedRecord needs is implemented: varints,
// length-delimited fields, and skipping fixed32/fixed64 unknown fields.

// Protobuf wire types.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5
)

// Decoding failures. They are wrapped in ErrNotAggregated by Deaggregate.
var (
	errTruncated    = errors.New("truncated protobuf")
	errOverflow     = errors.New("varint overflows 64 bits")
	errBadTag       = errors.New("invalid protobuf field tag")
	errBadWireType  = errors.New("unsupported protobuf wire type")
	errMissingField = errors.New("missing required protobuf field")
	errBadIndex     = errors.New("key table index out of range")
)

// readVarint decodes a base-128 varint from the front of b and returns it
// with the number of bytes read.
func readVarint(b []byte) (uint64, int, error) {
	var v uint64
	for i := 0; i < 10; i++ {
		if i == len(b) {
			return 0, 0, errTruncated
		}
		c := b[i]
		if i == 9 && c > 1 {
			return 0, 0, errOverflow
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v, i + 1, nil
		}
	}
	return 0, 0, errOverflow
}

// field is one decoded protobuf field. For wireBytes, bytes holds the
// payload (aliasing the input); for wireVarint, varint holds the value.
type field struct {
	num    uint32
	wire   int
	varint uint64
	bytes  []byte
}

// nextField decodes the field at the front of b and returns it with the rest
// of b. Fixed-width fields are decoded only far enough to skip them.
func nextField(b []byte) (field, []byte, error) {
	key, n, err := readVarint(b)
	if err != nil {
		return field{}, nil, err
	}
	b = b[n:]
	if key>>3 == 0 || key>>3 > 1<<29-1 {
		return field{}, nil, errBadTag
	}
	f := field{num: uint32(key >> 3), wire: int(key & 7)}
	switch f.wire {
	case wireVarint:
		f.varint, n, err = readVarint(b)
		if err != nil {
			return field{}, nil, err
		}
		return f, b[n:], nil
	case wireBytes:
		l, n, err := readVarint(b)
		if err != nil {
			return field{}, nil, err
		}
		b = b[n:]
		if l > uint64(len(b)) {
			return field{}, nil, errTruncated
		}
		f.bytes = b[:l:l]
		return f, b[l:], nil
	case wireFixed64:
		if len(b) < 8 {
			return field{}, nil, errTruncated
		}
		return f, b[8:], nil
	case wireFixed32:
		if len(b) < 4 {
			return field{}, nil, errTruncated
		}
		return f, b[4:], nil
	}
	// Groups (3, 4) are deprecated and never written by the KPL; 6 and 7 are
	// not wire types at all.
	return field{}, nil, errBadWireType
}

// appendVarint appends the varint encoding of v to b.
func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// varintLen is the length of the varint encoding of v.
func varintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// appendBytesField appends field num with wire type 2 and payload p.
func appendBytesField(b []byte, num uint64, p []byte) []byte {
	b = appendVarint(b, num<<3|wireBytes)
	b = appendVarint(b, uint64(len(p)))
	return append(b, p...)
}

// appendStringField is appendBytesField for a string payload.
func appendStringField(b []byte, num uint64, s string) []byte {
	b = appendVarint(b, num<<3|wireBytes)
	b = appendVarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendVarintField appends field num with wire type 0 and value v.
func appendVarintField(b []byte, num, v uint64) []byte {
	b = appendVarint(b, num<<3|wireVarint)
	return appendVarint(b, v)
}

// bytesFieldLen is the encoded length of a wire type 2 field with a payload
// of n bytes and a field number below 16.
func bytesFieldLen(n int) int {
	return 1 + varintLen(uint64(n)) + n
}
