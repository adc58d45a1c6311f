package otelmetric_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/freshet-io/freshet/internal/metricstest"
	"github.com/freshet-io/freshet/otelmetric"
)

// engineInstruments are the instruments otelmetric exports for the
// engine-level metrics of the catalog, by catalog name.
var engineInstruments = map[string]instrument{
	"read_cache.hits":      {"freshet.read_cache.hits", "{block}"},
	"read_cache.misses":    {"freshet.read_cache.misses", "{block}"},
	"read_cache.evictions": {"freshet.read_cache.evictions", "{block}"},
	"read_cache.bytes":     {"freshet.read_cache.bytes", "By"},
	"read_cache.max_bytes": {"freshet.read_cache.max_bytes", "By"},
}

// TestEngineMetricsEqualTraffic collects from the engines of Traffic and
// DiskTraffic: each engine-level instrument has one point, for the engine
// with a data directory, with the attributes account and region, the
// expected value, unit and the catalog's description.
func TestEngineMetricsEqualTraffic(t *testing.T) {
	ctx := context.Background()
	e, other := metricstest.Traffic(t)
	disk := metricstest.DiskTraffic(t)
	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = provider.Shutdown(ctx) })
	_, err := otelmetric.Register(provider.Meter("freshet"), e, other, disk)
	require.NoError(t, err)
	got := collect(t, reader)
	for _, m := range metricstest.EngineMetrics(disk) {
		in, ok := engineInstruments[m.Name]
		require.True(t, ok, "no instrument named for %s", m.Name)
		require.Equal(t, in.unit, got[in.name].Unit, in.name)
		require.Equal(t, m.Help, got[in.name].Description, in.name)
		require.Len(t, points(t, got, in.name), len(m.Want), "%s: a point per engine with a data directory", in.name)
		for place, want := range m.Want {
			set := attribute.NewSet(attribute.String("account", place.Account), attribute.String("region", place.Region))
			require.Equal(t, want, value(t, got, in.name, set), "%s %v", in.name, place)
		}
	}
}
