package prom_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/internal/metricstest"
	"github.com/freshet-io/freshet/prom"
)

// engineSeriesNames are the series prom exports for the engine-level
// metrics of the catalog, by catalog name.
var engineSeriesNames = map[string]string{
	"read_cache.hits":      "freshet_read_cache_hits_total",
	"read_cache.misses":    "freshet_read_cache_misses_total",
	"read_cache.evictions": "freshet_read_cache_evictions_total",
	"read_cache.bytes":     "freshet_read_cache_bytes",
	"read_cache.max_bytes": "freshet_read_cache_max_bytes",
}

// TestEngineMetricsEqualTraffic scrapes the engines of Traffic and
// DiskTraffic: each engine-level metric has one series, for the engine
// with a data directory, labelled account and region, with the expected
// value and the catalog's help.
func TestEngineMetricsEqualTraffic(t *testing.T) {
	e, other := metricstest.Traffic(t)
	disk := metricstest.DiskTraffic(t)
	families := scrape(t, prom.Handler(e, other, disk))
	for _, m := range metricstest.EngineMetrics(disk) {
		name, ok := engineSeriesNames[m.Name]
		require.True(t, ok, "no series named for %s", m.Name)
		require.Equal(t, m.Help, families[name].GetHelp(), name)
		require.Len(t, families[name].GetMetric(), len(m.Want), "%s: a series per engine with a data directory", name)
		for place, want := range m.Want {
			require.Equal(t, want, value(t, families, name, map[string]string{"account": place.Account, "region": place.Region}), "%s %v", name, place)
		}
	}
}

// The engine-level series follow the Prometheus naming conventions too.
func TestEngineMetricsLint(t *testing.T) {
	c := prom.NewCollector(metricstest.DiskTraffic(t))
	names := []string{"freshet_read_cache_hits_total", "freshet_read_cache_misses_total",
		"freshet_read_cache_evictions_total", "freshet_read_cache_bytes", "freshet_read_cache_max_bytes"}
	require.Equal(t, len(names), testutil.CollectAndCount(c, names...))
	problems, err := testutil.CollectAndLint(c, names...)
	require.NoError(t, err)
	require.Empty(t, problems)
}
