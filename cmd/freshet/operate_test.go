package main

// Tests of what operators use: metrics protection and content, start-up
// streams, version, and the streams and tail commands. They use the AWS
// SDK.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/internal/testsync"
)

// scrape GETs a metrics URL with an optional bearer token and returns the
// status and parsed families (nil unless 200).
func scrape(t *testing.T, url, token string) (int, map[string]int) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	names := map[string]int{}
	for name, f := range families {
		names[name] = len(f.Metric)
	}
	return resp.StatusCode, names
}

// freePort returns a loopback address nothing listens on.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestMetricsToken: with --metrics-token, /metrics answers 401 without the
// token and serves the engines', requests' and runtime metrics with it.
func TestMetricsToken(t *testing.T) {
	url, _, _ := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--metrics-token", "s3cret")
	client := newKinesisClient(url, "us-east-1", &http.Client{})
	ctx := context.Background()
	_, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)})
	require.NoError(t, err)
	_, err = client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("missing")})
	require.Error(t, err)

	status, _ := scrape(t, url+"/metrics", "")
	require.Equal(t, http.StatusUnauthorized, status)
	status, _ = scrape(t, url+"/metrics", "wrong")
	require.Equal(t, http.StatusUnauthorized, status)
	status, families := scrape(t, url+"/metrics", "s3cret")
	require.Equal(t, http.StatusOK, status)
	for _, name := range []string{
		"freshet_incoming_records_total", "freshet_requests_total", "freshet_request_errors_total",
		"freshet_request_duration_seconds", "go_goroutines", "process_resident_memory_bytes",
	} {
		require.Contains(t, families, name)
	}
}

// TestMetricsAddr: with --metrics-addr the metrics move to their own
// listener; the Kinesis address no longer serves them.
func TestMetricsAddr(t *testing.T) {
	maddr := freePort(t)
	url, _, _ := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--metrics-addr", maddr)
	resp, err := http.Get(url + "/metrics") // now a Kinesis request: refused as Kinesis refuses a GET
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)

	status, families := scrape(t, "http://"+maddr+"/metrics", "")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, families, "freshet_request_errors_total") // the GET above
}

// TestRequestMetricsCountErrorsByCode: the request metrics count signature
// failures by code.
func TestRequestMetricsCountErrorsByCode(t *testing.T) {
	url, _, _ := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json")
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader("{}"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/kinesis/aws4_request")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)

	resp, err = http.Get(url + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Contains(t, string(body), `freshet_request_errors_total{code="IncompleteSignatureException",operation="ListStreams"} 1`)
}

// TestCreateStreamFlag: --create-stream (repeated, and comma-separated in
// FRESHET_CREATE_STREAM) creates streams at start-up.
func TestCreateStreamFlag(t *testing.T) {
	t.Setenv("FRESHET_CREATE_STREAM", "env-a,env-b:3")
	url, _, _ := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json",
		"--create-stream", "orders:2", "--create-stream", "events")
	client := newKinesisClient(url, "us-east-1", &http.Client{})
	want := map[string]int32{"env-a": 1, "env-b": 3, "orders": 2, "events": 1}
	for name, shards := range want {
		out, err := client.DescribeStreamSummary(context.Background(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		require.NoError(t, err, name)
		require.Equal(t, shards, aws.ToInt32(out.StreamDescriptionSummary.OpenShardCount), name)
	}
}

func TestCreateStreamFlagErrors(t *testing.T) {
	for _, v := range []string{"", "a:0", "a:x", ":2"} {
		var out bytes.Buffer
		_, err := parseServeFlags([]string{"--create-stream", v}, &out)
		require.ErrorIs(t, err, errUsage, "%q", v)
	}
}

func TestVersion(t *testing.T) {
	defer func(f func() (*debug.BuildInfo, bool)) { readBuildInfo = f }(readBuildInfo)
	readBuildInfo = func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{GoVersion: "go1.24.0", Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2025-01-01T00:00:00Z"}, {Key: "vcs.modified", Value: "true"},
		}}, true
	}
	for _, arg := range []string{"version", "--version"} {
		var out bytes.Buffer
		require.NoError(t, run(context.Background(), []string{arg}, &out))
		require.Equal(t, "freshet v1.2.3 revision abc123+dirty (2025-01-01T00:00:00Z) go1.24.0\n", out.String())
	}
}

// TestStreamsAndTail: freshet streams lists streams with shard and record
// counts; freshet tail prints records as JSON lines from the trim horizon,
// following the children of a split shard.
func TestStreamsAndTail(t *testing.T) {
	url, _, _ := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--create-stream", "s:1")
	client := newKinesisClient(url, "us-east-1", &http.Client{})
	ctx := context.Background()
	put := func(i int) {
		_, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"),
			PartitionKey: aws.String(fmt.Sprintf("k%d", i)), Data: []byte(fmt.Sprintf("record %d", i))})
		require.NoError(t, err)
	}
	for i := range 3 {
		put(i)
	}
	_, err := client.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("s"),
		ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String("170141183460469231731687303715884105728")})
	require.NoError(t, err)
	for i := 3; i < 6; i++ {
		put(i)
	}

	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"streams", "--endpoint", url}, &out))
	require.Regexp(t, `(?m)^s\s+ACTIVE\s+PROVISIONED\s+2\s+6$`, out.String())

	tailCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	var tailed testsync.Buffer
	go func() {
		done <- run(tailCtx, []string{"tail", "--endpoint", url, "--from", "trim_horizon", "--format", "json", "--poll", "10ms", "s"}, &tailed)
	}()
	defer func() {
		cancel()
		require.NoError(t, <-done)
	}()
	put(6) // after the tail started: followed too
	var texts []string
	require.Eventually(t, func() bool {
		texts = texts[:0]
		for _, line := range strings.Split(strings.TrimSpace(tailed.String()), "\n") {
			var rec tailRecord
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Text != nil {
				texts = append(texts, *rec.Text)
			}
		}
		return len(texts) == 7
	}, 10*time.Second, 10*time.Millisecond, "output:\n%s", &tailed)
	// The parent's records come before its children's.
	require.ElementsMatch(t, []string{"record 0", "record 1", "record 2"}, texts[:3])
	require.ElementsMatch(t, []string{"record 3", "record 4", "record 5", "record 6"}, texts[3:])
}

func TestTailUsage(t *testing.T) {
	for _, args := range [][]string{{"tail"}, {"tail", "--format", "xml", "s"}, {"tail", "--from", "middle", "s"}, {"tail", "a", "b"}} {
		var out bytes.Buffer
		err := run(context.Background(), args, &out)
		require.True(t, errors.Is(err, errUsage), "%v: %v", args, err)
	}
}
