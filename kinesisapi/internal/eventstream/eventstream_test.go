package eventstream

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goldenHex is the encoding of
//
//	Message{Headers: []Header{{":message-type", StringValue("event")}}, Payload: []byte("{}")}
//
// worked out by hand from docs/kinesis-notes.md §1.7.2 (the two CRCs were computed
// independently with Python's zlib.crc32):
//
//	00000028          total_length   = 16 + 22 + 2 = 40
//	00000016          headers_length = 22
//	60470efd          prelude_crc    = crc32(00000028 00000016)
//	0d                name_len       = 13
//	3a6d6573 73616765 2d747970 65    ":message-type"
//	07                type           = string
//	0005              value length   = 5
//	6576656e 74       "event"
//	7b7d              payload        = "{}"
//	b7184afc          message_crc    = crc32(all 36 preceding bytes)
const goldenHex = "00000028" + "00000016" + "60470efd" +
	"0d" + "3a6d6573736167652d74797065" + "07" + "0005" + "6576656e74" +
	"7b7d" +
	"b7184afc"

func goldenMessage() Message {
	return Message{
		Headers: []Header{{Name: ":message-type", Value: StringValue("event")}},
		Payload: []byte("{}"),
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func mustEncode(t testing.TB, m Message) []byte {
	t.Helper()
	b, err := AppendMessage(nil, m)
	require.NoError(t, err, "AppendMessage")
	return b
}

func decodeOne(t testing.TB, b []byte) Message {
	t.Helper()
	r := bytes.NewReader(b)
	m, err := NewDecoder(r).ReadMessage()
	require.NoError(t, err, "ReadMessage")
	require.Zero(t, r.Len(), "ReadMessage left bytes unread")
	return m
}

// frame builds a message from raw header-section bytes and a payload with
// valid checksums, independently of AppendMessage, so tests can frame
// header sections the encoder would refuse to produce.
func frame(headers, payload []byte) []byte {
	total := minMessageLength + len(headers) + len(payload)
	return frameLengths(uint32(total), uint32(len(headers)), append(append([]byte(nil), headers...), payload...))
}

// frameLengths builds a message with the given prelude lengths (true or
// not) followed by body, with valid checksums.
func frameLengths(total, headersLen uint32, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, total)
	b = binary.BigEndian.AppendUint32(b, headersLen)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	b = append(b, body...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// ms returns the decoded form of a timestamp of the given epoch
// milliseconds.
func ms(n int64) TimestampValue { return TimestampValue(time.UnixMilli(n).UTC()) }

func TestGolden(t *testing.T) {
	want := mustHex(t, goldenHex)

	got := mustEncode(t, goldenMessage())
	assert.Equal(t, want, got, "AppendMessage =\n%x\nwant\n%x", got, want)

	var buf bytes.Buffer
	require.NoError(t, NewEncoder(&buf).WriteMessage(goldenMessage()))
	assert.Equal(t, want, buf.Bytes(), "WriteMessage wrote\n%x\nwant\n%x", buf.Bytes(), want)

	assert.Equal(t, goldenMessage(), decodeOne(t, want), "ReadMessage")
}

// roundTripCases are messages that must survive encode/decode unchanged.
// Timestamps have whole milliseconds and are in UTC, empty payloads are nil
// and empty byte arrays non-nil, as the decoder returns them.
var roundTripCases = []struct {
	name string
	m    Message
}{
	{"empty", Message{}},
	{"payload only", Message{Payload: []byte(`{"Records":[]}`)}},
	{"binary payload", Message{Payload: []byte{0, 1, 2, 0xff, 0xfe, 0}}},
	{"header only", Message{Headers: []Header{{":message-type", StringValue("event")}}}},
	{"golden", goldenMessage()},
	{"bool true", Message{Headers: []Header{{"b", BoolValue(true)}}}},
	{"bool false", Message{Headers: []Header{{"b", BoolValue(false)}}}},
	{"byte", Message{Headers: []Header{{"min", Int8Value(math.MinInt8)}, {"max", Int8Value(math.MaxInt8)}, {"neg", Int8Value(-49)}}}},
	{"int16", Message{Headers: []Header{{"min", Int16Value(math.MinInt16)}, {"max", Int16Value(math.MaxInt16)}}}},
	{"int32", Message{Headers: []Header{{"min", Int32Value(math.MinInt32)}, {"max", Int32Value(math.MaxInt32)}, {"x", Int32Value(40972)}}}},
	{"int64", Message{Headers: []Header{{"min", Int64Value(math.MinInt64)}, {"max", Int64Value(math.MaxInt64)}}}},
	{"byte array", Message{Headers: []Header{{"empty", BytesValue{}}, {"bytes", BytesValue("I'm a little teapot!")}}}},
	{"string", Message{Headers: []Header{{"empty", StringValue("")}, {"utf8", StringValue("héllo, 世界")}}}},
	{"timestamp", Message{Headers: []Header{
		{"epoch", ms(0)}, {"now", ms(1700000000123)}, {"before epoch", ms(-1)},
		{"min", ms(math.MinInt64)}, {"max", ms(math.MaxInt64)},
	}}},
	{"uuid", Message{Headers: []Header{{"id", UUIDValue{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}}}}},
	{"all types", Message{
		Headers: []Header{
			{"true", BoolValue(true)}, {"false", BoolValue(false)}, {"byte", Int8Value(-1)},
			{"int16", Int16Value(42)}, {"int32", Int32Value(-42)}, {"int64", Int64Value(42424242)},
			{"bytes", BytesValue{0, 1}}, {"string", StringValue("s")}, {"timestamp", ms(8675309)},
			{"uuid", UUIDValue{0xff}},
		},
		Payload: []byte("{'foo':'bar'}"),
	}},
	{"duplicate names kept in order", Message{Headers: []Header{{"a", StringValue("1")}, {"b", StringValue("2")}, {"a", StringValue("3")}}}},
	{"longest name", Message{Headers: []Header{{strings.Repeat("n", MaxHeaderNameLength), StringValue("v")}}}},
	{"longest string", Message{Headers: []Header{{"s", StringValue(strings.Repeat("s", MaxHeaderValueLength))}}}},
	{"longest byte array", Message{Headers: []Header{{"b", BytesValue(bytes.Repeat([]byte{7}, MaxHeaderValueLength))}}}},
	{"largest header section", Message{Headers: []Header{
		// 2 × (1 + 1 + 1 + 2) + 65535 + 65527 = 131072 = MaxHeadersLength
		{"a", StringValue(strings.Repeat("a", MaxHeaderValueLength))},
		{"b", BytesValue(bytes.Repeat([]byte{'b'}, MaxHeadersLength-10-MaxHeaderValueLength))},
	}}},
	{"event", EventMessage("SubscribeToShardEvent", "application/json", []byte(`{"Records":[],"ContinuationSequenceNumber":"1","MillisBehindLatest":0}`))},
	{"initial response", EventMessage("initial-response", "application/json", []byte("{}"))},
	{"exception", ExceptionMessage("ResourceInUseException", "application/json", []byte(`{"message":"taken over"}`))},
	{"error", ErrorMessage("InternalFailure", "something broke")},
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range roundTripCases {
		t.Run(tc.name, func(t *testing.T) {
			b := mustEncode(t, tc.m)
			assert.Equal(t, len(b), int(binary.BigEndian.Uint32(b)), "total_length, against the length of the encoding")
			got := decodeOne(t, b)
			assert.Equal(t, tc.m, got, "decoded")
			assert.Equal(t, b, mustEncode(t, got), "re-encoding the decoded message changed the bytes")
		})
	}
}

func TestRoundTripLargestMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates about 100 MiB")
	}
	var m Message
	for _, tc := range roundTripCases {
		if tc.name == "largest header section" {
			m.Headers = tc.m.Headers
		}
	}
	m.Payload = bytes.Repeat([]byte{0xa5}, MaxPayloadLength)
	b := mustEncode(t, m)
	require.Equal(t, MaxMessageLength, len(b), "encoded bytes, want MaxMessageLength")
	// Not assert.Equal: its diff of two 16 MiB messages is useless.
	assert.True(t, reflect.DeepEqual(m, decodeOne(t, b)), "largest message did not round-trip")
}

func TestTimestampEncoding(t *testing.T) {
	// Sub-millisecond precision is dropped and the zone is not encoded.
	zone := time.FixedZone("UTC+5", 5*60*60)
	in := time.Date(2024, 2, 29, 12, 34, 56, 789_999_999, zone)
	m := Message{Headers: []Header{{"t", TimestampValue(in)}}}
	got := decodeOne(t, mustEncode(t, m))
	tv := time.Time(got.Headers[0].Value.(TimestampValue))
	want := time.Date(2024, 2, 29, 7, 34, 56, 789_000_000, time.UTC)
	assert.True(t, tv.Equal(want), "decoded %v, want %v", tv, want)
	assert.Same(t, time.UTC, tv.Location(), "decoded %v, want %v", tv, want)
}

func TestDecodeStream(t *testing.T) {
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	for _, tc := range roundTripCases {
		require.NoError(t, enc.WriteMessage(tc.m), tc.name)
	}

	readers := map[string]func(io.Reader) io.Reader{
		"plain":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
		"data+EOF": iotest.DataErrReader,
	}
	for name, wrap := range readers {
		t.Run(name, func(t *testing.T) {
			dec := NewDecoder(wrap(bytes.NewReader(buf.Bytes())))
			for _, tc := range roundTripCases {
				got, err := dec.ReadMessage()
				require.NoError(t, err, tc.name)
				require.Equal(t, tc.m, got, "%s: decoded", tc.name)
			}
			for range 2 { // io.EOF is sticky
				_, err := dec.ReadMessage()
				// Same, not ErrorIs: the decoder must return io.EOF itself.
				require.Same(t, io.EOF, err, "after the last message: err = %v, want io.EOF", err)
			}
		})
	}
}

func TestDecodeTruncated(t *testing.T) {
	full := mustEncode(t, ExceptionMessage("ResourceInUseException", "application/json", []byte(`{"message":"m"}`)))
	_, err := NewDecoder(bytes.NewReader(nil)).ReadMessage()
	assert.Same(t, io.EOF, err, "empty stream: err = %v, want io.EOF", err)
	for n := 1; n < len(full); n++ {
		_, err := NewDecoder(bytes.NewReader(full[:n])).ReadMessage()
		assert.Same(t, io.ErrUnexpectedEOF, err, "first %d of %d bytes: err = %v, want io.ErrUnexpectedEOF", n, len(full), err)
	}
	// A second, truncated message after a complete one.
	two := append(append([]byte(nil), full...), full[:20]...)
	dec := NewDecoder(bytes.NewReader(two))
	_, err = dec.ReadMessage()
	require.NoError(t, err)
	_, err = dec.ReadMessage()
	assert.Same(t, io.ErrUnexpectedEOF, err, "truncated second message: err = %v, want io.ErrUnexpectedEOF", err)
}

func TestDecodeCorrupted(t *testing.T) {
	full := mustHex(t, goldenHex)
	for i := range full {
		for bit := range 8 {
			b := bytes.Clone(full)
			b[i] ^= 1 << bit
			_, err := NewDecoder(bytes.NewReader(b)).ReadMessage()
			// Flips in the lengths are caught by the prelude CRC before the
			// lengths are trusted; every other flip by one of the two CRCs.
			assert.ErrorIs(t, err, ErrChecksum, "byte %d bit %d flipped", i, bit)
		}
	}
}

func TestDecodeMalformed(t *testing.T) {
	str := func(name, value string) []byte { // a well-formed string header
		b := append([]byte{byte(len(name))}, name...)
		b = append(b, byte(TypeString))
		b = binary.BigEndian.AppendUint16(b, uint16(len(value)))
		return append(b, value...)
	}
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"total below minimum", frameLengths(15, 0, nil)[:15], ErrMalformed},
		{"total zero", frameLengths(0, 0, nil)[:12], ErrMalformed},
		{"total above maximum", frameLengths(MaxMessageLength+1, 0, nil)[:12], ErrTooLarge},
		{"total max uint32", frameLengths(math.MaxUint32, 0, nil)[:12], ErrTooLarge},
		{"headers length exceeds total", frameLengths(20, 5, []byte("abcd")), ErrMalformed},
		{"headers length max uint32", frameLengths(20, math.MaxUint32, []byte("abcd")), ErrMalformed},
		{"empty header name", frame([]byte{0, byte(TypeBoolTrue)}, nil), ErrMalformed},
		{"name overruns section", frame([]byte{5, 'a', 'b'}, nil), ErrMalformed},
		{"missing type byte", frame([]byte{1, 'a'}, nil), ErrMalformed},
		{"unknown type 10", frame([]byte{1, 'a', 10}, nil), ErrMalformed},
		{"unknown type 255", frame([]byte{1, 'a', 255}, nil), ErrMalformed},
		{"int32 overruns section", frame([]byte{1, 'a', byte(TypeInt32), 0, 0}, []byte("payload")), ErrMalformed},
		{"uuid overruns section", frame([]byte{1, 'a', byte(TypeUUID), 1, 2, 3}, nil), ErrMalformed},
		{"string length overruns section", frame([]byte{1, 'a', byte(TypeString), 0}, nil), ErrMalformed},
		{"string value overruns section", frame([]byte{1, 'a', byte(TypeString), 0, 3, 'x'}, []byte("yz")), ErrMalformed},
		{"byte array overruns section", frame([]byte{1, 'a', byte(TypeByteArray), 0xff, 0xff}, nil), ErrMalformed},
		{"bad second header", frame(append(str("ok", "v"), 0), nil), ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dec := NewDecoder(bytes.NewReader(tc.in))
			_, err := dec.ReadMessage()
			require.ErrorIs(t, err, tc.want)
			_, again := dec.ReadMessage()
			assert.Same(t, err, again, "second call: err = %v, want the sticky %v", again, err)
		})
	}
}

func TestDecodeLyingLengthAllocatesLittle(t *testing.T) {
	// A prelude announcing the largest message, followed by only 100 bytes.
	in := frameLengths(MaxMessageLength, 0, make([]byte, 100))[:12+100]
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := NewDecoder(bytes.NewReader(in)).ReadMessage()
	runtime.ReadMemStats(&after)
	require.Same(t, io.ErrUnexpectedEOF, err, "err = %v, want io.ErrUnexpectedEOF", err)
	assert.LessOrEqual(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated for a 112-byte stream")
}

func TestDecodeReaderError(t *testing.T) {
	boom := errors.New("boom")
	full := mustHex(t, goldenHex)
	for _, n := range []int{0, 5, 12, 30} {
		r := io.MultiReader(bytes.NewReader(full[:n]), iotest.ErrReader(boom))
		_, err := NewDecoder(r).ReadMessage()
		assert.Same(t, boom, err, "error after %d bytes: err = %v, want %v", n, err, boom)
	}
}

func TestEncodeErrors(t *testing.T) {
	long := strings.Repeat("x", MaxHeaderValueLength+1)
	tests := []struct {
		name string
		m    Message
		want error
	}{
		{"payload too large", Message{Payload: make([]byte, MaxPayloadLength+1)}, ErrTooLarge},
		{"headers too large", Message{Headers: []Header{
			{"a", StringValue(long[:MaxHeaderValueLength])},
			{"b", StringValue(long[:MaxHeadersLength-10-MaxHeaderValueLength+1])},
		}}, ErrTooLarge},
		{"name too long", Message{Headers: []Header{{strings.Repeat("n", MaxHeaderNameLength+1), BoolValue(true)}}}, ErrTooLarge},
		{"string too long", Message{Headers: []Header{{"s", StringValue(long)}}}, ErrTooLarge},
		{"byte array too long", Message{Headers: []Header{{"b", BytesValue(long)}}}, ErrTooLarge},
		{"empty name", Message{Headers: []Header{{"", StringValue("v")}}}, ErrInvalidHeader},
		{"nil value", Message{Headers: []Header{{"ok", StringValue("v")}, {"nil", nil}}}, ErrInvalidHeader},
		{"error message too long", ErrorMessage("Code", long), ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dst := []byte("prefix")
			got, err := AppendMessage(dst, tc.m)
			assert.ErrorIs(t, err, tc.want, "AppendMessage")
			assert.Equal(t, "prefix", string(got), "AppendMessage changed dst")

			var buf bytes.Buffer
			enc := NewEncoder(&buf)
			assert.ErrorIs(t, enc.WriteMessage(tc.m), tc.want, "WriteMessage")
			assert.Zero(t, buf.Len(), "WriteMessage wrote bytes for an invalid message")
			// The encoder stays usable.
			require.NoError(t, enc.WriteMessage(goldenMessage()))
			assert.Equal(t, mustHex(t, goldenHex), buf.Bytes(), "message after a refused one was not encoded correctly")
		})
	}
}

// writeCounter records the size of every Write call.
type writeCounter struct{ writes []int }

func (w *writeCounter) Write(p []byte) (int, error) {
	w.writes = append(w.writes, len(p))
	return len(p), nil
}

func TestWriteMessageWritesOnce(t *testing.T) {
	var w writeCounter
	enc := NewEncoder(&w)
	var want []int
	for _, tc := range roundTripCases {
		require.NoError(t, enc.WriteMessage(tc.m))
		want = append(want, len(mustEncode(t, tc.m)))
	}
	assert.Equal(t, want, w.writes, "Write calls of %v bytes, want one per message: %v", w.writes, want)
}

func TestWriteMessageWriterError(t *testing.T) {
	boom := errors.New("boom")
	enc := NewEncoder(writerFunc(func([]byte) (int, error) { return 0, boom }))
	err := enc.WriteMessage(goldenMessage())
	assert.Same(t, boom, err, "err = %v, want %v", err, boom)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestAppendMessageKeepsPrefix(t *testing.T) {
	b, err := AppendMessage([]byte("prefix"), goldenMessage())
	require.NoError(t, err)
	want := "prefix" + string(mustHex(t, goldenHex))
	assert.Equal(t, want, string(b), "AppendMessage = %x, want %x", b, want)
}

func TestMessageHeader(t *testing.T) {
	m := Message{Headers: []Header{
		{"s", StringValue("first")},
		{"n", Int32Value(1)},
		{"s", StringValue("second")},
		{"empty", StringValue("")},
	}}
	tests := []struct {
		name   string
		want   string
		wantOK bool
	}{
		{"s", "first", true},
		{"empty", "", true},
		{"n", "", false},
		{"missing", "", false},
	}
	for _, tc := range tests {
		got, ok := m.Header(tc.name)
		assert.Equal(t, tc.want, got, "Header(%q)", tc.name)
		assert.Equal(t, tc.wantOK, ok, "Header(%q) ok", tc.name)
	}
}

func TestKinesisMessages(t *testing.T) {
	tests := []struct {
		name string
		m    Message
		want map[string]string
	}{
		{"event", EventMessage("SubscribeToShardEvent", "application/json", []byte("{}")), map[string]string{
			":message-type": "event", ":event-type": "SubscribeToShardEvent", ":content-type": "application/json",
		}},
		{"exception", ExceptionMessage("ResourceInUseException", "application/json", []byte("{}")), map[string]string{
			":message-type": "exception", ":exception-type": "ResourceInUseException", ":content-type": "application/json",
		}},
		{"error", ErrorMessage("InternalFailure", "oops"), map[string]string{
			":message-type": "error", ":error-code": "InternalFailure", ":error-message": "oops",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := decodeOne(t, mustEncode(t, tc.m))
			assert.Equal(t, len(tc.want), len(m.Headers), "number of headers")
			assert.Equal(t, MessageTypeHeader, m.Headers[0].Name, "first header")
			for name, want := range tc.want {
				got, ok := m.Header(name)
				assert.True(t, ok, "Header(%q) = %q, %v; want %q", name, got, ok, want)
				assert.Equal(t, want, got, "Header(%q)", name)
			}
		})
	}
}

func TestHeaderTypeString(t *testing.T) {
	want := []string{"bool_true", "bool_false", "byte", "int16", "int32", "int64", "byte_array", "string", "timestamp", "uuid", "HeaderType(10)"}
	for i, w := range want {
		assert.Equal(t, w, HeaderType(i).String(), "HeaderType(%d).String()", i)
	}
	values := []HeaderValue{BoolValue(true), BoolValue(false), Int8Value(0), Int16Value(0), Int32Value(0), Int64Value(0),
		BytesValue(nil), StringValue(""), TimestampValue{}, UUIDValue{}}
	for i, v := range values {
		assert.Equal(t, HeaderType(i), v.Type(), "%T(%v).Type() = %v, want %v", v, v, v.Type(), HeaderType(i))
	}
}
