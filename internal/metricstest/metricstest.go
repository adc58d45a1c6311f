// Package metricstest sends known traffic to engines and says what every
// metric of freshet's catalog (freshet.StreamMetricCatalog,
// freshet.ShardMetricCatalog) must then read, so that the tests of the
// metrics adapters (prom, otelmetric) check their exported values against
// one source of truth. Each adapter's test still names the series or
// instruments, labels and units as that adapter exports them.
//
// Traffic is the driver; Metrics and LatencyMetrics are the expectations
// after it, by catalog name and by Place; NewEngine and CreateStream are
// the helpers the adapters' other tests need.
package metricstest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// Traffic creates two engines and sends them known traffic:
//
//   - engine e (account 111111111111, eu-west-1, AWSLimits, a ManualClock):
//     stream "orders" of 2 shards with the shard-level metrics
//     IncomingBytes, IncomingRecords, ReadProvisionedThroughputExceeded and
//     IteratorAgeMilliseconds enabled; 3 PutRecord calls of 1 + 4 bytes to
//     shard 0; PutRecords of 500, 500 and 2 one-byte records to shard 1, the
//     last 2 throttled; 2 s later 5 GetRecords calls on shard 0 reading 3 + 1
//     records (the last stopping 2 s behind the tip) and a 6th, throttled.
//     Stream "plain" of 1 shard: 2 PutRecord calls of 3 + 4 bytes, read by one
//     SubscribeToShard event.
//   - engine other (account 111111111111, us-east-1): stream "orders" of 1
//     shard with one PutRecord of 1 + 1 bytes.
//
// Both engines are closed when the test ends.
func Traffic(t testing.TB) (e, other *freshet.Engine) {
	t.Helper()
	ctx := context.Background()
	clock := freshet.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	e = NewEngine(t, freshet.WithClock(clock), freshet.WithRetentionSweep(0), freshet.WithLimits(freshet.AWSLimits),
		freshet.WithAccount("111111111111"), freshet.WithRegion("eu-west-1"))
	other = NewEngine(t, freshet.WithAccount("111111111111"), freshet.WithRegion("us-east-1"))

	// "orders" has 2 shards and 4 shard-level metrics enabled.
	CreateStream(t, e, "orders", 2)
	_, err := e.EnableEnhancedMonitoring(ctx, &freshet.EnableEnhancedMonitoringInput{StreamName: "orders",
		ShardLevelMetrics: []string{"IncomingBytes", "IncomingRecords", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds"}})
	require.NoError(t, err)
	// 3 PutRecord calls to shard 0 of 1 + 4 bytes each.
	for range 3 {
		_, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "orders", PartitionKey: "k", ExplicitHashKey: "0", Data: []byte("abcd")})
		require.NoError(t, err)
	}
	// 3 PutRecords calls to shard 1 of 500, 500 and 2 records of 1 byte:
	// the last 2 exceed the shard's 1,000 records per second.
	top := freshet.MaxHashKey.String()
	for _, n := range []int{500, 500, 2} {
		batch := make([]freshet.PutRecordsRequestEntry, n)
		for i := range batch {
			batch[i] = freshet.PutRecordsRequestEntry{PartitionKey: "k", ExplicitHashKey: top}
		}
		_, err := e.PutRecords(ctx, &freshet.PutRecordsInput{StreamName: "orders", Records: batch})
		require.NoError(t, err)
	}
	// 2 seconds later, 5 GetRecords calls on shard 0 read 3 + 1 records;
	// the last one stops 2 s behind the tip; a 6th call is throttled.
	clock.Advance(2 * time.Second)
	out, err := e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: iterator(t, e, "orders", "0")})
	require.NoError(t, err)
	require.Len(t, out.Records, 3)
	for range 3 {
		out, err = e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: out.NextShardIterator})
		require.NoError(t, err)
		require.Empty(t, out.Records)
	}
	out, err = e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: iterator(t, e, "orders", "0"), Limit: 1})
	require.NoError(t, err)
	require.Len(t, out.Records, 1)
	_, err = e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: out.NextShardIterator})
	require.ErrorIs(t, err, freshet.ErrProvisionedThroughputExceeded)

	// "plain" has 1 shard, no enhanced monitoring, and a subscriber that
	// receives 2 records of 3 + 4 bytes in one event.
	CreateStream(t, e, "plain", 1)
	st, err := e.Stream("plain")
	require.NoError(t, err)
	for range 2 {
		_, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "plain", PartitionKey: "key", Data: []byte("data")})
		require.NoError(t, err)
	}
	c, err := e.RegisterStreamConsumer(ctx, &freshet.RegisterStreamConsumerInput{StreamARN: st.ARN(), ConsumerName: "c"})
	require.NoError(t, err)
	sub, err := e.SubscribeToShard(ctx, &freshet.SubscribeToShardInput{ConsumerARN: c.Consumer.ConsumerARN, ShardId: "0",
		StartingPosition: freshet.StartingPosition{Type: freshet.TrimHorizon}})
	require.NoError(t, err)
	ev, err := sub.Next(ctx)
	require.NoError(t, err)
	require.Len(t, ev.Records, 2)
	require.NoError(t, sub.Close())

	// Another region has a stream of the same name.
	CreateStream(t, other, "orders", 1)
	_, err = other.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "orders", PartitionKey: "k", Data: []byte("x")})
	require.NoError(t, err)

	return e, other
}

// NewEngine returns an engine with opts, closed when the test ends.
func NewEngine(t testing.TB, opts ...freshet.Option) *freshet.Engine {
	t.Helper()
	e := freshet.New(opts...)
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// CreateStream creates a stream called name with the given number of
// shards in e, failing the test on an error.
func CreateStream(t testing.TB, e *freshet.Engine, name string, shards int) {
	t.Helper()
	_, err := e.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: name, ShardCount: shards})
	require.NoError(t, err)
}

func iterator(t testing.TB, e *freshet.Engine, stream, shard string) string {
	t.Helper()
	out, err := e.GetShardIterator(context.Background(), &freshet.GetShardIteratorInput{StreamName: stream, ShardId: shard, ShardIteratorType: freshet.TrimHorizon})
	require.NoError(t, err)
	return out.ShardIterator
}
