package metricstest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// The engine-level expectations are what the engines' own snapshots read
// through the catalog: DiskTraffic's engine has them all, Traffic's
// engines (no data directory) report none.
func TestEngineExpectationsMatchTheEngine(t *testing.T) {
	e, other := Traffic(t)
	disk := DiskTraffic(t)
	for _, eng := range []*freshet.Engine{e, other} {
		require.False(t, eng.EngineMetrics().DataDir)
	}
	m := disk.EngineMetrics()
	require.True(t, m.DataDir)
	want := EngineMetrics(disk)
	require.Len(t, want, len(freshet.EngineMetricCatalog))
	for i, info := range freshet.EngineMetricCatalog {
		require.Equal(t, info.Name, want[i].Name)
		require.True(t, info.DataDir, info.Name)
		require.Equal(t, map[EnginePlace]float64{Disk: float64(info.Value(&m))}, want[i].Want, info.Name)
	}
}
