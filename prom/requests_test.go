package prom

import (
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
