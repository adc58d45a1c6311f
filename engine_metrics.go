package freshet

// EngineMetrics is a snapshot of the metrics of an engine as a whole (one
// account and region), beside those of its streams (Engine.Metrics). They
// have no CloudWatch counterpart: they tell how freshet itself is doing.
// Counters count since the engine was opened.
type EngineMetrics struct {
	// DataDir tells that the engine has a data directory (WithDataDir).
	// The read cache exists only then: without one, its metrics are zero
	// and the metric adapters do not export them.
	DataDir bool

	// ReadCacheHits and ReadCacheMisses count the blocks of segment files
	// (about 64 KiB of records each) that reads of records on disk found
	// in the read cache, or had to read from the files.
	ReadCacheHits   int64
	ReadCacheMisses int64
	// ReadCacheEvictions counts the blocks the read cache dropped, least
	// recently used first, to make room for others within its budget
	// (blocks dropped because retention deleted their segment, or their
	// stream was deleted, are not counted).
	ReadCacheEvictions int64
	// ReadCacheBytes is what the blocks in the read cache hold now, and
	// ReadCacheMaxBytes the cache's budget (see WithMaxMemory).
	ReadCacheBytes    int64
	ReadCacheMaxBytes int64
}

// EngineMetrics returns a snapshot of the engine's own metrics. It takes
// the read cache's lock once, for a moment: reads do not pay for it.
func (e *Engine) EngineMetrics() EngineMetrics {
	if e.store == nil {
		return EngineMetrics{}
	}
	st := e.store.cache.Stats()
	return EngineMetrics{
		DataDir:            true,
		ReadCacheHits:      st.Hits,
		ReadCacheMisses:    st.Misses,
		ReadCacheEvictions: st.Evictions,
		ReadCacheBytes:     st.Bytes,
		ReadCacheMaxBytes:  st.MaxBytes,
	}
}
