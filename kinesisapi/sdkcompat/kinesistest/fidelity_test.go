package kinesistest_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

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
		if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("times"), PartitionKey: aws.String("k"), Data: []byte(data)}); err != nil {
			t.Fatal(err)
		}
	}
	clock.Set(t0.Add(time.Hour))

	desc, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("times")})
	if err != nil {
		t.Fatal(err)
	}
	created := aws.ToTime(desc.StreamDescriptionSummary.StreamCreationTimestamp)
	if !created.Equal(t0) {
		t.Errorf("StreamCreationTimestamp = %v, want %v", created, t0)
	}

	it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
		StreamName:        aws.String("times"),
		ShardId:           aws.String("shardId-000000000000"),
		ShardIteratorType: types.ShardIteratorTypeAtTimestamp,
		Timestamp:         aws.Time(t0.Add(time.Minute)),
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range out.Records {
		got = append(got, string(r.Data))
	}
	if !slices.Equal(got, []string{"b", "c"}) {
		t.Errorf("AT_TIMESTAMP t0+1m read %q, want [b c]", got)
	}
	if len(out.Records) > 0 {
		if at, want := aws.ToTime(out.Records[0].ApproximateArrivalTimestamp), t0.Add(time.Minute+123*time.Millisecond); !at.Equal(want) {
			t.Errorf("ApproximateArrivalTimestamp = %v, want %v (millisecond precision)", at, want)
		}
	}
	if behind := aws.ToInt64(out.MillisBehindLatest); behind != 0 {
		t.Errorf("MillisBehindLatest at the tip = %d, want 0", behind)
	}

	ls, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("times"), StreamCreationTimestamp: aws.Time(t0)})
	if err != nil || len(ls.Shards) != 1 {
		t.Errorf("ListShards with the right StreamCreationTimestamp: %v, %d shards", err, len(ls.Shards))
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
		if err != nil {
			t.Fatalf("PutRecord(%s): %v", r.key, err)
		}
		if aws.ToString(out.ShardId) != r.shard {
			t.Errorf("PutRecord(%s) went to %s, want %s", r.key, aws.ToString(out.ShardId), r.shard)
		}
		if r.shard == "shardId-000000000000" {
			lastSeq = aws.ToString(out.SequenceNumber)
		}
	}

	_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("shapes"), PartitionKey: aws.String("k"), Data: big[:1<<20]})
	if code := errorCode(err); code != "InvalidArgumentException" && code != "ValidationException" {
		t.Errorf("PutRecord of 1 MiB data plus its key: %v, want it refused", err)
	}

	for _, shard := range []string{"shardId-000000000000", "shardId-000000000001"} {
		it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
			StreamARN:         aws.String(arn),
			ShardId:           aws.String(shard),
			ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator, StreamARN: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		var want []int
		for i, r := range records {
			if r.shard == shard {
				want = append(want, i)
			}
		}
		if len(out.Records) != len(want) {
			t.Fatalf("%s holds %d records, want %d", shard, len(out.Records), len(want))
		}
		for j, i := range want {
			got := out.Records[j]
			if aws.ToString(got.PartitionKey) != records[i].key || !bytes.Equal(got.Data, records[i].data) {
				t.Errorf("%s record %d: key %q, %d bytes; want %q, %d bytes", shard, j, aws.ToString(got.PartitionKey), len(got.Data), records[i].key, len(records[i].data))
			}
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

	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{
		StreamName:        aws.String("od"),
		StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand},
	}); err != nil {
		t.Fatal(err)
	}
	s := summary(t, c, "od")
	if s.StreamModeDetails.StreamMode != types.StreamModeOnDemand || aws.ToInt32(s.OpenShardCount) != 4 {
		t.Errorf("on-demand stream: mode %s, %d shards; want ON_DEMAND, 4", s.StreamModeDetails.StreamMode, aws.ToInt32(s.OpenShardCount))
	}
	lim, err := c.DescribeLimits(ctx, &kinesis.DescribeLimitsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(lim.OnDemandStreamCount) != 1 {
		t.Errorf("OnDemandStreamCount = %d, want 1", aws.ToInt32(lim.OnDemandStreamCount))
	}

	reg, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{
		StreamARN:    s.StreamARN,
		ConsumerName: aws.String("tagged"),
		Tags:         map[string]string{"a": "1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	consumerARN := reg.Consumer.ConsumerARN
	if _, err := c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: consumerARN, Tags: map[string]string{"b": "2"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: consumerARN})
	if err != nil {
		t.Fatal(err)
	}
	if got := tagString(tags.Tags); got != "a=1,b=2" {
		t.Errorf("consumer tags = %s, want a=1,b=2", got)
	}
	if n := aws.ToInt32(summary(t, c, "od").ConsumerCount); n != 1 {
		t.Errorf("ConsumerCount = %d, want 1", n)
	}

	_, err = c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("od")})
	if errorCode(err) != "ResourceInUseException" {
		t.Errorf("DeleteStream of a stream with consumers: %v, want ResourceInUseException", err)
	}
	if _, err := c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("od"), EnforceConsumerDeletion: aws.Bool(true)}); err != nil {
		t.Errorf("DeleteStream with EnforceConsumerDeletion: %v", err)
	}

	for _, status := range []types.MinimumThroughputBillingCommitmentInputStatus{
		types.MinimumThroughputBillingCommitmentInputStatusEnabled,
		types.MinimumThroughputBillingCommitmentInputStatusDisabled,
	} {
		if _, err := c.UpdateAccountSettings(ctx, &kinesis.UpdateAccountSettingsInput{
			MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{Status: status},
		}); err != nil {
			t.Fatal(err)
		}
	}
	as, err := c.DescribeAccountSettings(ctx, &kinesis.DescribeAccountSettingsInput{})
	if err != nil {
		t.Fatal(err)
	}
	m := as.MinimumThroughputBillingCommitment
	if m == nil || m.Status != types.MinimumThroughputBillingCommitmentOutputStatusEnabledUntilEarliestAllowedEnd || m.EarliestAllowedEndAt == nil {
		t.Errorf("commitment disabled at once = %+v, want ENABLED_UNTIL_EARLIEST_ALLOWED_END with EarliestAllowedEndAt", m)
	}
}
