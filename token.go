package freshet

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"
)

// Shard iterators and pagination tokens are opaque to callers but carry
// their whole state: a kind byte, a binary payload and a 16-byte HMAC-SHA256
// tag under a key drawn at random when the engine starts, all in standard
// base64. A token altered by a single bit, or issued by another engine, is
// rejected; nothing in the engine has to remember the tokens it issued.

const (
	tokenIterator    byte = 'I'
	tokenListShards  byte = 'S'
	tokenListStreams byte = 'L'
	tokenConsumers   byte = 'C'
)

const tagSize = 16

// seal returns the token for payload.
func (e *Engine) seal(kind byte, payload []byte) string {
	buf := make([]byte, 0, 1+len(payload)+tagSize)
	buf = append(buf, kind)
	buf = append(buf, payload...)
	mac := hmac.New(sha256.New, e.key[:])
	mac.Write(buf)
	buf = mac.Sum(buf)[:1+len(payload)+tagSize]
	return base64.StdEncoding.EncodeToString(buf)
}

// strictBase64 decodes only the canonical text of a token: standard
// decoding ignores the unused bits of the last character and line breaks,
// which would let altered texts pass as the original.
var strictBase64 = base64.StdEncoding.Strict()

// open checks a token's kind and tag and returns its payload.
func (e *Engine) open(kind byte, tok string) ([]byte, bool) {
	if len(tok) > 4096 {
		return nil, false
	}
	raw, err := strictBase64.DecodeString(tok)
	if err != nil || len(tok) != strictBase64.EncodedLen(len(raw)) || len(raw) < 1+tagSize || raw[0] != kind {
		return nil, false
	}
	body, tag := raw[:len(raw)-tagSize], raw[len(raw)-tagSize:]
	mac := hmac.New(sha256.New, e.key[:])
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil)[:tagSize], tag) {
		return nil, false
	}
	return body[1:], true
}

// tokenWriter builds a token payload.
type tokenWriter struct{ b []byte }

func (w *tokenWriter) u64(v uint64) { w.b = binary.BigEndian.AppendUint64(w.b, v) }
func (w *tokenWriter) i64(v int64)  { w.u64(uint64(v)) }
func (w *tokenWriter) str(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}
func (w *tokenWriter) time(t time.Time) { w.i64(t.UnixNano()) }

// tokenReader parses a token payload; any short read sets ok to false.
type tokenReader struct {
	b  []byte
	ok bool
}

func newTokenReader(b []byte) *tokenReader { return &tokenReader{b: b, ok: true} }

func (r *tokenReader) u64() uint64 {
	if len(r.b) < 8 {
		r.ok = false
		return 0
	}
	v := binary.BigEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *tokenReader) i64() int64 { return int64(r.u64()) }

func (r *tokenReader) str() string {
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > uint64(len(r.b)-k) {
		r.ok = false
		return ""
	}
	s := string(r.b[k : k+int(n)])
	r.b = r.b[k+int(n):]
	return s
}

func (r *tokenReader) time() time.Time { return time.Unix(0, r.i64()) }

// done reports whether the payload parsed completely.
func (r *tokenReader) done() bool { return r.ok && len(r.b) == 0 }
