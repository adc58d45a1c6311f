package kinesistest_test

// End-to-end tests: the unmodified AWS SDK for Go v2 against a
// kinesistest.Server. They prove the wire server is what the SDK expects:
// serialization, error types and messages, pagination, waiters, retries and
// event streams.

import (
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesistest"
)

// allOperations are the 39 operations of the Kinesis API (docs/kinesis-notes.md §0).
var allOperations = []string{
	"AddTagsToStream", "CreateStream", "DecreaseStreamRetentionPeriod",
	"DeleteResourcePolicy", "DeleteStream", "DeregisterStreamConsumer",
	"DescribeAccountSettings", "DescribeLimits", "DescribeStream",
	"DescribeStreamConsumer", "DescribeStreamSummary",
	"DisableEnhancedMonitoring", "EnableEnhancedMonitoring", "GetRecords",
	"GetResourcePolicy", "GetShardIterator", "IncreaseStreamRetentionPeriod",
	"ListShards", "ListStreamConsumers", "ListStreams",
	"ListTagsForResource", "ListTagsForStream", "MergeShards", "PutRecord",
	"PutRecords", "PutResourcePolicy", "RegisterStreamConsumer",
	"RemoveTagsFromStream", "SplitShard", "StartStreamEncryption",
	"StopStreamEncryption", "SubscribeToShard", "TagResource",
	"UntagResource", "UpdateAccountSettings", "UpdateMaxRecordSize",
	"UpdateShardCount", "UpdateStreamMode", "UpdateStreamWarmThroughput",
}

// TestEveryOperation calls each of the 39 operations through the SDK, in an
// order that makes each one succeed, checks what it returns, and finally
// checks that every operation was answered with 200.
func TestEveryOperation(t *testing.T) {
	require.Equal(t, 39, len(allOperations), "operations in allOperations")
	srv := kinesistest.NewServer(t)
	c, rec := newClient(srv)
	ctx := testContext(t)
	name := aws.String("tour")

	must := func(op string, err error) {
		t.Helper()
		require.NoError(t, err, op)
	}

	// Stream lifecycle.
	_, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{
		StreamName: name,
		ShardCount: aws.Int32(2),
		Tags:       map[string]string{"team": "data"},
	})
	must("CreateStream", err)

	desc, err := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: name})
	must("DescribeStream", err)
	sd := desc.StreamDescription
	arn := aws.ToString(sd.StreamARN)
	assert.Equal(t, "arn:aws:kinesis:us-east-1:000000000000:stream/tour", arn, "StreamARN")
	assert.Equal(t, types.StreamStatusActive, sd.StreamStatus, "DescribeStream: status")
	assert.Equal(t, 2, len(sd.Shards), "DescribeStream: shards")
	assert.False(t, aws.ToBool(sd.HasMoreShards), "DescribeStream: HasMoreShards")
	// aws.ToTime of a nil timestamp is the zero time.
	assert.False(t, aws.ToTime(sd.StreamCreationTimestamp).IsZero(), "DescribeStream: no StreamCreationTimestamp")
	assert.Equal(t, int32(24), aws.ToInt32(sd.RetentionPeriodHours), "RetentionPeriodHours")

	sum, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamARN: aws.String(arn)})
	must("DescribeStreamSummary", err)
	s := sum.StreamDescriptionSummary
	assert.Equal(t, int32(2), aws.ToInt32(s.OpenShardCount), "DescribeStreamSummary: open shards")
	if assert.NotNil(t, s.StreamModeDetails, "DescribeStreamSummary: StreamModeDetails") {
		assert.Equal(t, types.StreamModeProvisioned, s.StreamModeDetails.StreamMode, "DescribeStreamSummary: mode")
	}

	ls, err := c.ListStreams(ctx, &kinesis.ListStreamsInput{})
	must("ListStreams", err)
	assert.Equal(t, []string{"tour"}, ls.StreamNames, "ListStreams: names")
	if assert.Len(t, ls.StreamSummaries, 1, "ListStreams: summaries") {
		assert.Equal(t, arn, aws.ToString(ls.StreamSummaries[0].StreamARN), "ListStreams: summary ARN")
	}

	// Data plane.
	pr, err := c.PutRecord(ctx, &kinesis.PutRecordInput{
		StreamName:   name,
		PartitionKey: aws.String("alpha"),
		Data:         []byte("first"),
	})
	must("PutRecord", err)
	shardOfAlpha := aws.ToString(pr.ShardId)
	assert.NotEmpty(t, aws.ToString(pr.SequenceNumber), "PutRecord = %+v, want a sequence number", pr)
	assert.True(t, strings.HasPrefix(shardOfAlpha, "shardId-00000000000"), "PutRecord = %+v, want a shard id", pr)
	assert.Equal(t, types.EncryptionTypeNone, pr.EncryptionType, "PutRecord EncryptionType")

	prs, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{
		StreamARN: aws.String(arn),
		Records: []types.PutRecordsRequestEntry{
			{PartitionKey: aws.String("alpha"), Data: []byte("second")},
			{PartitionKey: aws.String("beta"), Data: []byte{0, 1, 2, 0xff}},
		},
	})
	must("PutRecords", err)
	assert.Zero(t, aws.ToInt32(prs.FailedRecordCount), "PutRecords: failed records in %+v", prs.Records)
	if assert.Len(t, prs.Records, 2, "PutRecords") {
		assert.Equal(t, shardOfAlpha, aws.ToString(prs.Records[0].ShardId), "PutRecords: shard of alpha")
	}

	it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
		StreamName:             name,
		ShardId:                aws.String(shardOfAlpha),
		ShardIteratorType:      types.ShardIteratorTypeAtSequenceNumber,
		StartingSequenceNumber: pr.SequenceNumber,
	})
	must("GetShardIterator", err)
	gr, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	must("GetRecords", err)
	var got []string
	for _, r := range gr.Records {
		if aws.ToString(r.PartitionKey) == "alpha" {
			got = append(got, string(r.Data))
		}
		assert.False(t, aws.ToTime(r.ApproximateArrivalTimestamp).IsZero(), "record %q has no ApproximateArrivalTimestamp", r.Data)
	}
	assert.Equal(t, []string{"first", "second"}, got, "GetRecords for key alpha")
	assert.Equal(t, aws.ToString(pr.SequenceNumber), aws.ToString(gr.Records[0].SequenceNumber), "first record's sequence number")
	assert.NotNil(t, gr.NextShardIterator, "GetRecords: want an iterator")
	assert.Zero(t, aws.ToInt64(gr.MillisBehindLatest), "GetRecords: MillisBehindLatest")
	assert.Empty(t, gr.ChildShards, "GetRecords: ChildShards")

	lsh, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: name})
	must("ListShards", err)
	if assert.Equal(t, 2, len(lsh.Shards), "ListShards = %+v", lsh.Shards) {
		assert.Equal(t, "shardId-000000000000", aws.ToString(lsh.Shards[0].ShardId), "ListShards = %+v", lsh.Shards)
		assert.Equal(t, "0", aws.ToString(lsh.Shards[0].HashKeyRange.StartingHashKey), "ListShards = %+v", lsh.Shards)
		assert.Equal(t, "340282366920938463463374607431768211455", aws.ToString(lsh.Shards[1].HashKeyRange.EndingHashKey), "ListShards = %+v", lsh.Shards)
	}

	// Tags, by name and by ARN.
	_, err = c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: name, Tags: map[string]string{"env": "test", "tier": "gold"}})
	must("AddTagsToStream", err)
	_, err = c.RemoveTagsFromStream(ctx, &kinesis.RemoveTagsFromStreamInput{StreamName: name, TagKeys: []string{"tier"}})
	must("RemoveTagsFromStream", err)
	lt, err := c.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: name})
	must("ListTagsForStream", err)
	assert.Equal(t, "env=test,team=data", tagString(lt.Tags), "ListTagsForStream")
	assert.False(t, aws.ToBool(lt.HasMoreTags), "ListTagsForStream: HasMoreTags")
	_, err = c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: aws.String(arn), Tags: map[string]string{"owner": "me"}})
	must("TagResource", err)
	_, err = c.UntagResource(ctx, &kinesis.UntagResourceInput{ResourceARN: aws.String(arn), TagKeys: []string{"env"}})
	must("UntagResource", err)
	ltr, err := c.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	must("ListTagsForResource", err)
	assert.Equal(t, "owner=me,team=data", tagString(ltr.Tags), "ListTagsForResource")

	// Retention.
	_, err = c.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: name, RetentionPeriodHours: aws.Int32(72)})
	must("IncreaseStreamRetentionPeriod", err)
	_, err = c.DecreaseStreamRetentionPeriod(ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: name, RetentionPeriodHours: aws.Int32(48)})
	must("DecreaseStreamRetentionPeriod", err)
	assert.Equal(t, int32(48), aws.ToInt32(summary(t, c, "tour").RetentionPeriodHours), "RetentionPeriodHours")

	// Enhanced monitoring.
	em, err := c.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{
		StreamName:        name,
		ShardLevelMetrics: []types.MetricsName{types.MetricsNameIncomingBytes, types.MetricsNameOutgoingRecords},
	})
	must("EnableEnhancedMonitoring", err)
	assert.Empty(t, em.CurrentShardLevelMetrics, "EnableEnhancedMonitoring: current")
	assert.Len(t, em.DesiredShardLevelMetrics, 2, "EnableEnhancedMonitoring: desired")
	assert.Equal(t, "tour", aws.ToString(em.StreamName), "EnableEnhancedMonitoring: StreamName")
	dm, err := c.DisableEnhancedMonitoring(ctx, &kinesis.DisableEnhancedMonitoringInput{
		StreamName:        name,
		ShardLevelMetrics: []types.MetricsName{types.MetricsNameIncomingBytes},
	})
	must("DisableEnhancedMonitoring", err)
	assert.Equal(t, []types.MetricsName{types.MetricsNameOutgoingRecords}, dm.DesiredShardLevelMetrics, "DisableEnhancedMonitoring desired")

	// Encryption.
	_, err = c.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{
		StreamName:     name,
		EncryptionType: types.EncryptionTypeKms,
		KeyId:          aws.String("alias/aws/kinesis"),
	})
	must("StartStreamEncryption", err)
	s = summary(t, c, "tour")
	assert.Equal(t, types.EncryptionTypeKms, s.EncryptionType, "after StartStreamEncryption")
	assert.Equal(t, "alias/aws/kinesis", aws.ToString(s.KeyId), "after StartStreamEncryption")
	enc, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: name, PartitionKey: aws.String("k"), Data: []byte("secret")})
	must("PutRecord", err)
	assert.Equal(t, types.EncryptionTypeKms, enc.EncryptionType, "PutRecord on an encrypted stream: EncryptionType")
	_, err = c.StopStreamEncryption(ctx, &kinesis.StopStreamEncryptionInput{
		StreamName:     name,
		EncryptionType: types.EncryptionTypeKms,
		KeyId:          aws.String("alias/aws/kinesis"),
	})
	must("StopStreamEncryption", err)

	// Resource policies.
	policy := `{"Version":"2012-10-17","Statement":[]}`
	_, err = c.PutResourcePolicy(ctx, &kinesis.PutResourcePolicyInput{ResourceARN: aws.String(arn), Policy: aws.String(policy)})
	must("PutResourcePolicy", err)
	gp, err := c.GetResourcePolicy(ctx, &kinesis.GetResourcePolicyInput{ResourceARN: aws.String(arn)})
	must("GetResourcePolicy", err)
	assert.Equal(t, policy, aws.ToString(gp.Policy), "GetResourcePolicy")
	_, err = c.DeleteResourcePolicy(ctx, &kinesis.DeleteResourcePolicyInput{ResourceARN: aws.String(arn)})
	must("DeleteResourcePolicy", err)

	// Account.
	lim, err := c.DescribeLimits(ctx, &kinesis.DescribeLimitsInput{})
	must("DescribeLimits", err)
	assert.Equal(t, int32(20000), aws.ToInt32(lim.ShardLimit), "DescribeLimits: ShardLimit")
	assert.Equal(t, int32(2), aws.ToInt32(lim.OpenShardCount), "DescribeLimits: OpenShardCount")
	as, err := c.DescribeAccountSettings(ctx, &kinesis.DescribeAccountSettingsInput{})
	must("DescribeAccountSettings", err)
	if m := as.MinimumThroughputBillingCommitment; m != nil {
		assert.NotEqual(t, types.MinimumThroughputBillingCommitmentOutputStatusEnabled, m.Status, "DescribeAccountSettings: commitment before it was enabled")
	}
	ua, err := c.UpdateAccountSettings(ctx, &kinesis.UpdateAccountSettingsInput{
		MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{
			Status: types.MinimumThroughputBillingCommitmentInputStatusEnabled,
		},
	})
	must("UpdateAccountSettings", err)
	if m := ua.MinimumThroughputBillingCommitment; assert.NotNil(t, m, "UpdateAccountSettings: commitment") {
		assert.Equal(t, types.MinimumThroughputBillingCommitmentOutputStatusEnabled, m.Status, "UpdateAccountSettings = %+v", m)
		assert.NotNil(t, m.StartedAt, "UpdateAccountSettings = %+v, want StartedAt", m)
	}

	// Record size, resharding, capacity mode.
	_, err = c.UpdateMaxRecordSize(ctx, &kinesis.UpdateMaxRecordSizeInput{StreamARN: aws.String(arn), MaxRecordSizeInKiB: aws.Int32(2048)})
	must("UpdateMaxRecordSize", err)
	assert.Equal(t, int32(2048), aws.ToInt32(summary(t, c, "tour").MaxRecordSizeInKiB), "MaxRecordSizeInKiB")
	_, err = c.SplitShard(ctx, &kinesis.SplitShardInput{
		StreamName:         name,
		ShardToSplit:       aws.String("shardId-000000000000"),
		NewStartingHashKey: aws.String("85070591730234615865843651857942052864"), // 2^126
	})
	must("SplitShard", err)
	_, err = c.MergeShards(ctx, &kinesis.MergeShardsInput{
		StreamName:           name,
		ShardToMerge:         aws.String("shardId-000000000002"),
		AdjacentShardToMerge: aws.String("shardId-000000000003"),
	})
	must("MergeShards", err)
	usc, err := c.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{
		StreamName:       name,
		TargetShardCount: aws.Int32(4),
		ScalingType:      types.ScalingTypeUniformScaling,
	})
	must("UpdateShardCount", err)
	assert.Equal(t, int32(2), aws.ToInt32(usc.CurrentShardCount), "UpdateShardCount: CurrentShardCount")
	assert.Equal(t, int32(4), aws.ToInt32(usc.TargetShardCount), "UpdateShardCount: TargetShardCount")
	assert.Equal(t, arn, aws.ToString(usc.StreamARN), "UpdateShardCount: StreamARN")
	assert.Equal(t, int32(4), aws.ToInt32(summary(t, c, "tour").OpenShardCount), "OpenShardCount after UpdateShardCount")
	_, err = c.UpdateStreamMode(ctx, &kinesis.UpdateStreamModeInput{
		StreamARN:         aws.String(arn),
		StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand},
	})
	must("UpdateStreamMode", err)
	wt, err := c.UpdateStreamWarmThroughput(ctx, &kinesis.UpdateStreamWarmThroughputInput{StreamName: name, WarmThroughputMiBps: aws.Int32(100)})
	must("UpdateStreamWarmThroughput", err)
	if w := wt.WarmThroughput; assert.NotNil(t, w, "UpdateStreamWarmThroughput: WarmThroughput") {
		assert.Equal(t, int32(100), aws.ToInt32(w.TargetMiBps), "UpdateStreamWarmThroughput = %+v", w)
	}
	assert.Equal(t, "tour", aws.ToString(wt.StreamName), "UpdateStreamWarmThroughput: StreamName")

	// Enhanced fan-out.
	reg, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(arn), ConsumerName: aws.String("app")})
	must("RegisterStreamConsumer", err)
	consumerARN := aws.ToString(reg.Consumer.ConsumerARN)
	assert.True(t, strings.HasPrefix(consumerARN, arn+"/consumer/app:"), "ConsumerARN = %q, want %s/consumer/app:<timestamp>", consumerARN, arn)
	dc, err := c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: aws.String(consumerARN)})
	must("DescribeStreamConsumer", err)
	d := dc.ConsumerDescription
	assert.Equal(t, types.ConsumerStatusActive, d.ConsumerStatus, "DescribeStreamConsumer = %+v", d)
	assert.Equal(t, arn, aws.ToString(d.StreamARN), "DescribeStreamConsumer = %+v", d)
	assert.Equal(t, "app", aws.ToString(d.ConsumerName), "DescribeStreamConsumer = %+v", d)
	lc, err := c.ListStreamConsumers(ctx, &kinesis.ListStreamConsumersInput{StreamARN: aws.String(arn)})
	must("ListStreamConsumers", err)
	if assert.Len(t, lc.Consumers, 1, "ListStreamConsumers") {
		assert.Equal(t, consumerARN, aws.ToString(lc.Consumers[0].ConsumerARN), "ListStreamConsumers = %+v", lc.Consumers)
	}
	sub, err := c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{
		ConsumerARN:      aws.String(consumerARN),
		ShardId:          aws.String(shardOfAlpha),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon},
	})
	must("SubscribeToShard", err)
	stream := sub.GetStream()
	ev := nextEvent(t, stream)
	if assert.NotEmpty(t, ev.Records, "first SubscribeToShard event, want the first record first") {
		assert.Equal(t, "first", string(ev.Records[0].Data), "first SubscribeToShard event, want the first record first")
	}
	must("closing the event stream", stream.Close())
	_, err = c.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{ConsumerARN: aws.String(consumerARN)})
	must("DeregisterStreamConsumer", err)

	_, err = c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: name})
	must("DeleteStream", err)
	_, err = srv.Engine.Stream("tour")
	assert.Error(t, err, "stream tour still exists after DeleteStream")

	ok := rec.succeeded()
	for _, op := range allOperations {
		assert.True(t, ok[op], "%s was never answered with 200", op)
	}
}

// tagString renders tags as sorted key=value pairs.
func tagString(tags []types.Tag) string {
	var kv []string
	for _, tag := range tags {
		kv = append(kv, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
	}
	sort.Strings(kv)
	return strings.Join(kv, ",")
}

// summary describes a stream through DescribeStreamSummary.
func summary(t testing.TB, c *kinesis.Client, name string) *types.StreamDescriptionSummary {
	t.Helper()
	out, err := c.DescribeStreamSummary(testContext(t), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	require.NoError(t, err, "DescribeStreamSummary(%s)", name)
	return out.StreamDescriptionSummary
}

// TestEngineAndWireAgree writes through the SDK and reads through the
// engine, and the other way round.
func TestEngineAndWireAgree(t *testing.T) {
	srv := kinesistest.NewServer(t)
	c, _ := newClient(srv)
	ctx := testContext(t)

	_, err := srv.Engine.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "direct", ShardCount: 1})
	require.NoError(t, err)
	st, err := srv.Engine.Stream("direct")
	require.NoError(t, err)
	_, err = st.Put(ctx, "k", []byte("from the engine"))
	require.NoError(t, err)
	putRecords(t, c, "direct", "from the SDK", 2)

	data, _ := readShard(t, c, "direct", "shardId-000000000000")
	want := []string{"from the engine", "from the SDK-0", "from the SDK-1"}
	assert.Equal(t, want, data, "SDK read")
	it, err := st.Iterator("shardId-000000000000", freshet.StartingPosition{Type: freshet.TrimHorizon})
	require.NoError(t, err)
	recs, err := it.Next(ctx)
	require.NoError(t, err)
	var got []string
	for _, r := range recs {
		got = append(got, string(r.Data))
	}
	assert.Equal(t, want, got, "engine read")
}
