package eventstream

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"time"
)

// Encoder writes messages to an output stream. It keeps an encoding buffer
// between messages, so that encoding does not allocate once the buffer has
// grown to the size of the largest message written; that buffer is retained
// for the life of the Encoder.
//
// An Encoder is not safe for concurrent use.
type Encoder struct {
	w   io.Writer
	buf []byte
}

// NewEncoder returns an Encoder that writes to w.
func NewEncoder(w io.Writer) *Encoder {
	return &Encoder{w: w}
}

// WriteMessage encodes m and writes it to the underlying writer with a
// single Write call, so a caller streaming over HTTP can flush after each
// message and the client receives it as one chunk.
//
// If m violates a limit of the format (see AppendMessage), WriteMessage
// writes nothing and returns an error; the stream stays usable. An error
// from the underlying writer is returned as is.
func (e *Encoder) WriteMessage(m Message) error {
	b, err := AppendMessage(e.buf[:0], m)
	if err != nil {
		return err
	}
	e.buf = b
	_, err = e.w.Write(b)
	return err
}

// AppendMessage appends the encoding of m to dst and returns the extended
// slice.
//
// It returns dst unchanged and an error wrapping ErrTooLarge if the payload
// is longer than MaxPayloadLength, the encoded headers longer than
// MaxHeadersLength, a header name longer than MaxHeaderNameLength or a
// string or byte-array value longer than MaxHeaderValueLength; and an error
// wrapping ErrInvalidHeader if a header has an empty name or a nil value.
func AppendMessage(dst []byte, m Message) ([]byte, error) {
	if len(m.Payload) > MaxPayloadLength {
		return dst, fmt.Errorf("%w: payload is %d bytes, limit is %d", ErrTooLarge, len(m.Payload), MaxPayloadLength)
	}
	start := len(dst)
	b := append(dst, make([]byte, preludeLength)...) // filled in once the headers are encoded
	for _, h := range m.Headers {
		var err error
		if b, err = appendHeader(b, h); err != nil {
			return dst, err
		}
		if len(b)-start-preludeLength > MaxHeadersLength {
			return dst, fmt.Errorf("%w: encoded headers exceed %d bytes", ErrTooLarge, MaxHeadersLength)
		}
	}
	headersLen := len(b) - start - preludeLength
	prelude := b[start : start+preludeLength]
	binary.BigEndian.PutUint32(prelude[0:4], uint32(minMessageLength+headersLen+len(m.Payload)))
	binary.BigEndian.PutUint32(prelude[4:8], uint32(headersLen))
	binary.BigEndian.PutUint32(prelude[8:12], crc32.ChecksumIEEE(prelude[0:8]))
	b = append(b, m.Payload...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:])), nil
}

// appendHeader validates h and appends its encoding to b.
func appendHeader(b []byte, h Header) ([]byte, error) {
	switch {
	case h.Name == "":
		return b, fmt.Errorf("%w: empty header name", ErrInvalidHeader)
	case len(h.Name) > MaxHeaderNameLength:
		return b, fmt.Errorf("%w: header name %.32q... is %d bytes, limit is %d",
			ErrTooLarge, h.Name, len(h.Name), MaxHeaderNameLength)
	}
	b = append(b, byte(len(h.Name)))
	b = append(b, h.Name...)

	switch v := h.Value.(type) {
	case BoolValue:
		return append(b, byte(v.Type())), nil
	case Int8Value:
		return append(b, byte(TypeByte), byte(v)), nil
	case Int16Value:
		return binary.BigEndian.AppendUint16(append(b, byte(TypeInt16)), uint16(v)), nil
	case Int32Value:
		return binary.BigEndian.AppendUint32(append(b, byte(TypeInt32)), uint32(v)), nil
	case Int64Value:
		return binary.BigEndian.AppendUint64(append(b, byte(TypeInt64)), uint64(v)), nil
	case BytesValue:
		if len(v) > MaxHeaderValueLength {
			return b, fmt.Errorf("%w: header %q: byte array value is %d bytes, limit is %d",
				ErrTooLarge, h.Name, len(v), MaxHeaderValueLength)
		}
		b = binary.BigEndian.AppendUint16(append(b, byte(TypeByteArray)), uint16(len(v)))
		return append(b, v...), nil
	case StringValue:
		if len(v) > MaxHeaderValueLength {
			return b, fmt.Errorf("%w: header %q: string value is %d bytes, limit is %d",
				ErrTooLarge, h.Name, len(v), MaxHeaderValueLength)
		}
		b = binary.BigEndian.AppendUint16(append(b, byte(TypeString)), uint16(len(v)))
		return append(b, v...), nil
	case TimestampValue:
		ms := time.Time(v).UnixMilli()
		return binary.BigEndian.AppendUint64(append(b, byte(TypeTimestamp)), uint64(ms)), nil
	case UUIDValue:
		return append(append(b, byte(TypeUUID)), v[:]...), nil
	case nil:
		return b, fmt.Errorf("%w: header %q has a nil value", ErrInvalidHeader, h.Name)
	}
	// Unreachable through the public API: HeaderValue is a closed set.
	return b, fmt.Errorf("%w: header %q has a value of unsupported type %T", ErrInvalidHeader, h.Name, h.Value)
}
