package kinesistest_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesistest"
)

// nextEvent returns the next SubscribeToShardEvent of stream, failing the
// test if none arrives within 10 seconds or the stream ends.
func nextEvent(t testing.TB, stream *kinesis.SubscribeToShardEventStream) types.SubscribeToShardEvent {
	t.Helper()
	select {
	case ev, ok := <-stream.Events():
		if !ok {
			require.Failf(t, "event stream ended", "stream error: %v", stream.Err())
		}
		e, isEvent := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
		require.True(t, isEvent, "unexpected event stream member %T", ev)
		return e.Value
	case <-time.After(10 * time.Second):
		require.FailNow(t, "no event within 10s")
	}
	panic("unreachable")
}

// subscribe registers a consumer (once per name) and subscribes it to a
// shard through the SDK, closing the event stream when the test ends.
func subscribe(t testing.TB, c *kinesis.Client, streamARN, consumer, shardID string, pos types.StartingPosition) *kinesis.SubscribeToShardEventStream {
	t.Helper()
	ctx := testContext(t)
	var consumerARN string
	dc, err := c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{StreamARN: aws.String(streamARN), ConsumerName: aws.String(consumer)})
	if err == nil {
		consumerARN = aws.ToString(dc.ConsumerDescription.ConsumerARN)
	} else {
		reg, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(streamARN), ConsumerName: aws.String(consumer)})
		require.NoError(t, err, "RegisterStreamConsumer")
		consumerARN = aws.ToString(reg.Consumer.ConsumerARN)
	}
	out, err := c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{
		ConsumerARN:      aws.String(consumerARN),
		ShardId:          aws.String(shardID),
		StartingPosition: &pos,
	})
	require.NoError(t, err, "SubscribeToShard")
	stream := out.GetStream()
	t.Cleanup(func() { stream.Close() })
	return stream
}

// collect reads events until it has n records, skipping heartbeats.
func collect(t testing.TB, stream *kinesis.SubscribeToShardEventStream, n int) []string {
	t.Helper()
	var data []string
	for len(data) < n {
		ev := nextEvent(t, stream)
		for _, r := range ev.Records {
			data = append(data, string(r.Data))
		}
		require.NotNil(t, ev.ContinuationSequenceNumber, "event without ContinuationSequenceNumber on an open shard: %+v", ev)
	}
	return data
}

// TestSubscribeToShard reads records through the SDK's event stream reader
// as they are written, over each protocol the server speaks.
func TestSubscribeToShard(t *testing.T) {
	http1Client := func(*kinesistest.Server) *http.Client {
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		return &http.Client{Transport: bodyShield{tr}}
	}
	tests := []struct {
		name      string
		opts      []kinesistest.Option
		client    func(*kinesistest.Server) *http.Client // nil: Server.Client
		wantProto string
	}{
		{name: "HTTP/1.1", client: http1Client, wantProto: "HTTP/1.1"},
		{name: "h2c", wantProto: "HTTP/2.0"},
		{name: "TLS h2", opts: []kinesistest.Option{kinesistest.WithTLS()}, wantProto: "HTTP/2.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := kinesistest.NewServer(t, tt.opts...)
			hc := srv.Client()
			if tt.client != nil {
				hc = tt.client(srv)
			}
			c, rec := newClientOver(srv, hc)
			arn := createStream(t, c, "events", 1)
			putRecords(t, c, "events", "before", 3)

			stream := subscribe(t, c, arn, "app", "shardId-000000000000",
				types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon})
			assert.Equal(t, []string{"before-0", "before-1", "before-2"}, collect(t, stream, 3), "backlog")

			// Records written now arrive on the open stream.
			for i := range 3 {
				_, err := c.PutRecord(testContext(t), &kinesis.PutRecordInput{
					StreamName:   aws.String("events"),
					PartitionKey: aws.String("k"),
					Data:         fmt.Appendf(nil, "live-%d", i),
				})
				require.NoError(t, err)
				assert.Equal(t, []string{fmt.Sprintf("live-%d", i)}, collect(t, stream, 1), "live record %d", i)
			}
			assert.NoError(t, stream.Close(), "Close")
			rec.mu.Lock()
			defer rec.mu.Unlock()
			for _, call := range rec.calls {
				if call.op == "SubscribeToShard" {
					assert.Equal(t, tt.wantProto, call.proto, "SubscribeToShard protocol")
				}
			}
		})
	}
}

// bodyShield works around a race between the SDK and net/http on HTTP/1.1
// (see kinesistest.Server.Client): it hides the WriteTo method of request
// bodies, so that net/http reads a body the SDK closed early as ended
// instead of failing the connection.
type bodyShield struct{ next http.RoundTripper }

func (b bodyShield) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		r := *req
		r.Body = struct{ io.ReadCloser }{req.Body}
		req = &r
	}
	return b.next.RoundTrip(req)
}

// waitEnd skips the events of stream until it ends, for at most 10 seconds,
// and returns how it ended.
func waitEnd(t testing.TB, stream *kinesis.SubscribeToShardEventStream) error {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-stream.Events():
			if !ok {
				return stream.Err()
			}
		case <-timeout:
			require.FailNow(t, "event stream still open after 10s")
		}
	}
}

// TestSubscribeToShardEndsWithChildShards subscribes to a shard that is
// then split: the last event carries ChildShards and no continuation, and
// the stream ends cleanly.
func TestSubscribeToShardEndsWithChildShards(t *testing.T) {
	srv := kinesistest.NewServer(t)
	c, _ := newClient(srv)
	ctx := testContext(t)
	arn := createStream(t, c, "split", 1)

	stream := subscribe(t, c, arn, "app", "shardId-000000000000",
		types.StartingPosition{Type: types.ShardIteratorTypeLatest})
	putRecords(t, c, "split", "parent", 2)
	assert.Equal(t, []string{"parent-0", "parent-1"}, collect(t, stream, 2), "records")

	_, err := c.SplitShard(ctx, &kinesis.SplitShardInput{
		StreamName:         aws.String("split"),
		ShardToSplit:       aws.String("shardId-000000000000"),
		NewStartingHashKey: aws.String("170141183460469231731687303715884105728"),
	})
	require.NoError(t, err)
	var last types.SubscribeToShardEvent
	for {
		last = nextEvent(t, stream)
		if len(last.ChildShards) > 0 {
			break
		}
		require.Empty(t, last.Records, "records after the split")
	}
	assert.Nil(t, last.ContinuationSequenceNumber, "shard-end event has ContinuationSequenceNumber %q, want none", aws.ToString(last.ContinuationSequenceNumber))
	var children []string
	for _, cs := range last.ChildShards {
		children = append(children, aws.ToString(cs.ShardId))
		assert.Equal(t, []string{"shardId-000000000000"}, cs.ParentShards, "child %s: parents", aws.ToString(cs.ShardId))
	}
	assert.Equal(t, []string{"shardId-000000000001", "shardId-000000000002"}, children, "ChildShards")
	select {
	case ev, ok := <-stream.Events():
		assert.False(t, ok, "event after shard end: %#v", ev)
	case <-time.After(10 * time.Second):
		assert.Fail(t, "stream still open 10s after shard end")
	}
	assert.NoError(t, stream.Err(), "stream ended, want a clean end")
}

// TestSubscribeToShardHeartbeatAndLifetime checks that an idle subscription
// sends empty events and ends cleanly when its lifetime is over.
func TestSubscribeToShardHeartbeatAndLifetime(t *testing.T) {
	srv := kinesistest.NewServer(t, kinesistest.WithEngineOptions(
		freshet.WithSubscriptionTiming(time.Second, 100*time.Millisecond)))
	c, _ := newClient(srv)
	arn := createStream(t, c, "idle", 1)
	stream := subscribe(t, c, arn, "app", "shardId-000000000000",
		types.StartingPosition{Type: types.ShardIteratorTypeLatest})

	// The loop ends only if the subscription ends: a lifetime that is not
	// enforced hangs the test until its timeout.
	heartbeats := 0
	for range stream.Events() {
		heartbeats++
	}
	assert.NoError(t, stream.Err(), "stream ended, want a clean end")
	assert.GreaterOrEqual(t, heartbeats, 2, "events in 1s of idling with 100ms heartbeats, want several")
}

// TestSubscribeToShardErrors checks the errors of a subscription that
// cannot start, as typed SDK errors.
func TestSubscribeToShardErrors(t *testing.T) {
	srv := kinesistest.NewServer(t)
	c, _ := newClient(srv, noRetries)
	ctx := testContext(t)
	arn := createStream(t, c, "subs", 1)

	_, err := c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{
		ConsumerARN:      aws.String(arn + "/consumer/ghost:1700000000"),
		ShardId:          aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest},
	})
	var notFound *types.ResourceNotFoundException
	assert.ErrorAs(t, err, &notFound, "unknown consumer: want ResourceNotFoundException")

	subscribe(t, c, arn, "app", "shardId-000000000000", types.StartingPosition{Type: types.ShardIteratorTypeLatest})
	dc, err := c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{StreamARN: aws.String(arn), ConsumerName: aws.String("app")})
	require.NoError(t, err)
	_, err = c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{
		ConsumerARN:      dc.ConsumerDescription.ConsumerARN,
		ShardId:          aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest},
	})
	var inUse *types.ResourceInUseException
	var limit *types.LimitExceededException
	assert.True(t, errors.As(err, &inUse) || errors.As(err, &limit), "second subscription within 5s: %v, want ResourceInUseException or LimitExceededException", err)
}

// TestTLSCertificate connects to a TLS server with a transport of its own
// that trusts Server.Certificate.
func TestTLSCertificate(t *testing.T) {
	srv := kinesistest.NewServer(t, kinesistest.WithTLS())
	c, rec := newClientOver(srv, tlsClient(t, srv.Certificate()))
	createStream(t, c, "secure", 1)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, call := range rec.calls {
		assert.Equal(t, "HTTP/2.0", call.proto, "%s protocol", call.op)
	}
}

// tlsClient returns a client trusting cert, for tests that build their own
// transport.
func tlsClient(t testing.TB, cert *x509.Certificate) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// TestSubscribeToShardTakeover subscribes twice for the same consumer and
// shard more than 5 seconds apart: the second subscription takes over, and
// the SDK ends the first one with the ResourceInUseException that the
// server sends as an exception message.
func TestSubscribeToShardTakeover(t *testing.T) {
	clock := freshet.NewManualClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := kinesistest.NewServer(t, kinesistest.WithEngineOptions(freshet.WithClock(clock)))
	c, _ := newClient(srv)
	arn := createStream(t, c, "shared", 1)
	latest := types.StartingPosition{Type: types.ShardIteratorTypeLatest}

	first := subscribe(t, c, arn, "app", "shardId-000000000000", latest)
	clock.Advance(6 * time.Second)
	// A second client: the SDK's clients share one event-stream decoder
	// buffer between their streams (smithy-go v1.28.9, a data race), so
	// concurrent streams need a client each.
	c2, _ := newClient(srv)
	second := subscribe(t, c2, arn, "app", "shardId-000000000000", latest)

	var inUse *types.ResourceInUseException
	assert.ErrorAs(t, waitEnd(t, first), &inUse, "first subscription ended, want ResourceInUseException")

	putRecords(t, c2, "shared", "r", 1)
	assert.Equal(t, []string{"r-0"}, collect(t, second, 1), "second subscription")
}
