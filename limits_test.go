package freshet

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func rsWriteThrottledMsg(stream, shard string) string {
	return "Rate exceeded for shard " + shard + " in stream " + stream + " under account " + rsAccount + "."
}

func rsReadThrottledMsg(stream, shard string) string {
	return "Rate exceeded for Shard - " + rsAccount + "/" + stream + "/" + shard
}

// rsBatch returns n small PutRecords entries for the shard owning hash 0.
func rsBatch(n int) []PutRecordsRequestEntry {
	out := make([]PutRecordsRequestEntry, n)
	for i := range out {
		out[i] = PutRecordsRequestEntry{PartitionKey: "k", ExplicitHashKey: "0", Data: []byte("0123456789")}
	}
	return out
}

func TestLimitsWriteRecordsPerSecond(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t, WithLimits(AWSLimits))
	rsCreate(t, e, "s", 2)
	const shard0 = "shardId-000000000000"
	for range 2 {
		out, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: rsBatch(500)})
		require.NoError(t, err)
		require.Zero(t, out.FailedRecordCount)
	}
	// The 1001st record in the same instant is throttled...
	_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", ExplicitHashKey: "0", Data: []byte("x")})
	rsErr(t, err, ErrProvisionedThroughputExceeded, rsWriteThrottledMsg("s", shard0))
	var kerr *Error
	require.ErrorAs(t, err, &kerr)
	require.True(t, kerr.Retryable())
	// ...on that shard only.
	out := rsPutHash(t, e, "s", rsMaxKey, "other shard")
	require.Equal(t, "shardId-000000000001", out.ShardId)
	// PutRecords fails the throttled entries alone.
	batch := rsBatch(3)
	batch[1].ExplicitHashKey = rsMaxKey
	pr, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: batch})
	require.NoError(t, err)
	require.Equal(t, 2, pr.FailedRecordCount)
	for _, i := range []int{0, 2} {
		require.Equal(t, PutRecordsResultEntry{ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: rsWriteThrottledMsg("s", shard0)}, pr.Records[i])
	}
	require.Equal(t, "shardId-000000000001", pr.Records[1].ShardId)
	require.False(t, pr.Records[1].SequenceNumber.IsZero())

	// A second later the bucket is full again: 1000 more, not 1001.
	clk.Advance(time.Second)
	out = rsPutHash(t, e, "s", "0", "x")
	require.Equal(t, shard0, out.ShardId)
	pr, err = e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: rsBatch(500)})
	require.NoError(t, err)
	require.Zero(t, pr.FailedRecordCount)
	pr, err = e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: rsBatch(500)})
	require.NoError(t, err)
	require.Equal(t, 1, pr.FailedRecordCount)
	require.Equal(t, "ProvisionedThroughputExceededException", pr.Records[499].ErrorCode)
	require.Empty(t, pr.Records[498].ErrorCode)
}

func TestLimitsWriteBytesPerSecond(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t, WithLimits(AWSLimits))
	rsCreate(t, e, "s", 1)
	// Four records of 256 KiB (partition key included) fill 1 MiB exactly.
	data := make([]byte, 256<<10-1)
	for range 4 {
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: data})
		require.NoError(t, err)
	}
	_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k"})
	rsErr(t, err, ErrProvisionedThroughputExceeded, rsWriteThrottledMsg("s", "shardId-000000000000"))
	clk.Advance(time.Second)
	// A full 1 MiB record passes once the bucket is full.
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: make([]byte, 1<<20-1)})
	require.NoError(t, err)
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k"})
	require.ErrorIs(t, err, ErrProvisionedThroughputExceeded)
	clk.Advance(time.Second)
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k"})
	require.NoError(t, err)
}

func TestLimitsReadCallsPerSecond(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t, WithLimits(AWSLimits))
	rsCreate(t, e, "s", 2)
	rsPutHash(t, e, "s", "0", "a")
	const shard0 = "shardId-000000000000"
	// Five GetShardIterator calls per second per shard.
	var iters []string
	for range 5 {
		iters = append(iters, rsIter(t, e, "s", shard0, TrimHorizon))
	}
	_, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: shard0, ShardIteratorType: TrimHorizon})
	rsErr(t, err, ErrProvisionedThroughputExceeded, rsReadThrottledMsg("s", shard0))
	other := rsIter(t, e, "s", "shardId-000000000001", TrimHorizon)

	// Five GetRecords calls per second per shard.
	for i := range 5 {
		out, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: iters[i]})
		require.NoError(t, err)
		require.Len(t, out.Records, 1)
	}
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: iters[0]})
	rsErr(t, err, ErrProvisionedThroughputExceeded, rsReadThrottledMsg("s", shard0))
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: other})
	require.NoError(t, err, "the other shard has its own budget")

	clk.Advance(time.Second)
	for range 5 {
		_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: iters[0]})
		require.NoError(t, err)
	}
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: iters[0]})
	require.ErrorIs(t, err, ErrProvisionedThroughputExceeded)
	_, err = e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: shard0, ShardIteratorType: Latest})
	require.NoError(t, err)
}

// A GetRecords call returning 10 MiB puts the shard's read budget in debt:
// the next calls are throttled for seconds.
func TestLimitsReadBytesDebt(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t, WithLimits(AWSLimits))
	rsCreate(t, e, "s", 1)
	for range 10 { // 1 MiB per second, the write limit
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: make([]byte, 1<<20-1)})
		require.NoError(t, err)
		clk.Advance(time.Second)
	}
	it := rsIter(t, e, "s", "shardId-000000000000", TrimHorizon)
	out, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it})
	require.NoError(t, err)
	require.Len(t, out.Records, 10, "10 MiB in one call")
	for _, d := range []time.Duration{0, time.Second, 4 * time.Second} {
		clk.Set(rsEpoch.Add(10*time.Second + d))
		_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: out.NextShardIterator})
		rsErr(t, err, ErrProvisionedThroughputExceeded, rsReadThrottledMsg("s", "shardId-000000000000"))
	}
	clk.Set(rsEpoch.Add(15 * time.Second))
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: out.NextShardIterator})
	require.NoError(t, err)
}

func TestLimitsNoLimitsNeverThrottles(t *testing.T) {
	ctx := context.Background()
	e, _ := rsClockEngine(t) // NoLimits is the default
	rsCreate(t, e, "s", 1)
	for range 10 {
		out, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: rsBatch(500)})
		require.NoError(t, err)
		require.Zero(t, out.FailedRecordCount)
	}
	big := make([]byte, 1<<20-1)
	for range 5 {
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: big})
		require.NoError(t, err)
	}
	for range 20 {
		it := rsIter(t, e, "s", "shardId-000000000000", TrimHorizon)
		out, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it, Limit: 100})
		require.NoError(t, err)
		require.Equal(t, 100, len(out.Records))
	}
	it := rsIter(t, e, "s", "shardId-000000000000", TrimHorizon)
	out, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it})
	require.NoError(t, err)
	require.Equal(t, 5005, len(out.Records), "10 MiB in one call, no read debt")
	out, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it})
	require.NoError(t, err)
	require.Equal(t, 5005, len(out.Records))
}

func TestLimitsCustom(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t, WithLimits(Limits{ShardWriteRecordsPerSecond: 2, ShardReadCallsPerSecond: 1, ConsumersPerStream: 1}))
	rsCreate(t, e, "s", 1)
	rsPut(t, e, "s", "k", "1")
	rsPut(t, e, "s", "k", "2")
	_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("3")})
	require.ErrorIs(t, err, ErrProvisionedThroughputExceeded)
	// Bytes are unlimited: a 1 MiB record passes once a record token is back.
	clk.Advance(500 * time.Millisecond)
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: make([]byte, 1<<20-1)})
	require.NoError(t, err)

	// Iterators are unlimited, GetRecords one per second.
	var iters []string
	for range 10 {
		iters = append(iters, rsIter(t, e, "s", "shardId-000000000000", TrimHorizon))
	}
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: iters[0]})
	require.NoError(t, err)
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: iters[1]})
	require.ErrorIs(t, err, ErrProvisionedThroughputExceeded)
	clk.Advance(time.Second)
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: iters[1]})
	require.NoError(t, err)

	// One consumer per stream.
	arn := e.streamARN("s")
	_, err = e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arn, ConsumerName: "c1"})
	require.NoError(t, err)
	_, err = e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arn, ConsumerName: "c2"})
	rsErr(t, err, ErrLimitExceeded, "Consumer limit of 1 for stream s under account "+rsAccount+" has been reached.")
}

// With AWSLimits, SubscribeToShard is limited to one call per second per
// consumer and shard.
func TestLimitsSubscribeRate(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t, WithLimits(AWSLimits))
	rsCreate(t, e, "s", 1)
	c, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: e.streamARN("s"), ConsumerName: "c"})
	require.NoError(t, err)
	in := &SubscribeToShardInput{ConsumerARN: c.Consumer.ConsumerARN, ShardId: "shardId-000000000000", StartingPosition: StartingPosition{Type: Latest}}
	sub, err := e.SubscribeToShard(ctx, in)
	require.NoError(t, err)
	require.NoError(t, sub.Close())
	_, err = e.SubscribeToShard(ctx, in)
	require.ErrorIs(t, err, ErrLimitExceeded)
	require.True(t, strings.HasPrefix(err.(*Error).Message, "Rate exceeded for consumer "+c.Consumer.ConsumerARN))
	clk.Advance(time.Second)
	sub, err = e.SubscribeToShard(ctx, in)
	require.NoError(t, err)
	require.NoError(t, sub.Close())
}

// Zero means absent, and an absent limit does not apply: Limits{} limits
// nothing, not even the resources NoLimits keeps.
func TestZeroLimitsLimitNothing(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name      string
		limits    Limits
		consumers int // registrations that succeed out of 21
		reported  int // DescribeLimits' ShardLimit
	}{
		{"NoLimits", NoLimits, 20, 20000},
		{"zero Limits", Limits{}, 21, unlimited},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEngine(t, WithLimits(tt.limits))
			_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 1})
			require.NoError(t, err)
			arn := e.streamARN("s")
			ok := 0
			for i := range 21 {
				if _, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arn, ConsumerName: fmt.Sprint("c", i)}); err == nil {
					ok++
				} else {
					require.ErrorIs(t, err, ErrLimitExceeded)
				}
			}
			assert.Equal(t, tt.consumers, ok)
			lim, err := e.DescribeLimits(ctx, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.reported, lim.ShardLimit)
		})
	}
}
