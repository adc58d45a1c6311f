package kinesisapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/eventstream"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// testServer is a handler behind a loopback HTTP server, with a client
// speaking one protocol.
type testServer struct {
	h      *Handler
	srv    *httptest.Server
	client *http.Client
}

// The protocols test clients speak.
const (
	protoHTTP1 = "HTTP1" // HTTP/1.1 on plain TCP, chunked responses
	protoH2C   = "h2c"   // HTTP/2 with prior knowledge on plain TCP
	protoH2    = "h2"    // HTTP/2 over TLS, negotiated with ALPN
)

var allProtocols = []string{protoHTTP1, protoH2C, protoH2}

// newTestServer starts h behind a server speaking the protocols of
// NewServer (and TLS for protoH2), and a client speaking only proto.
func newTestServer(t *testing.T, proto string, opts ...Option) *testServer {
	t.Helper()
	h := NewHandler(opts...)
	srv := httptest.NewUnstartedServer(h)
	srv.Config.Protocols = Protocols()
	var tr *http.Transport
	switch proto {
	case protoH2:
		srv.EnableHTTP2 = true
		srv.StartTLS()
		tr = srv.Client().Transport.(*http.Transport)
	case protoH2C:
		srv.Start()
		var p http.Protocols
		p.SetUnencryptedHTTP2(true)
		tr = &http.Transport{Protocols: &p}
	default:
		srv.Start()
		tr = &http.Transport{}
	}
	// Cleanups run last-in first-out: end the subscriptions, then the
	// server (which waits for its handlers), then the client's connections.
	t.Cleanup(tr.CloseIdleConnections)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { h.Close() })
	return &testServer{h: h, srv: srv, client: &http.Client{Transport: tr}}
}

// call runs a JSON operation over HTTP; it must succeed.
func (ts *testServer) call(t *testing.T, op, body string) map[string]any {
	t.Helper()
	return mustCall(t, ts.h, op, body)
}

// post sends a request to the server.
func (ts *testServer) post(t *testing.T, ctx context.Context, op, contentType string, body []byte) *http.Response {
	t.Helper()
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.srv.URL+"/", strings.NewReader(string(body)))
	require.NoError(t, err)
	r.Header.Set("Content-Type", contentType)
	r.Header.Set("X-Amz-Target", wire.TargetPrefix+op)
	resp, err := ts.client.Do(r)
	require.NoError(t, err)
	return resp
}

// subscribe posts a JSON SubscribeToShard request.
func (ts *testServer) subscribe(t *testing.T, ctx context.Context, consumerARN, shardID, position string) *http.Response {
	t.Helper()
	body := `{"ConsumerARN":"` + consumerARN + `","ShardId":"` + shardID + `","StartingPosition":` + position + `}`
	return ts.post(t, ctx, "SubscribeToShard", wire.ContentTypeJSON, []byte(body))
}

// setupConsumer creates stream s with one shard and registers consumer c;
// it returns the consumer's ARN.
func (ts *testServer) setupConsumer(t *testing.T) string {
	t.Helper()
	ts.call(t, "CreateStream", `{"StreamName":"s","ShardCount":1}`)
	out := ts.call(t, "RegisterStreamConsumer", `{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s","ConsumerName":"c"}`)
	return out["Consumer"].(map[string]any)["ConsumerARN"].(string)
}

// eventPayload is a SubscribeToShardEvent as the Go SDK decodes it.
type eventPayload struct {
	Records []struct {
		SequenceNumber              string
		Data                        []byte
		PartitionKey                string
		ApproximateArrivalTimestamp float64
	}
	ContinuationSequenceNumber *string
	MillisBehindLatest         *int64
	ChildShards                []wire.ChildShard
}

// readEvent reads the next message and requires an event of eventType.
func readEvent(t *testing.T, d *eventstream.Decoder, eventType string) eventstream.Message {
	t.Helper()
	m, err := d.ReadMessage()
	require.NoError(t, err)
	mt, _ := m.Header(eventstream.MessageTypeHeader)
	require.Equal(t, eventstream.EventMessageType, mt, "message %v %s", m.Headers, m.Payload)
	et, _ := m.Header(eventstream.EventTypeHeader)
	require.Equal(t, eventType, et)
	return m
}

// readRecordsEvent reads SubscribeToShardEvents, skipping heartbeats, until
// one carries records or child shards.
func readRecordsEvent(t *testing.T, d *eventstream.Decoder) eventPayload {
	t.Helper()
	for {
		m := readEvent(t, d, subscribeEvent)
		ct, _ := m.Header(eventstream.ContentTypeHeader)
		require.Equal(t, "application/json", ct)
		var ev eventPayload
		require.NoError(t, json.Unmarshal(m.Payload, &ev), "%s", m.Payload)
		if len(ev.Records) > 0 || ev.ChildShards != nil {
			return ev
		}
	}
}

// TestSubscribeToShard streams a shard over HTTP/1.1, h2c and h2 (TLS): the
// initial-response first, then records as they are written, then, once the
// shard is split, the shard-end event and a clean end of the body.
func TestSubscribeToShard(t *testing.T) {
	for _, proto := range allProtocols {
		t.Run(proto, func(t *testing.T) {
			ts := newTestServer(t, proto)
			arn := ts.setupConsumer(t)
			ts.call(t, "PutRecords", `{"StreamName":"s","Records":[{"PartitionKey":"a","Data":"AQ=="},{"PartitionKey":"b","Data":"Ag=="}]}`)

			resp := ts.subscribe(t, context.Background(), arn, "shardId-000000000000", `{"Type":"TRIM_HORIZON"}`)
			defer resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "application/vnd.amazon.eventstream", resp.Header.Get("Content-Type"))
			assert.Regexp(t, uuidV4, resp.Header.Get("X-Amzn-RequestId"))
			if proto == protoHTTP1 {
				assert.Equal(t, 1, resp.ProtoMajor)
				assert.Equal(t, []string{"chunked"}, resp.TransferEncoding)
			} else {
				assert.Equal(t, 2, resp.ProtoMajor)
			}

			d := eventstream.NewDecoder(resp.Body)
			m := readEvent(t, d, initialResponseEvent)
			assert.Equal(t, "{}", string(m.Payload))
			ct, _ := m.Header(eventstream.ContentTypeHeader)
			assert.Equal(t, "application/json", ct)

			ev := readRecordsEvent(t, d)
			require.Len(t, ev.Records, 2)
			assert.Equal(t, []byte{1}, ev.Records[0].Data)
			assert.Equal(t, "b", ev.Records[1].PartitionKey)
			assert.Positive(t, ev.Records[0].ApproximateArrivalTimestamp)
			require.NotNil(t, ev.ContinuationSequenceNumber)
			assert.Equal(t, ev.Records[1].SequenceNumber, *ev.ContinuationSequenceNumber)
			require.NotNil(t, ev.MillisBehindLatest)
			assert.Nil(t, ev.ChildShards)

			// Records written now are pushed at once.
			out := ts.call(t, "PutRecord", `{"StreamName":"s","PartitionKey":"c","Data":"`+base64.StdEncoding.EncodeToString([]byte("live"))+`"}`)
			ev = readRecordsEvent(t, d)
			require.Len(t, ev.Records, 1)
			assert.Equal(t, "live", string(ev.Records[0].Data))
			assert.Equal(t, out["SequenceNumber"], ev.Records[0].SequenceNumber)

			// Closing the shard ends the stream with the children.
			ts.call(t, "SplitShard", `{"StreamName":"s","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"1000"}`)
			m = readEvent(t, d, subscribeEvent)
			var raw map[string]any
			require.NoError(t, json.Unmarshal(m.Payload, &raw))
			assert.NotContains(t, raw, "ContinuationSequenceNumber")
			assert.Equal(t, []any{}, raw["Records"])
			children := raw["ChildShards"].([]any)
			require.Len(t, children, 2)
			assert.Equal(t, "shardId-000000000001", children[0].(map[string]any)["ShardId"])
			assert.Equal(t, []any{"shardId-000000000000"}, children[0].(map[string]any)["ParentShards"])

			_, err := d.ReadMessage()
			assert.ErrorIs(t, err, io.EOF)
			requireNoSubscriptions(t, ts.h)
		})
	}
}

// TestSubscribeTakeover: a second subscription within 5 s is refused with
// a normal error response; after 5 s it takes over, and the first stream
// ends with a ResourceInUseException exception message.
func TestSubscribeTakeover(t *testing.T) {
	for _, proto := range allProtocols {
		t.Run(proto, func(t *testing.T) {
			clock := freshet.NewManualClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
			ts := newTestServer(t, proto, WithEngineOptions(freshet.WithClock(clock)))
			arn := ts.setupConsumer(t)

			first := ts.subscribe(t, context.Background(), arn, "shardId-000000000000", `{"Type":"LATEST"}`)
			defer first.Body.Close()
			require.Equal(t, http.StatusOK, first.StatusCode)
			d := eventstream.NewDecoder(first.Body)
			readEvent(t, d, initialResponseEvent)

			resp := ts.subscribe(t, context.Background(), arn, "shardId-000000000000", `{"Type":"LATEST"}`)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
			assert.Equal(t, wire.ContentTypeJSON, resp.Header.Get("Content-Type"))
			assert.Equal(t, "ResourceInUseException", resp.Header.Get("X-Amzn-ErrorType"))
			assert.Contains(t, string(body), `"__type":"ResourceInUseException"`)

			clock.Advance(6 * time.Second)
			second := ts.subscribe(t, context.Background(), arn, "shardId-000000000000", `{"Type":"LATEST"}`)
			defer second.Body.Close()
			require.Equal(t, http.StatusOK, second.StatusCode)

			for {
				m, err := d.ReadMessage()
				require.NoError(t, err)
				if mt, _ := m.Header(eventstream.MessageTypeHeader); mt == eventstream.EventMessageType {
					continue // a heartbeat, due after 5 s
				}
				mt, _ := m.Header(eventstream.MessageTypeHeader)
				require.Equal(t, eventstream.ExceptionMessageType, mt)
				et, _ := m.Header(eventstream.ExceptionTypeHeader)
				assert.Equal(t, "ResourceInUseException", et)
				var payload map[string]any
				require.NoError(t, json.Unmarshal(m.Payload, &payload))
				assert.Equal(t, map[string]any{"message": "Another subscription for consumer " + arn +
					" and shard shardId-000000000000 has taken over."}, payload)
				break
			}
			_, err := d.ReadMessage()
			assert.ErrorIs(t, err, io.EOF)

			d2 := eventstream.NewDecoder(second.Body)
			readEvent(t, d2, initialResponseEvent)
		})
	}
}

// TestSubscribeLifetime: heartbeats flow while the shard is idle, and the
// body ends cleanly when the subscription's lifetime is over.
func TestSubscribeLifetime(t *testing.T) {
	ts := newTestServer(t, protoHTTP1, WithEngineOptions(freshet.WithSubscriptionTiming(300*time.Millisecond, 50*time.Millisecond)))
	arn := ts.setupConsumer(t)
	resp := ts.subscribe(t, context.Background(), arn, "shardId-000000000000", `{"Type":"LATEST"}`)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	d := eventstream.NewDecoder(resp.Body)
	readEvent(t, d, initialResponseEvent)
	heartbeats := 0
	for {
		m, err := d.ReadMessage()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		et, _ := m.Header(eventstream.EventTypeHeader)
		require.Equal(t, subscribeEvent, et)
		var ev eventPayload
		require.NoError(t, json.Unmarshal(m.Payload, &ev))
		assert.Empty(t, ev.Records)
		assert.NotNil(t, ev.ContinuationSequenceNumber, "heartbeats carry the position")
		heartbeats++
	}
	assert.Positive(t, heartbeats)
}

// TestSubscribeCBOR: a CBOR request gets CBOR payloads.
func TestSubscribeCBOR(t *testing.T) {
	ts := newTestServer(t, protoH2C)
	arn := ts.setupConsumer(t)
	ts.call(t, "PutRecord", `{"StreamName":"s","PartitionKey":"k","Data":"/w=="}`)
	body := cborBody(t, map[string]any{"ConsumerARN": arn, "ShardId": "shardId-000000000000",
		"StartingPosition": map[string]any{"Type": "TRIM_HORIZON"}})
	resp := ts.post(t, context.Background(), "SubscribeToShard", wire.ContentTypeCBOR, body)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	d := eventstream.NewDecoder(resp.Body)
	m := readEvent(t, d, initialResponseEvent)
	ct, _ := m.Header(eventstream.ContentTypeHeader)
	assert.Equal(t, wire.ContentTypeCBOR, ct)
	assert.Equal(t, []byte{0xa0}, m.Payload, "an empty CBOR map")
	m = readEvent(t, d, subscribeEvent)
	var ev struct {
		Records []struct {
			Data         []byte
			PartitionKey string
		}
		ContinuationSequenceNumber string
	}
	require.NoError(t, cbor.Unmarshal(m.Payload, &ev))
	require.Len(t, ev.Records, 1)
	assert.Equal(t, []byte{0xff}, ev.Records[0].Data)
	assert.NotEmpty(t, ev.ContinuationSequenceNumber)
}

// TestSubscribeErrors: failures detected before streaming are ordinary
// error responses.
func TestSubscribeErrors(t *testing.T) {
	ts := newTestServer(t, protoHTTP1)
	arn := ts.setupConsumer(t)
	cases := []struct {
		arn, shard, position string
		code                 string
	}{
		{arn, "shardId-000000000000", `{"Type":"NOPE"}`, "ValidationException"},
		{arn, "shardId-000000000000", `{}`, "ValidationException"},
		{arn + "0", "shardId-000000000000", `{"Type":"LATEST"}`, "ResourceNotFoundException"},
		{arn, "shardId-000000000009", `{"Type":"LATEST"}`, "ResourceNotFoundException"},
		{arn, "shardId-000000000000", `{"Type":"AT_SEQUENCE_NUMBER"}`, "InvalidArgumentException"},
	}
	for _, c := range cases {
		resp := ts.subscribe(t, context.Background(), c.arn, c.shard, c.position)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
		assert.Equal(t, c.code, resp.Header.Get("X-Amzn-ErrorType"), "%s", body)
		assert.Equal(t, wire.ContentTypeJSON, resp.Header.Get("Content-Type"))
	}
	requireNoSubscriptions(t, ts.h)
}

// TestSubscribeHandlerClose: closing the handler ends live streams cleanly.
func TestSubscribeHandlerClose(t *testing.T) {
	for _, proto := range allProtocols {
		ts := newTestServer(t, proto)
		arn := ts.setupConsumer(t)
		resp := ts.subscribe(t, context.Background(), arn, "shardId-000000000000", `{"Type":"LATEST"}`)
		defer resp.Body.Close()
		d := eventstream.NewDecoder(resp.Body)
		readEvent(t, d, initialResponseEvent)
		require.NoError(t, ts.h.Close())
		_, err := d.ReadMessage()
		assert.ErrorIs(t, err, io.EOF, proto)
		requireNoSubscriptions(t, ts.h)
	}
}

// TestSubscribeClientGoesAway: when the client cancels, the handler stops
// streaming and releases the subscription.
func TestSubscribeClientGoesAway(t *testing.T) {
	for _, proto := range allProtocols {
		ts := newTestServer(t, proto)
		arn := ts.setupConsumer(t)
		ctx, cancel := context.WithCancel(context.Background())
		resp := ts.subscribe(t, ctx, arn, "shardId-000000000000", `{"Type":"LATEST"}`)
		d := eventstream.NewDecoder(resp.Body)
		readEvent(t, d, initialResponseEvent)
		require.Len(t, liveSubscriptions(ts.h), 1)
		cancel()
		resp.Body.Close()
		requireNoSubscriptions(t, ts.h)
	}
}

func liveSubscriptions(h *Handler) map[*freshet.Subscription]struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[*freshet.Subscription]struct{}, len(h.subs))
	for s := range h.subs {
		out[s] = struct{}{}
	}
	return out
}

// requireNoSubscriptions waits until the handler has released every
// subscription (its streaming handlers have returned).
func requireNoSubscriptions(t *testing.T, h *Handler) {
	t.Helper()
	require.Eventually(t, func() bool { return len(liveSubscriptions(h)) == 0 }, 5*time.Second, 5*time.Millisecond)
}

// plainWriter hides the Flush method (and Unwrap) of a ResponseWriter, as
// a naive middleware does.
type plainWriter struct{ w http.ResponseWriter }

func (p plainWriter) Header() http.Header         { return p.w.Header() }
func (p plainWriter) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p plainWriter) WriteHeader(status int)      { p.w.WriteHeader(status) }

// TestSubscribeWithoutFlusher: behind a writer that cannot flush, events
// are still written.
func TestSubscribeWithoutFlusher(t *testing.T) {
	h := newTestHandler(t, WithEngineOptions(freshet.WithSubscriptionTiming(50*time.Millisecond, time.Second)))
	mustCall(t, h, "CreateStream", `{"StreamName":"s","ShardCount":1}`)
	out := mustCall(t, h, "RegisterStreamConsumer", `{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s","ConsumerName":"c"}`)
	arn := out["Consumer"].(map[string]any)["ConsumerARN"].(string)
	mustCall(t, h, "PutRecord", `{"StreamName":"s","PartitionKey":"k","Data":"AQ=="}`)
	rec := httptest.NewRecorder()
	h.ServeHTTP(plainWriter{rec}, newRequest("SubscribeToShard",
		`{"ConsumerARN":"`+arn+`","ShardId":"0","StartingPosition":{"Type":"TRIM_HORIZON"}}`))
	require.Equal(t, http.StatusOK, rec.Code)
	d := eventstream.NewDecoder(rec.Body)
	readEvent(t, d, initialResponseEvent)
	ev := readRecordsEvent(t, d)
	assert.Len(t, ev.Records, 1)
}
