package freshet

import (
	"encoding/binary"
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

// AppendDecimalAfter appends the decimal form of s to b, as AppendDecimal
// does, given prevDigits, the decimal form of prev (as AppendDecimal
// formats it). When s is prev's successor in the same shard and second,
// as consecutive records of a response mostly are, its digits are prev's
// plus a constant, which takes a fraction of the time of formatting them.
// prevDigits may lie in b.
func (s SequenceNumber) AppendDecimalAfter(b []byte, prev SequenceNumber, prevDigits []byte) []byte {
	// The successor differs by one in the counter, bits 80 and up.
	hi, borrow := bits.Sub64(s.hi, prev.hi, 0)
	top, _ := bits.Sub64(s.top, prev.top, borrow)
	if s.lo != prev.lo || hi != 1<<16 || top != 0 || len(prevDigits) < len(counterStepDigits) {
		return s.AppendDecimal(b)
	}
	start := len(b)
	b = append(b, prevDigits...)
	if !addCounterStep(b[start:]) {
		return s.AppendDecimal(b[:start]) // one more digit
	}
	return b
}

// counterStepDigits is 2^80, the step between successive sequence numbers
// of a shard, in decimal, zero-padded to four groups of 8 digits; and
// counterStepWords the groups as addCounterStep adds them, each digit a
// byte, the last group first.
const counterStepDigits = "00000001208925819614629174706176"

var counterStepWords = func() (w [4]uint64) {
	for i := range w {
		end := len(counterStepDigits) - 8*i
		w[i] = binary.BigEndian.Uint64([]byte(counterStepDigits[end-8:end])) - 0x30303030_30303030
	}
	return w
}()

// addCounterStep adds 2^80 to the decimal digits d in place, at least 32 of
// them, and reports false when the sum needs a digit more. It adds eight
// digits at a time, each in a byte of a word: a digit sum of ten or more,
// plus 0xf6, carries into the next byte as a decimal carry, and the bytes
// that did not carry are 0xf6 too large.
func addCounterStep(d []byte) bool {
	const (
		ascii = 0x30303030_30303030
		bias  = 0xf6f6f6f6_f6f6f6f6
		high  = 0x80808080_80808080
	)
	var carry uint64
	end := len(d)
	for _, w := range counterStepWords {
		g := d[end-8 : end]
		var sum uint64
		sum, carry = bits.Add64(binary.BigEndian.Uint64(g)-ascii+w, bias, carry)
		sum -= (sum & high >> 7) * 0xf6
		binary.BigEndian.PutUint64(g, sum+ascii)
		end -= 8
	}
	for ; carry != 0 && end > 0; end-- {
		if d[end-1] != '9' {
			d[end-1]++
			return true
		}
		d[end-1] = '0'
	}
	return carry == 0
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
	// The leading group, lo, has as many digits as it needs (up to 20,
	// the first a 1 when there are 20); the others 19 each, zero-padded.
	// Grow b once, then write the groups in place.
	var lead [20]byte
	if lo >= chunk {
		lead[0] = '1'
		put19((*[19]byte)(lead[1:]), lo-chunk)
	} else {
		put19((*[19]byte)(lead[1:]), lo)
	}
	digits := decimalDigits(lo)
	start := len(b)
	b = slices.Grow(b, digits+19*n)[:start+digits+19*n]
	copy(b[start:], lead[20-digits:])
	end := len(b)
	for i := 0; i < n; i++ {
		put19((*[19]byte)(b[end-19:end]), chunks[i])
		end -= 19
	}
	return b
}

// decimalDigits returns the number of decimal digits of v (1 for 0, 20
// at most).
func decimalDigits(v uint64) int {
	// bits.Len64(v) * log10(2), rounded down, is the number of digits or
	// one less.
	d := bits.Len64(v) * 1233 >> 12
	if d < len(powersOf10) && v >= powersOf10[d] {
		d++
	}
	return max(d, 1)
}

// powersOf10 holds 10^0 to 10^19.
var powersOf10 = [20]uint64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
}

// put19 writes v, below 10^19, into d as 19 zero-padded decimal digits:
// the leading 3 digits, then two groups of 8 written by put8.
func put19(d *[19]byte, v uint64) {
	a := v / 1e16
	r := v - a*1e16
	m := r / 1e8
	a1 := a / 100
	a2 := a - a1*100
	d[0], d[1], d[2] = byte('0'+a1), digitPairs[2*a2], digitPairs[2*a2+1]
	put8((*[8]byte)(d[3:11]), m)
	put8((*[8]byte)(d[11:19]), r-m*1e8)
}

// put8 writes v, below 10^8, into d as 8 zero-padded decimal digits. It
// divides all the digits at once, in lanes of one 64-bit word: v as two
// 4-digit halves in 32-bit lanes, each split into two 2-digit lanes of 16
// bits, each of those into two digits of 8 bits. Each lane's product fits
// in its lane, and x*10486>>20 is x/100 for x < 10,000, x*103>>10 is x/10
// for x < 100.
func put8(d *[8]byte, v uint64) {
	hi := v / 1e4
	x := hi | (v-hi*1e4)<<32
	q := x * 10486 >> 20 & 0x0000007f_0000007f
	x = q | (x-q*100)<<16
	q = x * 103 >> 10 & 0x000f_000f_000f_000f
	x = q | (x-q*10)<<8
	binary.LittleEndian.PutUint64(d[:], x|0x30303030_30303030)
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
