package freshet

import (
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Metrics
//
// The engine keeps the stream-level metrics Kinesis publishes to
// CloudWatch, and the shard-level ones for streams whose enhanced
// monitoring asks for them. Byte and record counts live in each shard and
// are updated under the shard lock the write or read holds anyway; per-call
// counts of PutRecords, SubscribeToShard and latencies are atomics of the
// stream. Latency is wall-clock time inside the engine: every GetRecords
// and PutRecords call, and one PutRecord call in 64 (reading the clock twice
// per call would cost more than the whole budget of metrics).

// StreamMetrics is a snapshot of a stream's metrics, named after Kinesis'
// CloudWatch metrics. Counters count since the stream was created.
type StreamMetrics struct {
	StreamName string
	StreamARN  string

	// IncomingBytes and IncomingRecords count what PutRecord and
	// PutRecords stored (data plus partition keys for bytes).
	IncomingBytes   int64
	IncomingRecords int64
	// OutgoingBytes and OutgoingRecords count what GetRecords and the
	// Go-native iterators returned.
	OutgoingBytes   int64
	OutgoingRecords int64

	// PutRecordSuccess counts successful PutRecord calls.
	PutRecordSuccess int64
	// PutRecordsSuccess counts PutRecords calls that stored every record;
	// PutRecordsTotalRecords, ...SuccessfulRecords, ...FailedRecords and
	// ...ThrottledRecords count their records. As in CloudWatch, failed
	// records are those refused for another reason than throttling, so
	// total = successful + failed + throttled.
	PutRecordsSuccess           int64
	PutRecordsTotalRecords      int64
	PutRecordsSuccessfulRecords int64
	PutRecordsFailedRecords     int64
	PutRecordsThrottledRecords  int64
	// GetRecordsSuccess counts successful GetRecords calls.
	GetRecordsSuccess int64

	PutRecordLatency  Latency
	PutRecordsLatency Latency
	GetRecordsLatency Latency

	// WriteProvisionedThroughputExceeded counts records refused by the
	// write limits; ReadProvisionedThroughputExceeded counts GetRecords
	// calls refused by the read limits.
	WriteProvisionedThroughputExceeded int64
	ReadProvisionedThroughputExceeded  int64
	// GetRecordsIteratorAgeMilliseconds is the largest MillisBehindLatest
	// of the last GetRecords call on each shard.
	GetRecordsIteratorAgeMilliseconds int64

	// SubscribeToShardSuccess counts subscriptions started;
	// SubscribeToShardEvents, ...EventRecords and ...EventBytes count what
	// they delivered; SubscribeToShardEventMillisBehindLatest is the
	// largest MillisBehindLatest of the last event on each shard.
	SubscribeToShardSuccess                 int64
	SubscribeToShardEvents                  int64
	SubscribeToShardEventRecords            int64
	SubscribeToShardEventBytes              int64
	SubscribeToShardEventMillisBehindLatest int64

	// Shards holds shard-level metrics when enhanced monitoring is enabled
	// (EnableEnhancedMonitoring); ShardLevelMetrics names the enabled ones,
	// the others are zero.
	ShardLevelMetrics []string
	Shards            []ShardMetrics
}

// ShardMetrics is a snapshot of one shard's enhanced (shard-level) metrics.
type ShardMetrics struct {
	ShardId                            string
	IncomingBytes                      int64
	IncomingRecords                    int64
	OutgoingBytes                      int64
	OutgoingRecords                    int64
	WriteProvisionedThroughputExceeded int64
	ReadProvisionedThroughputExceeded  int64
	IteratorAgeMilliseconds            int64
}

// Latency summarizes measured call latencies.
type Latency struct {
	// Count is the number of calls measured.
	Count int64
	// Sum and Max are their total and largest latency.
	Sum time.Duration
	Max time.Duration
}

// Average returns Sum/Count, or zero.
func (l Latency) Average() time.Duration {
	if l.Count == 0 {
		return 0
	}
	return l.Sum / time.Duration(l.Count)
}

// shardCounters are a shard's counters, guarded by its mutex.
type shardCounters struct {
	incomingBytes, incomingRecords int64
	putRecordSuccess               int64
	outgoingBytes, outgoingRecords int64
	writeThrottled, readThrottled  int64
	getRecordsSuccess              int64
	iteratorAgeMs                  int64 // of the last GetRecords
	eventAgeMs                     int64 // of the last SubscribeToShard event
}

func (c *shardCounters) add(o *shardCounters) {
	c.incomingBytes += o.incomingBytes
	c.incomingRecords += o.incomingRecords
	c.outgoingBytes += o.outgoingBytes
	c.outgoingRecords += o.outgoingRecords
	c.writeThrottled += o.writeThrottled
	c.readThrottled += o.readThrottled
	c.putRecordSuccess += o.putRecordSuccess
	c.getRecordsSuccess += o.getRecordsSuccess
}

// latencyStats accumulates latencies with atomics.
type latencyStats struct {
	count, sum, max atomic.Int64
}

func (l *latencyStats) observe(d time.Duration) {
	l.count.Add(1)
	l.sum.Add(int64(d))
	for {
		cur := l.max.Load()
		if int64(d) <= cur || l.max.CompareAndSwap(cur, int64(d)) {
			return
		}
	}
}

func (l *latencyStats) snapshot() Latency {
	return Latency{Count: l.count.Load(), Sum: time.Duration(l.sum.Load()), Max: time.Duration(l.max.Load())}
}

// streamCounters are a stream's per-call counters.
type streamCounters struct {
	putRecordsSuccess, putRecordsTotal, putRecordsOK, putRecordsFailed, putRecordsThrottled atomic.Int64
	subscribeSuccess, events, eventRecords, eventBytes                                      atomic.Int64
	putRecordLatency, putRecordsLatency, getRecordsLatency                                  latencyStats

	mu      sync.Mutex
	retired shardCounters // of shards dropped by retention
}

// sampleLatency reports whether this PutRecord call measures its latency.
func sampleLatency() bool { return rand.Uint32()&63 == 0 }

// retire keeps a dropped shard's counts in the stream's totals.
func (st *Stream) retire(c *shardCounters) {
	st.counters.mu.Lock()
	st.counters.retired.add(c)
	st.counters.mu.Unlock()
}

// Metrics returns a snapshot of the stream's metrics.
func (st *Stream) Metrics() StreamMetrics {
	m := StreamMetrics{StreamName: st.name, StreamARN: st.arn}
	st.mu.Lock()
	shards := append([]*shard(nil), st.shards...)
	enabled := append([]string(nil), st.metrics...)
	st.mu.Unlock()
	on := map[string]bool{}
	for _, name := range enabled {
		on[name] = true
	}
	var total shardCounters
	st.counters.mu.Lock()
	total.add(&st.counters.retired)
	st.counters.mu.Unlock()
	for _, sh := range shards {
		sh.mu.Lock()
		c, gone := sh.counters, sh.gone
		sh.mu.Unlock()
		if gone {
			continue // its counts were retired
		}
		total.add(&c)
		m.GetRecordsIteratorAgeMilliseconds = max(m.GetRecordsIteratorAgeMilliseconds, c.iteratorAgeMs)
		m.SubscribeToShardEventMillisBehindLatest = max(m.SubscribeToShardEventMillisBehindLatest, c.eventAgeMs)
		if len(enabled) == 0 {
			continue
		}
		sm := ShardMetrics{ShardId: sh.id}
		pick := func(name string, v int64) int64 {
			if on[name] {
				return v
			}
			return 0
		}
		sm.IncomingBytes = pick("IncomingBytes", c.incomingBytes)
		sm.IncomingRecords = pick("IncomingRecords", c.incomingRecords)
		sm.OutgoingBytes = pick("OutgoingBytes", c.outgoingBytes)
		sm.OutgoingRecords = pick("OutgoingRecords", c.outgoingRecords)
		sm.WriteProvisionedThroughputExceeded = pick("WriteProvisionedThroughputExceeded", c.writeThrottled)
		sm.ReadProvisionedThroughputExceeded = pick("ReadProvisionedThroughputExceeded", c.readThrottled)
		sm.IteratorAgeMilliseconds = pick("IteratorAgeMilliseconds", c.iteratorAgeMs)
		m.Shards = append(m.Shards, sm)
	}
	m.ShardLevelMetrics = enabled
	m.IncomingBytes, m.IncomingRecords = total.incomingBytes, total.incomingRecords
	m.OutgoingBytes, m.OutgoingRecords = total.outgoingBytes, total.outgoingRecords
	m.WriteProvisionedThroughputExceeded = total.writeThrottled
	m.ReadProvisionedThroughputExceeded = total.readThrottled
	m.PutRecordSuccess = total.putRecordSuccess
	m.GetRecordsSuccess = total.getRecordsSuccess

	c := &st.counters
	m.PutRecordsSuccess = c.putRecordsSuccess.Load()
	m.PutRecordsTotalRecords = c.putRecordsTotal.Load()
	m.PutRecordsSuccessfulRecords = c.putRecordsOK.Load()
	m.PutRecordsFailedRecords = c.putRecordsFailed.Load()
	m.PutRecordsThrottledRecords = c.putRecordsThrottled.Load()
	m.SubscribeToShardSuccess = c.subscribeSuccess.Load()
	m.SubscribeToShardEvents = c.events.Load()
	m.SubscribeToShardEventRecords = c.eventRecords.Load()
	m.SubscribeToShardEventBytes = c.eventBytes.Load()
	m.PutRecordLatency = c.putRecordLatency.snapshot()
	m.PutRecordsLatency = c.putRecordsLatency.snapshot()
	m.GetRecordsLatency = c.getRecordsLatency.snapshot()
	return m
}

// Metrics returns a snapshot of every stream's metrics, ordered by name.
func (e *Engine) Metrics() []StreamMetrics {
	names := make([]string, 0, len(e.list()))
	streams := e.list()
	for name := range streams {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]StreamMetrics, 0, len(names))
	for _, name := range names {
		out = append(out, streams[name].Metrics())
	}
	return out
}
