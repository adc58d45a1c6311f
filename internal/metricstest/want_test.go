package metricstest

import (
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// TestExpectationsMatchTheEngine reads the engines' own snapshots through
// the catalog after Traffic and finds exactly the expected values: the
// adapters' tests can then check their output against the expectations.
func TestExpectationsMatchTheEngine(t *testing.T) {
	e, other := Traffic(t)
	gotStreams := map[Place]map[string]int64{}
	gotLatencies := map[Place]map[string]freshet.Latency{}
	gotShards := map[Place]map[string]int64{}
	for _, eng := range []*freshet.Engine{e, other} {
		for _, sm := range eng.Metrics() {
			p := Place{Account: eng.Account(), Region: eng.Region(), Stream: sm.StreamName}
			gotStreams[p], gotLatencies[p] = map[string]int64{}, map[string]freshet.Latency{}
			for _, m := range freshet.StreamMetricCatalog {
				if m.Kind == freshet.MetricLatency {
					gotLatencies[p][m.Name] = m.LatencyValue(&sm)
				} else {
					gotStreams[p][m.Name] = m.Value(&sm)
				}
			}
			for _, sh := range sm.Shards {
				sp := p
				sp.Shard = sh.ShardId
				gotShards[sp] = map[string]int64{}
				for _, m := range freshet.ShardMetricCatalog {
					if slices.Contains(sm.ShardLevelMetrics, m.EnhancedMonitoring) {
						gotShards[sp][m.Name] = m.Value(&sh)
					}
				}
			}
		}
	}
	require.Equal(t, streams(), gotStreams)
	require.Equal(t, shards(), gotShards)

	want := latencyValues()
	require.Len(t, gotLatencies, len(want))
	for p, got := range gotLatencies {
		require.Len(t, got, len(want[p]), "%v", p)
		for name, l := range got {
			w, ok := want[p][name]
			require.True(t, ok, "no expectation for %s of %v", name, p)
			w.Check(t, name, float64(l.Count), l.Sum.Seconds(), l.Max.Seconds())
		}
	}
}

// TestMetrics checks the expectations by metric against those by place,
// in base units.
func TestMetrics(t *testing.T) {
	metrics := Metrics()
	require.Len(t, metrics, len(freshet.StreamMetricCatalog)-len(LatencyMetrics())+len(freshet.ShardMetricCatalog))
	byName := map[string]Metric{}
	for _, m := range metrics {
		byName[m.Name] = m
	}
	require.Equal(t, map[Place]float64{Orders: 1003, Plain: 2, OtherOrders: 1}, byName["incoming.records"].Want)
	require.Equal(t, map[Place]float64{Orders: 2, Plain: 0, OtherOrders: 0}, byName["get_records.iterator_age"].Want, "in seconds")
	require.Equal(t, map[Place]float64{OrdersShard0: 2, OrdersShard1: 0}, byName["shard.iterator_age"].Want, "in seconds")
	require.Empty(t, byName["shard.outgoing.bytes"].Want, "not enabled")
	require.Equal(t, freshet.UnitMilliseconds, byName["shard.iterator_age"].Unit)

	latencies := LatencyMetrics()
	require.Len(t, latencies, 3)
	require.Equal(t, "get_records.latency", latencies[2].Name)
	require.Equal(t, map[Place]Latency{Orders: {Count: 5}, Plain: {}, OtherOrders: {}}, latencies[2].Want)
}

// TestCheckRejectsAWrongLatency checks that Check fails on each kind of
// wrong reading.
func TestCheckRejectsAWrongLatency(t *testing.T) {
	for _, tc := range []struct {
		name            string
		want            Latency
		count, sum, max float64
	}{
		{"count", Latency{Count: 3}, 2, 0.3, 0.1},
		{"sampled count", Latency{Count: 3, Sampled: true}, 4, 0.3, 0.1},
		{"max over sum", Latency{Count: 3}, 3, 0.1, 0.3},
		{"nanoseconds", Latency{Count: 3}, 3, 3e6, 1e6},
		{"zero sum", Latency{Count: 3}, 3, 0, 0},
		{"time without calls", Latency{}, 0, 0.1, 0.1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &failRecorder{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				tc.want.Check(rec, "latency", tc.count, tc.sum, tc.max)
			}()
			<-done
			require.True(t, rec.failed, "Check accepted count %v, sum %v, max %v for %+v", tc.count, tc.sum, tc.max, tc.want)
		})
	}
	Latency{Count: 3}.Check(t, "latency", 3, 0.3, 0.1)
	Latency{Count: 3, Sampled: true}.Check(t, "latency", 0, 0, 0)
}

// failRecorder is a testing.TB whose failures are recorded; FailNow ends
// the goroutine as testing.T's does.
type failRecorder struct {
	testing.TB
	failed bool
}

func (f *failRecorder) Helper()               {}
func (f *failRecorder) Errorf(string, ...any) { f.failed = true }
func (f *failRecorder) FailNow()              { f.failed = true; runtime.Goexit() }
