package kinesistest_test

import (
	"bytes"
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

// TestTimestamps sends and receives timestamps through the SDK: arrival
// times, AT_TIMESTAMP iterators and StreamCreationTimestamp filters, on a
// ManualClock so the values are exact.
func TestTimestamps(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := freshet.NewManualClock(t0)
	srv := kinesistest.NewServer(t, kinesistest.WithEngineOptions(freshet.WithClock(clock)))
	c, _ := newClient(srv)
	ctx := testContext(t)
	createStream(t, c, "times", 1)

	for i, data := range []string{"a", "b", "c"} {
		clock.Set(t0.Add(time.Duration(i) * time.Minute).Add(123 * time.Millisecond))
		_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("times"), PartitionKey: aws.String("k"), Data: []byte(data)})
		require.NoError(t, err)
	}
	clock.Set(t0.Add(time.Hour))

	desc, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("times")})
	require.NoError(t, err)
	created := aws.ToTime(desc.StreamDescriptionSummary.StreamCreationTimestamp)
	assert.True(t, created.Equal(t0), "StreamCreationTimestamp = %v, want %v", created, t0)

	it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
		StreamName:        aws.String("times"),
		ShardId:           aws.String("shardId-000000000000"),
		ShardIteratorType: types.ShardIteratorTypeAtTimestamp,
		Timestamp:         aws.Time(t0.Add(time.Minute)),
	})
	require.NoError(t, err)
	out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	require.NoError(t, err)
	var got []string
	for _, r := range out.Records {
		got = append(got, string(r.Data))
	}
	assert.Equal(t, []string{"b", "c"}, got, "AT_TIMESTAMP t0+1m read")
	if len(out.Records) > 0 {
		at, want := aws.ToTime(out.Records[0].ApproximateArrivalTimestamp), t0.Add(time.Minute+123*time.Millisecond)
		assert.True(t, at.Equal(want), "ApproximateArrivalTimestamp = %v, want %v (millisecond precision)", at, want)
	}
	assert.Zero(t, aws.ToInt64(out.MillisBehindLatest), "MillisBehindLatest at the tip")

	ls, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("times"), StreamCreationTimestamp: aws.Time(t0)})
	if assert.NoError(t, err, "ListShards with the right StreamCreationTimestamp") {
		assert.Equal(t, 1, len(ls.Shards), "ListShards with the right StreamCreationTimestamp: shards")
	}
}

// TestRecordsRoundTrip writes records of every shape through the SDK and
// reads them back byte for byte.
func TestRecordsRoundTrip(t *testing.T) {
	srv := kinesistest.NewServer(t)
	c, _ := newClient(srv)
	ctx := testContext(t)
	arn := createStream(t, c, "shapes", 2)

	big := bytes.Repeat([]byte{0, 0xff, 'x', 0x80}, 1<<18) // 1 MiB, every byte class
	records := []struct {
		key, explicit string
		data          []byte
		shard         string
	}{
		{key: "empty-data", explicit: "0", data: []byte{}, shard: "shardId-000000000000"},
		{key: "binary", explicit: "340282366920938463463374607431768211455", data: []byte{0, 1, 2, 254, 255}, shard: "shardId-000000000001"},
		{key: "unicode ✓ ключ", explicit: "1", data: []byte("ünïcødé"), shard: "shardId-000000000000"},
		{key: "big", explicit: "2", data: big[:1<<20-len("big")], shard: "shardId-000000000000"},
	}
	var lastSeq string
	for _, r := range records {
		in := &kinesis.PutRecordInput{
			StreamARN:       aws.String(arn),
			PartitionKey:    aws.String(r.key),
			ExplicitHashKey: aws.String(r.explicit),
			Data:            r.data,
		}
		if lastSeq != "" && r.shard == "shardId-000000000000" {
			in.SequenceNumberForOrdering = aws.String(lastSeq)
		}
		out, err := c.PutRecord(ctx, in)
		require.NoError(t, err, "PutRecord(%s)", r.key)
		assert.Equal(t, r.shard, aws.ToString(out.ShardId), "PutRecord(%s): shard", r.key)
		if r.shard == "shardId-000000000000" {
			lastSeq = aws.ToString(out.SequenceNumber)
		}
	}

	_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("shapes"), PartitionKey: aws.String("k"), Data: big[:1<<20]})
	assert.Contains(t, []string{"InvalidArgumentException", "ValidationException"}, errorCode(err), "PutRecord of 1 MiB data plus its key: %v, want it refused", err)

	for _, shard := range []string{"shardId-000000000000", "shardId-000000000001"} {
		it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
			StreamARN:         aws.String(arn),
			ShardId:           aws.String(shard),
			ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
		})
		require.NoError(t, err)
		out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator, StreamARN: aws.String(arn)})
		require.NoError(t, err)
		var want []int
		for i, r := range records {
			if r.shard == shard {
				want = append(want, i)
			}
		}
		require.Equal(t, len(want), len(out.Records), "%s: records", shard)
		for j, i := range want {
			got := out.Records[j]
			assert.Equal(t, records[i].key, aws.ToString(got.PartitionKey), "%s record %d: key", shard, j)
			// Not assert.Equal: the records are up to 1 MiB; report lengths.
			assert.True(t, bytes.Equal(got.Data, records[i].data), "%s record %d: %d bytes of data differ from the %d put", shard, j, len(got.Data), len(records[i].data))
		}
	}
}

// TestStreamModesAndConsumers covers the remaining shapes of the control
// plane: on-demand streams, consumer tags, stream deletion with consumers
// and the billing commitment's cool-down.
func TestStreamModesAndConsumers(t *testing.T) {
	srv := kinesistest.NewServer(t)
	c, _ := newClient(srv, noRetries)
	ctx := testContext(t)

	_, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{
		StreamName:        aws.String("od"),
		StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand},
	})
	require.NoError(t, err)
	s := summary(t, c, "od")
	assert.Equal(t, types.StreamModeOnDemand, s.StreamModeDetails.StreamMode, "on-demand stream: mode")
	assert.Equal(t, int32(4), aws.ToInt32(s.OpenShardCount), "on-demand stream: shards")
	lim, err := c.DescribeLimits(ctx, &kinesis.DescribeLimitsInput{})
	require.NoError(t, err)
	assert.Equal(t, int32(1), aws.ToInt32(lim.OnDemandStreamCount), "OnDemandStreamCount")

	reg, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{
		StreamARN:    s.StreamARN,
		ConsumerName: aws.String("tagged"),
		Tags:         map[string]string{"a": "1"},
	})
	require.NoError(t, err)
	consumerARN := reg.Consumer.ConsumerARN
	_, err = c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: consumerARN, Tags: map[string]string{"b": "2"}})
	require.NoError(t, err)
	tags, err := c.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: consumerARN})
	require.NoError(t, err)
	assert.Equal(t, "a=1,b=2", tagString(tags.Tags), "consumer tags")
	assert.Equal(t, int32(1), aws.ToInt32(summary(t, c, "od").ConsumerCount), "ConsumerCount")

	_, err = c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("od")})
	assert.Equal(t, "ResourceInUseException", errorCode(err), "DeleteStream of a stream with consumers: %v", err)
	_, err = c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("od"), EnforceConsumerDeletion: aws.Bool(true)})
	assert.NoError(t, err, "DeleteStream with EnforceConsumerDeletion")

	for _, status := range []types.MinimumThroughputBillingCommitmentInputStatus{
		types.MinimumThroughputBillingCommitmentInputStatusEnabled,
		types.MinimumThroughputBillingCommitmentInputStatusDisabled,
	} {
		_, err := c.UpdateAccountSettings(ctx, &kinesis.UpdateAccountSettingsInput{
			MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{Status: status},
		})
		require.NoError(t, err)
	}
	as, err := c.DescribeAccountSettings(ctx, &kinesis.DescribeAccountSettingsInput{})
	require.NoError(t, err)
	m := as.MinimumThroughputBillingCommitment
	if assert.NotNil(t, m, "commitment disabled at once") {
		assert.Equal(t, types.MinimumThroughputBillingCommitmentOutputStatusEnabledUntilEarliestAllowedEnd, m.Status, "commitment disabled at once")
		assert.NotNil(t, m.EarliestAllowedEndAt, "commitment disabled at once: want EarliestAllowedEndAt")
	}
}
