package kinesiswm_test

import (
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kinesiswm "github.com/freshet-io/freshet/watermill"
)

func TestEnvelopeRoundTrip(t *testing.T) {
	for name, msg := range map[string]*message.Message{
		"plain":            withMetadata(message.NewMessage("3f1c7a52-0d1e-4c1b-9b7e-2a0c5d8e9f10", []byte(`{"order":42}`)), "type", "created", "trace", "abc"),
		"no metadata":      message.NewMessage("id", []byte("x")),
		"empty payload":    withMetadata(message.NewMessage("id", []byte{}), "k", ""),
		"empty uuid":       message.NewMessage("", []byte("payload")),
		"binary":           withMetadata(message.NewMessage("\x00\xff", []byte{0, 1, 2, 0xF7, 'W', 'M'}), "\x00", "\xff\xfe"),
		"long values":      withMetadata(message.NewMessage(string(make([]byte, 300)), make([]byte, 70000)), "big", string(make([]byte, 200))),
		"unicode":          withMetadata(message.NewMessage("ключ", []byte("données")), "名前", "値"),
		"payload envelope": message.NewMessage("outer", kinesiswm.MarshalEnvelope(message.NewMessage("inner", []byte("x")))),
	} {
		t.Run(name, func(t *testing.T) {
			data := kinesiswm.MarshalEnvelope(msg)
			require.True(t, kinesiswm.IsEnvelope(data))
			got, err := kinesiswm.UnmarshalEnvelope(data)
			require.NoError(t, err)
			assert.Equal(t, msg.UUID, got.UUID)
			assert.Equal(t, []byte(msg.Payload), []byte(got.Payload))
			assert.Equal(t, len(msg.Metadata), len(got.Metadata))
			for k, v := range msg.Metadata {
				assert.Equal(t, v, got.Metadata[k], k)
			}
			assert.Equal(t, data, kinesiswm.MarshalEnvelope(got), "the encoding is canonical")
			if len(msg.Payload) > 0 {
				got.Payload[0]++
				assert.NotEqual(t, got.Payload[0], data[len(data)-len(msg.Payload)], "the payload is a copy")
			}
		})
	}
}

func withMetadata(m *message.Message, kv ...string) *message.Message {
	for i := 0; i < len(kv); i += 2 {
		m.Metadata.Set(kv[i], kv[i+1])
	}
	return m
}

// The documented layout, byte for byte.
func TestEnvelopeLayout(t *testing.T) {
	msg := message.NewMessage("id1", []byte("hello"))
	msg.Metadata.Set("b", "2")
	msg.Metadata.Set("a", "1")
	want := []byte{
		0xF7, 'W', 'M', // magic
		0x01,                // version
		0x03, 'i', 'd', '1', // UUID
		0x02,                 // metadata count
		0x01, 'a', 0x01, '1', // keys in increasing order
		0x01, 'b', 0x01, '2',
		'h', 'e', 'l', 'l', 'o', // payload
	}
	assert.Equal(t, want, kinesiswm.MarshalEnvelope(msg))
}

func TestEnvelopeRejects(t *testing.T) {
	valid := kinesiswm.MarshalEnvelope(withMetadata(message.NewMessage("id", []byte("p")), "a", "1", "b", "2"))
	for name, tc := range map[string]struct {
		data []byte
		want error
	}{
		"empty":             {nil, kinesiswm.ErrNotEnvelope},
		"json":              {[]byte(`{"a":1}`), kinesiswm.ErrNotEnvelope},
		"partial magic":     {[]byte{0xF7, 'W'}, kinesiswm.ErrNotEnvelope},
		"no version":        {[]byte{0xF7, 'W', 'M'}, kinesiswm.ErrInvalidEnvelope},
		"version 2":         {[]byte{0xF7, 'W', 'M', 2, 0, 0}, kinesiswm.ErrInvalidEnvelope},
		"no uuid":           {[]byte{0xF7, 'W', 'M', 1}, kinesiswm.ErrInvalidEnvelope},
		"uuid too long":     {[]byte{0xF7, 'W', 'M', 1, 5, 'a'}, kinesiswm.ErrInvalidEnvelope},
		"no metadata count": {[]byte{0xF7, 'W', 'M', 1, 1, 'a'}, kinesiswm.ErrInvalidEnvelope},
		"count too large":   {[]byte{0xF7, 'W', 'M', 1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, kinesiswm.ErrInvalidEnvelope},
		"overlong varint":   {[]byte{0xF7, 'W', 'M', 1, 0x80, 0x00, 0}, kinesiswm.ErrInvalidEnvelope},
		"varint overflow":   {[]byte{0xF7, 'W', 'M', 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, kinesiswm.ErrInvalidEnvelope},
		"value missing":     {[]byte{0xF7, 'W', 'M', 1, 0, 1, 1, 'k'}, kinesiswm.ErrInvalidEnvelope},
		"keys out of order": {[]byte{0xF7, 'W', 'M', 1, 0, 2, 1, 'b', 0, 1, 'a', 0}, kinesiswm.ErrInvalidEnvelope},
		"duplicate key":     {[]byte{0xF7, 'W', 'M', 1, 0, 2, 1, 'a', 0, 1, 'a', 0}, kinesiswm.ErrInvalidEnvelope},
		"truncated":         {valid[:10], kinesiswm.ErrInvalidEnvelope},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := kinesiswm.UnmarshalEnvelope(tc.data)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

// FuzzUnmarshalEnvelope feeds arbitrary record data to the decoder: it
// never panics, and whatever it accepts encodes back to the same bytes (the
// encoding is canonical), so nothing is lost or invented.
func FuzzUnmarshalEnvelope(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte(`{"json":true}`))
	f.Add([]byte{0xF7, 'W', 'M', 1, 0, 0})
	f.Add(kinesiswm.MarshalEnvelope(withMetadata(message.NewMessage("id", []byte("payload")), "a", "1", "b", "")))
	f.Add([]byte{0xF7, 'W', 'M', 1, 0, 2, 1, 'b', 0, 1, 'a', 0})
	f.Add([]byte{0xF7, 'W', 'M', 1, 0x80, 0x00, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, err := kinesiswm.UnmarshalEnvelope(data)
		if err != nil {
			require.Nil(t, msg)
			return
		}
		require.True(t, kinesiswm.IsEnvelope(data))
		require.Equal(t, data, kinesiswm.MarshalEnvelope(msg))
	})
}

// FuzzEnvelopeRoundTrip encodes arbitrary messages: decoding gives them
// back.
func FuzzEnvelopeRoundTrip(f *testing.F) {
	f.Add("id", "k", "v", "k2", "v2", []byte("payload"))
	f.Add("", "", "", "", "", []byte{})
	f.Fuzz(func(t *testing.T, uuid, k1, v1, k2, v2 string, payload []byte) {
		msg := message.NewMessage(uuid, payload)
		msg.Metadata.Set(k1, v1)
		msg.Metadata.Set(k2, v2)
		got, err := kinesiswm.UnmarshalEnvelope(kinesiswm.MarshalEnvelope(msg))
		require.NoError(t, err)
		require.Equal(t, uuid, got.UUID)
		require.Equal(t, string(payload), string(got.Payload))
		require.Equal(t, map[string]string(msg.Metadata), map[string]string(got.Metadata))
	})
}
