package freshet

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/stretchr/testify/require"
)

// TestRouteKeyIsMD5Route routes keys around the longest remembered length
// and many more keys than the table holds, again and again, through sets
// of open shards of uneven widths, and checks every answer against the
// shard whose range holds the key's MD5 hash.
func TestRouteKeyIsMD5Route(t *testing.T) {
	e := rsEngine(t)
	rsCreate(t, e, "r", 3)
	st, err := e.Stream("r")
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(3, 4))
	keys := []string{
		"a", "a\x00", "a\x00\x00", // a key and the same key zero-padded
		"12345678", "123456789", strings.Repeat("k", 15), strings.Repeat("k", 16), strings.Repeat("k", 17),
		"\x00", "\xff\xfe\xfd", "héllo", strings.Repeat("x", 256),
	}
	for i := range 6000 { // three times the slots
		b := make([]byte, 1+rng.IntN(20))
		for j := range b {
			b[j] = byte(rng.IntN(3)) // few byte values: many keys share prefixes
		}
		if i%2 == 0 {
			b = fmt.Appendf(b[:0], "user-%d", i)
		}
		keys = append(keys, string(b))
	}
	for step := range 6 {
		if step > 0 {
			rsReshardOp(t, e, rng, "r")
		}
		open := rsOpenShards(t, e, "r")
		rs := st.routing.Load()
		for round := range 3 { // misses, then mostly hits
			for range len(keys) {
				k := keys[rng.IntN(len(keys))]
				h := HashPartitionKey(k)
				sh := rs.routeKey(k)
				require.NotNil(t, sh, "key %q", k)
				owner := ""
				for _, s := range open {
					if s.HashKeyRange.Contains(h) {
						owner = s.ShardId
					}
				}
				require.Equal(t, owner, sh.id, "step %d, round %d, key %q", step, round, k)
			}
		}
	}
}

// TestRouteKeySetsApart routes the same keys by two sets of shards that
// share the process's table: each set answers with its own shards only,
// whichever routed a key first.
func TestRouteKeySetsApart(t *testing.T) {
	e := rsEngine(t)
	rsCreate(t, e, "a", 4)
	rsCreate(t, e, "b", 3)
	sa, sb := rsStream(t, e, "a"), rsStream(t, e, "b")
	ra, rb := sa.routing.Load(), sb.routing.Load()
	require.NotEqual(t, ra.id, rb.id)
	for round := range 3 {
		for i := range 500 {
			k := fmt.Sprintf("key-%d", i)
			for _, rs := range []*routeSet{ra, rb} {
				got := rs.routeKey(k)
				require.Same(t, rs.search(hashKeyOf(k)), got, "round %d, key %q", round, k)
			}
		}
	}
}

// TestRouteKeyNoShards routes on a set without open shards.
func TestRouteKeyNoShards(t *testing.T) {
	rs := newRouteSet([]*shard{})
	for _, k := range []string{"a", "user-1", strings.Repeat("k", 40)} {
		require.Nil(t, rs.routeKey(k))
		require.Nil(t, rs.routeKey(k))
	}
}

// TestRouteSlotConcurrent has goroutines fill and read the slots of one
// table at once with keys that collide, routed by two sets: a reader must
// never take a key's shard for another key's, or another set's (run with
// -race).
func TestRouteSlotConcurrent(t *testing.T) {
	var c [1 << routeCacheBits]routeSlot
	keys := make([]string, 4*len(c))
	for i := range keys {
		keys[i] = fmt.Sprintf("k-%d", i)
	}
	var wg sync.WaitGroup
	var bad atomic.Value
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 9))
			for range 50_000 {
				i := r.IntN(len(keys))
				set := uint64(1 + r.IntN(2))
				want := (i + int(set)) % (1 << 20)
				var w [hashCacheWords]uint64
				packKey(&w, keys[i])
				// The same slots for both sets, so that they meet.
				a, b := routeSlotsOf(0, w[0], w[1], len(keys[i]))
				s := &c[a]
				if r.IntN(2) == 0 {
					s = &c[b]
				}
				if idx, ok := s.load(set, w[0], w[1], len(keys[i])); ok && idx != want {
					bad.Store(fmt.Sprintf("key %q of set %d read as index %d", keys[i], set, idx))
				}
				s.store(set, w[0], w[1], len(keys[i]), want)
			}
		}()
	}
	wg.Wait()
	require.Nil(t, bad.Load())
}

// TestAppendRoutesByMD5AcrossReshards writes with Stream.Append from
// several goroutines while the stream is split and merged, then reads every
// shard: each record must sit in a shard whose hash-key range holds the MD5
// hash of its partition key, so no remembered route survived a reshard.
// Run it with -race.
func TestAppendRoutesByMD5AcrossReshards(t *testing.T) {
	e := rsEngine(t)
	rsCreate(t, e, "a", 2)
	st, err := e.Stream("a")
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(5, 6))
	ctx := context.Background()
	var (
		written atomic.Int64
		wg      sync.WaitGroup
	)
	stop := make(chan struct{})
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				if testsync.Closed(stop) {
					return
				}
				k := fmt.Sprintf("w%d-%d", w, i%50)
				if _, err := st.Append(ctx, k, []byte(k)); err != nil {
					errs <- err
					return
				}
				written.Add(1)
			}
		}()
	}
	for range 12 {
		at := written.Load()
		rsWaitFor(t, func() bool { return written.Load() >= at+200 || len(errs) > 0 })
		rsReshardOp(t, e, rng, "a")
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	total := 0
	for _, s := range rsShards(t, e, "a") {
		for _, r := range dpReadShard(t, e, "a", s.ShardId) {
			require.True(t, s.HashKeyRange.Contains(HashPartitionKey(r.PartitionKey)),
				"record of key %q in %s", r.PartitionKey, s.ShardId)
			total++
		}
	}
	require.Equal(t, int(written.Load()), total)
}
