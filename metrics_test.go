package freshet

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMetricsEqualTraffic sends known traffic and checks that every
// stream-level metric counts exactly it.
func TestMetricsEqualTraffic(t *testing.T) {
	ctx := context.Background()
	clock := NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	e := New(WithClock(clock), WithRetentionSweep(0), WithLimits(AWSLimits))
	t.Cleanup(func() { e.Close() })
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 2})
	require.NoError(t, err)
	st, _ := e.Stream("s")
	top := MaxHashKey.String() // routes to shard 1; "0" routes to shard 0

	// 10 PutRecord calls to shard 1, 1-byte keys and 9-byte data: 100 bytes.
	for i := range 10 {
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: string(rune('a' + i)), ExplicitHashKey: top, Data: []byte("123456789")})
		require.NoError(t, err)
	}
	// PutRecords to shard 0: 3 records of 1 byte, then 2 x 500 records of
	// 1 byte, of which 997 fit in the shard's 1,000 records per second.
	small := []PutRecordsRequestEntry{{PartitionKey: "x", ExplicitHashKey: "0"}, {PartitionKey: "y", ExplicitHashKey: "0"}, {PartitionKey: "z", ExplicitHashKey: "0"}}
	big := make([]PutRecordsRequestEntry, 500)
	for i := range big {
		big[i] = PutRecordsRequestEntry{PartitionKey: "k", ExplicitHashKey: "0"}
	}
	for _, batch := range [][]PutRecordsRequestEntry{small, big, big} {
		_, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: batch})
		require.NoError(t, err)
	}

	// Reads: 5 GetRecords calls on shard 1 (the 6th is throttled), and the
	// Go-native iterator over shard 0.
	it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "1", ShardIteratorType: TrimHorizon})
	require.NoError(t, err)
	gr, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it.ShardIterator})
	require.NoError(t, err)
	require.Len(t, gr.Records, 10)
	for range 4 {
		_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: gr.NextShardIterator})
		require.NoError(t, err)
	}
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: gr.NextShardIterator})
	require.ErrorIs(t, err, ErrProvisionedThroughputExceeded)
	it0, err := st.Iterator("shardId-000000000000", StartingPosition{Type: TrimHorizon})
	require.NoError(t, err)
	recs, err := it0.Next(ctx)
	require.NoError(t, err)
	require.Len(t, recs, 1000)

	m := st.Metrics()
	require.EqualValues(t, 10, m.PutRecordSuccess)
	require.EqualValues(t, 1010, m.IncomingRecords)
	require.EqualValues(t, 100+1000, m.IncomingBytes)
	require.EqualValues(t, 2, m.PutRecordsSuccess, "the last PutRecords had throttled records")
	require.EqualValues(t, 1003, m.PutRecordsTotalRecords)
	require.EqualValues(t, 1000, m.PutRecordsSuccessfulRecords)
	require.EqualValues(t, 0, m.PutRecordsFailedRecords, "throttled records are counted apart")
	require.EqualValues(t, 3, m.PutRecordsThrottledRecords)
	require.EqualValues(t, 3, m.WriteProvisionedThroughputExceeded)
	require.EqualValues(t, 5, m.GetRecordsSuccess)
	require.EqualValues(t, 1, m.ReadProvisionedThroughputExceeded)
	require.EqualValues(t, 10+1000, m.OutgoingRecords, "GetRecords and the iterator")
	require.EqualValues(t, 100+1000, m.OutgoingBytes)
	require.EqualValues(t, 0, m.GetRecordsIteratorAgeMilliseconds, "the last read reached the tip")
	require.EqualValues(t, 3, m.PutRecordsLatency.Count)
	require.EqualValues(t, 5, m.GetRecordsLatency.Count)
	require.LessOrEqual(t, m.PutRecordLatency.Count, int64(10), "PutRecord latency is sampled")
	require.Empty(t, m.Shards, "no enhanced monitoring")
	require.Equal(t, []StreamMetrics{m}, e.Metrics())
}

// TestMetricsIteratorAge checks GetRecords.IteratorAgeMilliseconds: how far
// behind the tip the last GetRecords of a shard ended.
func TestMetricsIteratorAge(t *testing.T) {
	ctx := context.Background()
	clock := NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	e := New(WithClock(clock), WithRetentionSweep(0))
	t.Cleanup(func() { e.Close() })
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 1})
	require.NoError(t, err)
	st, _ := e.Stream("s")
	for range 2 {
		_, err = st.Put(ctx, "k", []byte("x"))
		require.NoError(t, err)
		clock.Advance(3 * time.Second)
	}
	it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "0", ShardIteratorType: TrimHorizon})
	require.NoError(t, err)
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it.ShardIterator, Limit: 1})
	require.NoError(t, err)
	require.EqualValues(t, 6000, st.Metrics().GetRecordsIteratorAgeMilliseconds, "the first record is 6 s old")
}

// TestMetricsEnhancedMonitoring checks shard-level metrics: present only
// for the enabled names, and equal to each shard's traffic.
func TestMetricsEnhancedMonitoring(t *testing.T) {
	ctx := context.Background()
	e := New(WithRetentionSweep(0))
	t.Cleanup(func() { e.Close() })
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 2})
	require.NoError(t, err)
	st, _ := e.Stream("s")
	_, err = e.EnableEnhancedMonitoring(ctx, &EnableEnhancedMonitoringInput{StreamName: "s", ShardLevelMetrics: []string{"IncomingRecords", "OutgoingBytes"}})
	require.NoError(t, err)
	for range 4 {
		_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", ExplicitHashKey: "0", Data: []byte("abcd")})
		require.NoError(t, err)
	}
	it, err := st.Iterator("shardId-000000000000", StartingPosition{Type: TrimHorizon})
	require.NoError(t, err)
	_, err = it.Next(ctx)
	require.NoError(t, err)
	m := st.Metrics()
	require.Equal(t, []string{"IncomingRecords", "OutgoingBytes"}, m.ShardLevelMetrics)
	require.Equal(t, []ShardMetrics{
		{ShardId: "shardId-000000000000", IncomingRecords: 4, OutgoingBytes: 4 * 5},
		{ShardId: "shardId-000000000001"},
	}, m.Shards)
	require.EqualValues(t, 4*5, m.IncomingBytes, "stream-level metrics are always complete")
}

// TestMetricsSurviveShardExpiry checks that the counts of a closed shard
// dropped by retention stay in the stream's totals.
func TestMetricsSurviveShardExpiry(t *testing.T) {
	ctx := context.Background()
	clock := NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	e := New(WithClock(clock), WithRetentionSweep(0))
	t.Cleanup(func() { e.Close() })
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 1})
	require.NoError(t, err)
	st, _ := e.Stream("s")
	for range 3 {
		_, err = st.Put(ctx, "k", []byte("x"))
		require.NoError(t, err)
	}
	_, err = e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "0", NewStartingHashKey: "1000"})
	require.NoError(t, err)
	clock.Advance(25 * time.Hour)
	e.ApplyRetention()
	_, err = st.Iterator("shardId-000000000000", StartingPosition{Type: TrimHorizon})
	require.ErrorIs(t, err, ErrResourceNotFound)
	m := st.Metrics()
	require.EqualValues(t, 3, m.IncomingRecords)
	require.EqualValues(t, 3, m.PutRecordSuccess)
}

// TestMetricsSubscription counts enhanced fan-out events.
func TestMetricsSubscription(t *testing.T) {
	ctx := context.Background()
	e := New(WithRetentionSweep(0))
	t.Cleanup(func() { e.Close() })
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 1})
	require.NoError(t, err)
	st, _ := e.Stream("s")
	c, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: st.ARN(), ConsumerName: "c"})
	require.NoError(t, err)
	for range 2 {
		_, err = st.Put(ctx, "key", []byte("data"))
		require.NoError(t, err)
	}
	sub, err := e.SubscribeToShard(ctx, &SubscribeToShardInput{ConsumerARN: c.Consumer.ConsumerARN, ShardId: "0", StartingPosition: StartingPosition{Type: TrimHorizon}})
	require.NoError(t, err)
	defer sub.Close()
	ev, err := sub.Next(ctx)
	require.NoError(t, err)
	require.Len(t, ev.Records, 2)
	m := st.Metrics()
	require.EqualValues(t, 1, m.SubscribeToShardSuccess)
	require.EqualValues(t, 1, m.SubscribeToShardEvents)
	require.EqualValues(t, 2, m.SubscribeToShardEventRecords)
	require.EqualValues(t, 2*7, m.SubscribeToShardEventBytes)
	require.EqualValues(t, 0, m.OutgoingRecords, "subscriptions have their own metrics")
	require.NoError(t, sub.Close())
	_, err = sub.Next(ctx)
	require.True(t, errors.Is(err, io.EOF))
}
