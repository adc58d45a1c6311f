package prom

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/freshet-io/freshet"
)

// Labels of the stream-level series; shard-level series add "shard";
// engine-level series have only "account" and "region".
var (
	streamLabels = []string{"account", "region", "stream"}
	shardLabels  = []string{"account", "region", "stream", "shard"}
	engineLabels = []string{"account", "region"}
)

// engineMetric is an engine-level counter or gauge; dataDir tells that
// only engines with a data directory have it.
type engineMetric struct {
	desc    *prometheus.Desc
	typ     prometheus.ValueType
	dataDir bool
	value   func(*freshet.EngineMetrics) float64
}

// streamMetric is a stream-level counter or gauge.
type streamMetric struct {
	desc  *prometheus.Desc
	typ   prometheus.ValueType
	value func(*freshet.StreamMetrics) float64
}

// latencyMetric is a stream-level latency: a summary and a gauge of its
// largest value.
type latencyMetric struct {
	summary, max *prometheus.Desc
	value        func(*freshet.StreamMetrics) freshet.Latency
}

// shardMetric is a shard-level counter or gauge.
type shardMetric struct {
	desc  *prometheus.Desc
	typ   prometheus.ValueType
	value func(*freshet.ShardMetrics) float64
}

// seriesName is the Prometheus name of a catalog metric: "freshet_", its
// name with underscores, and the unit's suffix.
func seriesName(name, unit string, kind freshet.MetricKind) string {
	n := "freshet_" + strings.ReplaceAll(name, ".", "_")
	switch {
	case unit == freshet.UnitMilliseconds:
		return n + "_seconds"
	case kind == freshet.MetricCounter:
		return n + "_total"
	}
	return n
}

// value converts a catalog value to the Prometheus base unit: seconds for
// milliseconds, as is for counts.
func value(unit string, v int64) float64 {
	if unit == freshet.UnitMilliseconds {
		return millis(v)
	}
	return float64(v)
}

func valueType(kind freshet.MetricKind) prometheus.ValueType {
	if kind == freshet.MetricGauge {
		return prometheus.GaugeValue
	}
	return prometheus.CounterValue
}

// streamMetrics and latencyMetrics are the stream-level series of
// freshet.StreamMetricCatalog, shardMetrics the shard-level ones of
// freshet.ShardMetricCatalog by their EnableEnhancedMonitoring name,
// engineMetrics the engine-level ones of freshet.EngineMetricCatalog.
var (
	streamMetrics  []streamMetric
	latencyMetrics []latencyMetric
	shardMetrics   = map[string]shardMetric{}
	engineMetrics  []engineMetric
)

func init() {
	for _, m := range freshet.StreamMetricCatalog {
		if m.Kind == freshet.MetricLatency {
			name := seriesName(m.Name, "", m.Kind)
			latencyMetrics = append(latencyMetrics, latencyMetric{
				summary: prometheus.NewDesc(name+"_seconds", m.Help, streamLabels, nil),
				max:     prometheus.NewDesc(name+"_max_seconds", "Largest "+m.Help, streamLabels, nil),
				value:   m.LatencyValue,
			})
			continue
		}
		streamMetrics = append(streamMetrics, streamMetric{
			desc:  prometheus.NewDesc(seriesName(m.Name, m.Unit, m.Kind), m.Help, streamLabels, nil),
			typ:   valueType(m.Kind),
			value: func(s *freshet.StreamMetrics) float64 { return value(m.Unit, m.Value(s)) },
		})
	}
	for _, m := range freshet.ShardMetricCatalog {
		shardMetrics[m.EnhancedMonitoring] = shardMetric{
			desc:  prometheus.NewDesc(seriesName(m.Name, m.Unit, m.Kind), m.Help, shardLabels, nil),
			typ:   valueType(m.Kind),
			value: func(s *freshet.ShardMetrics) float64 { return value(m.Unit, m.Value(s)) },
		}
	}
	for _, m := range freshet.EngineMetricCatalog {
		engineMetrics = append(engineMetrics, engineMetric{
			desc:    prometheus.NewDesc(seriesName(m.Name, m.Unit, m.Kind), m.Help, engineLabels, nil),
			typ:     valueType(m.Kind),
			dataDir: m.DataDir,
			value:   func(e *freshet.EngineMetrics) float64 { return value(m.Unit, m.Value(e)) },
		})
	}
}

// millis converts milliseconds to seconds.
func millis(ms int64) float64 { return float64(ms) / 1000 }
