package freshet

import (
	"math/bits"
	"slices"
)

// AppendDecimal appends the decimal form of s to b, as String formats it
// ("" for the zero value), and returns the extended slice. It does not
// allocate when b has room: servers encoding thousands of sequence numbers
// per response write them straight into their buffers.
func (s SequenceNumber) AppendDecimal(b []byte) []byte {
	if s.IsZero() {
		return b
	}
	return appendDecimal192(b, s.top, s.hi, s.lo)
}

// appendDecimal192 appends the 192-bit number top:hi:lo in decimal, as
// formatDecimal192 formats it.
func appendDecimal192(b []byte, top, hi, lo uint64) []byte {
	const chunk = 1e19 // the largest power of ten below 2^64
	// chunks holds the 19-digit groups below the leading one, least
	// significant first; 2^192 has 58 digits, so at most three.
	var chunks [3]uint64
	n := 0
	for top != 0 || hi != 0 {
		var r uint64
		if top != 0 {
			top, r = top/chunk, top%chunk
		}
		hi, r = div1e19(r, hi)
		lo, r = div1e19(r, lo)
		chunks[n] = r
		n++
	}
	// Grow b once, then write the digits in place from the end.
	lead := 1
	for v := lo; v >= 10; v /= 10 {
		lead++
	}
	start := len(b)
	b = slices.Grow(b, lead+19*n)[:start+lead+19*n]
	end := len(b)
	for i := 0; i < n; i++ {
		putDigits(b[end-19:end], chunks[i])
		end -= 19
	}
	putDigits(b[start:end], lo)
	return b
}

// inv1e19 is the reciprocal of 1e19 that div1e19 multiplies by:
// floor((2^128-1) / 1e19) - 2^64.
var inv1e19, _ = bits.Div64(^uint64(1e19), ^uint64(0), 1e19)

// div1e19 divides hi:lo by 1e19, for hi < 1e19, with two multiplications
// instead of a 128-bit division (Möller and Granlund, "Improved division
// by invariant integers", algorithm 4; 1e19 needs no normalization, its top
// bit being set). It returns what bits.Div64(hi, lo, 1e19) returns.
func div1e19(hi, lo uint64) (q, r uint64) {
	const d = 1e19
	q1, q0 := bits.Mul64(inv1e19, hi)
	q0, c := bits.Add64(q0, lo, 0)
	q1 += hi + 1 + c
	r = lo - q1*d
	if r > q0 {
		q1--
		r += d
	}
	if r >= d {
		q1++
		r -= d
	}
	return q1, r
}

// digitPairs holds "00" to "99".
const digitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// putDigits writes v in decimal into d, right-aligned and zero-padded: d
// must be long enough for v's digits.
func putDigits(d []byte, v uint64) {
	i := len(d) - 1
	for ; i > 0; i -= 2 {
		q := v / 100
		r := (v - q*100) * 2
		d[i-1], d[i] = digitPairs[r], digitPairs[r+1]
		v = q
	}
	if i == 0 {
		d[0] = byte('0' + v)
	}
}
