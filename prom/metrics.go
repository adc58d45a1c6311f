package prom

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/freshet-io/freshet"
)

// Labels of the stream-level series; shard-level series add "shard".
var (
	streamLabels = []string{"account", "region", "stream"}
	shardLabels  = []string{"account", "region", "stream", "shard"}
)

// streamMetric is a stream-level counter or gauge.
type streamMetric struct {
	desc  *prometheus.Desc
	typ   prometheus.ValueType
	value func(*freshet.StreamMetrics) float64
}

// latencyMetric is a stream-level latency: a summary and a gauge of its
// largest value.
type latencyMetric struct {
	summary, max *prometheus.Desc
	value        func(*freshet.StreamMetrics) freshet.Latency
}

// shardMetric is a shard-level counter or gauge.
type shardMetric struct {
	desc  *prometheus.Desc
	typ   prometheus.ValueType
	value func(*freshet.ShardMetrics) float64
}

// counter and gauge describe a stream-level metric.
func counter(name, help string, value func(*freshet.StreamMetrics) int64) streamMetric {
	return streamMetric{
		desc:  prometheus.NewDesc(name, help, streamLabels, nil),
		typ:   prometheus.CounterValue,
		value: func(m *freshet.StreamMetrics) float64 { return float64(value(m)) },
	}
}

func gauge(name, help string, value func(*freshet.StreamMetrics) float64) streamMetric {
	return streamMetric{
		desc:  prometheus.NewDesc(name, help, streamLabels, nil),
		typ:   prometheus.GaugeValue,
		value: value,
	}
}

var streamMetrics = []streamMetric{
	counter("freshet_incoming_bytes_total",
		"Bytes stored by PutRecord and PutRecords, data plus partition keys (CloudWatch IncomingBytes).",
		func(m *freshet.StreamMetrics) int64 { return m.IncomingBytes }),
	counter("freshet_incoming_records_total",
		"Records stored by PutRecord and PutRecords (CloudWatch IncomingRecords).",
		func(m *freshet.StreamMetrics) int64 { return m.IncomingRecords }),
	counter("freshet_outgoing_bytes_total",
		"Bytes returned by GetRecords and the Go-native iterators (CloudWatch GetRecords.Bytes).",
		func(m *freshet.StreamMetrics) int64 { return m.OutgoingBytes }),
	counter("freshet_outgoing_records_total",
		"Records returned by GetRecords and the Go-native iterators (CloudWatch GetRecords.Records).",
		func(m *freshet.StreamMetrics) int64 { return m.OutgoingRecords }),
	counter("freshet_put_record_success_total",
		"Successful PutRecord calls (CloudWatch PutRecord.Success).",
		func(m *freshet.StreamMetrics) int64 { return m.PutRecordSuccess }),
	counter("freshet_put_records_success_total",
		"PutRecords calls that stored every record (CloudWatch PutRecords.Success).",
		func(m *freshet.StreamMetrics) int64 { return m.PutRecordsSuccess }),
	counter("freshet_put_records_records_total",
		"Records sent in PutRecords calls (CloudWatch PutRecords.TotalRecords).",
		func(m *freshet.StreamMetrics) int64 { return m.PutRecordsTotalRecords }),
	counter("freshet_put_records_successful_records_total",
		"Records stored by PutRecords calls (CloudWatch PutRecords.SuccessfulRecords).",
		func(m *freshet.StreamMetrics) int64 { return m.PutRecordsSuccessfulRecords }),
	counter("freshet_put_records_failed_records_total",
		"Records rejected in PutRecords calls for another reason than throttling (CloudWatch PutRecords.FailedRecords).",
		func(m *freshet.StreamMetrics) int64 { return m.PutRecordsFailedRecords }),
	counter("freshet_put_records_throttled_records_total",
		"Records rejected by the write limits in PutRecords calls (CloudWatch PutRecords.ThrottledRecords).",
		func(m *freshet.StreamMetrics) int64 { return m.PutRecordsThrottledRecords }),
	counter("freshet_get_records_success_total",
		"Successful GetRecords calls (CloudWatch GetRecords.Success).",
		func(m *freshet.StreamMetrics) int64 { return m.GetRecordsSuccess }),
	counter("freshet_write_provisioned_throughput_exceeded_total",
		"Records refused by the write limits (CloudWatch WriteProvisionedThroughputExceeded).",
		func(m *freshet.StreamMetrics) int64 { return m.WriteProvisionedThroughputExceeded }),
	counter("freshet_read_provisioned_throughput_exceeded_total",
		"GetRecords calls refused by the read limits (CloudWatch ReadProvisionedThroughputExceeded).",
		func(m *freshet.StreamMetrics) int64 { return m.ReadProvisionedThroughputExceeded }),
	gauge("freshet_get_records_iterator_age_seconds",
		"Largest MillisBehindLatest of the last GetRecords call of each shard, in seconds (CloudWatch GetRecords.IteratorAgeMilliseconds).",
		func(m *freshet.StreamMetrics) float64 { return millis(m.GetRecordsIteratorAgeMilliseconds) }),
	counter("freshet_subscribe_to_shard_success_total",
		"SubscribeToShard subscriptions started (CloudWatch SubscribeToShard.Success).",
		func(m *freshet.StreamMetrics) int64 { return m.SubscribeToShardSuccess }),
	counter("freshet_subscribe_to_shard_events_total",
		"Events delivered by SubscribeToShard subscriptions (CloudWatch SubscribeToShardEvent.Success).",
		func(m *freshet.StreamMetrics) int64 { return m.SubscribeToShardEvents }),
	counter("freshet_subscribe_to_shard_event_records_total",
		"Records delivered by SubscribeToShard subscriptions (CloudWatch SubscribeToShardEvent.Records).",
		func(m *freshet.StreamMetrics) int64 { return m.SubscribeToShardEventRecords }),
	counter("freshet_subscribe_to_shard_event_bytes_total",
		"Bytes delivered by SubscribeToShard subscriptions (CloudWatch SubscribeToShardEvent.Bytes).",
		func(m *freshet.StreamMetrics) int64 { return m.SubscribeToShardEventBytes }),
	gauge("freshet_subscribe_to_shard_event_behind_latest_seconds",
		"Largest MillisBehindLatest of the last SubscribeToShard event of each shard, in seconds (CloudWatch SubscribeToShardEvent.MillisBehindLatest).",
		func(m *freshet.StreamMetrics) float64 { return millis(m.SubscribeToShardEventMillisBehindLatest) }),
}

// latency describes a stream-level latency.
func latency(name, help string, value func(*freshet.StreamMetrics) freshet.Latency) latencyMetric {
	return latencyMetric{
		summary: prometheus.NewDesc(name+"_seconds", help, streamLabels, nil),
		max:     prometheus.NewDesc(name+"_max_seconds", "Largest "+help, streamLabels, nil),
		value:   value,
	}
}

var latencyMetrics = []latencyMetric{
	latency("freshet_put_record_latency",
		"time spent in the engine by PutRecord calls, one call in 64 measured (CloudWatch PutRecord.Latency).",
		func(m *freshet.StreamMetrics) freshet.Latency { return m.PutRecordLatency }),
	latency("freshet_put_records_latency",
		"time spent in the engine by PutRecords calls (CloudWatch PutRecords.Latency).",
		func(m *freshet.StreamMetrics) freshet.Latency { return m.PutRecordsLatency }),
	latency("freshet_get_records_latency",
		"time spent in the engine by GetRecords calls (CloudWatch GetRecords.Latency).",
		func(m *freshet.StreamMetrics) freshet.Latency { return m.GetRecordsLatency }),
}

// shardCounter and shardGauge describe a shard-level metric.
func shardCounter(name, help string, value func(*freshet.ShardMetrics) int64) shardMetric {
	return shardMetric{
		desc:  prometheus.NewDesc(name, help, shardLabels, nil),
		typ:   prometheus.CounterValue,
		value: func(m *freshet.ShardMetrics) float64 { return float64(value(m)) },
	}
}

func shardGauge(name, help string, value func(*freshet.ShardMetrics) float64) shardMetric {
	return shardMetric{
		desc:  prometheus.NewDesc(name, help, shardLabels, nil),
		typ:   prometheus.GaugeValue,
		value: value,
	}
}

// shardMetrics maps the shard-level metric names of
// EnableEnhancedMonitoring to their series.
var shardMetrics = map[string]shardMetric{
	"IncomingBytes": shardCounter("freshet_shard_incoming_bytes_total",
		"Bytes stored in the shard, data plus partition keys (CloudWatch shard-level IncomingBytes).",
		func(m *freshet.ShardMetrics) int64 { return m.IncomingBytes }),
	"IncomingRecords": shardCounter("freshet_shard_incoming_records_total",
		"Records stored in the shard (CloudWatch shard-level IncomingRecords).",
		func(m *freshet.ShardMetrics) int64 { return m.IncomingRecords }),
	"OutgoingBytes": shardCounter("freshet_shard_outgoing_bytes_total",
		"Bytes read from the shard (CloudWatch shard-level OutgoingBytes).",
		func(m *freshet.ShardMetrics) int64 { return m.OutgoingBytes }),
	"OutgoingRecords": shardCounter("freshet_shard_outgoing_records_total",
		"Records read from the shard (CloudWatch shard-level OutgoingRecords).",
		func(m *freshet.ShardMetrics) int64 { return m.OutgoingRecords }),
	"WriteProvisionedThroughputExceeded": shardCounter("freshet_shard_write_provisioned_throughput_exceeded_total",
		"Records refused by the shard's write limits (CloudWatch shard-level WriteProvisionedThroughputExceeded).",
		func(m *freshet.ShardMetrics) int64 { return m.WriteProvisionedThroughputExceeded }),
	"ReadProvisionedThroughputExceeded": shardCounter("freshet_shard_read_provisioned_throughput_exceeded_total",
		"GetRecords calls refused by the shard's read limits (CloudWatch shard-level ReadProvisionedThroughputExceeded).",
		func(m *freshet.ShardMetrics) int64 { return m.ReadProvisionedThroughputExceeded }),
	"IteratorAgeMilliseconds": shardGauge("freshet_shard_iterator_age_seconds",
		"MillisBehindLatest of the shard's last GetRecords call, in seconds (CloudWatch shard-level IteratorAgeMilliseconds).",
		func(m *freshet.ShardMetrics) float64 { return millis(m.IteratorAgeMilliseconds) }),
}

// millis converts milliseconds to seconds.
func millis(ms int64) float64 { return float64(ms) / 1000 }
