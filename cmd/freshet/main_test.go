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
)

func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}

// syncBuffer is a bytes.Buffer safe for the server's logger and the test
// to use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startRun runs the program with args in the background and returns the
// URL it listens on (read from its JSON log), its output and a function that
// stops it and returns run's error.
func startRun(t *testing.T, args ...string) (url string, out *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
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
			t.Fatalf("run returned early: %v\noutput:\n%s", err, out)
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
	t.Fatalf("no listening line within 10s; output:\n%s", out)
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
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != `{"status":"ok"}` {
		t.Errorf("GET /_health = %d %q, want 200 {\"status\":\"ok\"}", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET /_health Content-Type = %q, want application/json", ct)
	}

	ctx := context.Background()
	client := newKinesisClient(url, "eu-west-1", hc)
	if _, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{
		StreamName: aws.String("orders"),
		ShardCount: aws.Int32(2),
	}); err != nil {
		t.Fatalf("CreateStream: %v", err)
	}
	sum, err := client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("orders")})
	if err != nil {
		t.Fatalf("DescribeStreamSummary: %v", err)
	}
	d := sum.StreamDescriptionSummary
	if want := "arn:aws:kinesis:eu-west-1:123456789012:stream/orders"; aws.ToString(d.StreamARN) != want {
		t.Errorf("StreamARN = %q, want %q", aws.ToString(d.StreamARN), want)
	}
	if d.StreamStatus != types.StreamStatusActive || aws.ToInt32(d.OpenShardCount) != 2 {
		t.Errorf("status %s with %d open shards, want ACTIVE with 2", d.StreamStatus, aws.ToInt32(d.OpenShardCount))
	}

	tr.CloseIdleConnections()
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(out.String(), `"msg":"freshet stopped"`) {
		t.Errorf("no clean-stop log line; output:\n%s", out)
	}
}

// TestRunServeShutdownEndsSubscriptions checks that an open SubscribeToShard
// stream does not hold up the shutdown.
func TestRunServeShutdownEndsSubscriptions(t *testing.T) {
	url, _, stop := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--shutdown-timeout", "30s")
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := newKinesisClient(url, "us-east-1", &http.Client{Transport: tr})
	ctx := context.Background()

	if _, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	sum, err := client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := client.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{
		StreamARN:    sum.StreamDescriptionSummary.StreamARN,
		ConsumerName: aws.String("c"),
	})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := client.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{
		ConsumerARN:      reg.Consumer.ConsumerARN,
		ShardId:          aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest},
	})
	if err != nil {
		t.Fatal(err)
	}
	stream := sub.GetStream()
	defer stream.Close()

	start := time.Now()
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("shutdown took %v with a subscription open; want it ended at once", d)
	}
	for range stream.Events() {
	}
}

// TestRunServeTLS serves HTTPS from a generated certificate and checks that
// clients negotiate HTTP/2.
func TestRunServeTLS(t *testing.T) {
	certFile, keyFile, pool := writeCert(t)
	url, _, _ := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json",
		"--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("url = %q, want https", url)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}

	resp, err := hc.Get(url + "/_health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Errorf("GET /_health over TLS used %s, want HTTP/2", resp.Proto)
	}

	client := newKinesisClient(url, "us-east-1", hc)
	out, err := client.ListStreams(context.Background(), &kinesis.ListStreamsInput{})
	if err != nil {
		t.Fatalf("ListStreams over TLS: %v", err)
	}
	if len(out.StreamNames) != 0 {
		t.Errorf("StreamNames = %v, want none", out.StreamNames)
	}
}

// writeCert writes a self-signed certificate for 127.0.0.1 and its key to
// files and returns their paths and a pool trusting the certificate.
func writeCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
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
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile = filepath.Join(dir, "cert.pem")
	keyFile = filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
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
	if err != nil {
		t.Fatalf("parseServeFlags: %v\n%s", err, &out)
	}
	if c.addr != "127.0.0.1:4567" {
		t.Errorf("addr = %q, want the default 127.0.0.1:4567", c.addr)
	}
	if c.region != "ap-south-1" {
		t.Errorf("region = %q, want ap-south-1 from FRESHET_REGION", c.region)
	}
	if c.createDelay != 250*time.Millisecond {
		t.Errorf("createDelay = %v, want 250ms from FRESHET_CREATE_DELAY", c.createDelay)
	}
	if c.limits != "none" {
		t.Errorf("limits = %q, want none: the flag wins over FRESHET_LIMITS", c.limits)
	}
	if c.shardLimit != 7 || c.tlsCert != "c.pem" || c.tlsKey != "k.pem" {
		t.Errorf("shardLimit, tlsCert, tlsKey = %d, %q, %q; want 7, c.pem, k.pem", c.shardLimit, c.tlsCert, c.tlsKey)
	}
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var out bytes.Buffer
			_, err := parseServeFlags(tt.args, &out)
			if !errors.Is(err, errUsage) {
				t.Fatalf("err = %v, want errUsage", err)
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("output does not mention %q:\n%s", tt.want, &out)
			}
		})
	}
}

func TestRunCommands(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), nil, &out); !errors.Is(err, errUsage) {
		t.Errorf("run() = %v, want errUsage", err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"serve", "-h"}, &out); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run(serve -h) = %v, want flag.ErrHelp", err)
	}
	if !strings.Contains(out.String(), "FRESHET_ADDR") || !strings.Contains(out.String(), "-create-delay") {
		t.Errorf("serve -h output lacks the flags or their environment variables:\n%s", &out)
	}
	out.Reset()
	if err := run(context.Background(), []string{"frobnicate"}, &out); !errors.Is(err, errUsage) {
		t.Errorf("run(frobnicate) = %v, want errUsage", err)
	}
	if !strings.Contains(out.String(), `unknown command "frobnicate"`) {
		t.Errorf("output does not name the unknown command:\n%s", &out)
	}
}

func TestRunServeAddrInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var out bytes.Buffer
	err = run(context.Background(), []string{"serve", "--addr", ln.Addr().String()}, &out)
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("run on a busy address = %v, want address already in use", err)
	}
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
		if rec.Code != tt.want {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.path, rec.Code, tt.want)
		}
	}
}

// readShard reads a shard from TRIM_HORIZON through the SDK until a page is
// empty or the shard ends.
func readShard(t *testing.T, client *kinesis.Client, stream, shard string) []types.Record {
	t.Helper()
	ctx := context.Background()
	it, err := client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream),
		ShardId: aws.String(shard), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	var recs []types.Record
	for next := it.ShardIterator; next != nil; {
		out, err := client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: next})
		if err != nil {
			t.Fatal(err)
		}
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
		if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(2)}); err != nil {
			t.Fatal(err)
		}
	}
	var entries []types.PutRecordsRequestEntry
	for i := range 50 {
		entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprint("key-", i)), Data: []byte(fmt.Sprint("record ", i))})
	}
	if _, err := client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("orders"), Records: entries}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("orders"), PartitionKey: aws.String("k"), Data: []byte("in eu-west-1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("orders"),
		ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String("1000")}); err != nil {
		t.Fatal(err)
	}
	before := map[string][]types.Record{}
	for _, id := range []string{"shardId-000000000000", "shardId-000000000001"} {
		before[id] = readShard(t, client, "orders", id)
	}
	latest, err := client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("orders"),
		ShardId: aws.String("shardId-000000000001"), ShardIteratorType: types.ShardIteratorTypeLatest})
	if err != nil {
		t.Fatal(err)
	}
	tr.CloseIdleConnections()
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	saved := logLines(out.String(), "data file saved")
	if len(saved) != 1 || saved[0]["records"] != 51.0 || saved[0]["engines"] != 2.0 || saved[0]["reason"] != "shutdown" {
		t.Fatalf("save log lines = %v, want one shutdown save of 2 engines and 51 records", saved)
	}
	if left, _ := filepath.Glob(path + ".tmp*"); len(left) > 0 {
		t.Errorf("temporary files are left behind: %v", left)
	}

	url, out, stop = startRun(t, args...)
	if len(logLines(out.String(), "data file restored")) != 1 {
		t.Errorf("no restore log line; output:\n%s", out)
	}
	client = newKinesisClient(url, "us-east-1", hc)
	other = newKinesisClient(url, "eu-west-1", hc)
	desc, err := client.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(desc.StreamDescription.Shards); n != 4 || desc.StreamDescription.StreamStatus != types.StreamStatusActive {
		t.Errorf("restored stream has %d shards in status %s, want 4 and ACTIVE", n, desc.StreamDescription.StreamStatus)
	}
	total := 0
	for id, want := range before {
		got := readShard(t, client, "orders", id)
		total += len(got)
		if len(got) != len(want) {
			t.Fatalf("%s: %d records after the restart, %d before", id, len(got), len(want))
		}
		for i := range got {
			if aws.ToString(got[i].SequenceNumber) != aws.ToString(want[i].SequenceNumber) || !bytes.Equal(got[i].Data, want[i].Data) ||
				!got[i].ApproximateArrivalTimestamp.Equal(*want[i].ApproximateArrivalTimestamp) {
				t.Errorf("%s record %d = %s %q, want %s %q", id, i, aws.ToString(got[i].SequenceNumber), got[i].Data,
					aws.ToString(want[i].SequenceNumber), want[i].Data)
			}
		}
	}
	if total != 50 {
		t.Errorf("%d records after the restart, want 50", total)
	}
	otherRecs := append(readShard(t, other, "orders", "shardId-000000000000"), readShard(t, other, "orders", "shardId-000000000001")...)
	if len(otherRecs) != 1 || string(otherRecs[0].Data) != "in eu-west-1" {
		t.Errorf("the eu-west-1 engine holds %v, want its one record", otherRecs)
	}

	// An iterator issued before the restart reads what is written after it.
	if _, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("orders"), PartitionKey: aws.String("after"),
		ExplicitHashKey: aws.String("340282366920938463463374607431768211455"), Data: []byte("after the restart")}); err != nil {
		t.Fatal(err)
	}
	got, err := client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: latest.ShardIterator})
	if err != nil {
		t.Fatalf("GetRecords with an iterator from before the restart: %v", err)
	}
	if len(got.Records) != 1 || string(got.Records[0].Data) != "after the restart" {
		t.Errorf("records = %v, want the one written after the restart", got.Records)
	}
	tr.CloseIdleConnections()
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
}

// TestRunServeDataFileCorrupt checks that the server refuses to start over a
// data file it cannot read, and leaves the file as it was.
func TestRunServeDataFileCorrupt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "freshet.data")
	_, _, stop := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--data-file", path)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x10
	for name, content := range map[string][]byte{
		"empty":     {},
		"garbage":   []byte("not a freshet data file"),
		"truncated": good[:len(good)-1],
		"bit flip":  flipped,
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--data-file", path}, &out)
			if err == nil || !strings.Contains(err.Error(), "--data-file "+path) || !strings.Contains(err.Error(), "corrupt snapshot") {
				t.Fatalf("run = %v, want a corrupt data file error naming the file", err)
			}
			if now, _ := os.ReadFile(path); !bytes.Equal(now, content) {
				t.Errorf("the data file was changed")
			}
		})
	}

	var out bytes.Buffer
	err = run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--data-file", filepath.Join(dir, "missing", "data")}, &out)
	if err == nil || !strings.Contains(err.Error(), "its directory does not exist") {
		t.Errorf("run with a data file in a missing directory = %v", err)
	}
}

// TestRunServeDataFileInterval checks the periodic saves.
func TestRunServeDataFileInterval(t *testing.T) {
	path := filepath.Join(t.TempDir(), "freshet.data")
	url, out, _ := startRun(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--data-file", path, "--snapshot-interval", "20ms")
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := newKinesisClient(url, "us-east-1", &http.Client{Transport: tr})
	if _, err := client.CreateStream(context.Background(), &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if f, err := os.Open(path); err == nil {
			e, err := freshet.Restore(bufio.NewReader(f))
			f.Close()
			if err != nil {
				t.Fatalf("the saved file does not restore: %v", err)
			}
			_, err = e.DescribeStream(context.Background(), &freshet.DescribeStreamInput{StreamName: "s"})
			e.Close()
			if err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no save with the stream within 10s; output:\n%s", out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, line := range logLines(out.String(), "data file saved") {
		if line["reason"] != "interval" {
			t.Errorf("save reason = %v, want interval", line["reason"])
		}
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
		if calls != 1 {
			t.Fatalf("run %d: %d saves, want only the one in progress when the saver was stopped", i, calls)
		}
	}
}
