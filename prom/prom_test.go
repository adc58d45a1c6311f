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

// TestMetricsEqualTraffic sends known traffic to two engines, scrapes
// Handler over HTTP, parses the body with the Prometheus text parser and
// checks every series against the traffic.
func TestMetricsEqualTraffic(t *testing.T) {
	e, other := metricstest.Traffic(t)

	families := scrape(t, prom.Handler(e, other))

	orders := labels("111111111111", "eu-west-1", "orders")
	for name, want := range map[string]float64{
		"freshet_incoming_bytes_total":                           3*5 + 1000*1,
		"freshet_incoming_records_total":                         3 + 1000,
		"freshet_outgoing_bytes_total":                           4 * 5,
		"freshet_outgoing_records_total":                         4,
		"freshet_put_record_success_total":                       3,
		"freshet_put_records_success_total":                      2,
		"freshet_put_records_records_total":                      1002,
		"freshet_put_records_successful_records_total":           1000,
		"freshet_put_records_failed_records_total":               0,
		"freshet_put_records_throttled_records_total":            2,
		"freshet_get_records_success_total":                      5,
		"freshet_write_provisioned_throughput_exceeded_total":    2,
		"freshet_read_provisioned_throughput_exceeded_total":     1,
		"freshet_get_records_iterator_age_seconds":               2,
		"freshet_subscribe_to_shard_success_total":               0,
		"freshet_subscribe_to_shard_events_total":                0,
		"freshet_subscribe_to_shard_event_records_total":         0,
		"freshet_subscribe_to_shard_event_bytes_total":           0,
		"freshet_subscribe_to_shard_event_behind_latest_seconds": 0,
	} {
		require.Equal(t, want, value(t, families, name, orders), name)
	}
	require.EqualValues(t, 3, summary(t, families, "freshet_put_records_latency_seconds", orders).GetSampleCount())
	require.EqualValues(t, 5, summary(t, families, "freshet_get_records_latency_seconds", orders).GetSampleCount())
	require.LessOrEqual(t, summary(t, families, "freshet_put_record_latency_seconds", orders).GetSampleCount(), uint64(3), "PutRecord latency is sampled")
	require.Positive(t, summary(t, families, "freshet_get_records_latency_seconds", orders).GetSampleSum())
	require.Positive(t, value(t, families, "freshet_get_records_latency_max_seconds", orders))
	require.LessOrEqual(t, value(t, families, "freshet_get_records_latency_max_seconds", orders),
		summary(t, families, "freshet_get_records_latency_seconds", orders).GetSampleSum())

	plain := labels("111111111111", "eu-west-1", "plain")
	for name, want := range map[string]float64{
		"freshet_incoming_bytes_total":                   2 * 7,
		"freshet_incoming_records_total":                 2,
		"freshet_put_record_success_total":               2,
		"freshet_outgoing_records_total":                 0,
		"freshet_subscribe_to_shard_success_total":       1,
		"freshet_subscribe_to_shard_events_total":        1,
		"freshet_subscribe_to_shard_event_records_total": 2,
		"freshet_subscribe_to_shard_event_bytes_total":   2 * 7,
	} {
		require.Equal(t, want, value(t, families, name, plain), name)
	}
	require.Equal(t, 1.0, value(t, families, "freshet_incoming_records_total", labels("111111111111", "us-east-1", "orders")))
	require.Len(t, families["freshet_incoming_records_total"].GetMetric(), 3, "one series per stream")

	// Shard-level series exist for the enabled metrics of "orders" only.
	shard0 := labels("111111111111", "eu-west-1", "orders", "shardId-000000000000")
	shard1 := labels("111111111111", "eu-west-1", "orders", "shardId-000000000001")
	for name, want := range map[string][2]float64{
		"freshet_shard_incoming_bytes_total":                       {3 * 5, 1000},
		"freshet_shard_incoming_records_total":                     {3, 1000},
		"freshet_shard_read_provisioned_throughput_exceeded_total": {1, 0},
		"freshet_shard_iterator_age_seconds":                       {2, 0},
	} {
		require.Len(t, families[name].GetMetric(), 2, name)
		require.Equal(t, want[0], value(t, families, name, shard0), name)
		require.Equal(t, want[1], value(t, families, name, shard1), name)
	}
	for _, name := range []string{"freshet_shard_outgoing_bytes_total", "freshet_shard_outgoing_records_total", "freshet_shard_write_provisioned_throughput_exceeded_total"} {
		require.NotContains(t, families, name, "not enabled")
	}
	require.Contains(t, families["freshet_shard_incoming_bytes_total"].GetHelp(), "CloudWatch shard-level IncomingBytes")
	require.Contains(t, families["freshet_get_records_iterator_age_seconds"].GetHelp(), "CloudWatch GetRecords.IteratorAgeMilliseconds")
}

// TestLint checks the metrics against the Prometheus naming conventions,
// shard-level ones included.
func TestLint(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	create(t, e, "s", 1)
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
	e := newEngine(t)
	create(t, e, "s", 1)
	c.Add(e)
	c.Add(e)
	require.Equal(t, 1, testutil.CollectAndCount(c, "freshet_incoming_records_total"))
}

func newEngine(t *testing.T, opts ...freshet.Option) *freshet.Engine {
	t.Helper()
	e := freshet.New(opts...)
	t.Cleanup(func() { _ = e.Close() })
	return e
}

func create(t *testing.T, e *freshet.Engine, name string, shards int) {
	t.Helper()
	_, err := e.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: name, ShardCount: shards})
	require.NoError(t, err)
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

// labels returns the label set of a stream or, given a shard id, of a
// shard.
func labels(account, region, stream string, shard ...string) map[string]string {
	l := map[string]string{"account": account, "region": region, "stream": stream}
	if len(shard) > 0 {
		l["shard"] = shard[0]
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
