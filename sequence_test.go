package freshet

import (
	"context"
	"math/big"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSequenceNumberProductionExample decodes the real sequence number of
// docs/kinesis-notes.md §4.3.2: hex 2 055f6f53d 4 0000000000000000 00 0560ae8de 00000384 2.
func TestSequenceNumberProductionExample(t *testing.T) {
	const real = "49554468589304656985365895156298971236367941927203518530"
	sn, err := ParseSequenceNumber(real)
	require.NoError(t, err)
	require.True(t, sn.Valid())
	require.Equal(t, 900, sn.ShardIndex())
	require.Equal(t, "shardId-000000000900", sn.ShardId())
	require.Equal(t, int64(1442247997), sn.ShardCreated().Unix())
	require.Equal(t, time.UTC, sn.ShardCreated().Location())
	require.Equal(t, uint64(0), sn.Counter())
	require.Equal(t, int64(0x0560ae8de), sn.Time().Unix())
	require.Equal(t, real, sn.String())
	require.Equal(t, "2"+"055f6f53d"+"4"+"0000000000000000"+"00"+"0560ae8de"+"00000384"+"2", dpBigSN(sn).Text(16))
	require.Equal(t, sn, makeSequenceNumber(1442247997, 900, 0, 0x0560ae8de))
}

// TestSequenceNumberLayout checks makeSequenceNumber against the bit layout
// of docs/kinesis-notes.md §4.3.2, computed with math/big, and the accessors against the
// fields, for random fields.
func TestSequenceNumberLayout(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for i := range 5000 {
		created := r.Int64N(1 << 36)
		index := r.Uint32()
		counter := r.Uint64N(1 << 63)
		rec := r.Int64N(1 << 36)
		switch i % 5 { // realistic values too
		case 1:
			created, rec = 1_400_000_000+r.Int64N(3e9), 1_400_000_000+r.Int64N(3e9)
			index = r.Uint32N(20000)
			counter = r.Uint64N(1 << 20)
		case 2:
			counter = maxSequenceCounter
		case 3:
			index, counter = 0, 0
		}
		sn := makeSequenceNumber(created, index, counter, rec)

		want := big.NewInt(2)
		for _, f := range []struct {
			bits uint
			v    uint64
		}{
			{36, uint64(created)}, {4, uint64(index & 0xf)}, {64, counter}, {8, 0},
			{36, uint64(rec)}, {32, uint64(index)}, {4, 2},
		} {
			want.Lsh(want, f.bits)
			want.Or(want, new(big.Int).SetUint64(f.v))
		}
		require.Equal(t, want.String(), dpBigSN(sn).String())
		require.Equal(t, want.String(), sn.String())
		require.Len(t, sn.String(), 56, "current production sequence numbers have 56 digits")
		require.Len(t, dpBigSN(sn).Text(16), 47)

		require.True(t, sn.Valid())
		require.Equal(t, int(index), sn.ShardIndex())
		require.Equal(t, shardID(int(index)), sn.ShardId())
		require.Equal(t, created, sn.ShardCreated().Unix())
		require.Equal(t, counter, sn.Counter())
		require.Equal(t, rec, sn.Time().Unix())

		back, err := ParseSequenceNumber(sn.String())
		require.NoError(t, err)
		require.Equal(t, sn, back)
		require.Zero(t, back.Cmp(sn))
	}
}

// TestSequenceNumberCmp checks that sequence numbers of one shard order by
// their counter whatever their record times, and that Cmp is numeric.
func TestSequenceNumberCmp(t *testing.T) {
	const created = 1_700_000_000
	late := makeSequenceNumber(created, 7, 5, created+1<<30)
	early := makeSequenceNumber(created, 7, 6, created)
	require.Equal(t, -1, late.Cmp(early))
	require.Equal(t, 1, early.Cmp(late))
	require.Equal(t, 0, early.Cmp(early))

	r := rand.New(rand.NewPCG(23, 24))
	var sns []SequenceNumber
	for c := uint64(0); c < 1<<40; c += 1 + r.Uint64N(1<<r.UintN(32)) {
		sns = append(sns, makeSequenceNumber(created, 7, c, created+r.Int64N(1e6)))
	}
	sns = append(sns, makeSequenceNumber(created, 7, maxSequenceCounter, created))
	for i := 1; i < len(sns); i++ {
		require.Equal(t, -1, sns[i-1].Cmp(sns[i]), "counter order at %d", i)
	}
	// Cmp agrees with math/big on arbitrary values.
	for range 2000 {
		a := SequenceNumber{top: r.Uint64N(4), hi: r.Uint64N(4), lo: r.Uint64()}
		b := SequenceNumber{top: r.Uint64N(4), hi: r.Uint64N(4), lo: r.Uint64()}
		require.Equal(t, dpBigSN(a).Cmp(dpBigSN(b)), a.Cmp(b))
	}
}

func TestSequenceNumberZero(t *testing.T) {
	var zero SequenceNumber
	require.True(t, zero.IsZero())
	require.Equal(t, "", zero.String())
	require.False(t, zero.Valid())
	require.False(t, makeSequenceNumber(0, 0, 0, 0).IsZero())
	sn, err := ParseSequenceNumber("0")
	require.NoError(t, err)
	require.True(t, sn.IsZero())
	require.False(t, sn.Valid())
}

func TestParseSequenceNumber(t *testing.T) {
	two192 := new(big.Int).Lsh(big.NewInt(1), 192)
	max := new(big.Int).Sub(two192, big.NewInt(1)).String()
	require.Len(t, max, 58)
	cases := []struct {
		in string
		ok bool
	}{
		{"1", true},
		{"49554468589304656985365895156298971236367941927203518530", true},
		{"21269319989652663814458848515492872193", true}, // a historical 38-digit one
		{max, true},
		{two192.String(), false},
		{strings.Repeat("9", 58), false},
		{"1" + strings.Repeat("0", 58), false},
		{strings.Repeat("1", 129), false},
		{"", false},
		{"00", false},
		{"049554468589304656985365895156298971236367941927203518530", false},
		{"+1", false},
		{"-1", false},
		{" 1", false},
		{"1 ", false},
		{"1\n", false},
		{"0x1f", false},
		{"1e10", false},
		{"12a", false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			sn, err := ParseSequenceNumber(c.in)
			if !c.ok {
				require.Error(t, err)
				require.True(t, sn.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.in, sn.String())
		})
	}
}

func TestSequenceNumberValid(t *testing.T) {
	good := makeSequenceNumber(1_442_247_997, 900, 12, 1_442_248_000)
	require.True(t, good.Valid())
	for name, sn := range map[string]SequenceNumber{
		"version nibble":       {top: good.top, hi: good.hi, lo: good.lo&^0xf | 1},
		"leading constant":     {top: good.top&^(0xf<<56) | 1<<56, hi: good.hi, lo: good.lo},
		"unused byte":          {top: good.top, hi: good.hi | 1<<8, lo: good.lo},
		"counter top bit":      {top: good.top | 1<<15, hi: good.hi, lo: good.lo},
		"index nibble differs": {top: good.top ^ 1<<16, hi: good.hi, lo: good.lo},
		"historical 38 digits": dpMustSN(t, "21269319989652663814458848515492872193"),
		"one":                  dpMustSN(t, "1"),
	} {
		require.False(t, sn.Valid(), name)
	}
}

func dpMustSN(t testing.TB, s string) SequenceNumber {
	t.Helper()
	sn, err := ParseSequenceNumber(s)
	require.NoError(t, err)
	return sn
}

// TestIssuedSequenceNumbers checks the sequence numbers the engine issues:
// 56 digits, encoding the shard, its creation second (a second before the
// CreateStream call), the counter (0 for StartingSequenceNumber, then
// 1, 2, ...) and the arrival second; adjacent shards created together differ
// by exactly 2^144 + 16 in their StartingSequenceNumber (docs/kinesis-notes.md §4.3.2).
func TestIssuedSequenceNumbers(t *testing.T) {
	e, clk := dpEngine(t)
	dpCreate(t, e, "s", 3)
	shards := dpShards(t, e, "s")
	created := dpEpoch.Add(-time.Second).Unix()
	delta := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 144), big.NewInt(16))
	require.Equal(t, "22300745198530623141535718272648361505980432", delta.String())
	for i, sh := range shards {
		start := sh.SequenceNumberRange.StartingSequenceNumber
		require.True(t, start.Valid())
		require.Len(t, start.String(), 56)
		require.Equal(t, i, start.ShardIndex())
		require.Equal(t, created, start.ShardCreated().Unix())
		require.Equal(t, uint64(0), start.Counter())
		require.True(t, sh.SequenceNumberRange.EndingSequenceNumber.IsZero())
		if i > 0 {
			prev := dpBigSN(shards[i-1].SequenceNumberRange.StartingSequenceNumber)
			require.Equal(t, delta.String(), new(big.Int).Sub(dpBigSN(start), prev).String())
		}
	}
	k := HashKey{} // shard 0
	for c := uint64(1); c <= 5; c++ {
		out := dpPutHash(t, e, "s", k, []byte("x"))
		require.Equal(t, "shardId-000000000000", out.ShardId)
		sn := out.SequenceNumber
		require.True(t, sn.Valid())
		require.Len(t, sn.String(), 56)
		require.Equal(t, c, sn.Counter())
		require.Equal(t, 0, sn.ShardIndex())
		require.Equal(t, created, sn.ShardCreated().Unix())
		require.Equal(t, clk.Now().Unix(), sn.Time().Unix())
		require.Equal(t, 1, sn.Cmp(shards[0].SequenceNumberRange.StartingSequenceNumber))
		clk.Advance(1500 * time.Millisecond)
	}
	recs := dpReadShard(t, e, "s", "shardId-000000000000")
	require.Len(t, recs, 5)
	require.True(t, sort.SliceIsSorted(recs, func(i, j int) bool { return recs[i].SequenceNumber.Cmp(recs[j].SequenceNumber) < 0 }))

	// Closing a shard gives it an EndingSequenceNumber above all its
	// records: counter 2^63-1.
	_, err := e.SplitShard(context.Background(), &SplitShardInput{StreamName: "s", ShardToSplit: "0", NewStartingHashKey: "1000"})
	require.NoError(t, err)
	end := dpShards(t, e, "s")[0].SequenceNumberRange.EndingSequenceNumber
	require.True(t, end.Valid())
	require.Equal(t, uint64(maxSequenceCounter), end.Counter())
	require.Equal(t, 0, end.ShardIndex())
	require.Equal(t, 1, end.Cmp(recs[len(recs)-1].SequenceNumber))
}
