package connect

import (
	"maps"
	"sync/atomic"
)

// ShardStats are the counts of one shard since the pipeline started.
type ShardStats struct {
	// Records and Bytes count the records read and their data.
	Records, Bytes int64
	// Emitted and EmittedBytes count the items stored by the emitter.
	Emitted, EmittedBytes int64
	// Filtered counts the items the filter skipped.
	Filtered int64
	// TransformFailed counts the records the transformer rejected.
	TransformFailed int64
	// Dropped counts the items the Drop policy skipped; DeadLettered those
	// written to the dead letter.
	Dropped, DeadLettered int64
	// Flushes counts the batches emitted; Retries the emits and
	// dead-letter writes tried again after a failure.
	Flushes, Retries int64
	// Checkpoints counts the checkpoints written.
	Checkpoints int64
	// Buffered is the number of items waiting in the buffer.
	Buffered int64
	// MillisBehindLatest is how far the last batch read was behind the
	// tip of the shard.
	MillisBehindLatest int64
	// Blocked is set when the Block policy stopped the shard.
	Blocked *BlockedError
}

// Stats are the counts of a pipeline: per shard, and their sum (in which
// MillisBehindLatest is the largest of the shards').
type Stats struct {
	Total  ShardStats
	Shards map[string]ShardStats
}

type shardCounters struct {
	records, bytes, emitted, emittedBytes, filtered, transformFailed       atomic.Int64
	dropped, deadLettered, flushes, retries, checkpoints, buffered, millis atomic.Int64
	blocked                                                                atomic.Pointer[BlockedError]
}

func (c *shardCounters) snapshot() ShardStats {
	return ShardStats{
		Records: c.records.Load(), Bytes: c.bytes.Load(),
		Emitted: c.emitted.Load(), EmittedBytes: c.emittedBytes.Load(),
		Filtered: c.filtered.Load(), TransformFailed: c.transformFailed.Load(),
		Dropped: c.dropped.Load(), DeadLettered: c.deadLettered.Load(),
		Flushes: c.flushes.Load(), Retries: c.retries.Load(), Checkpoints: c.checkpoints.Load(),
		Buffered: c.buffered.Load(), MillisBehindLatest: c.millis.Load(), Blocked: c.blocked.Load(),
	}
}

// Stats returns the pipeline's counts so far. It is safe to call at any
// time, from any goroutine.
func (p *Pipeline[T]) Stats() Stats {
	p.mu.Lock()
	counters := maps.Clone(p.stats)
	p.mu.Unlock()
	st := Stats{Shards: make(map[string]ShardStats, len(counters))}
	for id, c := range counters {
		s := c.snapshot()
		st.Shards[id] = s
		t := &st.Total
		t.Records += s.Records
		t.Bytes += s.Bytes
		t.Emitted += s.Emitted
		t.EmittedBytes += s.EmittedBytes
		t.Filtered += s.Filtered
		t.TransformFailed += s.TransformFailed
		t.Dropped += s.Dropped
		t.DeadLettered += s.DeadLettered
		t.Flushes += s.Flushes
		t.Retries += s.Retries
		t.Checkpoints += s.Checkpoints
		t.Buffered += s.Buffered
		t.MillisBehindLatest = max(t.MillisBehindLatest, s.MillisBehindLatest)
		if t.Blocked == nil {
			t.Blocked = s.Blocked
		}
	}
	return st
}
