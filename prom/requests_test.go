package prom

import (
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"
)

func TestRequestMetrics(t *testing.T) {
	m := NewRequestMetrics()
	reg := prometheus.NewRegistry()
	reg.MustRegister(m)
	m.Observe("PutRecord", "", 2*time.Millisecond)
	m.Observe("PutRecord", "AccessDeniedException", time.Millisecond)
	m.Observe("ListStreams", "InvalidSignatureException", time.Millisecond)
	m.Observe("", "UnknownOperationException", time.Millisecond)

	require.InDelta(t, 2, testutil.ToFloat64(m.requests.WithLabelValues("PutRecord")), 0)
	require.InDelta(t, 1, testutil.ToFloat64(m.requests.WithLabelValues("unknown")), 0)
	require.InDelta(t, 1, testutil.ToFloat64(m.errors.WithLabelValues("PutRecord", "AccessDeniedException")), 0)
	require.InDelta(t, 1, testutil.ToFloat64(m.errors.WithLabelValues("ListStreams", "InvalidSignatureException")), 0)

	families, err := reg.Gather()
	require.NoError(t, err)
	var histogram bool
	for _, f := range families {
		if f.GetName() == "freshet_request_duration_seconds" {
			for _, metric := range f.Metric {
				if metric.Label[0].GetValue() == "PutRecord" {
					histogram = true
					require.EqualValues(t, 2, metric.Histogram.GetSampleCount())
					require.InDelta(t, 0.003, metric.Histogram.GetSampleSum(), 1e-9)
				}
			}
		}
	}
	require.True(t, histogram, "PutRecord latency histogram gathered")
	problems, err := testutil.GatherAndLint(reg)
	require.NoError(t, err)
	require.Empty(t, problems)
}

// TestRequestMetricsConcurrent: concurrent observations of the same and of
// new operations are all counted.
func TestRequestMetricsConcurrent(t *testing.T) {
	m := NewRequestMetrics()
	ops := []string{"PutRecord", "GetRecords", "ListShards", ""}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				m.Observe(ops[(g+i)%len(ops)], "", time.Millisecond)
			}
		}()
	}
	wg.Wait()
	for _, op := range []string{"PutRecord", "GetRecords", "ListShards", "unknown"} {
		require.InDelta(t, 2000, testutil.ToFloat64(m.requests.WithLabelValues(op)), 0, op)
	}
}

func BenchmarkRequestMetricsObserve(b *testing.B) {
	m := NewRequestMetrics()
	b.ReportAllocs()
	for range b.N {
		m.Observe("PutRecord", "", time.Millisecond)
	}
}
