package freshet

import (
	"sort"
	"sync/atomic"
)

// Memory accounting
//
// The engine counts the bytes of its record chunks (slab plus entry
// table) in memUsed: a chunk is counted when it is created and released
// when retention trims it, its shard is dropped, or (with a data
// directory) it is evicted to disk. Counting happens once per chunk, not
// per record, so it costs nothing measurable on the write path.

// memoryUsage is an engine's count of chunk bytes.
type memoryUsage struct {
	used atomic.Int64
}

// chunkBytes is what a chunk costs.
func chunkBytes(c *chunk) int64 {
	return int64(len(c.slab)) + int64(cap(c.entries))*int64(entrySize)
}

// entrySize is the size of an entry.
const entrySize = 24

// reserveChunk counts a new chunk. Without a data directory it refuses
// (and counts nothing) when the chunk would take the engine over its
// memory budget; with one, eviction makes room afterwards.
func (e *Engine) reserveChunk(c *chunk) bool {
	n := chunkBytes(c)
	used := e.mem.used.Add(n)
	if limit := e.cfg.storage.maxMemory; limit > 0 && used > limit && e.store == nil {
		e.mem.used.Add(-n)
		return false
	}
	return true
}

// releaseChunk uncounts a chunk that left memory.
func (e *Engine) releaseChunk(c *chunk) {
	e.mem.used.Add(-chunkBytes(c))
}

// MemoryInUse returns the bytes the engine holds in memory for records,
// as the WithMaxMemory budget counts them.
func (e *Engine) MemoryInUse() int64 { return e.mem.used.Load() }

// errMemoryExhausted is the error of a write refused by the memory budget
// of an engine without a data directory.
func (e *Engine) errMemoryExhausted(stream, shardID string) error {
	return NewError(codeProvisionedThroughputExceeded,
		"Memory budget exhausted for shard %s in stream %s under account %s: the engine holds %d bytes of records and its budget (WithMaxMemory, --max-memory) is %d bytes. "+
			"Retry once retention has trimmed older records or streams were deleted, or run with a data directory (--data-dir), which keeps older records on disk.",
		shardID, stream, e.cfg.account, e.mem.used.Load(), e.cfg.storage.maxMemory)
}

// evict moves the oldest records of the engine out of memory until it is
// within its budget: only with a data directory, where every record in
// memory is also in its shard's log. The oldest chunk across all shards
// goes first (by the arrival of its newest record).
func (e *Engine) evict() {
	limit := e.cfg.storage.maxMemory
	if e.mem.used.Load() <= limit {
		return
	}
	type candidate struct {
		sh      *shard
		arrival int64
	}
	var cands []candidate
	for _, st := range e.list() {
		st.mu.Lock()
		shards := append([]*shard(nil), st.shards...)
		st.mu.Unlock()
		for _, sh := range shards {
			sh.mu.Lock()
			if c, ok := sh.chunks.Min(); ok {
				cands = append(cands, candidate{sh, c.entries[len(c.entries)-1].arrival})
			}
			sh.mu.Unlock()
		}
	}
	for e.mem.used.Load() > limit && len(cands) > 0 {
		sort.Slice(cands, func(i, j int) bool { return cands[i].arrival < cands[j].arrival })
		c := &cands[0]
		sh := c.sh
		sh.mu.Lock()
		if ch, ok := sh.chunks.Min(); ok {
			sh.chunks.DeleteMin()
			if ch == sh.tail {
				sh.tail = nil
			}
			e.releaseChunk(ch)
		}
		if ch, ok := sh.chunks.Min(); ok {
			c.arrival = ch.entries[len(ch.entries)-1].arrival
		} else {
			cands = cands[1:]
		}
		sh.mu.Unlock()
	}
}
