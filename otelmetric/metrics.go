package otelmetric

import (
	"slices"
	"time"

	"github.com/freshet-io/freshet"
)

// Units per second of the times the engine keeps.
const (
	millis = 1e3
	nanos  = float64(time.Second)
)

// streamDef is a stream-level instrument and its value.
type streamDef struct {
	spec  spec
	value func(*freshet.StreamMetrics) int64
}

// shardDef is a shard-level instrument and its value.
type shardDef struct {
	spec  spec
	value func(*freshet.ShardMetrics) int64
}

func counter(name, unit, description string, value func(*freshet.StreamMetrics) int64) streamDef {
	return streamDef{spec{name: name, unit: unit, description: description}, value}
}

// streamDefs lists the stream-level instruments.
var streamDefs = slices.Concat(
	[]streamDef{
		counter("freshet.incoming.bytes", "By",
			"Bytes stored by PutRecord and PutRecords, data plus partition keys (CloudWatch IncomingBytes).",
			func(m *freshet.StreamMetrics) int64 { return m.IncomingBytes }),
		counter("freshet.incoming.records", "{record}",
			"Records stored by PutRecord and PutRecords (CloudWatch IncomingRecords).",
			func(m *freshet.StreamMetrics) int64 { return m.IncomingRecords }),
		counter("freshet.outgoing.bytes", "By",
			"Bytes returned by GetRecords and the Go-native iterators (CloudWatch GetRecords.Bytes).",
			func(m *freshet.StreamMetrics) int64 { return m.OutgoingBytes }),
		counter("freshet.outgoing.records", "{record}",
			"Records returned by GetRecords and the Go-native iterators (CloudWatch GetRecords.Records).",
			func(m *freshet.StreamMetrics) int64 { return m.OutgoingRecords }),
		counter("freshet.put_record.success", "{call}",
			"Successful PutRecord calls (CloudWatch PutRecord.Success).",
			func(m *freshet.StreamMetrics) int64 { return m.PutRecordSuccess }),
		counter("freshet.put_records.success", "{call}",
			"PutRecords calls that stored every record (CloudWatch PutRecords.Success).",
			func(m *freshet.StreamMetrics) int64 { return m.PutRecordsSuccess }),
		counter("freshet.put_records.records", "{record}",
			"Records sent in PutRecords calls (CloudWatch PutRecords.TotalRecords).",
			func(m *freshet.StreamMetrics) int64 { return m.PutRecordsTotalRecords }),
		counter("freshet.put_records.successful_records", "{record}",
			"Records stored by PutRecords calls (CloudWatch PutRecords.SuccessfulRecords).",
			func(m *freshet.StreamMetrics) int64 { return m.PutRecordsSuccessfulRecords }),
		counter("freshet.put_records.failed_records", "{record}",
			"Records rejected in PutRecords calls for another reason than throttling (CloudWatch PutRecords.FailedRecords).",
			func(m *freshet.StreamMetrics) int64 { return m.PutRecordsFailedRecords }),
		counter("freshet.put_records.throttled_records", "{record}",
			"Records rejected by the write limits in PutRecords calls (CloudWatch PutRecords.ThrottledRecords).",
			func(m *freshet.StreamMetrics) int64 { return m.PutRecordsThrottledRecords }),
		counter("freshet.get_records.success", "{call}",
			"Successful GetRecords calls (CloudWatch GetRecords.Success).",
			func(m *freshet.StreamMetrics) int64 { return m.GetRecordsSuccess }),
		counter("freshet.write_provisioned_throughput_exceeded", "{record}",
			"Records refused by the write limits (CloudWatch WriteProvisionedThroughputExceeded).",
			func(m *freshet.StreamMetrics) int64 { return m.WriteProvisionedThroughputExceeded }),
		counter("freshet.read_provisioned_throughput_exceeded", "{call}",
			"GetRecords calls refused by the read limits (CloudWatch ReadProvisionedThroughputExceeded).",
			func(m *freshet.StreamMetrics) int64 { return m.ReadProvisionedThroughputExceeded }),
		{spec{name: "freshet.get_records.iterator_age", unit: "s", gauge: true, perSecond: millis,
			description: "Largest MillisBehindLatest of the last GetRecords call of each shard, in seconds (CloudWatch GetRecords.IteratorAgeMilliseconds)."},
			func(m *freshet.StreamMetrics) int64 { return m.GetRecordsIteratorAgeMilliseconds }},
		counter("freshet.subscribe_to_shard.success", "{subscription}",
			"SubscribeToShard subscriptions started (CloudWatch SubscribeToShard.Success).",
			func(m *freshet.StreamMetrics) int64 { return m.SubscribeToShardSuccess }),
		counter("freshet.subscribe_to_shard.events", "{event}",
			"Events delivered by SubscribeToShard subscriptions (CloudWatch SubscribeToShardEvent.Success).",
			func(m *freshet.StreamMetrics) int64 { return m.SubscribeToShardEvents }),
		counter("freshet.subscribe_to_shard.event_records", "{record}",
			"Records delivered by SubscribeToShard subscriptions (CloudWatch SubscribeToShardEvent.Records).",
			func(m *freshet.StreamMetrics) int64 { return m.SubscribeToShardEventRecords }),
		counter("freshet.subscribe_to_shard.event_bytes", "By",
			"Bytes delivered by SubscribeToShard subscriptions (CloudWatch SubscribeToShardEvent.Bytes).",
			func(m *freshet.StreamMetrics) int64 { return m.SubscribeToShardEventBytes }),
		{spec{name: "freshet.subscribe_to_shard.event_behind_latest", unit: "s", gauge: true, perSecond: millis,
			description: "Largest MillisBehindLatest of the last SubscribeToShard event of each shard, in seconds (CloudWatch SubscribeToShardEvent.MillisBehindLatest)."},
			func(m *freshet.StreamMetrics) int64 { return m.SubscribeToShardEventMillisBehindLatest }},
	},
	latency("freshet.put_record.latency",
		"time spent in the engine by PutRecord calls, one call in 64 measured (CloudWatch PutRecord.Latency).",
		func(m *freshet.StreamMetrics) freshet.Latency { return m.PutRecordLatency }),
	latency("freshet.put_records.latency",
		"time spent in the engine by PutRecords calls (CloudWatch PutRecords.Latency).",
		func(m *freshet.StreamMetrics) freshet.Latency { return m.PutRecordsLatency }),
	latency("freshet.get_records.latency",
		"time spent in the engine by GetRecords calls (CloudWatch GetRecords.Latency).",
		func(m *freshet.StreamMetrics) freshet.Latency { return m.GetRecordsLatency }),
)

// latency returns the three instruments of a latency: its count, sum and
// maximum.
func latency(name, description string, value func(*freshet.StreamMetrics) freshet.Latency) []streamDef {
	return []streamDef{
		{spec{name: name + ".count", unit: "{call}", description: "Calls measured for the " + description},
			func(m *freshet.StreamMetrics) int64 { return value(m).Count }},
		{spec{name: name + ".sum", unit: "s", perSecond: nanos, description: "Total " + description},
			func(m *freshet.StreamMetrics) int64 { return int64(value(m).Sum) }},
		{spec{name: name + ".max", unit: "s", gauge: true, perSecond: nanos, description: "Largest " + description},
			func(m *freshet.StreamMetrics) int64 { return int64(value(m).Max) }},
	}
}

func shardCounter(name, unit, description string, value func(*freshet.ShardMetrics) int64) shardDef {
	return shardDef{spec{name: name, unit: unit, description: description}, value}
}

// shardDefs maps the shard-level metric names of EnableEnhancedMonitoring
// to their instruments.
var shardDefs = map[string]shardDef{
	"IncomingBytes": shardCounter("freshet.shard.incoming.bytes", "By",
		"Bytes stored in the shard, data plus partition keys (CloudWatch shard-level IncomingBytes).",
		func(m *freshet.ShardMetrics) int64 { return m.IncomingBytes }),
	"IncomingRecords": shardCounter("freshet.shard.incoming.records", "{record}",
		"Records stored in the shard (CloudWatch shard-level IncomingRecords).",
		func(m *freshet.ShardMetrics) int64 { return m.IncomingRecords }),
	"OutgoingBytes": shardCounter("freshet.shard.outgoing.bytes", "By",
		"Bytes read from the shard (CloudWatch shard-level OutgoingBytes).",
		func(m *freshet.ShardMetrics) int64 { return m.OutgoingBytes }),
	"OutgoingRecords": shardCounter("freshet.shard.outgoing.records", "{record}",
		"Records read from the shard (CloudWatch shard-level OutgoingRecords).",
		func(m *freshet.ShardMetrics) int64 { return m.OutgoingRecords }),
	"WriteProvisionedThroughputExceeded": shardCounter("freshet.shard.write_provisioned_throughput_exceeded", "{record}",
		"Records refused by the shard's write limits (CloudWatch shard-level WriteProvisionedThroughputExceeded).",
		func(m *freshet.ShardMetrics) int64 { return m.WriteProvisionedThroughputExceeded }),
	"ReadProvisionedThroughputExceeded": shardCounter("freshet.shard.read_provisioned_throughput_exceeded", "{call}",
		"GetRecords calls refused by the shard's read limits (CloudWatch shard-level ReadProvisionedThroughputExceeded).",
		func(m *freshet.ShardMetrics) int64 { return m.ReadProvisionedThroughputExceeded }),
	"IteratorAgeMilliseconds": {spec{name: "freshet.shard.iterator_age", unit: "s", gauge: true, perSecond: millis,
		description: "MillisBehindLatest of the shard's last GetRecords call, in seconds (CloudWatch shard-level IteratorAgeMilliseconds)."},
		func(m *freshet.ShardMetrics) int64 { return m.IteratorAgeMilliseconds }},
}
