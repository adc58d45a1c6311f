package eventstream

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"time"
)

// initialReadSize bounds the buffer allocated for a message before any of
// its bytes beyond the prelude have arrived.
const initialReadSize = 64 << 10

// Decoder reads messages from an input stream.
//
// A Decoder reads exactly the bytes of each message and never reads ahead,
// so after a message the underlying reader is positioned at the next one.
// Errors are sticky: once ReadMessage has returned an error, including
// io.EOF, it returns the same error on every later call, because the
// position of the next message can no longer be trusted.
//
// A Decoder is not safe for concurrent use.
type Decoder struct {
	r   io.Reader
	err error
}

// NewDecoder returns a Decoder that reads from r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: r}
}

// ReadMessage reads and returns the next message.
//
// It returns io.EOF if the stream ends cleanly at a message boundary, and
// io.ErrUnexpectedEOF if it ends inside a message. Invalid input yields an
// error wrapping ErrChecksum, ErrMalformed or ErrTooLarge; errors from the
// underlying reader are returned as is.
//
// The returned payload and byte-array header values share one newly
// allocated buffer, owned by the caller.
func (d *Decoder) ReadMessage() (Message, error) {
	if d.err != nil {
		return Message{}, d.err
	}
	m, err := d.readMessage()
	if err != nil {
		d.err = err
		return Message{}, err
	}
	return m, nil
}

func (d *Decoder) readMessage() (Message, error) {
	var prelude [preludeLength]byte
	if _, err := io.ReadFull(d.r, prelude[:]); err != nil {
		return Message{}, err // io.EOF only if no byte was read
	}
	total := binary.BigEndian.Uint32(prelude[0:4])
	headersLen := binary.BigEndian.Uint32(prelude[4:8])
	if got, want := binary.BigEndian.Uint32(prelude[8:12]), crc32.ChecksumIEEE(prelude[:8]); got != want {
		return Message{}, fmt.Errorf("%w: prelude CRC is %#08x, want %#08x", ErrChecksum, got, want)
	}
	switch {
	case total < minMessageLength:
		return Message{}, fmt.Errorf("%w: total length %d is below the minimum of %d", ErrMalformed, total, minMessageLength)
	case total > MaxMessageLength:
		return Message{}, fmt.Errorf("%w: message is %d bytes, limit is %d", ErrTooLarge, total, MaxMessageLength)
	case headersLen > total-minMessageLength:
		return Message{}, fmt.Errorf("%w: headers length %d exceeds total length %d minus %d",
			ErrMalformed, headersLen, total, minMessageLength)
	}

	rest, err := readFull(d.r, int(total)-preludeLength)
	if err != nil {
		return Message{}, err
	}
	body, crcBytes := rest[:len(rest)-crcLength], rest[len(rest)-crcLength:]
	want := crc32.Update(crc32.ChecksumIEEE(prelude[:]), crc32.IEEETable, body)
	if got := binary.BigEndian.Uint32(crcBytes); got != want {
		return Message{}, fmt.Errorf("%w: message CRC is %#08x, want %#08x", ErrChecksum, got, want)
	}

	headers, err := parseHeaders(body[:headersLen:headersLen])
	if err != nil {
		return Message{}, err
	}
	var payload []byte
	if len(body) > int(headersLen) {
		payload = body[headersLen:len(body):len(body)]
	}
	return Message{Headers: headers, Payload: payload}, nil
}

// readFull reads exactly n bytes from r. The buffer grows with the bytes
// actually received, starting at initialReadSize, so a prelude announcing a
// large message on a stream that then ends costs little memory. A stream
// ending before n bytes yields io.ErrUnexpectedEOF.
func readFull(r io.Reader, n int) ([]byte, error) {
	b := make([]byte, 0, min(n, initialReadSize))
	for len(b) < n {
		if len(b) == cap(b) {
			b = slices.Grow(b, min(n-len(b), len(b)))
		}
		k, err := io.ReadFull(r, b[len(b):min(n, cap(b))])
		b = b[:len(b)+k]
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
	}
	return b, nil
}

// parseHeaders decodes a header section. String values are copied; byte
// arrays alias b.
func parseHeaders(b []byte) ([]Header, error) {
	var headers []Header
	for len(b) > 0 {
		nameLen := int(b[0])
		if nameLen == 0 {
			return nil, fmt.Errorf("%w: header %d has an empty name", ErrMalformed, len(headers))
		}
		if len(b) < 1+nameLen+1 {
			return nil, fmt.Errorf("%w: header %d overruns the header section", ErrMalformed, len(headers))
		}
		name := string(b[1 : 1+nameLen])
		typ := HeaderType(b[1+nameLen])
		b = b[1+nameLen+1:]

		value, n, err := parseValue(typ, b)
		if err != nil {
			return nil, fmt.Errorf("%w: header %q: %s", ErrMalformed, name, err)
		}
		b = b[n:]
		headers = append(headers, Header{Name: name, Value: value})
	}
	return headers, nil
}

// parseValue decodes a value of type typ from the start of b and returns it
// with the number of bytes it used.
func parseValue(typ HeaderType, b []byte) (HeaderValue, int, error) {
	var size int
	switch typ {
	case TypeBoolTrue, TypeBoolFalse:
		size = 0
	case TypeByte:
		size = 1
	case TypeInt16:
		size = 2
	case TypeInt32:
		size = 4
	case TypeInt64, TypeTimestamp:
		size = 8
	case TypeUUID:
		size = 16
	case TypeByteArray, TypeString:
		if len(b) < 2 {
			return nil, 0, fmt.Errorf("%s length overruns the header section", typ)
		}
		size = 2 + int(binary.BigEndian.Uint16(b))
	default:
		return nil, 0, fmt.Errorf("unknown value type %d", uint8(typ))
	}
	if len(b) < size {
		return nil, 0, fmt.Errorf("%s value overruns the header section", typ)
	}
	b = b[:size:size]

	var v HeaderValue
	switch typ {
	case TypeBoolTrue:
		v = BoolValue(true)
	case TypeBoolFalse:
		v = BoolValue(false)
	case TypeByte:
		v = Int8Value(b[0])
	case TypeInt16:
		v = Int16Value(binary.BigEndian.Uint16(b))
	case TypeInt32:
		v = Int32Value(binary.BigEndian.Uint32(b))
	case TypeInt64:
		v = Int64Value(binary.BigEndian.Uint64(b))
	case TypeTimestamp:
		v = TimestampValue(time.UnixMilli(int64(binary.BigEndian.Uint64(b))).UTC())
	case TypeUUID:
		v = UUIDValue(b)
	case TypeByteArray:
		v = BytesValue(b[2:])
	case TypeString:
		v = StringValue(b[2:])
	}
	return v, size, nil
}
