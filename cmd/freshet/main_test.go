package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/internal/leakcheck"
	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}

// startRun runs the program with args in the background and returns the
// URL it listens on (read from its JSON log), its output and a function that
// stops it and returns run's error.
func startRun(t *testing.T, args ...string) (url string, out *testsync.Buffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &testsync.Buffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, out) }()

	var stopOnce sync.Once
	var runErr error
	stop = func() error {
		stopOnce.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(15 * time.Second):
				runErr = errors.New("run did not return within 15s of cancel")
			}
		})
		return runErr
	}
	t.Cleanup(func() { stop() })

	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			require.FailNow(t, "run returned early", "run: %v\noutput:\n%s", err, out)
		default:
		}
		sc := bufio.NewScanner(strings.NewReader(out.String()))
		for sc.Scan() {
			var line struct {
				Msg string `json:"msg"`
				URL string `json:"url"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "freshet listening" {
				return line.URL, out, stop
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	require.FailNow(t, "no listening line within 10s", "output:\n%s", out)
	return "", nil, nil
}

// newKinesisClient returns an SDK client for url over hc.
func newKinesisClient(url, region string, hc *http.Client) *kinesis.Client {
	return kinesis.New(kinesis.Options{
		BaseEndpoint: aws.String(url),
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		HTTPClient:   hc,
	})
}

func TestRunServe(t *testing.T) {
	url, out, stop := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json",
		"--region", "eu-west-1", "--account", "123456789012")

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	resp, err := hc.Get(url + "/_health")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "GET /_health status")
	assert.Equal(t, `{"status":"ok"}`, string(body), "GET /_health body")
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), "GET /_health Content-Type")

	ctx := context.Background()
	client := newKinesisClient(url, "eu-west-1", hc)
	_, err = client.CreateStream(ctx, &kinesis.CreateStreamInput{
		StreamName: aws.String("orders"),
		ShardCount: aws.Int32(2),
	})
	require.NoError(t, err, "CreateStream")
	sum, err := client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("orders")})
	require.NoError(t, err, "DescribeStreamSummary")
	d := sum.StreamDescriptionSummary
	assert.Equal(t, "arn:aws:kinesis:eu-west-1:123456789012:stream/orders", aws.ToString(d.StreamARN), "StreamARN")
	assert.Equal(t, types.StreamStatusActive, d.StreamStatus, "StreamStatus")
	assert.Equal(t, int32(2), aws.ToInt32(d.OpenShardCount), "OpenShardCount")

	tr.CloseIdleConnections()
	require.NoError(t, stop(), "run")
	assert.Contains(t, out.String(), `"msg":"freshet stopped"`, "no clean-stop log line")
}

// TestRunServeShutdownEndsSubscriptions checks that an open SubscribeToShard
// stream does not hold up the shutdown.
func TestRunServeShutdownEndsSubscriptions(t *testing.T) {
	url, _, stop := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--shutdown-timeout", "30s")
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := newKinesisClient(url, "us-east-1", &http.Client{Transport: tr})
	ctx := context.Background()

	_, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)})
	require.NoError(t, err)
	sum, err := client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")})
	require.NoError(t, err)
	reg, err := client.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{
		StreamARN:    sum.StreamDescriptionSummary.StreamARN,
		ConsumerName: aws.String("c"),
	})
	require.NoError(t, err)
	sub, err := client.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{
		ConsumerARN:      reg.Consumer.ConsumerARN,
		ShardId:          aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest},
	})
	require.NoError(t, err)
	stream := sub.GetStream()
	defer stream.Close()

	// stop fails if the server does not return: a subscription that held
	// the shutdown up would make it give up.
	require.NoError(t, stop(), "run")
	for range stream.Events() {
	}
}

// TestRunServeTLS serves HTTPS from a generated certificate and checks that
// clients negotiate HTTP/2.
func TestRunServeTLS(t *testing.T) {
	certFile, keyFile, pool := writeCert(t)
	url, _, _ := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json",
		"--tls-cert", certFile, "--tls-key", keyFile)
	require.True(t, strings.HasPrefix(url, "https://"), "url = %q, want https", url)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}

	resp, err := hc.Get(url + "/_health")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 2, resp.ProtoMajor, "GET /_health over TLS used %s, want HTTP/2", resp.Proto)

	client := newKinesisClient(url, "us-east-1", hc)
	out, err := client.ListStreams(context.Background(), &kinesis.ListStreamsInput{})
	require.NoError(t, err, "ListStreams over TLS")
	assert.Empty(t, out.StreamNames, "StreamNames")
}

// writeCert writes a self-signed certificate for 127.0.0.1 and its key to
// files and returns their paths and a pool trusting the certificate.
func writeCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "freshet test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	dir := t.TempDir()
	certFile = filepath.Join(dir, "cert.pem")
	keyFile = filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestParseServeFlags(t *testing.T) {
	t.Setenv("FRESHET_REGION", "ap-south-1")
	t.Setenv("FRESHET_CREATE_DELAY", "250ms")
	t.Setenv("FRESHET_LIMITS", "aws")

	var out bytes.Buffer
	c, err := parseServeFlags([]string{"--limits", "none", "--shard-limit", "7", "--tls-cert", "c.pem", "--tls-key", "k.pem"}, &out)
	require.NoError(t, err, "parseServeFlags\n%s", &out)
	assert.Equal(t, "127.0.0.1:4567", c.addr, "addr: want the default")
	assert.Equal(t, "ap-south-1", c.region, "region: want FRESHET_REGION")
	assert.Equal(t, 250*time.Millisecond, c.createDelay, "createDelay: want FRESHET_CREATE_DELAY")
	assert.Equal(t, "none", c.limits, "limits: the flag wins over FRESHET_LIMITS")
	assert.Equal(t, 7, c.shardLimit, "shardLimit")
	assert.Equal(t, "c.pem", c.tlsCert, "tlsCert")
	assert.Equal(t, "k.pem", c.tlsKey, "tlsKey")
}

func TestParseServeFlagsErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string // in the output
	}{
		{name: "limits", args: []string{"--limits", "some"}, want: `invalid --limits "some"`},
		{name: "log format", args: []string{"--log-format", "xml"}, want: `invalid --log-format "xml"`},
		{name: "account", args: []string{"--account", "42"}, want: `invalid --account "42"`},
		{name: "cert without key", args: []string{"--tls-cert", "c.pem"}, want: "--tls-cert and --tls-key go together"},
		{name: "negative delay", args: []string{"--delete-delay", "-1s"}, want: "state delays must not be negative"},
		{name: "extra argument", args: []string{"now"}, want: `unexpected argument "now"`},
		{name: "unknown flag", args: []string{"--port", "1"}, want: "flag provided but not defined: -port"},
		{name: "bad env", env: map[string]string{"FRESHET_SHARD_LIMIT": "many"}, want: `invalid value "many" for FRESHET_SHARD_LIMIT`},
		{name: "log level", args: []string{"--log-level", "loud"}, want: `invalid value "loud" for flag -log-level`},
		{name: "snapshot interval", args: []string{"--snapshot-interval", "-1s"}, want: "--snapshot-interval must not be negative"},
		{name: "segment bytes", args: []string{"--segment-bytes", "100"}, want: "--segment-bytes must be 0 (the default, 64 MiB) or at least 4096"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var out bytes.Buffer
			_, err := parseServeFlags(tt.args, &out)
			require.ErrorIs(t, err, errUsage)
			assert.Contains(t, out.String(), tt.want, "output does not mention the error")
		})
	}
}

func TestRunCommands(t *testing.T) {
	var out bytes.Buffer
	assert.ErrorIs(t, run(context.Background(), nil, &out), errUsage, "run()")
	out.Reset()
	assert.ErrorIs(t, run(context.Background(), []string{"serve", "-h"}, &out), flag.ErrHelp, "run(serve -h)")
	assert.Contains(t, out.String(), "FRESHET_ADDR", "serve -h output lacks the environment variables")
	assert.Contains(t, out.String(), "-create-delay", "serve -h output lacks the flags")
	out.Reset()
	assert.ErrorIs(t, run(context.Background(), []string{"frobnicate"}, &out), errUsage, "run(frobnicate)")
	assert.Contains(t, out.String(), `unknown command "frobnicate"`, "output does not name the unknown command")
}

func TestRunServeAddrInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var out bytes.Buffer
	err = run(context.Background(), []string{"serve", "--addr", ln.Addr().String()}, &out)
	assert.ErrorContains(t, err, "address already in use", "run on a busy address")
}

func TestWithHealth(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	h := withHealth(next)
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/_health", http.StatusOK},
		{http.MethodHead, "/_health", http.StatusOK},
		{http.MethodPost, "/_health", http.StatusTeapot}, // Kinesis ignores the path
		{http.MethodPost, "/", http.StatusTeapot},
		{http.MethodGet, "/", http.StatusTeapot},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		assert.Equal(t, tt.want, rec.Code, "%s %s", tt.method, tt.path)
	}
}

// readShard reads a shard from TRIM_HORIZON through the SDK until a page is
// empty or the shard ends.
func readShard(t *testing.T, client *kinesis.Client, stream, shard string) []types.Record {
	t.Helper()
	ctx := context.Background()
	it, err := client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream),
		ShardId: aws.String(shard), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	require.NoError(t, err)
	var recs []types.Record
	for next := it.ShardIterator; next != nil; {
		out, err := client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: next})
		require.NoError(t, err)
		recs = append(recs, out.Records...)
		if len(out.Records) == 0 {
			break
		}
		next = out.NextShardIterator
	}
	return recs
}

// logLines returns the JSON log lines with the given message.
func logLines(out string, msg string) []map[string]any {
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == msg {
			lines = append(lines, line)
		}
	}
	return lines
}

// TestRunServeDataFile writes through the SDK to a server with a data file,
// stops it gracefully, starts it again on the same file and reads the
// streams and records back, with an iterator issued before the restart.
func TestRunServeDataFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "freshet.data")
	args := []string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--data-file", path, "--snapshot-interval", "0"}
	url, out, stop := startRun(t, args...)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	client := newKinesisClient(url, "us-east-1", hc)
	other := newKinesisClient(url, "eu-west-1", hc) // served by an engine created on demand
	ctx := context.Background()

	for _, c := range []*kinesis.Client{client, other} {
		_, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(2)})
		require.NoError(t, err)
	}
	var entries []types.PutRecordsRequestEntry
	for i := range 50 {
		entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprint("key-", i)), Data: []byte(fmt.Sprint("record ", i))})
	}
	_, err := client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("orders"), Records: entries})
	require.NoError(t, err)
	_, err = other.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("orders"), PartitionKey: aws.String("k"), Data: []byte("in eu-west-1")})
	require.NoError(t, err)
	_, err = client.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("orders"),
		ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String("1000")})
	require.NoError(t, err)
	before := map[string][]types.Record{}
	for _, id := range []string{"shardId-000000000000", "shardId-000000000001"} {
		before[id] = readShard(t, client, "orders", id)
	}
	latest, err := client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("orders"),
		ShardId: aws.String("shardId-000000000001"), ShardIteratorType: types.ShardIteratorTypeLatest})
	require.NoError(t, err)
	tr.CloseIdleConnections()
	require.NoError(t, stop(), "run")
	saved := logLines(out.String(), "data file saved")
	require.Len(t, saved, 1, "want one shutdown save of 2 engines and 51 records")
	require.Equal(t, 51.0, saved[0]["records"], "save log line %v: records", saved[0])
	require.Equal(t, 2.0, saved[0]["engines"], "save log line %v: engines", saved[0])
	require.Equal(t, "shutdown", saved[0]["reason"], "save log line %v: reason", saved[0])
	left, _ := filepath.Glob(path + ".tmp*")
	assert.Empty(t, left, "temporary files are left behind")

	url, out, stop = startRun(t, args...)
	assert.Len(t, logLines(out.String(), "data file restored"), 1, "no restore log line; output:\n%s", out)
	client = newKinesisClient(url, "us-east-1", hc)
	other = newKinesisClient(url, "eu-west-1", hc)
	desc, err := client.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("orders")})
	require.NoError(t, err)
	assert.Len(t, desc.StreamDescription.Shards, 4, "restored stream's shards")
	assert.Equal(t, types.StreamStatusActive, desc.StreamDescription.StreamStatus, "restored stream's status")
	total := 0
	for id, want := range before {
		got := readShard(t, client, "orders", id)
		total += len(got)
		require.Equal(t, len(want), len(got), "%s: records after the restart (actual) and before (expected)", id)
		for i := range got {
			assert.Equal(t, aws.ToString(want[i].SequenceNumber), aws.ToString(got[i].SequenceNumber), "%s record %d: sequence number", id, i)
			assert.Equal(t, string(want[i].Data), string(got[i].Data), "%s record %d: data", id, i)
			assert.True(t, got[i].ApproximateArrivalTimestamp.Equal(*want[i].ApproximateArrivalTimestamp),
				"%s record %d: arrival %v, want %v", id, i, got[i].ApproximateArrivalTimestamp, want[i].ApproximateArrivalTimestamp)
		}
	}
	assert.Equal(t, 50, total, "records after the restart")
	otherRecs := append(readShard(t, other, "orders", "shardId-000000000000"), readShard(t, other, "orders", "shardId-000000000001")...)
	if assert.Len(t, otherRecs, 1, "the eu-west-1 engine must hold its one record") {
		assert.Equal(t, "in eu-west-1", string(otherRecs[0].Data), "the eu-west-1 engine's record")
	}

	// An iterator issued before the restart reads what is written after it.
	_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("orders"), PartitionKey: aws.String("after"),
		ExplicitHashKey: aws.String("340282366920938463463374607431768211455"), Data: []byte("after the restart")})
	require.NoError(t, err)
	got, err := client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: latest.ShardIterator})
	require.NoError(t, err, "GetRecords with an iterator from before the restart")
	if assert.Len(t, got.Records, 1, "want the one record written after the restart") {
		assert.Equal(t, "after the restart", string(got.Records[0].Data), "the record written after the restart")
	}
	tr.CloseIdleConnections()
	require.NoError(t, stop(), "run")
}

// TestRunServeDataFileCorrupt checks that the server refuses to start over a
// data file it cannot read, and leaves the file as it was.
func TestRunServeDataFileCorrupt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "freshet.data")
	_, _, stop := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--data-file", path)
	require.NoError(t, stop())
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x10
	for name, content := range map[string][]byte{
		"empty":     {},
		"garbage":   []byte("not a freshet data file"),
		"truncated": good[:len(good)-1],
		"bit flip":  flipped,
	} {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(path, content, 0o600))
			var out bytes.Buffer
			err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--data-file", path}, &out)
			require.ErrorContains(t, err, "--data-file "+path, "want a corrupt data file error naming the file")
			require.ErrorContains(t, err, "corrupt snapshot", "want a corrupt data file error naming the file")
			now, _ := os.ReadFile(path)
			assert.Equal(t, string(content), string(now), "the data file was changed")
		})
	}

	var out bytes.Buffer
	err = run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--data-file", filepath.Join(dir, "missing", "data")}, &out)
	assert.ErrorContains(t, err, "its directory does not exist", "run with a data file in a missing directory")
}

// TestRunServeDataFileInterval checks the periodic saves.
func TestRunServeDataFileInterval(t *testing.T) {
	path := filepath.Join(t.TempDir(), "freshet.data")
	url, out, _ := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--data-file", path, "--snapshot-interval", "20ms")
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := newKinesisClient(url, "us-east-1", &http.Client{Transport: tr})
	_, err := client.CreateStream(context.Background(), &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)})
	require.NoError(t, err)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if f, err := os.Open(path); err == nil {
			e, err := freshet.Restore(bufio.NewReader(f))
			f.Close()
			require.NoError(t, err, "the saved file does not restore")
			_, err = e.DescribeStream(context.Background(), &freshet.DescribeStreamInput{StreamName: "s"})
			e.Close()
			if err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			require.FailNow(t, "no save with the stream within 10s", "output:\n%s", out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, line := range logLines(out.String(), "data file saved") {
		assert.Equal(t, "interval", line["reason"], "save reason")
	}
}

// TestDataSaverStopsAfterTheSaveInProgress stops the periodic saver while a
// save runs longer than the interval: once that save ends, the saver must
// stop, not start another save for the tick that came meanwhile (at a
// shutdown, the final save follows at once).
func TestDataSaverStopsAfterTheSaveInProgress(t *testing.T) {
	e := freshet.New()
	defer e.Close()
	for i := range 20 {
		var calls int
		entered, release := make(chan struct{}), make(chan struct{})
		d := &dataSaver{
			path: filepath.Join(t.TempDir(), "data"),
			log:  slog.New(slog.DiscardHandler),
			engines: func() []*freshet.Engine {
				calls++
				if calls == 1 {
					close(entered)
					<-release
				}
				return []*freshet.Engine{e}
			},
		}
		stop, stopped := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(stopped)
			d.every(time.Millisecond, stop)
		}()
		<-entered
		time.Sleep(5 * time.Millisecond) // the ticker now holds a tick
		close(stop)
		close(release)
		<-stopped
		require.Equal(t, 1, calls, "run %d: saves, want only the one in progress when the saver was stopped", i)
	}
}
