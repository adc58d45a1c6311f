package pgsink

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPositionCompare(t *testing.T) {
	for _, tc := range []struct {
		a, b position
		want int
	}{
		{position{"1", 0}, position{"1", 0}, 0},
		{position{"9", 0}, position{"10", 0}, -1},
		{position{"010", 0}, position{"10", 0}, 0},
		{position{"10", 1}, position{"10", 0}, 1},
		{position{"49590338271490256608559692538361571095921575989136588898", 0},
			position{"49590338271490256608559692538361571095921575989136588899", 0}, -1},
	} {
		assert.Equal(t, tc.want, tc.a.compare(tc.b), "%v %v", tc.a, tc.b)
		assert.Equal(t, -tc.want, tc.b.compare(tc.a), "%v %v", tc.b, tc.a)
	}
	for s, want := range map[string]bool{"0": true, "123": true, "": false, "-1": false, "1e3": false, " 1": false} {
		assert.Equal(t, want, validSequenceNumber(s), "%q", s)
	}
}

// FuzzPositionCompare checks the order of sequence numbers against
// math/big.
func FuzzPositionCompare(f *testing.F) {
	f.Add("9", "10", int64(0), int64(0))
	f.Add("0049", "49", int64(1), int64(2))
	f.Fuzz(func(t *testing.T, a, b string, sa, sb int64) {
		if !validSequenceNumber(a) || !validSequenceNumber(b) {
			return
		}
		x, _ := new(big.Int).SetString(a, 10)
		y, _ := new(big.Int).SetString(b, 10)
		want := x.Cmp(y)
		if want == 0 {
			want = big.NewInt(sa).Cmp(big.NewInt(sb))
		}
		if got := (position{a, sa}).compare(position{b, sb}); got != want {
			t.Fatalf("compare(%s/%d, %s/%d) = %d, want %d", a, sa, b, sb, got, want)
		}
	})
}
