package kinesistest_test

// End-to-end tests: the unmodified AWS SDK for Go v2 against a
// kinesistest.Server. They prove the wire server is what the SDK expects:
// serialization, error types and messages, pagination, waiters, retries and
// event streams.

import (
	"slices"
	"sort"
	"strings"
	"testing"

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
	if len(allOperations) != 39 {
		t.Fatalf("allOperations lists %d operations, want 39", len(allOperations))
	}
	srv := kinesistest.NewServer(t)
	c, rec := newClient(srv)
	ctx := testContext(t)
	name := aws.String("tour")

	must := func(op string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", op, err)
		}
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
	if want := "arn:aws:kinesis:us-east-1:000000000000:stream/tour"; arn != want {
		t.Errorf("StreamARN = %q, want %q", arn, want)
	}
	if sd.StreamStatus != types.StreamStatusActive || len(sd.Shards) != 2 || aws.ToBool(sd.HasMoreShards) {
		t.Errorf("DescribeStream: %s with %d shards (more: %v), want ACTIVE with 2", sd.StreamStatus, len(sd.Shards), aws.ToBool(sd.HasMoreShards))
	}
	if sd.StreamCreationTimestamp == nil || sd.StreamCreationTimestamp.IsZero() {
		t.Error("DescribeStream: no StreamCreationTimestamp")
	}
	if aws.ToInt32(sd.RetentionPeriodHours) != 24 {
		t.Errorf("RetentionPeriodHours = %d, want 24", aws.ToInt32(sd.RetentionPeriodHours))
	}

	sum, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamARN: aws.String(arn)})
	must("DescribeStreamSummary", err)
	if s := sum.StreamDescriptionSummary; aws.ToInt32(s.OpenShardCount) != 2 || s.StreamModeDetails == nil || s.StreamModeDetails.StreamMode != types.StreamModeProvisioned {
		t.Errorf("DescribeStreamSummary: %d open shards, mode %+v; want 2, PROVISIONED", aws.ToInt32(s.OpenShardCount), s.StreamModeDetails)
	}

	ls, err := c.ListStreams(ctx, &kinesis.ListStreamsInput{})
	must("ListStreams", err)
	if !slices.Equal(ls.StreamNames, []string{"tour"}) || len(ls.StreamSummaries) != 1 || aws.ToString(ls.StreamSummaries[0].StreamARN) != arn {
		t.Errorf("ListStreams = %v %+v, want [tour]", ls.StreamNames, ls.StreamSummaries)
	}

	// Data plane.
	pr, err := c.PutRecord(ctx, &kinesis.PutRecordInput{
		StreamName:   name,
		PartitionKey: aws.String("alpha"),
		Data:         []byte("first"),
	})
	must("PutRecord", err)
	shardOfAlpha := aws.ToString(pr.ShardId)
	if aws.ToString(pr.SequenceNumber) == "" || !strings.HasPrefix(shardOfAlpha, "shardId-00000000000") {
		t.Errorf("PutRecord = %+v, want a sequence number and shard id", pr)
	}
	if pr.EncryptionType != types.EncryptionTypeNone {
		t.Errorf("PutRecord EncryptionType = %q, want NONE", pr.EncryptionType)
	}

	prs, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{
		StreamARN: aws.String(arn),
		Records: []types.PutRecordsRequestEntry{
			{PartitionKey: aws.String("alpha"), Data: []byte("second")},
			{PartitionKey: aws.String("beta"), Data: []byte{0, 1, 2, 0xff}},
		},
	})
	must("PutRecords", err)
	if aws.ToInt32(prs.FailedRecordCount) != 0 || len(prs.Records) != 2 || aws.ToString(prs.Records[0].ShardId) != shardOfAlpha {
		t.Errorf("PutRecords = %d failed, %+v", aws.ToInt32(prs.FailedRecordCount), prs.Records)
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
		if r.ApproximateArrivalTimestamp == nil || r.ApproximateArrivalTimestamp.IsZero() {
			t.Errorf("record %q has no ApproximateArrivalTimestamp", r.Data)
		}
	}
	if !slices.Equal(got, []string{"first", "second"}) {
		t.Errorf("GetRecords returned %q for key alpha, want [first second]", got)
	}
	if aws.ToString(gr.Records[0].SequenceNumber) != aws.ToString(pr.SequenceNumber) {
		t.Errorf("first record's sequence number %s, want %s", aws.ToString(gr.Records[0].SequenceNumber), aws.ToString(pr.SequenceNumber))
	}
	if gr.NextShardIterator == nil || aws.ToInt64(gr.MillisBehindLatest) != 0 || len(gr.ChildShards) != 0 {
		t.Errorf("GetRecords: next %v, behind %d, children %v; want an iterator, 0, none",
			gr.NextShardIterator != nil, aws.ToInt64(gr.MillisBehindLatest), gr.ChildShards)
	}

	lsh, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: name})
	must("ListShards", err)
	if len(lsh.Shards) != 2 || aws.ToString(lsh.Shards[0].ShardId) != "shardId-000000000000" ||
		aws.ToString(lsh.Shards[0].HashKeyRange.StartingHashKey) != "0" ||
		aws.ToString(lsh.Shards[1].HashKeyRange.EndingHashKey) != "340282366920938463463374607431768211455" {
		t.Errorf("ListShards = %+v", lsh.Shards)
	}

	// Tags, by name and by ARN.
	_, err = c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: name, Tags: map[string]string{"env": "test", "tier": "gold"}})
	must("AddTagsToStream", err)
	_, err = c.RemoveTagsFromStream(ctx, &kinesis.RemoveTagsFromStreamInput{StreamName: name, TagKeys: []string{"tier"}})
	must("RemoveTagsFromStream", err)
	lt, err := c.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: name})
	must("ListTagsForStream", err)
	if got := tagString(lt.Tags); got != "env=test,team=data" || aws.ToBool(lt.HasMoreTags) {
		t.Errorf("ListTagsForStream = %s (more: %v), want env=test,team=data", got, aws.ToBool(lt.HasMoreTags))
	}
	_, err = c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: aws.String(arn), Tags: map[string]string{"owner": "me"}})
	must("TagResource", err)
	_, err = c.UntagResource(ctx, &kinesis.UntagResourceInput{ResourceARN: aws.String(arn), TagKeys: []string{"env"}})
	must("UntagResource", err)
	ltr, err := c.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	must("ListTagsForResource", err)
	if got := tagString(ltr.Tags); got != "owner=me,team=data" {
		t.Errorf("ListTagsForResource = %s, want owner=me,team=data", got)
	}

	// Retention.
	_, err = c.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: name, RetentionPeriodHours: aws.Int32(72)})
	must("IncreaseStreamRetentionPeriod", err)
	_, err = c.DecreaseStreamRetentionPeriod(ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: name, RetentionPeriodHours: aws.Int32(48)})
	must("DecreaseStreamRetentionPeriod", err)
	if h := summary(t, c, "tour").RetentionPeriodHours; aws.ToInt32(h) != 48 {
		t.Errorf("RetentionPeriodHours = %d, want 48", aws.ToInt32(h))
	}

	// Enhanced monitoring.
	em, err := c.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{
		StreamName:        name,
		ShardLevelMetrics: []types.MetricsName{types.MetricsNameIncomingBytes, types.MetricsNameOutgoingRecords},
	})
	must("EnableEnhancedMonitoring", err)
	if len(em.CurrentShardLevelMetrics) != 0 || len(em.DesiredShardLevelMetrics) != 2 || aws.ToString(em.StreamName) != "tour" {
		t.Errorf("EnableEnhancedMonitoring = current %v, desired %v", em.CurrentShardLevelMetrics, em.DesiredShardLevelMetrics)
	}
	dm, err := c.DisableEnhancedMonitoring(ctx, &kinesis.DisableEnhancedMonitoringInput{
		StreamName:        name,
		ShardLevelMetrics: []types.MetricsName{types.MetricsNameIncomingBytes},
	})
	must("DisableEnhancedMonitoring", err)
	if !slices.Equal(dm.DesiredShardLevelMetrics, []types.MetricsName{types.MetricsNameOutgoingRecords}) {
		t.Errorf("DisableEnhancedMonitoring desired = %v, want [OutgoingRecords]", dm.DesiredShardLevelMetrics)
	}

	// Encryption.
	_, err = c.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{
		StreamName:     name,
		EncryptionType: types.EncryptionTypeKms,
		KeyId:          aws.String("alias/aws/kinesis"),
	})
	must("StartStreamEncryption", err)
	if s := summary(t, c, "tour"); s.EncryptionType != types.EncryptionTypeKms || aws.ToString(s.KeyId) != "alias/aws/kinesis" {
		t.Errorf("after StartStreamEncryption: %s %q, want KMS alias/aws/kinesis", s.EncryptionType, aws.ToString(s.KeyId))
	}
	enc, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: name, PartitionKey: aws.String("k"), Data: []byte("secret")})
	must("PutRecord", err)
	if enc.EncryptionType != types.EncryptionTypeKms {
		t.Errorf("PutRecord on an encrypted stream: EncryptionType %q, want KMS", enc.EncryptionType)
	}
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
	if aws.ToString(gp.Policy) != policy {
		t.Errorf("GetResourcePolicy = %q, want %q", aws.ToString(gp.Policy), policy)
	}
	_, err = c.DeleteResourcePolicy(ctx, &kinesis.DeleteResourcePolicyInput{ResourceARN: aws.String(arn)})
	must("DeleteResourcePolicy", err)

	// Account.
	lim, err := c.DescribeLimits(ctx, &kinesis.DescribeLimitsInput{})
	must("DescribeLimits", err)
	if aws.ToInt32(lim.ShardLimit) != 20000 || aws.ToInt32(lim.OpenShardCount) != 2 {
		t.Errorf("DescribeLimits = limit %d, open %d; want 20000, 2", aws.ToInt32(lim.ShardLimit), aws.ToInt32(lim.OpenShardCount))
	}
	as, err := c.DescribeAccountSettings(ctx, &kinesis.DescribeAccountSettingsInput{})
	must("DescribeAccountSettings", err)
	if m := as.MinimumThroughputBillingCommitment; m != nil && m.Status == types.MinimumThroughputBillingCommitmentOutputStatusEnabled {
		t.Errorf("DescribeAccountSettings: commitment %s before it was enabled", m.Status)
	}
	ua, err := c.UpdateAccountSettings(ctx, &kinesis.UpdateAccountSettingsInput{
		MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{
			Status: types.MinimumThroughputBillingCommitmentInputStatusEnabled,
		},
	})
	must("UpdateAccountSettings", err)
	if m := ua.MinimumThroughputBillingCommitment; m == nil || m.Status != types.MinimumThroughputBillingCommitmentOutputStatusEnabled || m.StartedAt == nil {
		t.Errorf("UpdateAccountSettings = %+v, want ENABLED with StartedAt", m)
	}

	// Record size, resharding, capacity mode.
	_, err = c.UpdateMaxRecordSize(ctx, &kinesis.UpdateMaxRecordSizeInput{StreamARN: aws.String(arn), MaxRecordSizeInKiB: aws.Int32(2048)})
	must("UpdateMaxRecordSize", err)
	if s := summary(t, c, "tour"); aws.ToInt32(s.MaxRecordSizeInKiB) != 2048 {
		t.Errorf("MaxRecordSizeInKiB = %d, want 2048", aws.ToInt32(s.MaxRecordSizeInKiB))
	}
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
	if aws.ToInt32(usc.CurrentShardCount) != 2 || aws.ToInt32(usc.TargetShardCount) != 4 || aws.ToString(usc.StreamARN) != arn {
		t.Errorf("UpdateShardCount = %d -> %d (%s), want 2 -> 4", aws.ToInt32(usc.CurrentShardCount), aws.ToInt32(usc.TargetShardCount), aws.ToString(usc.StreamARN))
	}
	if n := aws.ToInt32(summary(t, c, "tour").OpenShardCount); n != 4 {
		t.Errorf("OpenShardCount after UpdateShardCount = %d, want 4", n)
	}
	_, err = c.UpdateStreamMode(ctx, &kinesis.UpdateStreamModeInput{
		StreamARN:         aws.String(arn),
		StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand},
	})
	must("UpdateStreamMode", err)
	wt, err := c.UpdateStreamWarmThroughput(ctx, &kinesis.UpdateStreamWarmThroughputInput{StreamName: name, WarmThroughputMiBps: aws.Int32(100)})
	must("UpdateStreamWarmThroughput", err)
	if w := wt.WarmThroughput; w == nil || aws.ToInt32(w.TargetMiBps) != 100 || aws.ToString(wt.StreamName) != "tour" {
		t.Errorf("UpdateStreamWarmThroughput = %+v, want target 100", w)
	}

	// Enhanced fan-out.
	reg, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(arn), ConsumerName: aws.String("app")})
	must("RegisterStreamConsumer", err)
	consumerARN := aws.ToString(reg.Consumer.ConsumerARN)
	if !strings.HasPrefix(consumerARN, arn+"/consumer/app:") {
		t.Errorf("ConsumerARN = %q, want %s/consumer/app:<timestamp>", consumerARN, arn)
	}
	dc, err := c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: aws.String(consumerARN)})
	must("DescribeStreamConsumer", err)
	if d := dc.ConsumerDescription; d.ConsumerStatus != types.ConsumerStatusActive || aws.ToString(d.StreamARN) != arn || aws.ToString(d.ConsumerName) != "app" {
		t.Errorf("DescribeStreamConsumer = %+v", d)
	}
	lc, err := c.ListStreamConsumers(ctx, &kinesis.ListStreamConsumersInput{StreamARN: aws.String(arn)})
	must("ListStreamConsumers", err)
	if len(lc.Consumers) != 1 || aws.ToString(lc.Consumers[0].ConsumerARN) != consumerARN {
		t.Errorf("ListStreamConsumers = %+v", lc.Consumers)
	}
	sub, err := c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{
		ConsumerARN:      aws.String(consumerARN),
		ShardId:          aws.String(shardOfAlpha),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon},
	})
	must("SubscribeToShard", err)
	stream := sub.GetStream()
	ev := nextEvent(t, stream)
	if len(ev.Records) == 0 || string(ev.Records[0].Data) != "first" {
		t.Errorf("first SubscribeToShard event has %d records, want the first record first", len(ev.Records))
	}
	must("closing the event stream", stream.Close())
	_, err = c.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{ConsumerARN: aws.String(consumerARN)})
	must("DeregisterStreamConsumer", err)

	_, err = c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: name})
	must("DeleteStream", err)
	if _, err := srv.Engine.Stream("tour"); err == nil {
		t.Error("stream tour still exists after DeleteStream")
	}

	ok := rec.succeeded()
	for _, op := range allOperations {
		if !ok[op] {
			t.Errorf("%s was never answered with 200", op)
		}
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
	if err != nil {
		t.Fatalf("DescribeStreamSummary(%s): %v", name, err)
	}
	return out.StreamDescriptionSummary
}

// TestEngineAndWireAgree writes through the SDK and reads through the
// engine, and the other way round.
func TestEngineAndWireAgree(t *testing.T) {
	srv := kinesistest.NewServer(t)
	c, _ := newClient(srv)
	ctx := testContext(t)

	if _, err := srv.Engine.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "direct", ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	st, err := srv.Engine.Stream("direct")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(ctx, "k", []byte("from the engine")); err != nil {
		t.Fatal(err)
	}
	putRecords(t, c, "direct", "from the SDK", 2)

	data, _ := readShard(t, c, "direct", "shardId-000000000000")
	want := []string{"from the engine", "from the SDK-0", "from the SDK-1"}
	if !slices.Equal(data, want) {
		t.Errorf("SDK read %q, want %q", data, want)
	}
	it, err := st.Iterator("shardId-000000000000", freshet.StartingPosition{Type: freshet.TrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := it.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, string(r.Data))
	}
	if !slices.Equal(got, want) {
		t.Errorf("engine read %q, want %q", got, want)
	}
}
