package kinesisapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/freshet-io/freshet/kinesisapi/internal/eventstream"
)

// TestEventStreamsOutliveTimeouts: the read and write timeouts do not cut
// a SubscribeToShard event stream, over every protocol, and a keep-alive
// connection serves requests after waiting longer than both.
func TestEventStreamsOutliveTimeouts(t *testing.T) {
	const timeout = 50 * time.Millisecond
	for _, proto := range allProtocols {
		t.Run(proto, func(t *testing.T) {
			ts := newTestServer(t, proto, WithReadTimeout(timeout), WithWriteTimeout(timeout))
			arn := ts.setupConsumer(t)
			resp := ts.subscribe(t, context.Background(), arn, "shardId-000000000000", `{"Type":"LATEST"}`)
			defer resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
			d := eventstream.NewDecoder(resp.Body)
			readEvent(t, d, initialResponseEvent)

			time.Sleep(4 * timeout) // past both deadlines
			ts.call(t, "PutRecord", `{"StreamName":"s","PartitionKey":"a","Data":"AQ=="}`)
			ev := readRecordsEvent(t, d)
			require.Len(t, ev.Records, 1)

			// A request, a pause past the write timeout, another request
			// on the same connection.
			for range 2 {
				r := ts.post(t, context.Background(), "ListStreams", "application/x-amz-json-1.1", []byte(`{}`))
				_, err := io.Copy(io.Discard, r.Body)
				require.NoError(t, err)
				r.Body.Close()
				require.Equal(t, http.StatusOK, r.StatusCode)
				time.Sleep(4 * timeout)
			}
		})
	}
}

// TestRequestObserverAndAccessLog: every answered request reaches the
// observer, and at level Debug the access log, with its operation, stream,
// status, error code and sizes.
func TestRequestObserverAndAccessLog(t *testing.T) {
	var (
		mu    sync.Mutex
		infos []RequestInfo
		log   testsync.Buffer
	)
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newTestHandler(t, WithLogger(logger), WithRequestObserver(func(i *RequestInfo) {
		mu.Lock()
		defer mu.Unlock()
		infos = append(infos, *i)
	}))
	mustCreateStream(t, h, "orders", 1)
	mustCall(t, h, "PutRecord", `{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/orders","PartitionKey":"k","Data":"AQID"}`)
	do(h, "DescribeStreamSummary", `{"StreamName":"missing"}`)
	serve(h, newRequest("Frobnicate", `{}`))

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, infos, 4)
	put, missing, unknown := infos[1], infos[2], infos[3]
	require.Equal(t, "PutRecord", put.Operation)
	require.Equal(t, "orders", put.Stream)
	require.Equal(t, http.StatusOK, put.Status)
	require.Empty(t, put.ErrorCode)
	require.Positive(t, put.RequestBytes)
	require.Positive(t, put.ResponseBytes)
	require.Equal(t, "ResourceNotFoundException", missing.ErrorCode)
	require.Equal(t, http.StatusBadRequest, missing.Status)
	require.Equal(t, "missing", missing.Stream)
	require.Empty(t, unknown.Operation)
	require.Equal(t, codeUnknownOperation, unknown.ErrorCode)

	lines := strings.Count(log.String(), `msg="kinesisapi: request"`)
	require.Equal(t, 4, lines, "%s", log.String())
	require.Contains(t, log.String(), `operation=PutRecord stream=orders status=200`)
}
