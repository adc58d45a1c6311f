package freshet

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// Remembering partition-key hashes
//
// Routing a record to one of several open shards needs the MD5 hash of its
// partition key, and MD5 of a short key costs more than everything else a
// write does (about twice a buffered channel send). Producers usually write
// many records per partition key (a user, an order, a device), so the
// engine remembers the hashes of recently routed keys in a fixed table:
// 4096 slots of one cache line, each holding one key of up to 40 bytes and
// its hash. A cheap hash of the key's bytes picks two slots for it; a key
// that is in neither is hashed with MD5 and takes an empty one of the two,
// or else one of them at random. (With two independent slots, 1,020 of the
// 1,024 keys the benchmarks write stay in the table; with a pair of
// neighbouring slots, a tenth of them kept evicting each other.) Longer keys
// are always hashed.
//
// Keys that do not repeat (random keys, unique ids) gain nothing from the
// table and pay for it: each new key reads two slots, cache lines long
// evicted by then, and writes one, together more than the MD5 they would
// save (in a running server, reading the two slots of a new key cost 1.5
// times its MD5). So the table watches a sample of the keys, one in 16
// chosen by a hash of the key's bytes (a key is always in the sample or
// always out of it), which always go through the table; a score counts
// their hits up and their misses down. While misses outnumber hits, keys
// outside the sample are hashed with MD5 without reading or writing the
// table, but for one lookup in 64 chosen at random, scored too. A producer
// whose keys start to repeat turns the table back on through the hits of
// the sample and of those probes (hashCacheGate).
//
// The table holds no pointers (the keys are copied into it), so it pins no
// caller's memory and costs the garbage collector nothing. Readers do not
// write to it: each slot is a sequence lock built of atomics. A writer makes
// the slot's sequence odd, stores the key and hash, and makes it even
// again; a reader reads the sequence, the key and the hash, and trusts them
// only if the sequence is even and unchanged. A writer that finds the slot
// being written by another skips it. The table is shared by every engine of
// the process: the hash of a key never changes.

const (
	hashCacheBits  = 12
	hashCacheWords = 5 // key words per slot: keys up to 40 bytes
)

// hashSlot is one remembered key and its hash; 64 bytes, one cache line.
type hashSlot struct {
	seq    atomic.Uint32 // odd while a writer fills the slot; 0 while empty
	n      atomic.Uint32 // length of the key
	key    [hashCacheWords]atomic.Uint64
	hi, lo atomic.Uint64
}

// hashSlots is the table, allocated on first use (a large allocation is
// page-aligned, so each slot is one cache line).
var hashSlots = sync.OnceValue(func() *[1 << hashCacheBits]hashSlot {
	return new([1 << hashCacheBits]hashSlot)
})

// hashKeyOf returns HashPartitionKey(partitionKey), from the table when the
// key is in it.
func hashKeyOf(partitionKey string) HashKey {
	k, _ := hashKeyRemembered(partitionKey)
	return k
}

// hashKeyRemembered is hashKeyOf also telling whether the key's hash was
// in the table: whether the key was routed recently.
func hashKeyRemembered(partitionKey string) (HashKey, bool) {
	return hashKeyGated(&hashGate, partitionKey)
}

// hashKeyGated is hashKeyRemembered with the gate g.
func hashKeyGated(g *hashCacheGate, partitionKey string) (HashKey, bool) {
	n := len(partitionKey)
	if n == 0 || n > 8*hashCacheWords {
		return HashPartitionKey(partitionKey), false
	}
	var w [hashCacheWords]uint64
	words := packKey(&w, partitionKey)
	h := keyHashOf(w[:words], n)
	sampled := inHashSample(h)
	if !sampled && !g.open() {
		if rand.Uint32()%hashGateProbe != 0 {
			return HashPartitionKey(partitionKey), false
		}
		// A probe: scored like a sampled key, so that a producer whose
		// few keys are all outside the sample opens the table again.
		sampled = true
	}
	slots := hashSlots()
	i, j := slotPair(h, hashCacheBits)
	a, b := &slots[i], &slots[j]
	if k, ok := a.load(w[:words], n); ok {
		g.note(sampled, true)
		return k, true
	}
	if k, ok := b.load(w[:words], n); ok {
		g.note(sampled, true)
		return k, true
	}
	g.note(sampled, false)
	k := HashPartitionKey(partitionKey)
	switch {
	case a.seq.Load() == 0:
	case b.seq.Load() == 0 || rand.N(2) == 1:
		a = b
	}
	a.store(w[:words], n, k)
	return k, false
}

// packKey stores the bytes of key, little-endian, zero-padded, in w and
// returns how many words it filled.
func packKey(w *[hashCacheWords]uint64, key string) int {
	i := 0
	for ; i+8 <= len(key); i += 8 {
		s := key[i : i+8]
		w[i>>3] = uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	}
	for ; i < len(key); i++ {
		w[i>>3] |= uint64(key[i]) << (8 * (i & 7))
	}
	return (len(key) + 7) >> 3
}

// keyHashOf is the cheap multiplicative hash of a packed key of n bytes
// that picks its two slots (slotPair) and whether it is in the sample. It
// needs to spread keys, not to resist collisions: a collision costs an MD5,
// never a wrong hash.
func keyHashOf(w []uint64, n int) uint64 {
	h := uint64(n)
	for _, x := range w {
		h = (h ^ x) * 0x9e3779b97f4a7c15
		h ^= h >> 29
	}
	return h
}

// inHashSample reports whether the key of cheap hash h is one of the one in
// 16 keys that always go through the table. The top bits of a second
// product depend on every bit of h, where h's low bits do not depend on
// the high bytes of the key's words.
func inHashSample(h uint64) bool {
	return (h*0xbf58476d1ce4e5b9)>>60 == 0
}

// hashGate decides for the process's table whether keys outside the
// sample use it.
var hashGate hashCacheGate

// hashGateMax bounds the score: after at most this many more misses than
// hits of the sample (about 16 times as many keys), the table is passed by.
const hashGateMax = 64

// hashGateProbe: while the table is passed by, one lookup in this many,
// chosen at random, goes through it and is scored like a sampled key.
const hashGateProbe = 64

// hashCacheGate is the score of the sampled keys: hits minus misses, kept
// within ±hashGateMax. Concurrent notes may push it a little past the
// bounds; that only delays a turn.
type hashCacheGate struct {
	score atomic.Int32
}

// open reports whether keys outside the sample should use the table: while
// the sampled keys have hit at least as often as they missed.
func (g *hashCacheGate) open() bool { return g.score.Load() >= 0 }

// note counts a lookup of the table by a key, if it is in the sample.
func (g *hashCacheGate) note(sampled, hit bool) {
	if !sampled {
		return
	}
	switch s := g.score.Load(); {
	case hit && s < hashGateMax:
		g.score.Add(1)
	case !hit && s > -hashGateMax:
		g.score.Add(-1)
	}
}

// slotPair picks two different slots of a table of 1<<bits from the hash h.
func slotPair(h uint64, bits int) (i, j uint64) {
	i = h >> (64 - bits)
	j = h >> (64 - 2*bits) & (1<<bits - 1)
	if i == j {
		j ^= 1
	}
	return i, j
}

// load returns the slot's hash if it holds the packed key w of n bytes.
func (s *hashSlot) load(w []uint64, n int) (HashKey, bool) {
	seq := s.seq.Load()
	if seq == 0 || seq&1 != 0 || s.n.Load() != uint32(n) {
		return HashKey{}, false
	}
	for i, x := range w {
		if s.key[i].Load() != x {
			return HashKey{}, false
		}
	}
	k := HashKey{hi: s.hi.Load(), lo: s.lo.Load()}
	if s.seq.Load() != seq {
		return HashKey{}, false // a writer replaced the key meanwhile
	}
	return k, true
}

// store puts the packed key w of n bytes and its hash k in the slot, unless
// another writer is filling it.
func (s *hashSlot) store(w []uint64, n int, k HashKey) {
	seq := s.seq.Load()
	if seq&1 != 0 || !s.seq.CompareAndSwap(seq, seq+1) {
		return
	}
	s.n.Store(uint32(n))
	for i, x := range w {
		s.key[i].Store(x)
	}
	s.hi.Store(k.hi)
	s.lo.Store(k.lo)
	next := seq + 2
	if next == 0 {
		next = 2 // 0 means empty
	}
	s.seq.Store(next)
}
