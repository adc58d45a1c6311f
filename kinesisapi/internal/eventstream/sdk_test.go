package eventstream

// Fidelity tests against the event-stream codec of the AWS SDK for Go v2,
// the code our users' SubscribeToShard clients run.

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	awses "github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

// sdkCanEncode reports whether the SDK's encoder can encode m faithfully.
// It refuses string and byte-array values longer than 32767 bytes (its
// decoder accepts the full 65535), and it computes timestamps through
// time.Time.UnixNano, which overflows outside the years 1678 to 2262.
func sdkCanEncode(m Message) bool {
	for _, h := range m.Headers {
		switch v := h.Value.(type) {
		case StringValue:
			if len(v) > 1<<15-1 {
				return false
			}
		case BytesValue:
			if len(v) > 1<<15-1 {
				return false
			}
		case TimestampValue:
			if y := time.Time(v).Year(); y < 1678 || y > 2261 {
				return false
			}
		}
	}
	return true
}

// toSDK converts m to the SDK's representation, keeping duplicate headers.
func toSDK(t testing.TB, m Message) awses.Message {
	t.Helper()
	var hs awses.Headers
	for _, h := range m.Headers {
		var v awses.Value
		switch x := h.Value.(type) {
		case BoolValue:
			v = awses.BoolValue(x)
		case Int8Value:
			v = awses.Int8Value(x)
		case Int16Value:
			v = awses.Int16Value(x)
		case Int32Value:
			v = awses.Int32Value(x)
		case Int64Value:
			v = awses.Int64Value(x)
		case BytesValue:
			v = awses.BytesValue(x)
		case StringValue:
			v = awses.StringValue(x)
		case TimestampValue:
			v = awses.TimestampValue(time.Time(x))
		case UUIDValue:
			v = awses.UUIDValue(x)
		default:
			t.Fatalf("toSDK: unexpected value %T", x)
		}
		hs = append(hs, awses.Header{Name: h.Name, Value: v})
	}
	return awses.Message{Headers: hs, Payload: m.Payload}
}

// fromSDK converts an SDK message to ours.
func fromSDK(m awses.Message) (Message, error) {
	var out Message
	for _, h := range m.Headers {
		var v HeaderValue
		switch x := h.Value.(type) {
		case awses.BoolValue:
			v = BoolValue(x)
		case awses.Int8Value:
			v = Int8Value(x)
		case awses.Int16Value:
			v = Int16Value(x)
		case awses.Int32Value:
			v = Int32Value(x)
		case awses.Int64Value:
			v = Int64Value(x)
		case awses.BytesValue:
			v = BytesValue(x)
		case awses.StringValue:
			v = StringValue(x)
		case awses.TimestampValue:
			v = TimestampValue(time.Time(x))
		case awses.UUIDValue:
			v = UUIDValue(x)
		default:
			return Message{}, fmt.Errorf("fromSDK: unexpected value %T", x)
		}
		out.Headers = append(out.Headers, Header{Name: h.Name, Value: v})
	}
	out.Payload = m.Payload
	return out, nil
}

func hasDuplicateNames(m Message) bool {
	seen := map[string]bool{}
	for _, h := range m.Headers {
		if seen[h.Name] {
			return true
		}
		seen[h.Name] = true
	}
	return false
}

func sdkDecode(b []byte) (awses.Message, error) {
	r := bytes.NewReader(b)
	m, err := awses.NewDecoder().Decode(r, nil)
	if err == nil && r.Len() != 0 {
		err = fmt.Errorf("SDK decoder left %d bytes unread", r.Len())
	}
	return m, err
}

// sdkDecodeFirst decodes the first message of b with the SDK's decoder.
func sdkDecodeFirst(b []byte) (awses.Message, error) {
	return awses.NewDecoder().Decode(bytes.NewReader(b), nil)
}

// TestSDKDecodesOurMessages encodes with our encoder and decodes with the
// SDK's decoder.
func TestSDKDecodesOurMessages(t *testing.T) {
	for _, tc := range roundTripCases {
		t.Run(tc.name, func(t *testing.T) {
			sm, err := sdkDecode(mustEncode(t, tc.m))
			if err != nil {
				t.Fatalf("SDK Decode: %v", err)
			}
			if hasDuplicateNames(tc.m) {
				// The SDK's decoder keeps the last value of a repeated name,
				// at the position of the first.
				return
			}
			got, err := fromSDK(sm)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.m) {
				t.Errorf("SDK decoded\n%#v\nwant\n%#v", got, tc.m)
			}
		})
	}
}

// TestWeDecodeSDKMessages encodes with the SDK's encoder and decodes with
// ours, one message at a time and as one stream. The two encoders must
// produce identical bytes.
func TestWeDecodeSDKMessages(t *testing.T) {
	var stream bytes.Buffer
	var want []Message
	sdkEnc := awses.NewEncoder()
	for _, tc := range roundTripCases {
		if !sdkCanEncode(tc.m) {
			continue
		}
		var buf bytes.Buffer
		if err := sdkEnc.Encode(&buf, toSDK(t, tc.m)); err != nil {
			t.Fatalf("%s: SDK Encode: %v", tc.name, err)
		}
		if ours := mustEncode(t, tc.m); !bytes.Equal(buf.Bytes(), ours) {
			t.Errorf("%s: SDK encoding\n%x\ndiffers from ours\n%x", tc.name, buf.Bytes(), ours)
		}
		if got := decodeOne(t, buf.Bytes()); !reflect.DeepEqual(got, tc.m) {
			t.Errorf("%s: decoded\n%#v\nwant\n%#v", tc.name, got, tc.m)
		}
		stream.Write(buf.Bytes())
		want = append(want, tc.m)
	}

	dec := NewDecoder(&stream)
	for i, w := range want {
		got, err := dec.ReadMessage()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("message %d: decoded %#v, want %#v", i, got, w)
		}
	}
}

// TestSDKTimestamp checks that our decoder reads an SDK timestamp with
// sub-millisecond precision the way the SDK itself does.
func TestSDKTimestamp(t *testing.T) {
	in := time.Date(1969, 7, 20, 20, 17, 40, 123_456_789, time.FixedZone("X", -3600))
	var buf bytes.Buffer
	sm := awses.Message{Headers: awses.Headers{{Name: "t", Value: awses.TimestampValue(in)}}}
	if err := awses.NewEncoder().Encode(&buf, sm); err != nil {
		t.Fatal(err)
	}
	sdkGot, err := sdkDecode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	ours := decodeOne(t, buf.Bytes())
	got := time.Time(ours.Headers[0].Value.(TimestampValue))
	want := time.Time(sdkGot.Headers[0].Value.(awses.TimestampValue))
	if !got.Equal(want) || got.Location() != want.Location() {
		t.Errorf("decoded %v, the SDK decoded %v", got, want)
	}
}

// awsVectors are the encoded test vectors shipped with the SDK
// (aws/protocol/eventstream/testdata/encoded, Apache-2.0), shared by the
// AWS SDKs' event-stream test suites.
var awsVectors = []struct {
	name string
	hex  string
	want Message // for positive vectors
	err  error   // for negative vectors
}{
	{
		name: "empty_message",
		hex:  "000000100000000005c248eb7d98c8ff",
		want: Message{},
	},
	{
		name: "payload_no_headers",
		hex:  "0000001d00000000fd528c5a7b27666f6f273a27626172277dc3653936",
		want: Message{Payload: []byte("{'foo':'bar'}")},
	},
	{
		name: "payload_one_str_header",
		hex: "0000003d0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e" +
			"7b27666f6f273a27626172277d8d9c08b1",
		want: Message{
			Headers: []Header{{"content-type", StringValue("application/json")}},
			Payload: []byte("{'foo':'bar'}"),
		},
	},
	{
		name: "int32_header",
		hex:  "0000002d0000001041c424b80a6576656e742d74797065040000a00c7b27666f6f273a27626172277d36f480a0",
		want: Message{
			Headers: []Header{{"event-type", Int32Value(40972)}},
			Payload: []byte("{'foo':'bar'}"),
		},
	},
	{
		name: "all_headers",
		hex: "000000cc000000af0fae64ca0a6576656e742d74797065040000a00c0c636f6e74656e742d74797065070010" +
			"6170706c69636174696f6e2f6a736f6e0a626f6f6c2066616c73650109626f6f6c20747275650004627974" +
			"6502cf08627974652062756606001449276d2061206c6974746c6520746561706f74210974696d65737461" +
			"6d70080000000000845fed05696e74313603002a05696e7436340500000000028757b20475756964090102" +
			"030405060708090a0b0c0d0e0f107b27666f6f273a27626172277daba5f10c",
		want: Message{
			Headers: []Header{
				{"event-type", Int32Value(40972)},
				{"content-type", StringValue("application/json")},
				{"bool false", BoolValue(false)},
				{"bool true", BoolValue(true)},
				{"byte", Int8Value(-49)},
				{"byte buf", BytesValue("I'm a little teapot!")},
				{"timestamp", ms(8675309)},
				{"int16", Int16Value(42)},
				{"int64", Int64Value(42424242)},
				{"uuid", UUIDValue{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}},
			},
			Payload: []byte("{'foo':'bar'}"),
		},
	},
	{
		name: "corrupted_header_len",
		hex: "0000003d0000002107fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e" +
			"7b27666f6f273a27626172277d8d9c08b1",
		err: ErrChecksum, // "Prelude checksum mismatch"
	},
	{
		name: "corrupted_headers",
		hex: "0000003d0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e" +
			"7b61666f6f273a27626172277d8d9c08b1",
		err: ErrChecksum, // "Message checksum mismatch"
	},
	{
		name: "corrupted_length",
		hex: "0000003e0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e" +
			"7b27666f6f273a27626172277d8d9c08b1",
		err: ErrChecksum, // "Prelude checksum mismatch"
	},
	{
		name: "corrupted_payload",
		hex:  "0000001d00000000fd528c5a5b27666f6f273a27626172277dc3653936",
		err:  ErrChecksum, // "Message checksum mismatch"
	},
}

func TestAWSVectors(t *testing.T) {
	for _, v := range awsVectors {
		t.Run(v.name, func(t *testing.T) {
			in := mustHex(t, v.hex)
			got, err := NewDecoder(bytes.NewReader(in)).ReadMessage()
			if v.err != nil {
				if !errors.Is(err, v.err) {
					t.Errorf("err = %v, want %v", err, v.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, v.want) {
				t.Errorf("decoded\n%#v\nwant\n%#v", got, v.want)
			}
			if enc := mustEncode(t, v.want); !bytes.Equal(enc, in) {
				t.Errorf("encoded\n%x\nwant\n%x", enc, in)
			}
		})
	}
}

// TestDanglingNameLength pins a deliberate difference from the SDK: a
// header section whose last byte is a name length with no name after it is
// malformed. The SDK's decoder reads the missing name as a clean end of the
// headers and drops the byte; ours rejects the message. (Found by
// FuzzDecodeFramed.)
func TestDanglingNameLength(t *testing.T) {
	in := frame([]byte{0x30}, []byte("0"))
	if _, err := NewDecoder(bytes.NewReader(in)).ReadMessage(); !errors.Is(err, ErrMalformed) {
		t.Errorf("our decoder: err = %v, want ErrMalformed", err)
	}
	sm, err := sdkDecode(in)
	if err != nil || len(sm.Headers) != 0 {
		t.Errorf("SDK decoder: %d headers, err = %v; want it to drop the byte silently", len(sm.Headers), err)
	}
}
