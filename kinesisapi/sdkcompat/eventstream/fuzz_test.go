package eventstream_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"github.com/freshet-io/freshet/kinesisapi/internal/eventstream"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzDecode feeds arbitrary streams to the decoder. It must never panic;
// every message it accepts must re-encode to exactly the bytes it was read
// from and be accepted, with the same content, by the AWS SDK's decoder; and
// the SDK must not accept a first message we reject, except where we are
// deliberately stricter (empty names, eventstream.MaxMessageLength, a lone name-length
// byte ending the header section).
func FuzzDecode(f *testing.F) {
	var seeds [][]byte
	for _, tc := range roundTripCases {
		if b := mustEncode(f, tc.m); len(b) < 4096 {
			seeds = append(seeds, b)
		}
	}
	for _, v := range awsVectors {
		seeds = append(seeds, mustHex(f, v.hex))
	}
	golden := mustHex(f, goldenHex)
	event := mustEncode(f, eventstream.EventMessage("SubscribeToShardEvent", "application/json", []byte(`{"Records":[]}`)))
	seeds = append(seeds,
		nil,
		append(bytes.Clone(golden), event...), // a stream of two messages
		append(bytes.Clone(golden), event[:30]...), // complete then truncated
		golden[:5], golden[:12], golden[:len(golden)-1], // truncated
		frame([]byte{0, byte(eventstream.TypeBoolTrue)}, nil),                // empty name
		frame([]byte{1, 'a', 10}, nil),                                       // unknown type
		frame([]byte{1, 'a', byte(eventstream.TypeString), 0, 9, 'x'}, nil),  // value overrun
		frameLengths(eventstream.MaxMessageLength+1, 0, nil),                 // too large
		frameLengths(20, 5, []byte("abcd")),                                  // headers_length > total-16
		frameLengths(eventstream.MaxMessageLength, 0, make([]byte, 64))[:76], // lying length
	)
	for i := range 8 { // bit flips across the golden message
		b := bytes.Clone(golden)
		b[i*len(b)/8] ^= 0x10
		seeds = append(seeds, b)
	}
	for _, s := range seeds {
		f.Add(s)
	}

	f.Fuzz(checkStream)
}

// FuzzDecodeFramed fuzzes the header section and payload of a message whose
// lengths and checksums are valid, which random mutation of whole messages
// (FuzzDecode) rarely achieves, so that header parsing gets explored.
func FuzzDecodeFramed(f *testing.F) {
	for _, tc := range roundTripCases {
		if b := mustEncode(f, tc.m); len(b) < 4096 {
			headersLen := binary.BigEndian.Uint32(b[4:8])
			f.Add(b[12:12+headersLen], b[12+headersLen:len(b)-4])
		}
	}
	f.Add([]byte{0, byte(eventstream.TypeBoolTrue)}, []byte(nil))
	f.Add([]byte{1, 'a', 10}, []byte(nil))
	f.Add([]byte{1, 'a', byte(eventstream.TypeString), 0, 9, 'x'}, []byte("payload"))
	f.Fuzz(func(t *testing.T, headers, payload []byte) {
		checkStream(t, frame(headers, payload))
	})
}

// checkStream decodes data as a stream and checks the properties listed on
// FuzzDecode.
func checkStream(t *testing.T, data []byte) {
	r := bytes.NewReader(data)
	dec := eventstream.NewDecoder(r)
	start := 0
	for i := 0; ; i++ {
		m, err := dec.ReadMessage()
		if err != nil {
			checkDecodeError(t, data, start, err)
			if i == 0 {
				checkSDKRejects(t, data, err)
			}
			return
		}
		end := len(data) - r.Len()
		raw := data[start:end]
		start = end

		enc, err := eventstream.AppendMessage(nil, m)
		// The decoder accepts splits the encoder refuses to produce.
		if !errors.Is(err, eventstream.ErrTooLarge) || !exceedsEncoderLimits(raw, m) {
			require.NoError(t, err, "message %d: decoded %#v from %x, but re-encoding failed", i, m, raw)
			require.Equal(t, raw, enc, "message %d: decoded from\n%x\nre-encoded as\n%x", i, raw, enc)
		}

		sm, err := sdkDecode(raw)
		require.NoError(t, err, "message %d: we accepted %x, the SDK rejected it", i, raw)
		if hasDuplicateNames(m) {
			continue // the SDK merges repeated names
		}
		back, err := fromSDK(sm)
		require.NoError(t, err)
		if enc, err := eventstream.AppendMessage(nil, back); err == nil {
			require.Equal(t, raw, enc, "message %d: the SDK decoded %x differently: %#v", i, raw, back)
		}
	}
}

// checkDecodeError checks that err, returned for the message starting at
// data[start:], is one of the documented errors.
func checkDecodeError(t *testing.T, data []byte, start int, err error) {
	t.Helper()
	switch {
	case err == io.EOF:
		require.Equal(t, len(data), start, "io.EOF with %d bytes left", len(data)-start)
	case err == io.ErrUnexpectedEOF:
		require.NotEqual(t, len(data), start, "io.ErrUnexpectedEOF at a message boundary")
	case errors.Is(err, eventstream.ErrChecksum), errors.Is(err, eventstream.ErrMalformed), errors.Is(err, eventstream.ErrTooLarge):
	default:
		require.Failf(t, "undocumented error", "undocumented error %v", err)
	}
}

// checkSDKRejects checks that the SDK's decoder also rejects a first
// message our decoder rejected with err, unless we refused it for one of
// our own extra checks.
func checkSDKRejects(t *testing.T, data []byte, err error) {
	t.Helper()
	if err == io.EOF {
		return
	}
	sm, sdkErr := sdkDecodeFirst(data)
	if sdkErr != nil {
		return
	}
	if errors.Is(err, eventstream.ErrTooLarge) {
		return // the SDK has no eventstream.MaxMessageLength
	}
	for _, h := range sm.Headers {
		if h.Name == "" {
			return // the SDK accepts empty names
		}
	}
	if endsInLoneNameLength(data) {
		return // the SDK ignores it (see TestDanglingNameLength)
	}
	require.Failf(t, "the SDK accepted a message we rejected", "we rejected %x (%v), the SDK accepted %#v", data, err, sm)
}

// endsInLoneNameLength reports whether the header section of the first
// message in data ends in a lone non-zero name-length byte and would be
// well-formed without it.
func endsInLoneNameLength(data []byte) bool {
	if len(data) < minMessageLength {
		return false
	}
	total := binary.BigEndian.Uint32(data[0:4])
	headersLen := binary.BigEndian.Uint32(data[4:8])
	if total < minMessageLength || int64(total) > int64(len(data)) || headersLen == 0 || headersLen > total-minMessageLength {
		return false
	}
	headers := data[preludeLength : preludeLength+headersLen]
	payload := data[preludeLength+headersLen : total-crcLength]
	if headers[len(headers)-1] == 0 {
		return false
	}
	_, err := eventstream.NewDecoder(bytes.NewReader(frame(headers[:len(headers)-1], payload))).ReadMessage()
	return err == nil
}

// exceedsEncoderLimits reports whether a decoded message is larger than the
// encoder allows, which the decoder does not check.
func exceedsEncoderLimits(raw []byte, m eventstream.Message) bool {
	headersLen := binary.BigEndian.Uint32(raw[4:8])
	return headersLen > eventstream.MaxHeadersLength || len(m.Payload) > eventstream.MaxPayloadLength
}
