package metricstest

import "github.com/freshet-io/freshet"

// Metric is a counter or gauge of the catalog, stream- or shard-level,
// and the values it has after Traffic.
type Metric struct {
	// Name, Unit and Help are the catalog's.
	Name, Unit, Help string
	// Want is its value at each place that reports it after Traffic, in
	// the base unit the adapters export (seconds for milliseconds). It is
	// empty for a shard-level metric that no stream of Traffic enables:
	// an adapter exports nothing for it.
	Want map[Place]float64
}

// Metrics returns every counter and gauge of freshet.StreamMetricCatalog
// and then of freshet.ShardMetricCatalog, in catalog order, with its
// values after Traffic.
func Metrics() []Metric {
	var out []Metric
	for _, m := range freshet.StreamMetricCatalog {
		if m.Kind != freshet.MetricLatency {
			out = append(out, Metric{Name: m.Name, Unit: m.Unit, Help: m.Help, Want: want(streams(), m.Name, m.Unit)})
		}
	}
	for _, m := range freshet.ShardMetricCatalog {
		out = append(out, Metric{Name: m.Name, Unit: m.Unit, Help: m.Help, Want: want(shards(), m.Name, m.Unit)})
	}
	return out
}

// want returns the value of the metric name at each place of values that
// has one, in the base unit.
func want(values map[Place]map[string]int64, name, unit string) map[Place]float64 {
	out := map[Place]float64{}
	for p, byName := range values {
		if v, ok := byName[name]; ok {
			out[p] = inBaseUnit(unit, v)
		}
	}
	return out
}

// LatencyMetric is a latency of the catalog and what it holds after
// Traffic.
type LatencyMetric struct {
	// Name and Help are the catalog's.
	Name, Help string
	// Want is what it holds at each stream of Traffic.
	Want map[Place]Latency
}

// LatencyMetrics returns every latency of freshet.StreamMetricCatalog, in
// catalog order, with what it holds after Traffic.
func LatencyMetrics() []LatencyMetric {
	var out []LatencyMetric
	for _, m := range freshet.StreamMetricCatalog {
		if m.Kind != freshet.MetricLatency {
			continue
		}
		l := LatencyMetric{Name: m.Name, Help: m.Help, Want: map[Place]Latency{}}
		for p, byName := range latencyValues() {
			l.Want[p] = byName[m.Name]
		}
		out = append(out, l)
	}
	return out
}
