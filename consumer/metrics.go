package consumer

// Metrics receives the measurements of a Worker. Implementations must be
// safe for concurrent use and fast: they are called from the processing
// path. Embed NopMetrics to implement only some methods.
type Metrics interface {
	// RecordsProcessed is called after a processor accepted a batch of
	// n records holding bytes bytes of data.
	RecordsProcessed(shardID string, n, bytes int)
	// MillisBehindLatest reports how far reading a shard is behind its
	// tip, after each read.
	MillisBehindLatest(shardID string, millis int64)
	// LeasesHeld reports the number of leases the worker holds, after
	// each lease cycle.
	LeasesHeld(n int)
	// LeaseGained is called when the worker takes a lease: an expired or
	// unowned one, or one it steals.
	LeaseGained(shardID string)
	// LeaseStolen is called, after LeaseGained, when the lease was taken
	// from a live worker, from, to balance the load.
	LeaseStolen(shardID, from string)
	// LeaseLost is called when the worker finds it no longer holds a
	// lease: another worker took it, or the worker could not renew it for
	// the failover time.
	LeaseLost(shardID string)
	// Error is called for every failed call the worker retries or gives
	// up on; op names the operation, such as "GetRecords" or
	// "ProcessRecords".
	Error(op string, err error)
}

// NopMetrics is a Metrics that discards everything, the default.
type NopMetrics struct{}

func (NopMetrics) RecordsProcessed(string, int, int) {}
func (NopMetrics) MillisBehindLatest(string, int64)  {}
func (NopMetrics) LeasesHeld(int)                    {}
func (NopMetrics) LeaseGained(string)                {}
func (NopMetrics) LeaseStolen(string, string)        {}
func (NopMetrics) LeaseLost(string)                  {}
func (NopMetrics) Error(string, error)               {}
