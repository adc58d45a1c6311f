package freshet

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHashKeyOfIsMD5(t *testing.T) {
	keys := []string{
		"a", "a\x00", "a\x00\x00", // a key and the same key zero-padded
		"12345678", "123456789", // one word, one word and a byte
		strings.Repeat("k", 39), strings.Repeat("k", 40), strings.Repeat("k", 41), // around the longest key remembered
		strings.Repeat("x", 256),
		"\x00", "\xff\xfe\xfd", "héllo wörld", "😀 emoji key",
		"3f2504e0-4f89-11d3-9a0c-0305e82c3301",
	}
	for _, k := range keys {
		want := HashPartitionKey(k)
		for round := range 3 { // a miss, then hits
			require.Equal(t, want, hashKeyOf(k), "key %q, round %d", k, round)
		}
	}
}

// TestHashKeyOfProperty hashes many more keys than the table holds, in an
// order that revisits them, so slots are replaced again and again, and
// checks every answer against MD5.
func TestHashKeyOfProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	keys := make([]string, 20_000)
	for i := range keys {
		b := make([]byte, 1+r.IntN(48))
		for j := range b {
			b[j] = byte(r.IntN(4)) // few byte values: many keys share prefixes
		}
		keys[i] = string(b)
	}
	for range 100_000 {
		k := keys[r.IntN(len(keys))]
		require.Equal(t, HashPartitionKey(k), hashKeyOf(k), "key %q", k)
	}
}

// TestHashKeyOfConcurrent has goroutines remember and look up overlapping
// keys at once: a reader must never see a slot half written (run with
// -race).
func TestHashKeyOfConcurrent(t *testing.T) {
	keys := make([]string, 3*(1<<hashCacheBits))
	want := make([]HashKey, len(keys))
	for i := range keys {
		keys[i] = fmt.Sprintf("key-%d", i)
		want[i] = HashPartitionKey(keys[i])
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 0))
			for range 20_000 {
				i := r.IntN(len(keys))
				if got := hashKeyOf(keys[i]); got != want[i] {
					errs <- fmt.Sprintf("key %q: got %v, want %v", keys[i], got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// BenchmarkHashKeyOf compares MD5 with the remembered hash of the 1024
// keys the other benchmarks write.
func BenchmarkHashKeyOf(b *testing.B) {
	b.Run("md5", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			HashPartitionKey(benchKeys[i&1023])
		}
	})
	b.Run("remembered", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			hashKeyOf(benchKeys[i&1023])
		}
	})
	// Keys that never repeat, as from a producer of random keys.
	unique := make([]string, 1<<18)
	for i := range unique {
		unique[i] = strconv.FormatUint(rand.Uint64(), 36)
	}
	b.Run("unique", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			hashKeyOf(unique[i&(1<<18-1)])
		}
	})
}

// TestHashCacheGate: misses of sampled keys close the table to the other
// keys, hits open it again, the score stays bounded, and keys outside the
// sample do not move it.
func TestHashCacheGate(t *testing.T) {
	var g hashCacheGate
	require.True(t, g.open(), "a new gate is open")
	g.note(false, false)
	require.True(t, g.open(), "a key outside the sample does not count")
	g.note(true, false)
	require.False(t, g.open(), "one sampled miss more than hits closes it")
	for range 10 * hashGateMax {
		g.note(true, false)
	}
	require.EqualValues(t, -hashGateMax, g.score.Load(), "the score stops at -hashGateMax")
	for range hashGateMax - 1 {
		g.note(true, true)
	}
	require.False(t, g.open(), "still more misses than hits")
	g.note(true, true)
	require.True(t, g.open(), "as many hits as misses open it")
	for range 10 * hashGateMax {
		g.note(true, true)
	}
	require.EqualValues(t, hashGateMax, g.score.Load(), "the score stops at hashGateMax")
}

// TestHashSampleFraction: about one key in 16 is in the sample, for keys
// that differ only in their last bytes as for random ones.
func TestHashSampleFraction(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	forms := map[string]func(i int) string{
		"user-%04d": func(i int) string { return fmt.Sprintf("user-%04d", i%10000) },
		"%08d":      func(i int) string { return fmt.Sprintf("%08d", i) },
		"%d":        func(i int) string { return fmt.Sprint(i) },
		"random":    func(int) string { return fmt.Sprint(r.Uint64()) },
		"uuid-like": func(i int) string { return fmt.Sprintf("3f2504e0-4f89-11d3-9a0c-%012x", i) },
	}
	const n = 160_000
	for name, key := range forms {
		in := 0
		for i := range n {
			k := key(i)
			var w [hashCacheWords]uint64
			words := packKey(&w, k)
			if inHashSample(keyHashOf(w[:words], len(k))) {
				in++
			}
		}
		require.InDelta(t, n/16, in, n/16/4, "%s keys in the sample", name)
	}
}

// TestHashKeyOfUniqueKeys hashes keys that never repeat, enough to close
// the table to keys outside the sample, then keys that repeat, enough to
// open it again, checking every answer against MD5.
func TestHashKeyOfUniqueKeys(t *testing.T) {
	for i := range 50_000 {
		k := fmt.Sprintf("unique-%d", i)
		require.Equal(t, HashPartitionKey(k), hashKeyOf(k), "key %q", k)
	}
	for i := range 50_000 {
		k := fmt.Sprintf("again-%d", i%100)
		require.Equal(t, HashPartitionKey(k), hashKeyOf(k), "key %q", k)
	}
	// Other tests of the package use the process's table too, so only
	// the answers are checked here; the gate's turns are TestHashCacheGate's.
}

// TestHashGateReopensForFewKeys: a closed gate opens again for a producer
// that repeats a few keys, none of them in the sample, through the random
// probes; and stays closed for keys that never repeat.
func TestHashGateReopensForFewKeys(t *testing.T) {
	var few []string
	for i := 0; len(few) < 3; i++ {
		k := fmt.Sprintf("few-%d", i)
		var w [hashCacheWords]uint64
		words := packKey(&w, k)
		if !inHashSample(keyHashOf(w[:words], len(k))) {
			few = append(few, k)
		}
	}
	var g hashCacheGate
	g.score.Store(-hashGateMax)
	run := rand.Uint64() // keys of an earlier run (-count) may be in the table
	for i := range 200 * hashGateProbe * hashGateMax / 10 {
		k := fmt.Sprintf("never-again-%x-%d", run, i)
		got, _ := hashKeyGated(&g, k)
		require.Equal(t, HashPartitionKey(k), got, "key %q", k)
	}
	require.False(t, g.open(), "keys that never repeat keep the gate closed")
	for i := 0; i < 200*hashGateProbe*hashGateMax && !g.open(); i++ {
		k := few[i%len(few)]
		got, _ := hashKeyGated(&g, k)
		require.Equal(t, HashPartitionKey(k), got, "key %q", k)
	}
	require.True(t, g.open(), "three repeated keys outside the sample open the gate")
}
