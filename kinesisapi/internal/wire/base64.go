package wire

import (
	"encoding/base64"
	"encoding/binary"
	"slices"
)

// Blobs travel in JSON as standard padded base64: the data of every record
// of PutRecords on the way in, of GetRecords on the way out, where base64
// was the largest part of the codec's time per record. The functions here
// produce and accept exactly what encoding/base64's StdEncoding (Strict,
// for decoding) does, a few times faster: six bytes become eight
// characters through four lookups of two characters each, and four
// characters become three bytes through one lookup per character into
// tables of the character's bits already in place.

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// base64Pairs holds, for every 12-bit value, its two characters: the first
// in the low byte.
var base64Pairs = func() (t [4096]uint16) {
	for i := range t {
		t[i] = uint16(base64Alphabet[i>>6]) | uint16(base64Alphabet[i&63])<<8
	}
	return t
}()

// appendBase64 appends the standard padded base64 encoding of src to b.
func appendBase64(b, src []byte) []byte {
	n := base64.StdEncoding.EncodedLen(len(src))
	start := len(b)
	b = slices.Grow(b, n)[:start+n]
	out := b[start:]
	i, j := 0, 0
	// Eight bytes are read for every six encoded, and eight characters
	// written; twelve at a time while there are sixteen to read.
	for ; len(src)-i >= 16; i, j = i+12, j+16 {
		s, o := src[i:i+16], out[j:j+16]
		x := binary.BigEndian.Uint64(s[0:8])
		y := binary.BigEndian.Uint64(s[6:14])
		binary.LittleEndian.PutUint64(o[0:8], uint64(base64Pairs[x>>52])|
			uint64(base64Pairs[x>>40&0xfff])<<16|
			uint64(base64Pairs[x>>28&0xfff])<<32|
			uint64(base64Pairs[x>>16&0xfff])<<48)
		binary.LittleEndian.PutUint64(o[8:16], uint64(base64Pairs[y>>52])|
			uint64(base64Pairs[y>>40&0xfff])<<16|
			uint64(base64Pairs[y>>28&0xfff])<<32|
			uint64(base64Pairs[y>>16&0xfff])<<48)
	}
	for ; len(src)-i >= 8; i, j = i+6, j+8 {
		x := binary.BigEndian.Uint64(src[i:])
		binary.LittleEndian.PutUint64(out[j:], uint64(base64Pairs[x>>52])|
			uint64(base64Pairs[x>>40&0xfff])<<16|
			uint64(base64Pairs[x>>28&0xfff])<<32|
			uint64(base64Pairs[x>>16&0xfff])<<48)
	}
	base64.StdEncoding.Encode(out[j:], src[i:])
	return b
}

// base64Invalid marks a character outside the alphabet in base64Bits.
const base64Invalid = 1 << 31

// base64Bits holds, for each of the four positions of a character in a
// group and each byte, the character's six bits shifted to their place in
// the group's 24, or base64Invalid.
var base64Bits = func() (t [4][256]uint32) {
	for k := range t {
		for c := range t[k] {
			t[k][c] = base64Invalid
		}
		for v, c := range []byte(base64Alphabet) {
			t[k][c] = uint32(v) << (18 - 6*k)
		}
	}
	return t
}()

// decodeBase64Strict decodes standard padded base64 into dst, which must
// hold len(src)/4*3 bytes, and returns the number of bytes decoded. It
// reports false for anything base64.StdEncoding.Strict() rejects, and also
// for line breaks, which that decoder skips: a length that is not a
// multiple of four, a character outside the alphabet, padding anywhere but
// in the last one or two places, and non-zero bits left over before the
// padding.
func decodeBase64Strict(dst, src []byte) (int, bool) {
	if len(src)%4 != 0 {
		return 0, false
	}
	if len(src) == 0 {
		return 0, true
	}
	t := &base64Bits
	last := len(src) - 4
	var bad uint32
	i, j := 0, 0
	// Four groups, then two, at a time, each two written as one 8-byte
	// store while dst has room for the two bytes past them.
	for ; last-i >= 16 && len(dst)-j >= 14; i, j = i+16, j+12 {
		s, d := src[i:i+16], dst[j:j+14]
		x := t[0][s[0]] | t[1][s[1]] | t[2][s[2]] | t[3][s[3]]
		y := t[0][s[4]] | t[1][s[5]] | t[2][s[6]] | t[3][s[7]]
		z := t[0][s[8]] | t[1][s[9]] | t[2][s[10]] | t[3][s[11]]
		w := t[0][s[12]] | t[1][s[13]] | t[2][s[14]] | t[3][s[15]]
		bad |= x | y | z | w // only base64Invalid matters
		binary.BigEndian.PutUint64(d[0:8], uint64(x)<<40|uint64(y)<<16)
		binary.BigEndian.PutUint64(d[6:14], uint64(z)<<40|uint64(w)<<16)
	}
	for ; last-i >= 8 && len(dst)-j >= 8; i, j = i+8, j+6 {
		s := src[i : i+8]
		x := t[0][s[0]] | t[1][s[1]] | t[2][s[2]] | t[3][s[3]]
		y := t[0][s[4]] | t[1][s[5]] | t[2][s[6]] | t[3][s[7]]
		bad |= x | y // only base64Invalid matters
		binary.BigEndian.PutUint64(dst[j:], uint64(x)<<40|uint64(y)<<16)
	}
	for ; i < last; i, j = i+4, j+3 {
		s := src[i : i+4]
		x := t[0][s[0]] | t[1][s[1]] | t[2][s[2]] | t[3][s[3]]
		bad |= x
		d := dst[j : j+3]
		d[0], d[1], d[2] = byte(x>>16), byte(x>>8), byte(x)
	}
	// The last group, perhaps padded: the bits of its last character past
	// the bytes it completes must be zero.
	s := src[last:]
	var left uint32
	switch {
	case s[3] != '=':
		x := t[0][s[0]] | t[1][s[1]] | t[2][s[2]] | t[3][s[3]]
		bad |= x
		d := dst[j : j+3]
		d[0], d[1], d[2] = byte(x>>16), byte(x>>8), byte(x)
		j += 3
	case s[2] != '=':
		x := t[0][s[0]] | t[1][s[1]] | t[2][s[2]]
		bad, left = bad|x, x&0xff
		d := dst[j : j+2]
		d[0], d[1] = byte(x>>16), byte(x>>8)
		j += 2
	default:
		x := t[0][s[0]] | t[1][s[1]]
		bad, left = bad|x, x&0xffff
		dst[j] = byte(x >> 16)
		j++
	}
	return j, bad&base64Invalid == 0 && left == 0
}
