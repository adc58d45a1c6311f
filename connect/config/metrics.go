package config

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/freshet-io/freshet/connect"
)

// metric is one series family of the /metrics endpoint.
type metric struct {
	name, kind, help string
	value            func(s *connect.ShardStats) int64
}

var metrics = []metric{
	{"freshet_connect_records_total", "counter", "Records read from the source stream.", func(s *connect.ShardStats) int64 { return s.Records }},
	{"freshet_connect_bytes_total", "counter", "Bytes of record data read from the source stream.", func(s *connect.ShardStats) int64 { return s.Bytes }},
	{"freshet_connect_emitted_records_total", "counter", "Items stored by the emitter.", func(s *connect.ShardStats) int64 { return s.Emitted }},
	{"freshet_connect_emitted_bytes_total", "counter", "Bytes of record data of the items stored by the emitter.", func(s *connect.ShardStats) int64 { return s.EmittedBytes }},
	{"freshet_connect_filtered_records_total", "counter", "Items skipped by the filter.", func(s *connect.ShardStats) int64 { return s.Filtered }},
	{"freshet_connect_transform_failures_total", "counter", "Records the transformer rejected.", func(s *connect.ShardStats) int64 { return s.TransformFailed }},
	{"freshet_connect_dropped_records_total", "counter", "Failed items skipped by the drop policy.", func(s *connect.ShardStats) int64 { return s.Dropped }},
	{"freshet_connect_dead_lettered_records_total", "counter", "Failed records written to the dead letter.", func(s *connect.ShardStats) int64 { return s.DeadLettered }},
	{"freshet_connect_flushes_total", "counter", "Batches emitted.", func(s *connect.ShardStats) int64 { return s.Flushes }},
	{"freshet_connect_retries_total", "counter", "Emits and dead-letter writes retried after a failure.", func(s *connect.ShardStats) int64 { return s.Retries }},
	{"freshet_connect_checkpoints_total", "counter", "Checkpoints written.", func(s *connect.ShardStats) int64 { return s.Checkpoints }},
	{"freshet_connect_buffered_records", "gauge", "Items waiting in the buffer.", func(s *connect.ShardStats) int64 { return s.Buffered }},
	{"freshet_connect_millis_behind_latest", "gauge", "How far the last read of the shard was behind its tip, in milliseconds.", func(s *connect.ShardStats) int64 { return s.MillisBehindLatest }},
	{"freshet_connect_shard_blocked", "gauge", "1 if the block policy stopped the shard.", func(s *connect.ShardStats) int64 {
		if s.Blocked != nil {
			return 1
		}
		return 0
	}},
}

// WriteMetrics writes st in the Prometheus text exposition format, one
// series per shard labelled stream and shard.
func WriteMetrics(w io.Writer, stream string, st connect.Stats) error {
	shards := make([]string, 0, len(st.Shards))
	for id := range st.Shards {
		shards = append(shards, id)
	}
	sort.Strings(shards)
	var b strings.Builder
	for _, m := range metrics {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", m.name, m.help, m.name, m.kind)
		for _, id := range shards {
			s := st.Shards[id]
			fmt.Fprintf(&b, "%s{stream=%s,shard=%s} %d\n", m.name, quote(stream), quote(id), m.value(&s))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// quote escapes a label value as the exposition format requires.
func quote(s string) string {
	return `"` + labelEscaper.Replace(s) + `"`
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// metricsHandler serves the pipeline's stats at /metrics.
func metricsHandler(stream string, stats func() connect.Stats) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_ = WriteMetrics(w, stream, stats())
	})
	return mux
}
