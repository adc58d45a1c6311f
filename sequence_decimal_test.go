package freshet

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// TestAppendDecimalAfter formats runs of successive sequence numbers, and
// numbers that are not successors, from the digits of the one before.
func TestAppendDecimalAfter(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	check := func(prev, s SequenceNumber) {
		t.Helper()
		prevDigits := prev.AppendDecimal(nil)
		want := s.String()
		require.Equal(t, want, string(s.AppendDecimalAfter(nil, prev, prevDigits)), "%v after %v", s, prev)
		// prevDigits in the buffer appended to.
		b := append([]byte("x"), prevDigits...)
		require.Equal(t, "x"+prev.String()+want, string(s.AppendDecimalAfter(b, prev, b[1:])), "%v after %v in b", s, prev)
	}
	for range 2000 {
		created, idx, sec := int64(r.Uint64N(1<<36)), r.Uint32(), int64(r.Uint64N(1<<36))
		counter := r.Uint64N(maxSequenceCounter)
		switch r.IntN(4) { // counters where the carries reach far
		case 0:
			counter = 1<<48 - 1 - r.Uint64N(3)
		case 1:
			counter = r.Uint64N(5)
		}
		prev := makeSequenceNumber(created, idx, counter, sec)
		check(prev, makeSequenceNumber(created, idx, counter+1, sec))
		check(prev, makeSequenceNumber(created, idx, counter+2, sec))
		check(prev, makeSequenceNumber(created, idx, counter+1, sec+1))
		check(prev, makeSequenceNumber(created, idx+1, counter+1, sec))
		check(prev, makeSequenceNumber(created, idx, counter-min(counter, 1), sec))
		check(prev, prev)
	}
	// Digits that carry into a new digit, and small numbers.
	nines, err := ParseSequenceNumber(strings.Repeat("9", 40))
	require.NoError(t, err)
	next := SequenceNumber{top: nines.top, hi: nines.hi + 1<<16, lo: nines.lo}
	require.Equal(t, nines.hi, next.hi-1<<16) // no overflow in this case
	check(nines, next)
	check(SequenceNumber{}, SequenceNumber{hi: 1 << 16})
	check(SequenceNumber{lo: 5}, SequenceNumber{hi: 1 << 16, lo: 5})
	check(SequenceNumber{hi: 1 << 16, lo: 5}, SequenceNumber{hi: 2 << 16, lo: 5})
}

func BenchmarkSequenceNumberAppendDecimalAfter(b *testing.B) {
	prev := makeSequenceNumber(1700000000, 900, 12345, 1700000123)
	s := makeSequenceNumber(1700000000, 900, 12346, 1700000123)
	prevDigits := prev.AppendDecimal(nil)
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for range b.N {
		buf = s.AppendDecimalAfter(buf[:0], prev, prevDigits)
	}
}

// TestAddCounterStep adds 2^80 to decimal digits and checks the sum with
// math/big, around every carry.
func TestAddCounterStep(t *testing.T) {
	step := new(big.Int).Lsh(big.NewInt(1), 80)
	r := rand.New(rand.NewPCG(9, 10))
	cases := []string{strings.Repeat("0", 32), strings.Repeat("9", 32), strings.Repeat("9", 56), "1" + strings.Repeat("9", 55),
		"8" + strings.Repeat("9", 40), strings.Repeat("9", 20) + strings.Repeat("0", 12) + strings.Repeat("9", 24)}
	for range 5000 {
		d := make([]byte, 32+r.IntN(27))
		for i := range d {
			d[i] = "0123456789999999"[r.IntN(16)] // nines, for long carries
		}
		cases = append(cases, string(d))
	}
	for _, c := range cases {
		d := []byte(c)
		ok := addCounterStep(d)
		v, _ := new(big.Int).SetString(c, 10)
		want := fmt.Sprintf("%0*s", len(c), v.Add(v, step).String())
		if len(want) > len(c) {
			require.False(t, ok, "%s: a digit more", c)
			continue
		}
		require.True(t, ok, c)
		require.Equal(t, want, string(d), c)
	}
}
