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

// instrument is the name and unit of an instrument.
type instrument struct{ name, unit string }

// instruments are those otelmetric exports for the counters and gauges
// of the catalog (stream- and shard-level), by catalog name.
var instruments = map[string]instrument{
	"incoming.bytes":                              {"freshet.incoming.bytes", "By"},
	"incoming.records":                            {"freshet.incoming.records", "{record}"},
	"outgoing.bytes":                              {"freshet.outgoing.bytes", "By"},
	"outgoing.records":                            {"freshet.outgoing.records", "{record}"},
	"put_record.success":                          {"freshet.put_record.success", "{call}"},
	"put_records.success":                         {"freshet.put_records.success", "{call}"},
	"put_records.records":                         {"freshet.put_records.records", "{record}"},
	"put_records.successful_records":              {"freshet.put_records.successful_records", "{record}"},
	"put_records.failed_records":                  {"freshet.put_records.failed_records", "{record}"},
	"put_records.throttled_records":               {"freshet.put_records.throttled_records", "{record}"},
	"get_records.success":                         {"freshet.get_records.success", "{call}"},
	"write_provisioned_throughput_exceeded":       {"freshet.write_provisioned_throughput_exceeded", "{record}"},
	"read_provisioned_throughput_exceeded":        {"freshet.read_provisioned_throughput_exceeded", "{call}"},
	"get_records.iterator_age":                    {"freshet.get_records.iterator_age", "s"},
	"subscribe_to_shard.success":                  {"freshet.subscribe_to_shard.success", "{subscription}"},
	"subscribe_to_shard.events":                   {"freshet.subscribe_to_shard.events", "{event}"},
	"subscribe_to_shard.event_records":            {"freshet.subscribe_to_shard.event_records", "{record}"},
	"subscribe_to_shard.event_bytes":              {"freshet.subscribe_to_shard.event_bytes", "By"},
	"subscribe_to_shard.event_behind_latest":      {"freshet.subscribe_to_shard.event_behind_latest", "s"},
	"shard.incoming.bytes":                        {"freshet.shard.incoming.bytes", "By"},
	"shard.incoming.records":                      {"freshet.shard.incoming.records", "{record}"},
	"shard.outgoing.bytes":                        {"freshet.shard.outgoing.bytes", "By"},
	"shard.outgoing.records":                      {"freshet.shard.outgoing.records", "{record}"},
	"shard.write_provisioned_throughput_exceeded": {"freshet.shard.write_provisioned_throughput_exceeded", "{record}"},
	"shard.read_provisioned_throughput_exceeded":  {"freshet.shard.read_provisioned_throughput_exceeded", "{call}"},
	"shard.iterator_age":                          {"freshet.shard.iterator_age", "s"},
}

// latencyInstruments are the instruments of each latency of the catalog:
// the calls measured ({call}), their total and the largest (s).
var latencyInstruments = map[string][3]string{
	"put_record.latency":  {"freshet.put_record.latency.count", "freshet.put_record.latency.sum", "freshet.put_record.latency.max"},
	"put_records.latency": {"freshet.put_records.latency.count", "freshet.put_records.latency.sum", "freshet.put_records.latency.max"},
	"get_records.latency": {"freshet.get_records.latency.count", "freshet.get_records.latency.sum", "freshet.get_records.latency.max"},
}

// TestMetricsEqualTraffic sends known traffic to two engines, collects
// with a ManualReader and checks every instrument against what the
// traffic must show: a point per stream, and per shard for the enabled
// shard-level metrics only, in the instrument's unit, under the catalog's
// description.
func TestMetricsEqualTraffic(t *testing.T) {
	ctx := context.Background()
	e, other := metricstest.Traffic(t)

	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = provider.Shutdown(ctx) })
	reg, err := otelmetric.Register(provider.Meter("freshet"), e, other)
	require.NoError(t, err)
	got := collect(t, reader)

	exported := 0
	for _, m := range metricstest.Metrics() {
		in, ok := instruments[m.Name]
		require.True(t, ok, "no instrument named for %s", m.Name)
		if len(m.Want) == 0 {
			require.NotContains(t, got, in.name, "not enabled")
			continue
		}
		exported++
		require.Equal(t, in.unit, got[in.name].Unit, in.name)
		require.Equal(t, m.Help, got[in.name].Description, in.name)
		require.Len(t, points(t, got, in.name), len(m.Want), "%s: a point per stream or shard", in.name)
		for place, want := range m.Want {
			require.Equal(t, want, value(t, got, in.name, attrs(place)), "%s %v", in.name, place)
		}
	}
	for _, m := range metricstest.LatencyMetrics() {
		names, ok := latencyInstruments[m.Name]
		require.True(t, ok, "no instruments named for %s", m.Name)
		exported += len(names)
		for i, unit := range []string{"{call}", "s", "s"} {
			require.Equal(t, unit, got[names[i]].Unit, names[i])
		}
		require.Equal(t, "Calls measured for the "+m.Help, got[names[0]].Description)
		require.Equal(t, "Total "+m.Help, got[names[1]].Description)
		require.Equal(t, "Largest "+m.Help, got[names[2]].Description)
		for place, want := range m.Want {
			want.Check(t, names[0], value(t, got, names[0], attrs(place)), value(t, got, names[1], attrs(place)), value(t, got, names[2], attrs(place)))
		}
	}
	require.Len(t, got, exported, "no other instrument")

	// Values are read at collection time, until unregistered.
	_, err = other.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "orders", PartitionKey: "k", Data: []byte("x")})
	require.NoError(t, err)
	require.Equal(t, 2.0, value(t, collect(t, reader), "freshet.incoming.records", attrs(metricstest.OtherOrders)))
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
		e := metricstest.NewEngine(t, freshet.WithRegion(region))
		metricstest.CreateStream(t, e, "s", 1)
		_, err := otelmetric.Register(meter, e)
		require.NoError(t, err)
	}
	got := collect(t, reader)
	require.Len(t, points(t, got, "freshet.incoming.records"), 2)
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

// attrs returns the attributes of a stream or a shard.
func attrs(p metricstest.Place) attribute.Set {
	kvs := []attribute.KeyValue{attribute.String("account", p.Account), attribute.String("region", p.Region), attribute.String("stream", p.Stream)}
	if p.Shard != "" {
		kvs = append(kvs, attribute.String("shard", p.Shard))
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
