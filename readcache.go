package freshet

// The read cache
//
// An engine with a data directory reads the records that left memory back
// from its shards' segment files by blocks of about 64 KiB (the records
// between two entries of a segment's sparse index), checking the CRC-32C
// of each frame of records (of each record in segments written before
// frames) once, when its block is read from the file. The blocks read stay
// in a cache shared by the engine's shards, least recently used out first,
// so that a consumer reading on, or several consumers reading the same
// stretch of a shard, read and check each block once. The records a read
// returns share the cached block's memory (never written after it is
// read), so they stay valid when the block leaves the cache.
//
// The cache has a budget of its own beside WithMaxMemory's: a sixteenth of
// it, at least 1 MiB and at most 64 MiB (16 MiB for the default budget of
// 256 MiB).
//
// Its hits, misses, evictions and bytes held are engine-level metrics
// (EngineMetrics, EngineMetricCatalog), counted under the lock a read of
// the cache takes anyway.

// readCacheBytes returns the size of the read cache of an engine.
func readCacheBytes(cfg storageConfig) int64 {
	if cfg.readCache != 0 {
		return cfg.readCache
	}
	return min(max(cfg.maxMemory/16, 1<<20), 64<<20)
}

// withReadCache sets the size of the read cache (benchmarks and tests).
func withReadCache(bytes int64) Option {
	return func(cfg *config) { cfg.storage.readCache = bytes }
}
