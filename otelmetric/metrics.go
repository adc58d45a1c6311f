package otelmetric

import (
	"time"

	"github.com/freshet-io/freshet"
)

// Units per second of the times the engine keeps.
const (
	millis = 1e3
	nanos  = float64(time.Second)
)

// streamDef is a stream-level instrument and its value.
type streamDef struct {
	spec  spec
	value func(*freshet.StreamMetrics) int64
}

// shardDef is a shard-level instrument and its value.
type shardDef struct {
	spec  spec
	value func(*freshet.ShardMetrics) int64
}

// engineDef is an engine-level instrument and its value; dataDir tells
// that only engines with a data directory have it.
type engineDef struct {
	spec    spec
	dataDir bool
	value   func(*freshet.EngineMetrics) int64
}

// streamDefs are the stream-level instruments of
// freshet.StreamMetricCatalog, in its order (a latency makes three),
// shardDefs those of freshet.ShardMetricCatalog by their
// EnableEnhancedMonitoring name, and engineDefs those of
// freshet.EngineMetricCatalog, in its order.
var (
	streamDefs []streamDef
	shardDefs  = map[string]shardDef{}
	engineDefs []engineDef
)

func init() {
	for _, m := range freshet.StreamMetricCatalog {
		name := "freshet." + m.Name
		if m.Kind == freshet.MetricLatency {
			streamDefs = append(streamDefs, latency(name, m.Help, m.LatencyValue)...)
			continue
		}
		streamDefs = append(streamDefs, streamDef{newSpec(name, m.Unit, m.Kind, m.Help), m.Value})
	}
	for _, m := range freshet.ShardMetricCatalog {
		shardDefs[m.EnhancedMonitoring] = shardDef{newSpec("freshet."+m.Name, m.Unit, m.Kind, m.Help), m.Value}
	}
	for _, m := range freshet.EngineMetricCatalog {
		engineDefs = append(engineDefs, engineDef{newSpec("freshet."+m.Name, m.Unit, m.Kind, m.Help), m.DataDir, m.Value})
	}
}

// newSpec is the instrument of a counter or gauge of the catalog; times
// in milliseconds are reported in seconds.
func newSpec(name, unit string, kind freshet.MetricKind, description string) spec {
	sp := spec{name: name, unit: unit, description: description, gauge: kind == freshet.MetricGauge}
	if unit == freshet.UnitMilliseconds {
		sp.unit, sp.perSecond = "s", millis
	}
	return sp
}

// latency returns the three instruments of a latency: its count, sum and
// maximum.
func latency(name, description string, value func(*freshet.StreamMetrics) freshet.Latency) []streamDef {
	return []streamDef{
		{spec{name: name + ".count", unit: "{call}", description: "Calls measured for the " + description},
			func(m *freshet.StreamMetrics) int64 { return value(m).Count }},
		{spec{name: name + ".sum", unit: "s", perSecond: nanos, description: "Total " + description},
			func(m *freshet.StreamMetrics) int64 { return int64(value(m).Sum) }},
		{spec{name: name + ".max", unit: "s", gauge: true, perSecond: nanos, description: "Largest " + description},
			func(m *freshet.StreamMetrics) int64 { return int64(value(m).Max) }},
	}
}
