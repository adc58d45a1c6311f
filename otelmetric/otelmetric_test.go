package otelmetric_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/internal/metricstest"
	"github.com/freshet-io/freshet/otelmetric"
)

// TestMetricsEqualTraffic sends known traffic to two engines, collects
// with a ManualReader and checks every instrument against the traffic.
func TestMetricsEqualTraffic(t *testing.T) {
	ctx := context.Background()
	e, other := metricstest.Traffic(t)

	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = provider.Shutdown(ctx) })
	reg, err := otelmetric.Register(provider.Meter("freshet"), e, other)
	require.NoError(t, err)
	got := collect(t, reader)

	orders := attrs("111111111111", "eu-west-1", "orders")
	for name, want := range map[string]float64{
		"freshet.incoming.bytes":                         3*5 + 1000*1,
		"freshet.incoming.records":                       3 + 1000,
		"freshet.outgoing.bytes":                         4 * 5,
		"freshet.outgoing.records":                       4,
		"freshet.put_record.success":                     3,
		"freshet.put_records.success":                    2,
		"freshet.put_records.records":                    1002,
		"freshet.put_records.successful_records":         1000,
		"freshet.put_records.failed_records":             0,
		"freshet.put_records.throttled_records":          2,
		"freshet.get_records.success":                    5,
		"freshet.write_provisioned_throughput_exceeded":  2,
		"freshet.read_provisioned_throughput_exceeded":   1,
		"freshet.get_records.iterator_age":               2,
		"freshet.subscribe_to_shard.success":             0,
		"freshet.subscribe_to_shard.events":              0,
		"freshet.subscribe_to_shard.event_records":       0,
		"freshet.subscribe_to_shard.event_bytes":         0,
		"freshet.subscribe_to_shard.event_behind_latest": 0,
		"freshet.put_records.latency.count":              3,
		"freshet.get_records.latency.count":              5,
	} {
		require.Equal(t, want, value(t, got, name, orders), name)
	}
	require.LessOrEqual(t, value(t, got, "freshet.put_record.latency.count", orders), 3.0, "PutRecord latency is sampled")
	sum, maxLatency := value(t, got, "freshet.get_records.latency.sum", orders), value(t, got, "freshet.get_records.latency.max", orders)
	require.Positive(t, maxLatency)
	require.LessOrEqual(t, maxLatency, sum)
	require.Less(t, sum, 60.0, "in seconds")

	plain := attrs("111111111111", "eu-west-1", "plain")
	for name, want := range map[string]float64{
		"freshet.incoming.bytes":                   2 * 7,
		"freshet.incoming.records":                 2,
		"freshet.put_record.success":               2,
		"freshet.outgoing.records":                 0,
		"freshet.subscribe_to_shard.success":       1,
		"freshet.subscribe_to_shard.events":        1,
		"freshet.subscribe_to_shard.event_records": 2,
		"freshet.subscribe_to_shard.event_bytes":   2 * 7,
	} {
		require.Equal(t, want, value(t, got, name, plain), name)
	}
	require.Equal(t, 1.0, value(t, got, "freshet.incoming.records", attrs("111111111111", "us-east-1", "orders")))
	require.Len(t, points(t, got, "freshet.incoming.records"), 3, "one point per stream")

	// Shard-level points exist for the enabled metrics of "orders" only.
	shard0 := attrs("111111111111", "eu-west-1", "orders", "shardId-000000000000")
	shard1 := attrs("111111111111", "eu-west-1", "orders", "shardId-000000000001")
	for name, want := range map[string][2]float64{
		"freshet.shard.incoming.bytes":                       {3 * 5, 1000},
		"freshet.shard.incoming.records":                     {3, 1000},
		"freshet.shard.read_provisioned_throughput_exceeded": {1, 0},
		"freshet.shard.iterator_age":                         {2, 0},
	} {
		require.Len(t, points(t, got, name), 2, name)
		require.Equal(t, want[0], value(t, got, name, shard0), name)
		require.Equal(t, want[1], value(t, got, name, shard1), name)
	}
	for _, name := range []string{"freshet.shard.outgoing.bytes", "freshet.shard.outgoing.records", "freshet.shard.write_provisioned_throughput_exceeded"} {
		require.NotContains(t, got, name, "not enabled")
	}

	require.Equal(t, "By", got["freshet.incoming.bytes"].Unit)
	require.Equal(t, "s", got["freshet.get_records.iterator_age"].Unit)
	require.Contains(t, got["freshet.shard.incoming.bytes"].Description, "CloudWatch shard-level IncomingBytes")

	// Values are read at collection time, until unregistered.
	_, err = other.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "orders", PartitionKey: "k", Data: []byte("x")})
	require.NoError(t, err)
	require.Equal(t, 2.0, value(t, collect(t, reader), "freshet.incoming.records", attrs("111111111111", "us-east-1", "orders")))
	require.NoError(t, reg.Unregister())
	require.NotContains(t, collect(t, reader), "freshet.incoming.records")
}

// TestRegisterAgain checks that an engine registered later on the same
// meter reports on the same instruments.
func TestRegisterAgain(t *testing.T) {
	ctx := context.Background()
	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = provider.Shutdown(ctx) })
	meter := provider.Meter("freshet")
	for _, region := range []string{"eu-west-1", "us-east-1"} {
		e := newEngine(t, freshet.WithRegion(region))
		create(t, e, "s", 1)
		_, err := otelmetric.Register(meter, e)
		require.NoError(t, err)
	}
	got := collect(t, reader)
	require.Len(t, points(t, got, "freshet.incoming.records"), 2)
}

func newEngine(t *testing.T, opts ...freshet.Option) *freshet.Engine {
	t.Helper()
	e := freshet.New(opts...)
	t.Cleanup(func() { _ = e.Close() })
	return e
}

func create(t *testing.T, e *freshet.Engine, name string, shards int) {
	t.Helper()
	_, err := e.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: name, ShardCount: shards})
	require.NoError(t, err)
}

// collect collects from reader and returns the metrics by name.
func collect(t *testing.T, reader *sdkmetric.ManualReader) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	got := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			got[m.Name] = m
		}
	}
	return got
}

// attrs returns the attributes of a stream or, given a shard id, of a
// shard.
func attrs(account, region, stream string, shard ...string) attribute.Set {
	kvs := []attribute.KeyValue{attribute.String("account", account), attribute.String("region", region), attribute.String("stream", stream)}
	if len(shard) > 0 {
		kvs = append(kvs, attribute.String("shard", shard[0]))
	}
	return attribute.NewSet(kvs...)
}

// points returns the attributes and values of a metric's data points,
// checking that counters are cumulative and monotonic.
func points(t *testing.T, got map[string]metricdata.Metrics, name string) map[attribute.Distinct]float64 {
	t.Helper()
	m, ok := got[name]
	require.True(t, ok, "no metric %s", name)
	out := map[attribute.Distinct]float64{}
	add := func(set attribute.Set, v float64) {
		_, dup := out[set.Equivalent()]
		require.False(t, dup, "two points %s%v", name, set)
		out[set.Equivalent()] = v
	}
	switch data := m.Data.(type) {
	case metricdata.Sum[int64]:
		require.True(t, data.IsMonotonic, name)
		require.Equal(t, metricdata.CumulativeTemporality, data.Temporality, name)
		for _, p := range data.DataPoints {
			add(p.Attributes, float64(p.Value))
		}
	case metricdata.Sum[float64]:
		require.True(t, data.IsMonotonic, name)
		require.Equal(t, metricdata.CumulativeTemporality, data.Temporality, name)
		for _, p := range data.DataPoints {
			add(p.Attributes, p.Value)
		}
	case metricdata.Gauge[int64]:
		for _, p := range data.DataPoints {
			add(p.Attributes, float64(p.Value))
		}
	case metricdata.Gauge[float64]:
		for _, p := range data.DataPoints {
			add(p.Attributes, p.Value)
		}
	default:
		t.Fatalf("%s is a %T", name, m.Data)
	}
	return out
}

// value returns the value of a metric's data point with exactly the
// attributes want.
func value(t *testing.T, got map[string]metricdata.Metrics, name string, want attribute.Set) float64 {
	t.Helper()
	v, ok := points(t, got, name)[want.Equivalent()]
	require.True(t, ok, "no point %s%v", name, want.ToSlice())
	return v
}
