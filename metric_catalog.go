package freshet

// MetricKind says how a metric of the catalog behaves.
type MetricKind int

// The kinds of metrics.
const (
	// MetricCounter only grows.
	MetricCounter MetricKind = iota
	// MetricGauge is a current value.
	MetricGauge
	// MetricLatency is a Latency: a count, a sum and a maximum.
	MetricLatency
)

// Units of the metrics of the catalog, written as OpenTelemetry (UCUM)
// units.
const (
	UnitBytes         = "By"
	UnitRecords       = "{record}"
	UnitCalls         = "{call}"
	UnitSubscriptions = "{subscription}"
	UnitEvents        = "{event}"
	UnitMilliseconds  = "ms"
	UnitBlocks        = "{block}"
)

// StreamMetricInfo describes one stream-level metric of StreamMetrics. The
// catalog, StreamMetricCatalog, is what the Prometheus and OpenTelemetry
// adapters (modules prom and otelmetric) export, so both always export
// the same metrics under the same descriptions.
type StreamMetricInfo struct {
	// Name is the metric's name as dot-separated lower-case words
	// ("put_records.successful_records"). Adapters derive their own
	// spellings from it (freshet_put_records_successful_records_total,
	// freshet.put_records.successful_records).
	Name string
	// Kind says whether Value is a counter or a gauge, or that the metric
	// is a Latency read with LatencyValue.
	Kind MetricKind
	// Unit is the unit of Value (UnitBytes, ...); latencies are durations.
	Unit string
	// Help says what the metric counts, naming its CloudWatch
	// counterpart. For a latency, it completes "time spent ..." phrases.
	Help string
	// Value reads a counter or gauge from a snapshot.
	Value func(*StreamMetrics) int64
	// LatencyValue reads a latency from a snapshot.
	LatencyValue func(*StreamMetrics) Latency
}

// ShardMetricInfo describes one shard-level metric of ShardMetrics.
type ShardMetricInfo struct {
	// Name is as in StreamMetricInfo, starting with "shard.".
	Name string
	// EnhancedMonitoring is the metric's name in EnableEnhancedMonitoring
	// ("IncomingBytes"): a stream exports it only when it is enabled.
	EnhancedMonitoring string
	// Kind is MetricCounter or MetricGauge.
	Kind MetricKind
	// Unit is the unit of Value.
	Unit string
	// Help says what the metric counts.
	Help string
	// Value reads the metric from a snapshot.
	Value func(*ShardMetrics) int64
}

// StreamMetricCatalog lists the stream-level metrics of StreamMetrics, as
// the metric adapters export them.
var StreamMetricCatalog = []StreamMetricInfo{
	{"incoming.bytes", MetricCounter, UnitBytes,
		"Bytes stored by PutRecord and PutRecords, data plus partition keys (CloudWatch IncomingBytes).",
		func(m *StreamMetrics) int64 { return m.IncomingBytes }, nil},
	{"incoming.records", MetricCounter, UnitRecords,
		"Records stored by PutRecord and PutRecords (CloudWatch IncomingRecords).",
		func(m *StreamMetrics) int64 { return m.IncomingRecords }, nil},
	{"outgoing.bytes", MetricCounter, UnitBytes,
		"Bytes returned by GetRecords and the Go-native iterators (CloudWatch GetRecords.Bytes).",
		func(m *StreamMetrics) int64 { return m.OutgoingBytes }, nil},
	{"outgoing.records", MetricCounter, UnitRecords,
		"Records returned by GetRecords and the Go-native iterators (CloudWatch GetRecords.Records).",
		func(m *StreamMetrics) int64 { return m.OutgoingRecords }, nil},
	{"put_record.success", MetricCounter, UnitCalls,
		"Successful PutRecord calls (CloudWatch PutRecord.Success).",
		func(m *StreamMetrics) int64 { return m.PutRecordSuccess }, nil},
	{"put_records.success", MetricCounter, UnitCalls,
		"PutRecords calls that stored every record (CloudWatch PutRecords.Success).",
		func(m *StreamMetrics) int64 { return m.PutRecordsSuccess }, nil},
	{"put_records.records", MetricCounter, UnitRecords,
		"Records sent in PutRecords calls (CloudWatch PutRecords.TotalRecords).",
		func(m *StreamMetrics) int64 { return m.PutRecordsTotalRecords }, nil},
	{"put_records.successful_records", MetricCounter, UnitRecords,
		"Records stored by PutRecords calls (CloudWatch PutRecords.SuccessfulRecords).",
		func(m *StreamMetrics) int64 { return m.PutRecordsSuccessfulRecords }, nil},
	{"put_records.failed_records", MetricCounter, UnitRecords,
		"Records rejected in PutRecords calls for another reason than throttling (CloudWatch PutRecords.FailedRecords).",
		func(m *StreamMetrics) int64 { return m.PutRecordsFailedRecords }, nil},
	{"put_records.throttled_records", MetricCounter, UnitRecords,
		"Records rejected by the write limits in PutRecords calls (CloudWatch PutRecords.ThrottledRecords).",
		func(m *StreamMetrics) int64 { return m.PutRecordsThrottledRecords }, nil},
	{"get_records.success", MetricCounter, UnitCalls,
		"Successful GetRecords calls (CloudWatch GetRecords.Success).",
		func(m *StreamMetrics) int64 { return m.GetRecordsSuccess }, nil},
	{"write_provisioned_throughput_exceeded", MetricCounter, UnitRecords,
		"Records refused by the write limits (CloudWatch WriteProvisionedThroughputExceeded).",
		func(m *StreamMetrics) int64 { return m.WriteProvisionedThroughputExceeded }, nil},
	{"read_provisioned_throughput_exceeded", MetricCounter, UnitCalls,
		"GetRecords calls refused by the read limits (CloudWatch ReadProvisionedThroughputExceeded).",
		func(m *StreamMetrics) int64 { return m.ReadProvisionedThroughputExceeded }, nil},
	{"get_records.iterator_age", MetricGauge, UnitMilliseconds,
		"Largest MillisBehindLatest of the last GetRecords call of each shard, in seconds (CloudWatch GetRecords.IteratorAgeMilliseconds).",
		func(m *StreamMetrics) int64 { return m.GetRecordsIteratorAgeMilliseconds }, nil},
	{"subscribe_to_shard.success", MetricCounter, UnitSubscriptions,
		"SubscribeToShard subscriptions started (CloudWatch SubscribeToShard.Success).",
		func(m *StreamMetrics) int64 { return m.SubscribeToShardSuccess }, nil},
	{"subscribe_to_shard.events", MetricCounter, UnitEvents,
		"Events delivered by SubscribeToShard subscriptions (CloudWatch SubscribeToShardEvent.Success).",
		func(m *StreamMetrics) int64 { return m.SubscribeToShardEvents }, nil},
	{"subscribe_to_shard.event_records", MetricCounter, UnitRecords,
		"Records delivered by SubscribeToShard subscriptions (CloudWatch SubscribeToShardEvent.Records).",
		func(m *StreamMetrics) int64 { return m.SubscribeToShardEventRecords }, nil},
	{"subscribe_to_shard.event_bytes", MetricCounter, UnitBytes,
		"Bytes delivered by SubscribeToShard subscriptions (CloudWatch SubscribeToShardEvent.Bytes).",
		func(m *StreamMetrics) int64 { return m.SubscribeToShardEventBytes }, nil},
	{"subscribe_to_shard.event_behind_latest", MetricGauge, UnitMilliseconds,
		"Largest MillisBehindLatest of the last SubscribeToShard event of each shard, in seconds (CloudWatch SubscribeToShardEvent.MillisBehindLatest).",
		func(m *StreamMetrics) int64 { return m.SubscribeToShardEventMillisBehindLatest }, nil},
	{"put_record.latency", MetricLatency, "",
		"time spent in the engine by PutRecord calls, one call in 64 measured (CloudWatch PutRecord.Latency).",
		nil, func(m *StreamMetrics) Latency { return m.PutRecordLatency }},
	{"put_records.latency", MetricLatency, "",
		"time spent in the engine by PutRecords calls (CloudWatch PutRecords.Latency).",
		nil, func(m *StreamMetrics) Latency { return m.PutRecordsLatency }},
	{"get_records.latency", MetricLatency, "",
		"time spent in the engine by GetRecords calls (CloudWatch GetRecords.Latency).",
		nil, func(m *StreamMetrics) Latency { return m.GetRecordsLatency }},
}

// ShardMetricCatalog lists the shard-level metrics of ShardMetrics, one per
// metric name of EnableEnhancedMonitoring.
var ShardMetricCatalog = []ShardMetricInfo{
	{"shard.incoming.bytes", "IncomingBytes", MetricCounter, UnitBytes,
		"Bytes stored in the shard, data plus partition keys (CloudWatch shard-level IncomingBytes).",
		func(m *ShardMetrics) int64 { return m.IncomingBytes }},
	{"shard.incoming.records", "IncomingRecords", MetricCounter, UnitRecords,
		"Records stored in the shard (CloudWatch shard-level IncomingRecords).",
		func(m *ShardMetrics) int64 { return m.IncomingRecords }},
	{"shard.outgoing.bytes", "OutgoingBytes", MetricCounter, UnitBytes,
		"Bytes read from the shard (CloudWatch shard-level OutgoingBytes).",
		func(m *ShardMetrics) int64 { return m.OutgoingBytes }},
	{"shard.outgoing.records", "OutgoingRecords", MetricCounter, UnitRecords,
		"Records read from the shard (CloudWatch shard-level OutgoingRecords).",
		func(m *ShardMetrics) int64 { return m.OutgoingRecords }},
	{"shard.write_provisioned_throughput_exceeded", "WriteProvisionedThroughputExceeded", MetricCounter, UnitRecords,
		"Records refused by the shard's write limits (CloudWatch shard-level WriteProvisionedThroughputExceeded).",
		func(m *ShardMetrics) int64 { return m.WriteProvisionedThroughputExceeded }},
	{"shard.read_provisioned_throughput_exceeded", "ReadProvisionedThroughputExceeded", MetricCounter, UnitCalls,
		"GetRecords calls refused by the shard's read limits (CloudWatch shard-level ReadProvisionedThroughputExceeded).",
		func(m *ShardMetrics) int64 { return m.ReadProvisionedThroughputExceeded }},
	{"shard.iterator_age", "IteratorAgeMilliseconds", MetricGauge, UnitMilliseconds,
		"MillisBehindLatest of the shard's last GetRecords call, in seconds (CloudWatch shard-level IteratorAgeMilliseconds).",
		func(m *ShardMetrics) int64 { return m.IteratorAgeMilliseconds }},
}

// EngineMetricInfo describes one engine-level metric of EngineMetrics.
// The adapters export these once per engine, labelled with its account
// and region only.
type EngineMetricInfo struct {
	// Name is as in StreamMetricInfo ("read_cache.hits").
	Name string
	// Kind is MetricCounter or MetricGauge.
	Kind MetricKind
	// Unit is the unit of Value.
	Unit string
	// Help says what the metric counts.
	Help string
	// DataDir tells that only an engine with a data directory has the
	// metric: the adapters export it for those engines only.
	DataDir bool
	// Value reads the metric from a snapshot.
	Value func(*EngineMetrics) int64
}

// EngineMetricCatalog lists the engine-level metrics of EngineMetrics, as
// the metric adapters export them.
var EngineMetricCatalog = []EngineMetricInfo{
	{Name: "read_cache.hits", Kind: MetricCounter, Unit: UnitBlocks, DataDir: true,
		Help:  "Blocks of segment files that reads of records on disk found in the read cache.",
		Value: func(m *EngineMetrics) int64 { return m.ReadCacheHits }},
	{Name: "read_cache.misses", Kind: MetricCounter, Unit: UnitBlocks, DataDir: true,
		Help:  "Blocks of segment files that reads of records on disk read from the files, not finding them in the read cache.",
		Value: func(m *EngineMetrics) int64 { return m.ReadCacheMisses }},
	{Name: "read_cache.evictions", Kind: MetricCounter, Unit: UnitBlocks, DataDir: true,
		Help:  "Blocks the read cache evicted to stay within its budget.",
		Value: func(m *EngineMetrics) int64 { return m.ReadCacheEvictions }},
	{Name: "read_cache.bytes", Kind: MetricGauge, Unit: UnitBytes, DataDir: true,
		Help:  "Bytes the blocks in the read cache hold.",
		Value: func(m *EngineMetrics) int64 { return m.ReadCacheBytes }},
	{Name: "read_cache.max_bytes", Kind: MetricGauge, Unit: UnitBytes, DataDir: true,
		Help:  "Budget of the read cache, in bytes.",
		Value: func(m *EngineMetrics) int64 { return m.ReadCacheMaxBytes }},
}
