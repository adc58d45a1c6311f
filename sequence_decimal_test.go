package freshet

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAppendDecimalMatchesString(t *testing.T) {
	cases := []SequenceNumber{
		{},
		{lo: 1},
		{lo: math.MaxUint64},
		{hi: 1},
		{hi: 1, lo: 0},
		{top: 1},
		{top: math.MaxUint64, hi: math.MaxUint64, lo: math.MaxUint64},
		makeSequenceNumber(1700000000, 0, 0, 1700000000),
		makeSequenceNumber(1700000000, 900, 12345, 1700000123),
		makeSequenceNumber(1700000000, 3, maxSequenceCounter, 1700000000),
	}
	// Powers of ten around the 19-digit chunk boundaries.
	p := SequenceNumber{lo: 1}
	for range 57 {
		cases = append(cases, p)
		p = mul10(p)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		cases = append(cases, SequenceNumber{top: r.Uint64() >> r.IntN(64), hi: r.Uint64(), lo: r.Uint64()})
	}
	for _, s := range cases {
		assert.Equal(t, s.String(), string(s.AppendDecimal([]byte{})), "%#v", s)
		assert.Equal(t, "x"+s.String(), string(s.AppendDecimal([]byte("x"))), "%#v appended", s)
	}
}

// TestPut8 checks the lane arithmetic of put8 on every value of its 4-digit
// halves (the same arithmetic runs in both) and on random values.
func TestPut8(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	values := []uint64{0, 1, 9, 10, 99, 100, 1e7, 1e8 - 1}
	for v := uint64(0); v < 1e4; v++ {
		values = append(values, v, v*1e4+9999-v)
	}
	for range 100000 {
		values = append(values, r.Uint64N(1e8))
	}
	for _, v := range values {
		var d [8]byte
		put8(&d, v)
		if want := fmt.Sprintf("%08d", v); string(d[:]) != want {
			t.Fatalf("put8(%d) = %q, want %q", v, d[:], want)
		}
	}
}

func TestDecimalDigits(t *testing.T) {
	assert.Equal(t, 1, decimalDigits(0))
	for i, p := range powersOf10 {
		assert.Equal(t, i+1, decimalDigits(p), "10^%d", i)
		if p > 1 {
			assert.Equal(t, i, decimalDigits(p-1), "10^%d-1", i)
		}
	}
	assert.Equal(t, 20, decimalDigits(math.MaxUint64))
}

func TestDiv1e19(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	his := []uint64{0, 1, 1e19 - 1, 1e19 / 2}
	los := []uint64{0, 1, 1e19 - 1, 1e19, math.MaxUint64, 1 << 63}
	for range 100000 {
		his = append(his, r.Uint64N(1e19))
		los = append(los, r.Uint64())
	}
	for i, hi := range his {
		lo := los[i%len(los)]
		q, rem := div1e19(hi, lo)
		wq, wrem := bits.Div64(hi, lo, 1e19)
		if q != wq || rem != wrem {
			t.Fatalf("div1e19(%d, %d) = %d, %d; want %d, %d", hi, lo, q, rem, wq, wrem)
		}
	}
}

// mul10 returns 10*s (mod 2^192).
func mul10(s SequenceNumber) SequenceNumber {
	lo, c := mulAdd(s.lo, 0)
	hi, c2 := mulAdd(s.hi, c)
	top, _ := mulAdd(s.top, c2)
	return SequenceNumber{top: top, hi: hi, lo: lo}
}

func mulAdd(x, carry uint64) (uint64, uint64) {
	hi, lo := bits.Mul64(x, 10)
	lo += carry
	if lo < carry {
		hi++
	}
	return lo, hi
}

func BenchmarkSequenceNumberString(b *testing.B) {
	s := makeSequenceNumber(1700000000, 900, 12345, 1700000123)
	b.ReportAllocs()
	for range b.N {
		_ = s.String()
	}
}

func BenchmarkSequenceNumberAppendDecimal(b *testing.B) {
	s := makeSequenceNumber(1700000000, 900, 12345, 1700000123)
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for range b.N {
		buf = s.AppendDecimal(buf[:0])
	}
}
