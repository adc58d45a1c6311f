package wire

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAppendBase64(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(r.Uint32())
		}
		want := base64.StdEncoding.EncodeToString(src)
		require.Equal(t, want, string(appendBase64(nil, src)), "%d bytes", n)
		require.Equal(t, "pre"+want, string(appendBase64([]byte("pre"), src)), "%d bytes after a prefix", n)
	}
	all := make([]byte, 3*4096)
	for i := range 4096 { // every 12-bit value in every place
		all[3*i], all[3*i+1], all[3*i+2] = byte(i>>4), byte(i<<4|i>>8), byte(i)
	}
	require.Equal(t, base64.StdEncoding.EncodeToString(all), string(appendBase64(nil, all)))
}

// checkDecodeBase64 checks decodeBase64Strict against the standard library's
// strict decoder on s: the same bytes when it accepts s, and a refusal when
// the library refuses s or skips line breaks in it.
func checkDecodeBase64(t *testing.T, s []byte) {
	t.Helper()
	want := make([]byte, len(s)/4*3+8)
	wantN, err := base64.StdEncoding.Strict().Decode(want, s)
	wantOK := err == nil && len(s)%4 == 0 && !bytes.ContainsAny(s, "\r\n")
	dst := make([]byte, len(s)/4*3)
	n, ok := decodeBase64Strict(dst, s)
	require.Equal(t, wantOK, ok, "%q: accepted", s)
	if ok {
		require.Equal(t, want[:wantN], dst[:n], "%q: decoded", s)
	}
}

func TestDecodeBase64Strict(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte(base64Alphabet + "=\r\n \x00\xff-_.")
	for n := range 200 {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(r.Uint32())
		}
		enc := []byte(base64.StdEncoding.EncodeToString(src))
		checkDecodeBase64(t, enc)
		// One character changed, in every place.
		for i := range enc {
			bad := bytes.Clone(enc)
			bad[i] = alphabet[r.IntN(len(alphabet))]
			checkDecodeBase64(t, bad)
		}
		// Padding moved, removed, added.
		checkDecodeBase64(t, bytes.TrimRight(enc, "="))
		checkDecodeBase64(t, append(bytes.Clone(enc), '='))
		checkDecodeBase64(t, append(bytes.Clone(enc), "===="...))
	}
	for _, s := range []string{"", "=", "==", "===", "====", "A===", "AA==", "AB==", "AAA=", "AAB=", "AAAA",
		"AA=A", "A=AA", "=AAA", "AA\r\n", "AAAA\nAAA", "QQ==QQ==", "////", "++++", "-___"} {
		checkDecodeBase64(t, []byte(s))
	}
}

// FuzzDecodeBase64Strict checks the decoder on untrusted bytes against the
// standard library's.
func FuzzDecodeBase64Strict(f *testing.F) {
	for _, s := range []string{"", "AA==", "AAA=", "AAAA", "QUJDREVGR0g=", "A===", "AB==", "AA\nA"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		checkDecodeBase64(t, s)
		// And the encoding of s, which must decode back to it.
		enc := appendBase64(nil, s)
		require.Equal(t, base64.StdEncoding.EncodeToString(s), string(enc))
		dst := make([]byte, len(enc)/4*3)
		n, ok := decodeBase64Strict(dst, enc)
		require.True(t, ok)
		require.Equal(t, s, dst[:n])
	})
}

func BenchmarkBase64(b *testing.B) {
	src := bytes.Repeat([]byte("x"), 100)
	enc := []byte(base64.StdEncoding.EncodeToString(src))
	buf := make([]byte, 0, 256)
	b.Run("encode-stdlib", func(b *testing.B) {
		for range b.N {
			buf = base64.StdEncoding.AppendEncode(buf[:0], src)
		}
	})
	b.Run("encode", func(b *testing.B) {
		for range b.N {
			buf = appendBase64(buf[:0], src)
		}
	})
	dst := make([]byte, 100)
	b.Run("decode-stdlib", func(b *testing.B) {
		for range b.N {
			_, _ = base64.StdEncoding.Strict().Decode(dst, enc)
		}
	})
	b.Run("decode", func(b *testing.B) {
		for range b.N {
			_, _ = decodeBase64Strict(dst, enc)
		}
	})
}
