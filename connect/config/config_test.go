package config_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/config"
	"github.com/freshet-io/freshet/connect/internal/conntest"
	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/freshet-io/freshet/kinesistest"
)

func TestParseDefaultsAndErrors(t *testing.T) {
	c, err := config.Parse([]byte(`{"source":{"stream":"s"},"emitter":{"type":"s3","s3":{"bucket":"b"}}}`))
	require.NoError(t, err)
	assert.Equal(t, "LATEST", c.Source.InitialPosition)
	assert.Equal(t, "memory", c.LeaseStore.Type)
	assert.Equal(t, "raw", c.Transform)
	assert.Equal(t, "block", c.FailurePolicy.Type)
	assert.Equal(t, config.Duration(10*time.Second), c.Log.Interval)

	c, err = config.Parse([]byte(`{"source":{"stream":"s"},"lease_store":{"type":"postgres","connection":"c"},
		"emitter":{"type":"opensearch","opensearch":{"addresses":["http://x"],"index":"i"}}}`))
	require.NoError(t, err)
	assert.Equal(t, "json", c.Transform, "the emitters of JSON objects default to the json transform")
	assert.Equal(t, "index", c.Emitter.OpenSearch.Action)
	assert.Equal(t, "freshet_leases", c.LeaseStore.Table)

	for _, tc := range []struct{ json, want string }{
		{`{"emitter":{"type":"s3","s3":{"bucket":"b"}}}`, "source.stream is required"},
		{`{"source":{"stream":"s"},"emitter":{"type":"ftp"}}`, `emitter.type "ftp"`},
		{`{"source":{"stream":"s"},"emitter":{"type":"s3"}}`, "emitter.s3.bucket is required"},
		{`{"source":{"stream":"s"},"emitter":{"type":"kinesis","kinesis":{}}}`, "emitter.kinesis.stream is required"},
		{`{"source":{"stream":"s","initial_position":"AT_TIMESTAMP"},"emitter":{"type":"s3","s3":{"bucket":"b"}}}`, "initial_position"},
		{`{"source":{"stream":"s"},"lease_store":{"type":"etcd"},"emitter":{"type":"s3","s3":{"bucket":"b"}}}`, `lease_store.type "etcd" is not known`},
		{`{"source":{"stream":"s"},"lease_store":{"type":"postgres"},"emitter":{"type":"s3","s3":{"bucket":"b"}}}`, "lease_store.connection is required"},
		{`{"source":{"stream":"s"},"lease_store":{"type":"postgres","conection":"x"},"emitter":{"type":"s3","s3":{"bucket":"b"}}}`, `unknown field "conection"`},
		{`{"source":{"stream":"s"},"lease_store":{"type":"dynamodb"},"emitter":{"type":"s3","s3":{"bucket":"b"}}}`, "lease_store.table is required"},
		{`{"source":{"stream":"s"},"emitter":{"type":"postgres","postgres":{"table":"t","columns":["a"]}}}`, "emitter.postgres.connection is required"},
		{`{"source":{"stream":"s"},"emitter":{"type":"postgres","postgres":{"connection":"c","columns":["a"]}}}`, "emitter.postgres.table is required"},
		{`{"source":{"stream":"s"},"emitter":{"type":"postgres","postgres":{"connection":"c","table":"t"}}}`, "emitter.postgres.columns is required"},
		{`{"source":{"stream":"s"},"emitter":{"type":"postgres","postgres":{"connection":"c","table":"t","columns":["a"],"fields":{"b":"x"}}}}`, `fields: "b" is not one of the columns`},
		{`{"source":{"stream":"s"},"emitter":{"type":"postgres","postgres":{"connection":"c","table":"t","columns":["a"]}},"transform":"raw"}`, "takes JSON objects"},
		{`{"source":{"stream":"s"},"emitter":{"type":"dynamodb","dynamodb":{}}}`, "emitter.dynamodb.table is required"},
		{`{"source":{"stream":"s"},"emitter":{"type":"opensearch","opensearch":{"index":"i"}}}`, "emitter.opensearch.addresses is required"},
		{`{"source":{"stream":"s"},"emitter":{"type":"opensearch","opensearch":{"addresses":["http://x"]}}}`, "emitter.opensearch.index is required"},
		{`{"source":{"stream":"s"},"emitter":{"type":"opensearch","opensearch":{"addresses":["http://x"],"index":"i","rotation":"year"}}}`, `rotation "year"`},
		{`{"source":{"stream":"s"},"emitter":{"type":"opensearch","opensearch":{"addresses":["http://x"],"index":"i","action":"update"}}}`, `action "update"`},
		{`{"source":{"stream":"s"},"lease_store":{"type":"file"},"emitter":{"type":"s3","s3":{"bucket":"b"}}}`, "lease_store.path is required"},
		{`{"source":{"stream":"s"},"emitter":{"type":"s3","s3":{"bucket":"b"}},"failure_policy":{"type":"dead_letter"}}`, "dead_letter is required"},
		{`{"source":{"stream":"s"},"emitter":{"type":"s3","s3":{"bucket":"b"}},"buffer":{"max_age":5}}`, "duration is a string"},
		{`{"source":{"stream":"s"},"emitter":{"type":"s3","s3":{"bucket":"b"}},"bufer":{}}`, "unknown field"},
		{`{"source":{"stream":"s"},"emitter":{"type":"s3","s3":{"bucket":"b"}},"transform":"xml"}`, `transform "xml"`},
	} {
		_, err := config.Parse([]byte(tc.json))
		require.Error(t, err, tc.json)
		assert.Contains(t, err.Error(), tc.want, tc.json)
	}
}

func TestMetricsFormat(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, config.WriteMetrics(&b, "orders", connect.Stats{Shards: map[string]connect.ShardStats{
		"shardId-000000000001": {Records: 7, MillisBehindLatest: 12},
		"shardId-000000000000": {Records: 3, Blocked: &connect.BlockedError{}},
	}}))
	out := b.String()
	assert.Contains(t, out, "# TYPE freshet_connect_records_total counter\n"+
		`freshet_connect_records_total{stream="orders",shard="shardId-000000000000"} 3`+"\n"+
		`freshet_connect_records_total{stream="orders",shard="shardId-000000000001"} 7`+"\n")
	assert.Contains(t, out, `freshet_connect_millis_behind_latest{stream="orders",shard="shardId-000000000001"} 12`)
	assert.Contains(t, out, `freshet_connect_shard_blocked{stream="orders",shard="shardId-000000000000"} 1`)
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

func TestRunIntoS3WithEnvelopesAndADeadLetter(t *testing.T) {
	srv := kinesistest.NewServer(t)
	_, err := srv.Engine.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 2})
	require.NoError(t, err)
	s := conntest.NewS3(t, "lake")
	metricsAddr := freePort(t)
	cfg := fmt.Sprintf(`{
		"source": {"stream": "orders", "endpoint": %q, "region": %q, "initial_position": "TRIM_HORIZON", "idle_time_between_reads": "10ms"},
		"buffer": {"max_records": 25, "max_age": "50ms"},
		"retry": {"first": "5ms", "max": "50ms"},
		"transform": "json",
		"emitter": {"type": "s3", "s3": {"bucket": "lake", "prefix": "orders/", "gzip": true, "endpoint": %q, "path_style": true}},
		"failure_policy": {"type": "dead_letter", "dead_letter": {"type": "s3", "bucket": "lake", "prefix": "errors/", "endpoint": %q, "path_style": true}},
		"log": {"interval": "20ms"},
		"metrics": {"listen": %q}
	}`, srv.URL, srv.Engine.Region(), s.URL, s.URL, metricsAddr)
	c, err := config.Parse([]byte(cfg))
	require.NoError(t, err)

	var logs testsync.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- config.Run(ctx, c, slog.New(slog.NewTextHandler(&logs, nil))) }()
	put := conntest.PutData(t, srv.Engine, "orders", 0, 200, func(i int) []byte {
		if i == 100 {
			return []byte("{not json")
		}
		return []byte(`{ "n": ` + strconv.Itoa(i) + ` }`)
	})
	testsync.WaitFor(t, "the objects", func() bool {
		var n int
		for _, v := range conntest.Lines(s.Objects(t, "lake")) {
			n += v
		}
		return n == 200
	})
	resp, err := http.Get("http://" + metricsAddr + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), `freshet_connect_emitted_records_total{stream="orders",shard=`)
	testsync.WaitFor(t, "a progress line", func() bool { return strings.Contains(logs.String(), "records_per_s=") })
	cancel()
	require.NoError(t, <-errc)

	good, bad := map[string][]byte{}, map[string][]byte{}
	for k, v := range s.Objects(t, "lake") {
		if strings.HasPrefix(k, "errors/") {
			bad[k] = v
		} else {
			assert.True(t, strings.HasPrefix(k, "orders/") && strings.HasSuffix(k, ".ndjson.gz"), k)
			good[k] = v
		}
	}
	lines := conntest.Lines(good)
	require.Len(t, lines, 199)
	for i := range 200 {
		if i != 100 {
			assert.Equal(t, 1, lines[`{"n":`+strconv.Itoa(i)+`}`], "record %d", i)
		}
	}
	require.Len(t, bad, 1)
	for _, v := range bad {
		var l connect.Letter
		require.NoError(t, json.Unmarshal(v, &l))
		assert.Equal(t, "{not json", string(l.Data))
		assert.Equal(t, put[100].SequenceNumber.String(), l.SequenceNumber)
		assert.Contains(t, l.Reason, "not JSON")
	}
	assert.Contains(t, logs.String(), "connector stopped")
}
