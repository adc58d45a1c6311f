package metricstest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// Place is where a metric is reported: a stream of an engine, or with
// Shard set, one of its shards.
type Place struct {
	Account, Region, Stream string
	// Shard is the shard's id, empty for a stream.
	Shard string
}

// The places Traffic reports metrics for: its three streams and the two
// shards of "orders", whose stream enables shard-level metrics.
var (
	Orders       = Place{Account: "111111111111", Region: "eu-west-1", Stream: "orders"}
	OrdersShard0 = Place{Account: "111111111111", Region: "eu-west-1", Stream: "orders", Shard: "shardId-000000000000"}
	OrdersShard1 = Place{Account: "111111111111", Region: "eu-west-1", Stream: "orders", Shard: "shardId-000000000001"}
	Plain        = Place{Account: "111111111111", Region: "eu-west-1", Stream: "plain"}
	OtherOrders  = Place{Account: "111111111111", Region: "us-east-1", Stream: "orders"}
)

// streams returns, for each stream of Traffic, the value of every
// counter and gauge of freshet.StreamMetricCatalog after Traffic, by
// catalog name, in the catalog's unit (milliseconds for the iterator
// ages).
func streams() map[Place]map[string]int64 {
	return map[Place]map[string]int64{
		Orders: streamValues(map[string]int64{
			"incoming.bytes":                        3*5 + 1000*1,
			"incoming.records":                      3 + 1000,
			"outgoing.bytes":                        4 * 5,
			"outgoing.records":                      4,
			"put_record.success":                    3,
			"put_records.success":                   2,
			"put_records.records":                   1002,
			"put_records.successful_records":        1000,
			"put_records.throttled_records":         2,
			"get_records.success":                   5,
			"write_provisioned_throughput_exceeded": 2,
			"read_provisioned_throughput_exceeded":  1,
			"get_records.iterator_age":              2000,
		}),
		Plain: streamValues(map[string]int64{
			"incoming.bytes":                   2 * 7,
			"incoming.records":                 2,
			"put_record.success":               2,
			"subscribe_to_shard.success":       1,
			"subscribe_to_shard.events":        1,
			"subscribe_to_shard.event_records": 2,
			"subscribe_to_shard.event_bytes":   2 * 7,
		}),
		OtherOrders: streamValues(map[string]int64{
			"incoming.bytes":     1 + 1,
			"incoming.records":   1,
			"put_record.success": 1,
		}),
	}
}

// streamValues returns nonZero and a zero for every other counter and
// gauge of the catalog.
func streamValues(nonZero map[string]int64) map[string]int64 {
	return withZeros(nonZero, func(m freshet.StreamMetricInfo) bool { return m.Kind != freshet.MetricLatency })
}

// withZeros returns given and the zero V for every other metric of
// freshet.StreamMetricCatalog that is of the kind, by name. It panics on a
// name of given that is not such a metric: a mistyped expectation.
func withZeros[V any](given map[string]V, kind func(freshet.StreamMetricInfo) bool) map[string]V {
	v := map[string]V{}
	for _, m := range freshet.StreamMetricCatalog {
		if kind(m) {
			v[m.Name] = given[m.Name]
		}
	}
	for name := range given {
		if _, ok := v[name]; !ok {
			panic("metricstest: " + name + " is not a catalog metric of its kind")
		}
	}
	return v
}

// Latency is what a latency of the catalog (a freshet.Latency) holds
// after Traffic.
type Latency struct {
	// Count is the number of calls measured; for a Sampled latency, the
	// most it may be (the engine measures one call in 64).
	Count int64
	// Sampled says that only some calls are measured.
	Sampled bool
}

// latencyValues returns, for each stream of Traffic, what every latency of
// freshet.StreamMetricCatalog holds after Traffic, by catalog name. Of a
// latency, Max is at most Sum; both are positive when Count is and the
// latency is not Sampled.
func latencyValues() map[Place]map[string]Latency {
	return map[Place]map[string]Latency{
		Orders: latencies(map[string]Latency{
			"put_record.latency":  {Count: 3, Sampled: true},
			"put_records.latency": {Count: 3},
			"get_records.latency": {Count: 5},
		}),
		Plain:       latencies(map[string]Latency{"put_record.latency": {Count: 2, Sampled: true}}),
		OtherOrders: latencies(map[string]Latency{"put_record.latency": {Count: 1, Sampled: true}}),
	}
}

// latencies returns measured and, for every other latency of the
// catalog, no call measured.
func latencies(measured map[string]Latency) map[string]Latency {
	return withZeros(measured, func(m freshet.StreamMetricInfo) bool { return m.Kind == freshet.MetricLatency })
}

// shards returns, for each shard of Traffic, the value of every
// metric of freshet.ShardMetricCatalog its stream enables, after Traffic,
// by catalog name, in the catalog's unit. A metric not listed for a shard
// (not enabled) is not reported for it; the shards of streams without
// enhanced monitoring are not listed.
func shards() map[Place]map[string]int64 {
	return map[Place]map[string]int64{
		OrdersShard0: {
			"shard.incoming.bytes":                       3 * 5,
			"shard.incoming.records":                     3,
			"shard.read_provisioned_throughput_exceeded": 1,
			"shard.iterator_age":                         2000,
		},
		OrdersShard1: {
			"shard.incoming.bytes":                       1000,
			"shard.incoming.records":                     1000,
			"shard.read_provisioned_throughput_exceeded": 0,
			"shard.iterator_age":                         0,
		},
	}
}

// Check fails the test unless a latency read as count calls measured,
// taking total seconds, the largest call largest seconds, agrees with w.
// what names the latency in failures.
func (w Latency) Check(t testing.TB, what string, count, total, largest float64) {
	t.Helper()
	if w.Sampled {
		require.LessOrEqual(t, count, float64(w.Count), "%s: calls measured, one in 64 of them", what)
	} else {
		require.Equal(t, float64(w.Count), count, "%s: calls measured", what)
	}
	require.LessOrEqual(t, largest, total, "%s: the largest is part of the total", what)
	require.Less(t, total, 60.0, "%s: the total is in seconds", what)
	if w.Count > 0 && !w.Sampled {
		require.Positive(t, total, "%s: total", what)
		require.Positive(t, largest, "%s: largest", what)
	} else if count == 0 {
		require.Zero(t, total, "%s: total of no call", what)
		require.Zero(t, largest, "%s: largest of no call", what)
	}
}

// inBaseUnit returns a value of the catalog in the base unit the adapters
// export: milliseconds in seconds, counts as they are.
func inBaseUnit(unit string, v int64) float64 {
	if unit == freshet.UnitMilliseconds {
		return float64(v) / 1000
	}
	return float64(v)
}
