package kinesisapi

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// slowRequest is the head of a request announcing contentLength bytes of
// body, followed by the first 11 of them: a client that then stalls.
func slowRequest(op string, contentLength int) string {
	return "POST / HTTP/1.1\r\nHost: freshet\r\n" +
		"Content-Type: " + wire.ContentTypeJSON + "\r\n" +
		"X-Amz-Target: " + wire.TargetPrefix + op + "\r\n" +
		fmt.Sprintf("Content-Length: %d\r\n\r\n", contentLength) +
		`{"Limit":1}`
}

// openSlow opens n connections to srv that each send slowRequest and
// stall; they are closed when the test ends.
func openSlow(t *testing.T, srv *httptest.Server, n, contentLength int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, n)
	for i := range conns {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		_, err = io.WriteString(c, slowRequest("ListStreams", contentLength))
		require.NoError(t, err)
		conns[i] = c
	}
	return conns
}

// post sends a JSON request to srv with a fresh connection.
func post(t *testing.T, url, op, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", wire.ContentTypeJSON)
	req.Header.Set("X-Amz-Target", wire.TargetPrefix+op)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

// TestSlowBodiesDoNotReserveTheirAnnouncedLength is the regression test of
// a client that announces a 16 MiB body, sends 11 bytes and stalls: the
// handler used to allocate the announced length up front, per connection.
// Now memory follows the bytes that arrived, and other clients are served
// meanwhile.
func TestSlowBodiesDoNotReserveTheirAnnouncedLength(t *testing.T) {
	h := newTestHandler(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close) // after the slow connections close
	mustCreateStream(t, h, "kept", 1)
	mustCall(t, h, "PutRecord", `{"StreamName":"kept","PartitionKey":"k","Data":"AQID"}`)

	const conns = 40
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	openSlow(t, srv, conns, DefaultMaxRequestBytes)
	require.Eventually(t, func() bool { return h.bodyReads.Load() == conns },
		10*time.Second, time.Millisecond, "the handler is reading every slow body")

	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	// Allocated up front, the bodies would take conns*16 MiB = 640 MiB.
	allocated := after.TotalAlloc - before.TotalAlloc
	require.Less(t, allocated, uint64(conns<<20), "bytes allocated while %d slow bodies are read", conns)
	require.LessOrEqual(t, h.budget.used.Load(), int64(conns*initialBodyBuffer))

	// Another client is served meanwhile, and the stored record is intact.
	resp, body := post(t, srv.URL, "DescribeStreamSummary", `{"StreamName":"kept"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	out := mustCall(t, h, "GetShardIterator", `{"StreamName":"kept","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}`)
	got := mustCall(t, h, "GetRecords", `{"ShardIterator":"`+out["ShardIterator"].(string)+`"}`)
	require.Len(t, got["Records"], 1)
}

// TestInFlightBudget: requests that find the in-flight budget spent are
// answered 503 ServiceUnavailable (which SDKs retry), logged at level Warn
// once per client, and served again once the budget frees up.
func TestInFlightBudget(t *testing.T) {
	var log testsync.Buffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h := newTestHandler(t, WithMaxInFlightBytes(2*initialBodyBuffer), WithLogger(logger))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close) // after the slow connections close
	mustCreateStream(t, h, "kept", 1)

	slow := openSlow(t, srv, 2, 1<<20)
	require.Eventually(t, func() bool { return h.budget.used.Load() == 2*initialBodyBuffer },
		10*time.Second, time.Millisecond)

	for range 3 {
		resp, body := post(t, srv.URL, "DescribeStreamSummary", `{"StreamName":"kept"}`)
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "%s", body)
		require.Equal(t, codeServiceUnavailable, resp.Header.Get("X-Amzn-Errortype"))
		require.Contains(t, string(body), "Slow down")
	}
	require.Equal(t, 1, strings.Count(log.String(), "limit=max-inflight-bytes"), "%s", log.String())

	slow[0].Close()
	require.Eventually(t, func() bool { return h.budget.used.Load() == initialBodyBuffer },
		10*time.Second, time.Millisecond)
	resp, body := post(t, srv.URL, "DescribeStreamSummary", `{"StreamName":"kept"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
}

// TestBodyGrowsToItsRealSize: bodies larger than the initial buffer, with
// and without a Content-Length, are read whole, and their reservations are
// returned.
func TestBodyGrowsToItsRealSize(t *testing.T) {
	h := newTestHandler(t)
	mustCreateStream(t, h, "s", 1)
	data := bytes.Repeat([]byte("QUJD"), 100_000) // 400 kB of base64
	body := `{"StreamName":"s","PartitionKey":"k","Data":"` + string(data) + `"}`
	for _, chunked := range []bool{false, true} {
		r := newRequest("PutRecord", body)
		if chunked {
			r.ContentLength = -1
		}
		rec := serve(h, r)
		require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	}
	require.Zero(t, h.budget.used.Load())
}

// TestBodyReadTimeout: a body that does not arrive within the read timeout
// is answered 408 RequestTimeoutException and the connection closed.
func TestBodyReadTimeout(t *testing.T) {
	h := newTestHandler(t, WithReadTimeout(100*time.Millisecond))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close) // after the slow connections close
	conn := openSlow(t, srv, 1, 100)[0]
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusRequestTimeout, resp.StatusCode, "%s", b)
	require.Equal(t, codeRequestTimeout, resp.Header.Get("X-Amzn-Errortype"))
	require.True(t, resp.Close, "the connection is closed")
	require.Zero(t, h.budget.used.Load())
}

// TestMaxEngines: the handler creates at most WithMaxEngines engines for
// the accounts and regions of signed requests, answering
// LimitExceededException past them; known accounts are still served.
func TestMaxEngines(t *testing.T) {
	var log testsync.Buffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h := newTestHandler(t, WithMaxEngines(2), WithLogger(logger))
	for _, key := range []string{"111111111111", "222222222222"} {
		rec := serve(h, signed("ListStreams", `{}`, key, "us-east-1"))
		require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	}
	for range 2 {
		rec := serve(h, signed("ListStreams", `{}`, "333333333333", "us-east-1"))
		msg := requireError(t, rec, http.StatusBadRequest, codeLimitExceeded)
		require.Contains(t, msg, "at most 2 accounts and regions")
	}
	rec := serve(h, signed("ListStreams", `{}`, "111111111111", "us-east-1"))
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	rec = serve(h, signed("ListStreams", `{}`, "AKIDEXAMPLE", "us-east-1")) // the default engine
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	require.Len(t, h.Engines(), 3)
	require.Equal(t, 1, strings.Count(log.String(), "limit=max-engines"), "%s", log.String())
}

// TestEngineOpenFailure: an engine the handler creates on demand whose
// data directory cannot be opened answers 500 InternalFailure (which the
// SDKs retry) and logs why, instead of panicking; the handler keeps
// nothing of the failure, so the request succeeds once the directory can
// be opened.
func TestEngineOpenFailure(t *testing.T) {
	dir := t.TempDir()
	var log testsync.Buffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h := newTestHandler(t, WithEngineOptions(freshet.WithDataDir(dir)), WithLogger(logger))
	// A file where the account's directory goes: the engine cannot be
	// opened.
	blocker := filepath.Join(dir, "111111111111")
	require.NoError(t, os.WriteFile(blocker, []byte("not a directory"), 0o644))

	for range 2 {
		rec := serve(h, signed("ListStreams", `{}`, "111111111111", "eu-west-1"))
		msg := requireError(t, rec, http.StatusInternalServerError, codeInternalFailure)
		require.Contains(t, msg, "cannot open the data of account 111111111111 in region eu-west-1")
		require.NotContains(t, msg, dir, "server paths stay in the server's log")
	}
	require.Contains(t, log.String(), "cannot create the engine")
	require.Contains(t, log.String(), blocker)
	require.Len(t, h.Engines(), 1, "only the default engine")
	_, err := h.OpenEngine("111111111111", "eu-west-1")
	require.Error(t, err)
	require.Panics(t, func() { h.Engine("111111111111", "eu-west-1") })

	require.NoError(t, os.Remove(blocker))
	rec := serve(h, signed("ListStreams", `{}`, "111111111111", "eu-west-1"))
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	require.Len(t, h.Engines(), 2)
	require.DirExists(t, filepath.Join(dir, "111111111111", "eu-west-1"))
}

// TestResponseWriteTimeout: a client that does not read a large response
// loses its connection at the write timeout, and the handler returns.
func TestResponseWriteTimeout(t *testing.T) {
	done := make(chan RequestInfo, 16)
	h := newTestHandler(t, WithWriteTimeout(200*time.Millisecond), WithRequestObserver(func(i *RequestInfo) {
		if i.Operation == "GetRecords" {
			done <- *i
		}
	}))
	mustCreateStream(t, h, "big", 1)
	// 10 records of 1 MiB: a GetRecords response of about 14 MB in base64,
	// more than the loopback connection's socket buffers hold.
	data := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{'x'}, 1<<20-1))
	for range 10 {
		mustCall(t, h, "PutRecord", `{"StreamName":"big","PartitionKey":"k","Data":"`+data+`"}`)
	}
	it := mustCall(t, h, "GetShardIterator", `{"StreamName":"big","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}`)
	body := `{"ShardIterator":"` + it["ShardIterator"].(string) + `"}`

	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nX-Amz-Target: %sGetRecords\r\nContent-Length: %d\r\n\r\n%s",
		wire.ContentTypeJSON, wire.TargetPrefix, len(body), body)
	require.NoError(t, err)
	// The client reads nothing: without the deadline the handler would
	// wait on the connection for as long as the client keeps it.
	select {
	case info := <-done:
		require.Equal(t, http.StatusOK, info.Status)
	case <-time.After(30 * time.Second):
		t.Fatal("the handler is still writing to a client that reads nothing")
	}
	// The server closed the connection: reading ends before the whole
	// response arrived.
	n, _ := io.Copy(io.Discard, conn)
	require.Less(t, n, int64(13<<20))
}
