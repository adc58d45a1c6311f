package freshet

import (
	"context"
	"crypto/md5"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const dpMaxHashKey = "340282366920938463463374607431768211455" // 2^128-1

func TestParseHashKey(t *testing.T) {
	cases := []struct {
		in string
		ok bool
	}{
		{"0", true},
		{"1", true},
		{"9", true},
		{"18446744073709551615", true}, // 2^64-1
		{"18446744073709551616", true}, // 2^64
		{"170141183460469231731687303715884105728", true}, // 2^127
		{dpMaxHashKey, true},
		{"340282366920938463463374607431768211456", false}, // 2^128
		{"340282366920938463463374607431768211465", false},
		{"999999999999999999999999999999999999999", false},  // 39 nines
		{"1000000000000000000000000000000000000000", false}, // 40 digits
		{strings.Repeat("9", 58), false},
		{strings.Repeat("9", 100), false},
		{"", false},
		{"00", false},
		{"01", false},
		{"0340282366920938463463374607431768211455", false},
		{"+1", false},
		{"-1", false},
		{"-0", false},
		{" 1", false},
		{"1 ", false},
		{"1 2", false},
		{"1_000", false},
		{"0x10", false},
		{"1e3", false},
		{"1.0", false},
		{"١", false}, // Arabic-Indic digit one
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			k, err := ParseHashKey(c.in)
			if !c.ok {
				require.Error(t, err)
				require.Equal(t, HashKey{}, k)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.in, k.String())
			require.Equal(t, c.in, dpBig(k).String())
		})
	}
	max, err := ParseHashKey(dpMaxHashKey)
	require.NoError(t, err)
	require.Equal(t, MaxHashKey, max)
	require.Equal(t, "0", HashKey{}.String())
}

func TestHashKeyStringRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		k := HashKey{hi: r.Uint64(), lo: r.Uint64()}
		switch i % 4 { // small values and values with zero limbs too
		case 1:
			k.hi = 0
		case 2:
			k.lo = 0
		case 3:
			k.hi, k.lo = 0, k.lo>>r.UintN(64)
		}
		s := k.String()
		require.Equal(t, dpBig(k).String(), s)
		back, err := ParseHashKey(s)
		require.NoError(t, err)
		require.Equal(t, k, back)
	}
	// Powers of ten and their neighbours stress the 10^19 chunking.
	p := big.NewInt(1)
	for range 39 {
		for _, d := range []int64{-1, 0, 1} {
			b := new(big.Int).Add(p, big.NewInt(d))
			if b.Sign() < 0 || b.Cmp(dpTwo128) >= 0 {
				continue
			}
			k := dpFromBig(b)
			require.Equal(t, b.String(), k.String())
		}
		p.Mul(p, big.NewInt(10))
	}
}

func TestHashKeyCmp(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	keys := []HashKey{{}, {lo: 1}, {hi: 1}, {hi: 1, lo: 1}, {lo: ^uint64(0)}, MaxHashKey}
	for range 200 {
		keys = append(keys, HashKey{hi: r.Uint64N(3), lo: r.Uint64()}, HashKey{hi: r.Uint64(), lo: r.Uint64()})
	}
	for _, a := range keys {
		for _, b := range keys {
			require.Equal(t, dpBig(a).Cmp(dpBig(b)), a.Cmp(b), "%s vs %s", a, b)
		}
	}
	rng := HashKeyRange{StartingHashKey: HashKey{lo: 10}, EndingHashKey: HashKey{hi: 1}}
	require.True(t, rng.Contains(HashKey{lo: 10}))
	require.True(t, rng.Contains(HashKey{hi: 1}))
	require.True(t, rng.Contains(HashKey{lo: ^uint64(0)}))
	require.False(t, rng.Contains(HashKey{lo: 9}))
	require.False(t, rng.Contains(HashKey{hi: 1, lo: 1}))
}

func TestHashKeyAddSub(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		k := HashKey{hi: r.Uint64N(2) * r.Uint64(), lo: r.Uint64()}
		n := r.Uint64()
		sum, overflow := k.add(n)
		want := new(big.Int).Add(dpBig(k), new(big.Int).SetUint64(n))
		require.Equal(t, want.Cmp(dpTwo128) >= 0, overflow)
		if !overflow {
			require.Equal(t, want.String(), sum.String())
			require.Equal(t, k, sum.sub(n))
		}
	}
	_, overflow := MaxHashKey.add(1)
	require.True(t, overflow)
}

func TestHashPartitionKey(t *testing.T) {
	// MD5("a") = 0cc175b9c0f1b6a831c399e269772661, read big-endian.
	want, _ := new(big.Int).SetString("0cc175b9c0f1b6a831c399e269772661", 16)
	require.Equal(t, want.String(), HashPartitionKey("a").String())
	// The empty key has a hash too (PutRecord rejects it before hashing).
	want, _ = new(big.Int).SetString("d41d8cd98f00b204e9800998ecf8427e", 16)
	require.Equal(t, want.String(), HashPartitionKey("").String())

	r := rand.New(rand.NewPCG(7, 8))
	for i := range 2000 {
		b := make([]byte, r.IntN(300))
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		key := string(b)
		if i%2 == 0 {
			key = fmt.Sprintf("user-%d-é✓", r.Int64())
		}
		sum := md5.Sum([]byte(key))
		require.Equal(t, new(big.Int).SetBytes(sum[:]).String(), HashPartitionKey(key).String(), "%q", key)
	}
}

func TestUniformBoundary(t *testing.T) {
	check := func(k, n uint64) {
		t.Helper()
		got, overflow := uniformBoundary(k, n)
		want := new(big.Int).Lsh(new(big.Int).SetUint64(k), 128)
		want.Quo(want, new(big.Int).SetUint64(n))
		if want.Cmp(dpTwo128) >= 0 {
			require.True(t, overflow, "k=%d n=%d", k, n)
			return
		}
		require.False(t, overflow, "k=%d n=%d", k, n)
		require.Equal(t, want.String(), got.String(), "k=%d n=%d", k, n)
	}
	for n := uint64(1); n <= 300; n++ {
		for k := uint64(0); k <= n; k++ {
			check(k, n)
		}
	}
	r := rand.New(rand.NewPCG(9, 10))
	for range 20000 {
		n := r.Uint64N(1<<r.UintN(64)) + 1
		k := r.Uint64N(n + 1)
		if n == ^uint64(0) {
			k = r.Uint64N(n)
		}
		check(k, n)
	}
	check(^uint64(0)-1, ^uint64(0))
	check(^uint64(0), ^uint64(0))
	check(1, ^uint64(0))
}

// TestRoutingProductionExample is the production-verified routing of docs/kinesis-notes.md §4.2:
// in a 3-shard stream, a → 0, b → 1, e → 2, f → 1.
func TestRoutingProductionExample(t *testing.T) {
	e, _ := dpEngine(t)
	dpCreate(t, e, "s", 3)
	for key, shard := range map[string]string{
		"a": "shardId-000000000000",
		"b": "shardId-000000000001",
		"e": "shardId-000000000002",
		"f": "shardId-000000000001",
	} {
		require.Equal(t, shard, dpPut(t, e, "s", key, nil).ShardId, key)
	}
}

// TestCreateStreamHashRanges checks the hash-key ranges of new streams: the
// production values of docs/kinesis-notes.md §4.2 for 2, 3 and 4 shards, and for every shard
// count the layout of docs/kinesis-notes.md §4.2: with w = floor(2^128/N), shard i starts at
// i·w and the last shard ends at 2^128-1, covering the hash space without
// gap or overlap.
func TestCreateStreamHashRanges(t *testing.T) {
	e, _ := dpEngine(t)
	prod := map[int][]string{
		1: {"0"},
		2: {"0", "170141183460469231731687303715884105728"},
		3: {"0", "113427455640312821154458202477256070485", "226854911280625642308916404954512140970"},
		4: {"0", "85070591730234615865843651857942052864", "170141183460469231731687303715884105728",
			"255211775190703847597530955573826158592"},
	}
	for n := 1; n <= 40; n++ {
		name := fmt.Sprintf("s%d", n)
		dpCreate(t, e, name, n)
		shards := dpShards(t, e, name)
		require.Len(t, shards, n)
		next := big.NewInt(0)
		for i, sh := range shards {
			require.Equal(t, shardID(i), sh.ShardId)
			start := dpBig(sh.HashKeyRange.StartingHashKey)
			require.Equal(t, next.String(), start.String(), "%d shards: gap or overlap before shard %d", n, i)
			w := new(big.Int).Quo(dpTwo128, big.NewInt(int64(n)))
			require.Equal(t, w.Mul(w, big.NewInt(int64(i))).String(), start.String())
			if p, ok := prod[n]; ok {
				require.Equal(t, p[i], start.String())
			}
			end := dpBig(sh.HashKeyRange.EndingHashKey)
			require.True(t, end.Cmp(start) >= 0)
			next = new(big.Int).Add(end, big.NewInt(1))
		}
		require.Equal(t, dpTwo128.String(), next.String(), "%d shards do not end at 2^128-1", n)
	}
}

// TestRoutingProperty writes random partition keys and explicit hash keys
// to streams of 1 to 17 shards and checks with math/big that each record
// lands in the one open shard whose range contains its hash, and nowhere
// else.
func TestRoutingProperty(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t)
	r := rand.New(rand.NewPCG(11, 12))
	for n := 1; n <= 17; n++ {
		name := fmt.Sprintf("route%d", n)
		dpCreate(t, e, name, n)
		shards := dpShards(t, e, name)
		owner := func(h *big.Int) string {
			var found []string
			for _, sh := range shards {
				if dpBig(sh.HashKeyRange.StartingHashKey).Cmp(h) <= 0 && h.Cmp(dpBig(sh.HashKeyRange.EndingHashKey)) <= 0 {
					found = append(found, sh.ShardId)
				}
			}
			require.Len(t, found, 1, "hash %s has owners %v", h, found)
			return found[0]
		}
		for i := range 150 {
			in := &PutRecordInput{StreamName: name, PartitionKey: fmt.Sprintf("pk-%d-%d", n, r.Uint64()), Data: []byte{byte(i)}}
			var h *big.Int
			switch i % 3 {
			case 0:
				sum := md5.Sum([]byte(in.PartitionKey))
				h = new(big.Int).SetBytes(sum[:])
			case 1:
				h = dpBig(HashKey{hi: r.Uint64(), lo: r.Uint64()})
				in.ExplicitHashKey = h.String()
			case 2: // the edges of a range
				sh := shards[r.IntN(n)]
				k := sh.HashKeyRange.StartingHashKey
				if r.IntN(2) == 0 {
					k = sh.HashKeyRange.EndingHashKey
				}
				h = dpBig(k)
				in.ExplicitHashKey = h.String()
			}
			out, err := e.PutRecord(ctx, in)
			require.NoError(t, err)
			require.Equal(t, owner(h), out.ShardId, "hash %s", h)
		}
	}
}

// TestRoutingAfterSplit checks that after a split records go to the open
// children only, by the children's ranges.
func TestRoutingAfterSplit(t *testing.T) {
	ctx := context.Background()
	e, _ := dpEngine(t)
	dpCreate(t, e, "s", 2)
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000"})
	require.NoError(t, err)
	for _, c := range []struct {
		hash  string
		shard string
	}{
		{"0", "shardId-000000000002"},
		{"999", "shardId-000000000002"},
		{"1000", "shardId-000000000003"},
		{"170141183460469231731687303715884105727", "shardId-000000000003"},
		{"170141183460469231731687303715884105728", "shardId-000000000001"},
		{dpMaxHashKey, "shardId-000000000001"},
	} {
		out, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", ExplicitHashKey: c.hash, Data: nil})
		require.NoError(t, err)
		require.Equal(t, c.shard, out.ShardId, c.hash)
	}
}
