package kinesissdk_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/consumertest"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/freshet-io/freshet/kinesissdk"
	"github.com/freshet-io/freshet/kinesissdk/sdktest"
	"github.com/freshet-io/freshet/kinesistest"
)

// newClient returns a Client over an AWS SDK client of a freshet wire
// server, and the server's engine.
func newClient(t *testing.T, opts ...kinesistest.Option) (*freshet.Engine, *kinesissdk.Client) {
	srv := kinesistest.NewServer(t, opts...)
	return srv.Engine, kinesissdk.New(sdktest.NewClient(srv))
}

func putOrdered(t *testing.T, e *freshet.Engine, stream string, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		_, err := e.PutRecord(context.Background(), &freshet.PutRecordInput{StreamName: stream, PartitionKey: "k", Data: []byte(strconv.Itoa(i))})
		require.NoError(t, err)
	}
}

// Over the wire, the Client answers exactly what the engine answers in
// process: the same shards, records and errors.
func TestClientMatchesEngine(t *testing.T) {
	e, client := newClient(t)
	ctx := context.Background()
	_, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "s", ShardCount: 2})
	require.NoError(t, err)
	put, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("first")})
	require.NoError(t, err)
	putOrdered(t, e, "s", 0, 4) // same key, same shard: "k" hashes into the upper half
	_, err = e.SplitShard(ctx, &freshet.SplitShardInput{StreamName: "s", ShardToSplit: put.ShardId, NewStartingHashKey: "170141183460469231731687303715884105829"})
	require.NoError(t, err)
	putOrdered(t, e, "s", 5, 10)
	sources := map[string]consumer.Source{"engine": e, "sdk": client}

	shards := map[string]*freshet.ListShardsOutput{}
	for name, src := range sources {
		out, err := src.ListShards(ctx, &freshet.ListShardsInput{StreamName: "s"})
		require.NoError(t, err, name)
		shards[name] = out
	}
	require.Len(t, shards["engine"].Shards, 4)
	assert.Equal(t, shards["engine"], shards["sdk"])

	// The closed parent: records, then the end with its children.
	reads := map[string][]*freshet.GetRecordsOutput{}
	for name, src := range sources {
		it, err := src.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: "s", ShardId: put.ShardId, ShardIteratorType: freshet.TrimHorizon})
		require.NoError(t, err, name)
		for iter := it.ShardIterator; iter != ""; {
			out, err := src.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: iter})
			require.NoError(t, err, name)
			reads[name] = append(reads[name], out)
			iter = out.NextShardIterator
		}
	}
	var recs [2][]freshet.Record
	for i, name := range []string{"engine", "sdk"} {
		for _, out := range reads[name] {
			recs[i] = append(recs[i], out.Records...)
		}
	}
	require.Len(t, recs[0], 5)
	require.Len(t, recs[1], 5)
	for i := range recs[0] {
		a, b := recs[0][i], recs[1][i]
		assert.Equal(t, a.SequenceNumber, b.SequenceNumber)
		assert.Equal(t, a.PartitionKey, b.PartitionKey)
		assert.Equal(t, a.Data, b.Data)
		assert.True(t, a.ApproximateArrivalTimestamp.Equal(b.ApproximateArrivalTimestamp), "arrival %v vs %v", a.ApproximateArrivalTimestamp, b.ApproximateArrivalTimestamp)
	}
	lastEngine, lastSDK := reads["engine"][len(reads["engine"])-1], reads["sdk"][len(reads["sdk"])-1]
	require.Len(t, lastEngine.ChildShards, 2)
	assert.Equal(t, lastEngine.ChildShards, lastSDK.ChildShards)

	// Errors are freshet's, and still the SDK's typed exceptions.
	for name, src := range sources {
		_, err := src.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: "s", ShardId: "shardId-000000000042", ShardIteratorType: freshet.TrimHorizon})
		assert.ErrorIs(t, err, freshet.ErrResourceNotFound, name)
		var fe *freshet.Error
		require.ErrorAs(t, err, &fe, name)
		assert.Equal(t, "Shard shardId-000000000042 in stream s under account 000000000000 does not exist", fe.Message, name)
		_, err = src.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: "bogus"})
		assert.Error(t, err, name)
	}
	_, err = client.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: "s", ShardId: "shardId-000000000042", ShardIteratorType: freshet.TrimHorizon})
	var nf *types.ResourceNotFoundException
	assert.True(t, errors.As(err, &nf), "%T does not unwrap to the SDK's exception", err)
}

func TestPutRecords(t *testing.T) {
	e, client := newClient(t)
	ctx := context.Background()
	_, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "s", ShardCount: 2})
	require.NoError(t, err)
	one, err := client.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "s", PartitionKey: "a", Data: []byte("x")})
	require.NoError(t, err)
	assert.False(t, one.SequenceNumber.IsZero())
	out, err := client.PutRecords(ctx, &freshet.PutRecordsInput{StreamName: "s", Records: []freshet.PutRecordsRequestEntry{
		{PartitionKey: "a", Data: []byte("y")},
		{PartitionKey: "b", Data: []byte("z"), ExplicitHashKey: "0"},
	}})
	require.NoError(t, err)
	require.Len(t, out.Records, 2)
	assert.Equal(t, 0, out.FailedRecordCount)
	assert.Equal(t, one.ShardId, out.Records[0].ShardId)
	assert.Equal(t, 1, one.SequenceNumber.Cmp(freshet.SequenceNumber{})) // nonzero
	assert.Equal(t, -1, one.SequenceNumber.Cmp(out.Records[0].SequenceNumber))
	assert.Equal(t, "shardId-000000000000", out.Records[1].ShardId)
	_, err = client.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "missing", PartitionKey: "a", Data: []byte("x")})
	assert.ErrorIs(t, err, freshet.ErrResourceNotFound)
}

// The consumer's end-to-end suite through the wire server and the
// unmodified AWS SDK client: the same consumer code as in process.
func TestWorkerSuiteWire(t *testing.T) {
	consumertest.RunWorkerSuite(t, consumertest.Config{
		Setup: func(t *testing.T) (*freshet.Engine, consumer.Source) {
			return newClient(t)
		},
	})
}

type collector struct {
	mu   sync.Mutex
	data []string
}

func (c *collector) handle(_ context.Context, r consumer.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.data = append(c.data, string(r.Data))
	return nil
}

func (c *collector) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.data)
}

// Enhanced fan-out through the SDK's SubscribeToShard event stream, through
// a split. It runs under the race detector too: the Client gives each
// subscription its own SDK client, since the SDK's clients share an
// event-stream decoder between their streams.
func TestEnhancedFanOutWire(t *testing.T) {
	e, client := newClient(t, kinesistest.WithEngineOptions(freshet.WithSubscriptionTiming(50*time.Millisecond, 10*time.Millisecond)))
	ctx := context.Background()
	_, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "s", ShardCount: 1})
	require.NoError(t, err)
	sum, err := e.DescribeStreamSummary(ctx, &freshet.DescribeStreamSummaryInput{StreamName: "s"})
	require.NoError(t, err)
	reg, err := e.RegisterStreamConsumer(ctx, &freshet.RegisterStreamConsumerInput{StreamARN: sum.StreamDescriptionSummary.StreamARN, ConsumerName: "app"})
	require.NoError(t, err)
	putOrdered(t, e, "s", 0, 50)
	var c collector
	w := consumer.New(client, "s", consumer.HandlerFunc(c.handle),
		consumer.WithInitialPosition(lease.TrimHorizon),
		consumer.WithIdleTimeBetweenReads(time.Millisecond),
		consumer.WithRetryBackoff(time.Millisecond, 20*time.Millisecond),
		consumer.WithEnhancedFanOut(reg.Consumer.ConsumerARN, nil))
	errc := make(chan error, 1)
	go func() { errc <- w.Run(ctx) }()
	testsync.WaitFor(t, "the records before the split", func() bool { return c.len() >= 50 })
	_, err = e.SplitShard(ctx, &freshet.SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000"})
	require.NoError(t, err)
	putOrdered(t, e, "s", 50, 80)
	testsync.WaitFor(t, "the records of the children", func() bool { return c.len() >= 80 })
	require.NoError(t, w.Shutdown(ctx))
	require.NoError(t, <-errc)
	c.mu.Lock()
	defer c.mu.Unlock()
	require.Len(t, c.data, 80)
	for i, d := range c.data {
		require.Equal(t, strconv.Itoa(i), d)
	}
}
