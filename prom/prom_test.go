package prom_test

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/internal/metricstest"
	"github.com/freshet-io/freshet/prom"
)

// seriesNames are the series prom exports for the counters and gauges
// of the catalog (stream- and shard-level), by catalog name.
var seriesNames = map[string]string{
	"incoming.bytes":                              "freshet_incoming_bytes_total",
	"incoming.records":                            "freshet_incoming_records_total",
	"outgoing.bytes":                              "freshet_outgoing_bytes_total",
	"outgoing.records":                            "freshet_outgoing_records_total",
	"put_record.success":                          "freshet_put_record_success_total",
	"put_records.success":                         "freshet_put_records_success_total",
	"put_records.records":                         "freshet_put_records_records_total",
	"put_records.successful_records":              "freshet_put_records_successful_records_total",
	"put_records.failed_records":                  "freshet_put_records_failed_records_total",
	"put_records.throttled_records":               "freshet_put_records_throttled_records_total",
	"get_records.success":                         "freshet_get_records_success_total",
	"write_provisioned_throughput_exceeded":       "freshet_write_provisioned_throughput_exceeded_total",
	"read_provisioned_throughput_exceeded":        "freshet_read_provisioned_throughput_exceeded_total",
	"get_records.iterator_age":                    "freshet_get_records_iterator_age_seconds",
	"subscribe_to_shard.success":                  "freshet_subscribe_to_shard_success_total",
	"subscribe_to_shard.events":                   "freshet_subscribe_to_shard_events_total",
	"subscribe_to_shard.event_records":            "freshet_subscribe_to_shard_event_records_total",
	"subscribe_to_shard.event_bytes":              "freshet_subscribe_to_shard_event_bytes_total",
	"subscribe_to_shard.event_behind_latest":      "freshet_subscribe_to_shard_event_behind_latest_seconds",
	"shard.incoming.bytes":                        "freshet_shard_incoming_bytes_total",
	"shard.incoming.records":                      "freshet_shard_incoming_records_total",
	"shard.outgoing.bytes":                        "freshet_shard_outgoing_bytes_total",
	"shard.outgoing.records":                      "freshet_shard_outgoing_records_total",
	"shard.write_provisioned_throughput_exceeded": "freshet_shard_write_provisioned_throughput_exceeded_total",
	"shard.read_provisioned_throughput_exceeded":  "freshet_shard_read_provisioned_throughput_exceeded_total",
	"shard.iterator_age":                          "freshet_shard_iterator_age_seconds",
}

// latencySeries are the series of each latency of the catalog: a summary
// and a gauge of its largest value.
var latencySeries = map[string][2]string{
	"put_record.latency":  {"freshet_put_record_latency_seconds", "freshet_put_record_latency_max_seconds"},
	"put_records.latency": {"freshet_put_records_latency_seconds", "freshet_put_records_latency_max_seconds"},
	"get_records.latency": {"freshet_get_records_latency_seconds", "freshet_get_records_latency_max_seconds"},
}

// TestMetricsEqualTraffic sends known traffic to two engines, scrapes
// Handler over HTTP, parses the body with the Prometheus text parser and
// checks every series against what the traffic must show: a series per
// stream, and per shard for the enabled shard-level metrics only, under
// the catalog's help, in seconds where the catalog counts milliseconds.
func TestMetricsEqualTraffic(t *testing.T) {
	e, other := metricstest.Traffic(t)
	families := scrape(t, prom.Handler(e, other))

	exported := 0
	for _, m := range metricstest.Metrics() {
		name, ok := seriesNames[m.Name]
		require.True(t, ok, "no series named for %s", m.Name)
		if len(m.Want) == 0 {
			require.NotContains(t, families, name, "not enabled")
			continue
		}
		exported++
		require.Equal(t, m.Help, families[name].GetHelp(), name)
		require.Len(t, families[name].GetMetric(), len(m.Want), "%s: a series per stream or shard", name)
		for place, want := range m.Want {
			require.Equal(t, want, value(t, families, name, labels(place)), "%s %v", name, place)
		}
	}
	for _, m := range metricstest.LatencyMetrics() {
		names, ok := latencySeries[m.Name]
		require.True(t, ok, "no series named for %s", m.Name)
		exported += len(names)
		require.Equal(t, m.Help, families[names[0]].GetHelp(), names[0])
		require.Equal(t, "Largest "+m.Help, families[names[1]].GetHelp(), names[1])
		for place, want := range m.Want {
			s := summary(t, families, names[0], labels(place))
			want.Check(t, names[0], float64(s.GetSampleCount()), s.GetSampleSum(), value(t, families, names[1], labels(place)))
		}
	}
	require.Len(t, families, exported, "no other family")
}

// TestLint checks the metrics against the Prometheus naming conventions,
// shard-level ones included.
func TestLint(t *testing.T) {
	ctx := context.Background()
	e := metricstest.NewEngine(t)
	metricstest.CreateStream(t, e, "s", 1)
	_, err := e.EnableEnhancedMonitoring(ctx, &freshet.EnableEnhancedMonitoringInput{StreamName: "s", ShardLevelMetrics: []string{"ALL"}})
	require.NoError(t, err)
	_, err = e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("x")})
	require.NoError(t, err)

	c := prom.NewCollector(e)
	problems, err := testutil.CollectAndLint(c)
	require.NoError(t, err)
	require.Empty(t, problems)
	require.Equal(t, 19+2*3+7, testutil.CollectAndCount(c), "every metric of one stream and its shard")
}

// TestCollectorAdd checks that engines added after registration are
// scraped, and added once.
func TestCollectorAdd(t *testing.T) {
	c := prom.NewCollector()
	require.Zero(t, testutil.CollectAndCount(c))
	e := metricstest.NewEngine(t)
	metricstest.CreateStream(t, e, "s", 1)
	c.Add(e)
	c.Add(e)
	require.Equal(t, 1, testutil.CollectAndCount(c, "freshet_incoming_records_total"))
}

// scrape GETs /metrics from h served over loopback HTTP and parses the
// text format.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, expfmt.TypeTextPlain, expfmt.ResponseFormat(resp.Header).FormatType())
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	return families
}

// labels returns the label set of a stream or a shard.
func labels(p metricstest.Place) map[string]string {
	l := map[string]string{"account": p.Account, "region": p.Region, "stream": p.Stream}
	if p.Shard != "" {
		l["shard"] = p.Shard
	}
	return l
}

// series returns the one series of a family with exactly the labels want.
func series(t *testing.T, families map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	t.Helper()
	f, ok := families[name]
	require.True(t, ok, "no metric %s", name)
	var found *dto.Metric
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		if maps.Equal(got, want) {
			require.Nil(t, found, "two series %s%v", name, want)
			found = m
		}
	}
	require.NotNil(t, found, "no series %s%v", name, want)
	return found
}

// value returns the value of a counter or gauge series.
func value(t *testing.T, families map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	t.Helper()
	m := series(t, families, name, labels)
	switch families[name].GetType() {
	case dto.MetricType_COUNTER:
		return m.GetCounter().GetValue()
	case dto.MetricType_GAUGE:
		return m.GetGauge().GetValue()
	}
	t.Fatalf("%s is a %s", name, families[name].GetType())
	return 0
}

// summary returns a summary series.
func summary(t *testing.T, families map[string]*dto.MetricFamily, name string, labels map[string]string) *dto.Summary {
	t.Helper()
	require.Equal(t, dto.MetricType_SUMMARY, families[name].GetType(), name)
	return series(t, families, name, labels).GetSummary()
}
