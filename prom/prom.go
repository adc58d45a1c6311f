// Package prom exports the metrics of freshet engines to Prometheus.
//
// A [Collector] reads [freshet.Engine.Metrics] at scrape time and reports
// the stream-level metrics Kinesis publishes to CloudWatch, one series per
// stream labelled account, region and stream. Shard-level series, labelled
// shard as well and named freshet_shard_*, appear only for the metrics a
// stream enabled with EnableEnhancedMonitoring, as in CloudWatch. The HELP
// text of every metric names the CloudWatch metric it mirrors.
//
// Names follow Prometheus conventions rather than CloudWatch's: counters end
// in _total, times are in seconds (CloudWatch's IteratorAgeMilliseconds is
// freshet_get_records_iterator_age_seconds), and the PutRecord, PutRecords
// and GetRecords latencies are summaries without quantiles (_sum and
// _count) plus a gauge of the largest latency. PutRecord latency is sampled
// by the engine, so its _count is smaller than the number of calls.
//
// Counters count since the stream was created and disappear with it. Two
// engines given to one Collector must differ in account or region, or the
// series of their like-named streams collide and the scrape fails.
//
// An engine with a data directory also reports its read cache (the blocks
// of segment files read back from disk), labelled account and region only,
// as counted since the engine was opened: freshet_read_cache_hits_total,
// freshet_read_cache_misses_total and freshet_read_cache_evictions_total
// (blocks), and the gauges freshet_read_cache_bytes (held) and
// freshet_read_cache_max_bytes (its budget).
//
// [Handler] serves a set of engines on its own registry. A server that
// creates engines on demand keeps a Collector and calls [Collector.Add]:
//
//	c := prom.NewCollector()
//	reg := prometheus.NewRegistry()
//	reg.MustRegister(c)
//	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
//	...
//	c.Add(engine)
package prom

import (
	"net/http"
	"slices"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/freshet-io/freshet"
)

// Collector is a [prometheus.Collector] over the metrics of freshet
// engines. It is safe for concurrent use: engines may be added while it is
// being scraped.
type Collector struct {
	mu      sync.Mutex
	engines []*freshet.Engine
}

// NewCollector returns a Collector over engines.
func NewCollector(engines ...*freshet.Engine) *Collector {
	c := &Collector{}
	for _, e := range engines {
		c.Add(e)
	}
	return c
}

// Add adds an engine to the collector; adding it again does nothing.
func (c *Collector) Add(e *freshet.Engine) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.Contains(c.engines, e) {
		c.engines = append(c.engines, e)
	}
}

// Describe sends the descriptors of every metric the collector can report.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range streamMetrics {
		ch <- m.desc
	}
	for _, m := range latencyMetrics {
		ch <- m.summary
		ch <- m.max
	}
	for _, m := range shardMetrics {
		ch <- m.desc
	}
	for _, m := range engineMetrics {
		ch <- m.desc
	}
}

// Collect sends the current metrics of every stream of every engine.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	engines := slices.Clone(c.engines)
	c.mu.Unlock()
	for _, e := range engines {
		account, region := e.Account(), e.Region()
		for _, sm := range e.Metrics() {
			collectStream(ch, account, region, &sm)
		}
		collectEngine(ch, account, region, e.EngineMetrics())
	}
}

// collectEngine sends the engine-level metrics of one engine: those of
// the read cache only for an engine with a data directory.
func collectEngine(ch chan<- prometheus.Metric, account, region string, em freshet.EngineMetrics) {
	for _, m := range engineMetrics {
		if m.dataDir && !em.DataDir {
			continue
		}
		ch <- prometheus.MustNewConstMetric(m.desc, m.typ, m.value(&em), account, region)
	}
}

// collectStream sends the metrics of one stream.
func collectStream(ch chan<- prometheus.Metric, account, region string, sm *freshet.StreamMetrics) {
	labels := []string{account, region, sm.StreamName}
	for _, m := range streamMetrics {
		ch <- prometheus.MustNewConstMetric(m.desc, m.typ, m.value(sm), labels...)
	}
	for _, m := range latencyMetrics {
		l := m.value(sm)
		ch <- prometheus.MustNewConstSummary(m.summary, uint64(l.Count), l.Sum.Seconds(), nil, labels...)
		ch <- prometheus.MustNewConstMetric(m.max, prometheus.GaugeValue, l.Max.Seconds(), labels...)
	}
	for _, shard := range sm.Shards {
		shardLabels := []string{account, region, sm.StreamName, shard.ShardId}
		for _, name := range sm.ShardLevelMetrics {
			m, ok := shardMetrics[name]
			if !ok {
				continue // a metric this package does not know yet
			}
			ch <- prometheus.MustNewConstMetric(m.desc, m.typ, m.value(&shard), shardLabels...)
		}
	}
}

// Handler returns an HTTP handler serving the metrics of engines in the
// Prometheus exposition formats, from a registry of its own that holds
// only a Collector over them.
func Handler(engines ...*freshet.Engine) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewCollector(engines...))
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}
