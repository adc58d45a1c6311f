package eventstream

import (
	"bytes"
	"io"
	"testing"
)

// benchEvent is a typical SubscribeToShardEvent: the three Kinesis headers
// and a 1 KiB payload.
func benchEvent() Message {
	return EventMessage("SubscribeToShardEvent", "application/json", bytes.Repeat([]byte{'x'}, 1024))
}

func BenchmarkEncode(b *testing.B) {
	m := benchEvent()
	enc := NewEncoder(io.Discard)
	b.SetBytes(int64(len(m.Payload)))
	b.ReportAllocs()
	for b.Loop() {
		if err := enc.WriteMessage(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	m := benchEvent()
	raw := mustEncode(b, m)
	r := bytes.NewReader(raw)
	b.SetBytes(int64(len(m.Payload)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(raw)
		if _, err := NewDecoder(r).ReadMessage(); err != nil {
			b.Fatal(err)
		}
	}
}
