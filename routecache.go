package freshet

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// Remembering the shard of a partition key
//
// Routing a record among several open shards needs the MD5 hash of its
// partition key (hashcache.go remembers those) and a search of the open
// shards' hash-key ranges. A writer needs only the answer, the index of
// the shard, so the process remembers it for recently routed short keys,
// in one table of 2048 slots of 32 bytes (64 KiB, shared by every stream
// of every engine, allocated once a stream routes among several shards): half the memory per key of the hash table, so that more of the
// keys a producer repeats stay in the processor's caches, and no range
// search.
//
// A remembered shard belongs to the set of open shards it was computed
// from: each published set (routeSet) has an id no other set ever gets,
// and a slot only answers for the set whose id it holds. A reshard
// publishes a new set, so a remembered shard can never outlive the routing
// that chose it. A writer that loaded the old set may still route by it,
// as it would by the ranges; the shard it finds is closed by then and
// sends it to route again (Stream.Append), on the new set.
//
// Keys of 1 to 16 bytes are remembered, once they are routed a second
// time while the hash table still holds their hash (a key that rarely
// repeats does not take a slot); longer keys route through hashKeyOf. A cheap hash of the set's id and the key picks two slots;
// each slot is a sequence lock of atomics, as in hashcache.go, and holds
// no pointers.

const (
	routeCacheBits = 11
	routeCacheKey  = 16 // longest key remembered, in bytes
)

// routeSlot is one remembered key and its shard; 32 bytes.
type routeSlot struct {
	seq  atomic.Uint32 // odd while a writer fills the slot; 0 while empty
	meta atomic.Uint32 // key length in the low 8 bits, shard index above
	key  [2]atomic.Uint64
	set  atomic.Uint64 // the id of the routeSet the shard index is of
}

// routeTable is the process's remembered routes, allocated on first use
// (a large allocation is page-aligned, so no slot straddles two cache
// lines).
var routeTable = sync.OnceValue(func() *[1 << routeCacheBits]routeSlot {
	return new([1 << routeCacheBits]routeSlot)
})

// routeSetIDs numbers routeSets; ids start at 1.
var routeSetIDs atomic.Uint64

// routeSet is a published set of open shards, sorted by starting hash
// key.
type routeSet struct {
	id     uint64
	shards []*shard
}

// newRouteSet returns a set of the open shards, sorted by starting hash
// key, with an id no other set has.
func newRouteSet(shards []*shard) *routeSet {
	return &routeSet{id: routeSetIDs.Add(1), shards: shards}
}

// routeKey returns the open shard owning partitionKey's hash key, or nil
// when none does (a stream without open shards). It remembers the answer
// for short keys.
func (rs *routeSet) routeKey(partitionKey string) *shard {
	n := len(partitionKey)
	if n == 0 || n > routeCacheKey {
		return rs.search(hashKeyOf(partitionKey))
	}
	var w [hashCacheWords]uint64
	packKey(&w, partitionKey)
	i, j := routeSlotsOf(rs.id, w[0], w[1], n)
	table := routeTable()
	a, b := &table[i], &table[j]
	if idx, ok := a.load(rs.id, w[0], w[1], n); ok && idx < len(rs.shards) {
		return rs.shards[idx]
	}
	if idx, ok := b.load(rs.id, w[0], w[1], n); ok && idx < len(rs.shards) {
		return rs.shards[idx]
	}
	k, seen := hashKeyRemembered(partitionKey)
	idx := rs.index(k)
	if idx == len(rs.shards) {
		return nil
	}
	if !seen {
		// Only a key seen before takes a slot: keys that rarely repeat
		// would push out those that do, and pay a store for nothing.
		return rs.shards[idx]
	}
	switch {
	case a.seq.Load() == 0:
	case b.seq.Load() == 0 || rand.N(2) == 1:
		a = b
	}
	a.store(rs.id, w[0], w[1], n, idx)
	return rs.shards[idx]
}

// index returns the index of the open shard owning hash key k, or
// len(rs.shards) when none does.
func (rs *routeSet) index(k HashKey) int {
	lo, hi := 0, len(rs.shards)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if rs.shards[m].hashRange.EndingHashKey.Cmp(k) >= 0 {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// search returns the open shard owning hash key k, or nil.
func (rs *routeSet) search(k HashKey) *shard {
	if i := rs.index(k); i < len(rs.shards) {
		return rs.shards[i]
	}
	return nil
}

// routeSlotsOf picks the two slots of a key of n bytes, packed into the
// words w0 and w1, routed by the set with id set.
func routeSlotsOf(set, w0, w1 uint64, n int) (i, j uint64) {
	h := (uint64(n) ^ set<<8 ^ w0) * 0x9e3779b97f4a7c15
	h ^= h >> 29
	h = (h ^ w1) * 0x9e3779b97f4a7c15
	h ^= h >> 29
	return slotPair(h, routeCacheBits)
}

// load returns the slot's shard index if it holds the key (w0, w1) of n
// bytes routed by the set with id set.
func (s *routeSlot) load(set, w0, w1 uint64, n int) (int, bool) {
	seq := s.seq.Load()
	if seq == 0 || seq&1 != 0 {
		return 0, false
	}
	meta := s.meta.Load()
	if meta&0xff != uint32(n) || s.key[0].Load() != w0 || s.key[1].Load() != w1 || s.set.Load() != set {
		return 0, false
	}
	if s.seq.Load() != seq {
		return 0, false // a writer replaced the key meanwhile
	}
	return int(meta >> 8), true
}

// store puts the key (w0, w1) of n bytes, routed by the set with id set,
// and its shard index in the slot, unless another writer is filling it.
// Indexes that do not fit are not remembered.
func (s *routeSlot) store(set, w0, w1 uint64, n, idx int) {
	if idx >= 1<<24 {
		return
	}
	seq := s.seq.Load()
	if seq&1 != 0 || !s.seq.CompareAndSwap(seq, seq+1) {
		return
	}
	s.meta.Store(uint32(n) | uint32(idx)<<8)
	s.key[0].Store(w0)
	s.key[1].Store(w1)
	s.set.Store(set)
	next := seq + 2
	if next == 0 {
		next = 2 // 0 means empty
	}
	s.seq.Store(next)
}
