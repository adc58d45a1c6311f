package freshet

import (
	"crypto/md5"
	"encoding/binary"
	"errors"
	"math/big"
	"math/bits"
)

// HashKey is a point of the 128-bit Kinesis hash-key space, 0 to 2^128-1.
// Partition keys map onto it through MD5 (see HashPartitionKey) and every
// shard owns an inclusive range of it. The zero value is hash key 0.
// HashKey is comparable and ordered by Cmp.
type HashKey struct {
	hi, lo uint64
}

// MaxHashKey is the largest hash key, 2^128-1.
var MaxHashKey = HashKey{hi: ^uint64(0), lo: ^uint64(0)}

var errBadHashKey = errors.New("freshet: invalid hash key")

// HashPartitionKey returns the hash key Kinesis assigns to a partition key:
// the MD5 digest of its UTF-8 bytes read as an unsigned big-endian 128-bit
// integer.
func HashPartitionKey(partitionKey string) HashKey {
	sum := md5.Sum([]byte(partitionKey))
	return HashKey{hi: binary.BigEndian.Uint64(sum[:8]), lo: binary.BigEndian.Uint64(sum[8:])}
}

// ParseHashKey parses a hash key written as Kinesis writes it: a decimal
// integer without sign, leading zeros or spaces, in [0, 2^128-1].
func ParseHashKey(s string) (HashKey, error) {
	hi, lo, ok := parseDecimal128(s)
	if !ok {
		return HashKey{}, errBadHashKey
	}
	return HashKey{hi: hi, lo: lo}, nil
}

// String returns the hash key in decimal, as Kinesis prints it.
func (h HashKey) String() string {
	return formatDecimal192(0, h.hi, h.lo)
}

// Cmp compares two hash keys and returns -1, 0 or +1.
func (h HashKey) Cmp(o HashKey) int {
	switch {
	case h.hi < o.hi:
		return -1
	case h.hi > o.hi:
		return 1
	case h.lo < o.lo:
		return -1
	case h.lo > o.lo:
		return 1
	}
	return 0
}

// add returns h+n and whether the sum overflowed 2^128-1.
func (h HashKey) add(n uint64) (HashKey, bool) {
	lo, c := bits.Add64(h.lo, n, 0)
	hi, c := bits.Add64(h.hi, 0, c)
	return HashKey{hi: hi, lo: lo}, c != 0
}

// sub returns h-n; the caller guarantees h >= n.
func (h HashKey) sub(n uint64) HashKey {
	lo, b := bits.Sub64(h.lo, n, 0)
	hi, _ := bits.Sub64(h.hi, 0, b)
	return HashKey{hi: hi, lo: lo}
}

// uniformBoundary returns floor(k * 2^128 / n) for 0 <= k <= n, n >= 1: the
// first hash key of the k-th of n uniform ranges (k == n gives 2^128, which
// does not fit, so it is reported as overflow).
func uniformBoundary(k, n uint64) (HashKey, bool) {
	if k >= n {
		return HashKey{}, true
	}
	// k * 2^128 / n = (k << 128) / n, computed as a 192-bit by 64-bit division.
	// The dividend is k:0:0 (three 64-bit limbs, most significant first).
	// The top limb's quotient k/n is zero because k < n; its remainder is k.
	q1, r := bits.Div64(k, 0, n)
	q0, _ := bits.Div64(r, 0, n)
	return HashKey{hi: q1, lo: q0}, false
}

// mul returns h*n, which the caller guarantees fits in 128 bits.
func (h HashKey) mul(n uint64) HashKey {
	carry, lo := bits.Mul64(h.lo, n)
	return HashKey{hi: h.hi*n + carry, lo: lo}
}

// parseDecimal128 parses a canonical decimal string (no leading zeros except
// "0" itself) into a 128-bit value.
func parseDecimal128(s string) (hi, lo uint64, ok bool) {
	top, hi, lo, ok := parseDecimal192(s)
	if !ok || top != 0 {
		return 0, 0, false
	}
	return hi, lo, true
}

// parseDecimal192 parses a canonical decimal string into a 192-bit value
// (three limbs, most significant first).
func parseDecimal192(s string) (top, hi, lo uint64, ok bool) {
	if len(s) == 0 || len(s) > 58 || (len(s) > 1 && s[0] == '0') {
		return 0, 0, 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, 0, 0, false
		}
		// x = x*10 + d, with overflow detection on the top limb.
		var c0, c1, c2 uint64
		h0, l0 := bits.Mul64(lo, 10)
		h1, l1 := bits.Mul64(hi, 10)
		h2, l2 := bits.Mul64(top, 10)
		if h2 != 0 {
			return 0, 0, 0, false
		}
		lo, c0 = bits.Add64(l0, uint64(c-'0'), 0)
		hi, c1 = bits.Add64(l1, h0, c0)
		top, c2 = bits.Add64(l2, h1, c1)
		if c2 != 0 {
			return 0, 0, 0, false
		}
	}
	return top, hi, lo, true
}

// formatDecimal192 formats a 192-bit value (three limbs, most significant
// first) in decimal.
func formatDecimal192(top, hi, lo uint64) string {
	if top == 0 && hi == 0 {
		return uitoa(lo)
	}
	var buf [60]byte
	i := len(buf)
	const chunk = 1e19
	for top != 0 || hi != 0 {
		var r uint64
		top, r = bits.Div64(0, top, chunk)
		hi, r = bits.Div64(r, hi, chunk)
		lo, r = bits.Div64(r, lo, chunk)
		for j := 0; j < 19; j++ {
			i--
			buf[i] = byte('0' + r%10)
			r /= 10
		}
	}
	for lo != 0 {
		i--
		buf[i] = byte('0' + lo%10)
		lo /= 10
	}
	for i < len(buf)-1 && buf[i] == '0' {
		i++
	}
	return string(buf[i:])
}

func uitoa(v uint64) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return string(buf[i:])
}

// Big returns h as a new big.Int.
func (h HashKey) Big() *big.Int {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], h.hi)
	binary.BigEndian.PutUint64(b[8:], h.lo)
	return new(big.Int).SetBytes(b[:])
}

// HashKeyFromBig returns the hash key of value b, or an error when b is
// outside [0, 2^128-1].
func HashKeyFromBig(b *big.Int) (HashKey, error) {
	if b.Sign() < 0 || b.BitLen() > 128 {
		return HashKey{}, errBadHashKey
	}
	var buf [16]byte
	b.FillBytes(buf[:])
	return HashKey{hi: binary.BigEndian.Uint64(buf[:8]), lo: binary.BigEndian.Uint64(buf[8:])}, nil
}

// Midpoint returns floor((start + end) / 2) of the range: the
// NewStartingHashKey that splits a shard into two halves, as the AWS
// documentation computes it for SplitShard. SplitShard accepts it for a
// shard owning at least five hash keys.
func (r HashKeyRange) Midpoint() HashKey {
	s, e := r.StartingHashKey, r.EndingHashKey
	// (s + e) / 2 in 129 bits: add with carry, then shift the carry in.
	lo, c := bits.Add64(s.lo, e.lo, 0)
	hi, c := bits.Add64(s.hi, e.hi, c)
	return HashKey{hi: hi>>1 | c<<63, lo: lo>>1 | hi<<63}
}
