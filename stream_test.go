package freshet

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// ---- CreateStream ----

func TestCreateStreamShardLayout(t *testing.T) {
	const max = "340282366920938463463374607431768211455"
	tests := []struct {
		shards int
		ranges [][2]string
	}{
		{1, [][2]string{{"0", max}}},
		{2, [][2]string{
			{"0", "170141183460469231731687303715884105727"},
			{"170141183460469231731687303715884105728", max},
		}},
		{3, [][2]string{ // production-verified
			{"0", "113427455640312821154458202477256070484"},
			{"113427455640312821154458202477256070485", "226854911280625642308916404954512140969"},
			{"226854911280625642308916404954512140970", max},
		}},
		{4, [][2]string{
			{"0", "85070591730234615865843651857942052863"},
			{"85070591730234615865843651857942052864", "170141183460469231731687303715884105727"},
			{"170141183460469231731687303715884105728", "255211775190703847597530955573826158591"},
			{"255211775190703847597530955573826158592", max},
		}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.shards), func(t *testing.T) {
			e := newTestEngine(t)
			mustCreate(t, e, "s", tt.shards)
			d := mustDescribe(t, e, "s")
			require.Len(t, d.Shards, tt.shards)
			for i, sh := range d.Shards {
				require.Equal(t, fmt.Sprintf("shardId-%012d", i), sh.ShardId)
				require.Equal(t, tt.ranges[i][0], sh.HashKeyRange.StartingHashKey.String(), "shard %d start", i)
				require.Equal(t, tt.ranges[i][1], sh.HashKeyRange.EndingHashKey.String(), "shard %d end", i)
				require.Empty(t, sh.ParentShardId)
				require.Empty(t, sh.AdjacentParentShardId)
				require.True(t, sh.SequenceNumberRange.EndingSequenceNumber.IsZero(), "open shard has no EndingSequenceNumber")
			}
		})
	}
}

func TestCreateStreamStartingSequenceNumbers(t *testing.T) {
	e, _ := newClockEngine(t)
	mustCreate(t, e, "s", 4)
	d := mustDescribe(t, e, "s")
	require.Equal(t, testEpoch, d.StreamCreationTimestamp)
	step, _ := new(big.Int).SetString("22300745198530623141535718272648361505980432", 10) // 2^144 + 16
	var prev *big.Int
	for i, sh := range d.Shards {
		sn := sh.SequenceNumberRange.StartingSequenceNumber
		s := sn.String()
		require.Len(t, s, 56, "production-length sequence number")
		require.True(t, sn.Valid())
		require.Equal(t, i, sn.ShardIndex())
		require.Equal(t, uint64(0), sn.Counter())
		created := sn.ShardCreated()
		require.False(t, created.After(testEpoch), "shards predate the call")
		require.Less(t, testEpoch.Sub(created), 10*time.Second)
		cur, ok := new(big.Int).SetString(s, 10)
		require.True(t, ok)
		if prev != nil {
			require.Equal(t, step.String(), new(big.Int).Sub(cur, prev).String(), "shard %d - shard %d", i, i-1)
		}
		prev = cur
	}
}

func TestCreateStreamModes(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)

	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "od", StreamModeDetails: &StreamModeDetails{StreamMode: StreamModeOnDemand}})
	require.NoError(t, err)
	d := mustDescribe(t, e, "od")
	require.Equal(t, StreamModeOnDemand, d.StreamModeDetails.StreamMode)
	require.Len(t, d.Shards, 4)
	require.Equal(t, "255211775190703847597530955573826158592", d.Shards[3].HashKeyRange.StartingHashKey.String())

	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "p", ShardCount: 2, StreamModeDetails: &StreamModeDetails{StreamMode: StreamModeProvisioned}})
	require.NoError(t, err)
	require.Equal(t, StreamModeProvisioned, mustDescribe(t, e, "p").StreamModeDetails.StreamMode)

	mustCreate(t, e, "default", 1)
	require.Equal(t, StreamModeProvisioned, mustDescribe(t, e, "default").StreamModeDetails.StreamMode)

	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "x", ShardCount: 2, StreamModeDetails: &StreamModeDetails{StreamMode: StreamModeOnDemand}})
	requireKinesisError(t, err, ErrInvalidArgument, "ShardCount is not expected when StreamMode=ON_DEMAND")

	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "x"})
	requireKinesisError(t, err, ErrInvalidArgument, "ShardCount is required when StreamMode=PROVISIONED")

	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "x", StreamModeDetails: &StreamModeDetails{StreamMode: StreamModeProvisioned}})
	requireKinesisError(t, err, ErrInvalidArgument, "ShardCount is required when StreamMode=PROVISIONED")

	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "x", ShardCount: 1, WarmThroughputMiBps: 10})
	requireKinesisError(t, err, ErrInvalidArgument, "WarmThroughputMiBps is only supported for streams in ON_DEMAND mode")

	_, err = e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "x"})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("x"))
}

func TestCreateStreamDuplicate(t *testing.T) {
	e := newTestEngine(t)
	mustCreate(t, e, "orders", 1)
	_, err := e.CreateStream(context.Background(), &CreateStreamInput{StreamName: "orders", ShardCount: 3})
	requireKinesisError(t, err, ErrResourceInUse, "Stream orders under account 000000000000 already exists.")
	require.Len(t, mustDescribe(t, e, "orders").Shards, 1, "the existing stream is untouched")
}

func TestCreateStreamAccountAndRegionInARN(t *testing.T) {
	e := newTestEngine(t, WithAccount("123456789012"), WithRegion("eu-west-1"))
	mustCreate(t, e, "s", 1)
	d := mustDescribe(t, e, "s")
	require.Equal(t, "arn:aws:kinesis:eu-west-1:123456789012:stream/s", d.StreamARN)
	_, err := e.CreateStream(context.Background(), &CreateStreamInput{StreamName: "s", ShardCount: 1})
	requireKinesisError(t, err, ErrResourceInUse, "Stream s under account 123456789012 already exists.")
}

func TestCreateStreamShardLimit(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t, WithShardLimit(10))
	mustCreate(t, e, "a", 6)
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "b", ShardCount: 5})
	requireKinesisError(t, err, ErrLimitExceeded, "This request would exceed the shard limit for the account 000000000000 in us-east-1. "+
		"Current shard count for the account: 6. Limit: 10. Number of additional shards that would have resulted from this request: 5. "+
		"Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) "+
		"for current limits and how to request higher limits.")
	var kerr *Error
	require.ErrorAs(t, err, &kerr)
	require.True(t, kerr.Retryable(), "SDKs retry LimitExceededException")

	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "od", StreamModeDetails: &StreamModeDetails{StreamMode: StreamModeOnDemand}})
	require.NoError(t, err, "6 + 4 on-demand shards reach the limit exactly")
	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "c", ShardCount: 1})
	require.ErrorIs(t, err, ErrLimitExceeded)

	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "a"})
	require.NoError(t, err)
	mustCreate(t, e, "c", 6) // deleted shards are given back
}

func TestCreateStreamMaxRecordSize(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "big", ShardCount: 1, MaxRecordSizeInKiB: 2048})
	require.NoError(t, err)
	require.Equal(t, 2048, mustSummary(t, e, "big").MaxRecordSizeInKiB)
	mustCreate(t, e, "small", 1)
	require.Equal(t, 1024, mustSummary(t, e, "small").MaxRecordSizeInKiB)

	data := make([]byte, 1<<20+1)
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "big", PartitionKey: "k", Data: data})
	require.NoError(t, err)
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "small", PartitionKey: "k", Data: data})
	require.ErrorIs(t, err, ErrInvalidArgument)
}

func TestCreateStreamWithTags(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t, WithStateDelays(StateDelays{Create: time.Minute}))
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 1, Tags: map[string]string{"team": "data", "env": "prod"}})
	require.NoError(t, err)
	// Tags given at creation are there while CREATING already.
	out, err := e.ListTagsForStream(ctx, &ListTagsForStreamInput{StreamName: "s"})
	require.NoError(t, err)
	require.Equal(t, []Tag{{"env", "prod"}, {"team", "data"}}, out.Tags)
	clk.Advance(time.Minute)
	out, err = e.ListTagsForStream(ctx, &ListTagsForStreamInput{StreamName: "s"})
	require.NoError(t, err)
	require.Len(t, out.Tags, 2)

	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "bad", ShardCount: 1, Tags: map[string]string{"aws:x": "1"}})
	requireKinesisError(t, err, ErrInvalidArgument, "Tag keys starting with the prefix aws: are reserved for AWS use.")
	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "bad", ShardCount: 1, Tags: map[string]string{"a#": "1"}})
	requireKinesisError(t, err, ErrInvalidArgument, invalidTagChars)
	tags := map[string]string{}
	for i := range maxTags + 1 {
		tags[fmt.Sprintf("k%02d", i)] = "v"
	}
	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "bad", ShardCount: 1, Tags: tags})
	requireKinesisError(t, err, ErrInvalidArgument, "Failed to add tags to stream bad under account 000000000000 because a given stream cannot have more than 50 tags associated with it.")
	_, err = e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "bad"})
	require.ErrorIs(t, err, ErrResourceNotFound, "no stream is created by a rejected request")
}

func TestCreateStreamValidation(t *testing.T) {
	long := strings.Repeat("a", 129)
	longBad := strings.Repeat("a", 128) + "!"
	key129 := strings.Repeat("k", 129)
	val257 := strings.Repeat("v", 257)
	const pattern = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
	tests := []struct {
		name string
		in   CreateStreamInput
		want []string
	}{
		{"missing name", CreateStreamInput{ShardCount: 1},
			[]string{"Value null at 'streamName' failed to satisfy constraint: Member must not be null"}},
		{"space", CreateStreamInput{StreamName: "my stream", ShardCount: 1},
			[]string{"Value 'my stream' at 'streamName' failed to satisfy constraint: " + pattern}},
		{"slash", CreateStreamInput{StreamName: "a/b", ShardCount: 1},
			[]string{"Value 'a/b' at 'streamName' failed to satisfy constraint: " + pattern}},
		{"unicode", CreateStreamInput{StreamName: "café", ShardCount: 1},
			[]string{"Value 'café' at 'streamName' failed to satisfy constraint: " + pattern}},
		{"too long", CreateStreamInput{StreamName: long, ShardCount: 1},
			[]string{"Value '" + long + "' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128"}},
		{"too long and bad", CreateStreamInput{StreamName: longBad, ShardCount: 1}, []string{
			"Value '" + longBad + "' at 'streamName' failed to satisfy constraint: " + pattern,
			"Value '" + longBad + "' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128",
		}},
		{"negative shards", CreateStreamInput{StreamName: "s", ShardCount: -1},
			[]string{"Value '-1' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1"}},
		{"unknown mode", CreateStreamInput{StreamName: "s", StreamModeDetails: &StreamModeDetails{StreamMode: "SERVERLESS"}},
			[]string{"Value 'SERVERLESS' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]"}},
		{"empty mode", CreateStreamInput{StreamName: "s", ShardCount: 1, StreamModeDetails: &StreamModeDetails{}},
			[]string{"Value null at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must not be null"}},
		{"record size too small", CreateStreamInput{StreamName: "s", ShardCount: 1, MaxRecordSizeInKiB: 1023},
			[]string{"Value '1023' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024"}},
		{"record size too large", CreateStreamInput{StreamName: "s", ShardCount: 1, MaxRecordSizeInKiB: 10241},
			[]string{"Value '10241' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value less than or equal to 10240"}},
		{"negative warm throughput", CreateStreamInput{StreamName: "s", StreamModeDetails: &StreamModeDetails{StreamMode: StreamModeOnDemand}, WarmThroughputMiBps: -1},
			[]string{"Value '-1' at 'warmThroughputMiBps' failed to satisfy constraint: Member must have value greater than or equal to 0"}},
		{"tag key too long", CreateStreamInput{StreamName: "s", ShardCount: 1, Tags: map[string]string{key129: "v"}},
			[]string{"Value '{" + key129 + "=v}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]"}},
		{"empty tag key", CreateStreamInput{StreamName: "s", ShardCount: 1, Tags: map[string]string{"": "v"}},
			[]string{"Value '{=v}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]"}},
		{"tag value too long", CreateStreamInput{StreamName: "s", ShardCount: 1, Tags: map[string]string{"k": val257}},
			[]string{"Value '{k=" + val257 + "}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]"}},
		{"several", CreateStreamInput{ShardCount: -3, MaxRecordSizeInKiB: 1}, []string{
			"Value null at 'streamName' failed to satisfy constraint: Member must not be null",
			"Value '-3' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
			"Value '1' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEngine(t)
			_, err := e.CreateStream(context.Background(), &tt.in)
			requireKinesisError(t, err, ErrValidation, validationMessage(tt.want...))
			out, err := e.ListStreams(context.Background(), &ListStreamsInput{})
			require.NoError(t, err)
			require.Empty(t, out.StreamNames)
		})
	}
}

// TestCreateStreamValidationListsAtMostTen checks that a message lists the
// first ten violations: a map's bad keys make one violation, as in
// Kinesis, so many bad members are needed.
func TestCreateStreamValidationListsAtMostTen(t *testing.T) {
	e := newTestEngine(t)
	tags := map[string]string{}
	for i := range 12 {
		tags[fmt.Sprintf("%02d", i)+strings.Repeat("k", 127)] = "v"
	}
	_, err := e.CreateStream(context.Background(), &CreateStreamInput{StreamName: "s", ShardCount: 1, Tags: tags})
	require.ErrorIs(t, err, ErrValidation)
	require.Equal(t, 1, strings.Count(err.Error(), "Map keys must satisfy constraint"), "bad keys are one violation")

	// Twelve PutRecords entries without a partition key: ten listed.
	dpCreate(t, e, "p", 1)
	var want []string
	for i := range 12 {
		want = append(want, "Value null at 'records."+itoa(i+1)+".member.partitionKey' failed to satisfy constraint: Member must not be null")
	}
	_, err = e.PutRecords(context.Background(), &PutRecordsInput{StreamName: "p", Records: make([]PutRecordsRequestEntry, 12)})
	msg := validationMessage(want...)
	require.True(t, strings.HasPrefix(msg, "10 validation errors detected: "))
	require.Equal(t, 10, strings.Count(msg, "Value null"), "ten entries listed")
	requireKinesisError(t, err, ErrValidation, msg)
}

func TestCreateStreamStateDelay(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t, WithStateDelays(StateDelays{Create: 30 * time.Second}))
	mustCreate(t, e, "s", 3)

	d := mustDescribe(t, e, "s")
	require.Equal(t, StreamStatusCreating, d.StreamStatus)
	require.NotNil(t, d.Shards)
	require.Empty(t, d.Shards, "no shards while CREATING")
	require.False(t, d.HasMoreShards)
	require.Equal(t, 24, d.RetentionPeriodHours)
	require.Equal(t, EncryptionNone, d.EncryptionType)
	require.Equal(t, []EnhancedMetrics{{ShardLevelMetrics: []string{}}}, d.EnhancedMonitoring)

	s := mustSummary(t, e, "s")
	require.Equal(t, StreamStatusCreating, s.StreamStatus)
	require.Equal(t, 0, s.OpenShardCount)

	_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("x")})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("s"))
	_, err = e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: []PutRecordsRequestEntry{{PartitionKey: "k"}}})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("s"))
	_, err = e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "shardId-000000000000", ShardIteratorType: TrimHorizon})
	requireKinesisError(t, err, ErrResourceNotFound, "Shard shardId-000000000000 in stream s under account 000000000000 does not exist")
	_, err = e.ListShards(ctx, &ListShardsInput{StreamName: "s"})
	requireKinesisError(t, err, ErrResourceInUse, notActiveMsg("s", StreamStatusCreating))
	_, err = e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "100"})
	requireKinesisError(t, err, ErrResourceInUse, notActiveMsg("s", StreamStatusCreating))
	_, err = e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "s", RetentionPeriodHours: 48})
	requireKinesisError(t, err, ErrResourceInUse, notActiveMsg("s", StreamStatusCreating))
	_, err = e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: map[string]string{"a": "b"}})
	requireKinesisError(t, err, ErrResourceInUse, notActiveMsg("s", StreamStatusCreating))
	_, err = e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "c"})
	requireKinesisError(t, err, ErrResourceInUse, notActiveMsg("s", StreamStatusCreating))

	ls, err := e.ListStreams(ctx, &ListStreamsInput{})
	require.NoError(t, err)
	require.Equal(t, []string{"s"}, ls.StreamNames)
	require.Equal(t, StreamStatusCreating, ls.StreamSummaries[0].StreamStatus)

	clk.Advance(29 * time.Second)
	require.Equal(t, StreamStatusCreating, mustDescribe(t, e, "s").StreamStatus)
	clk.Advance(time.Second)
	d = mustDescribe(t, e, "s")
	require.Equal(t, StreamStatusActive, d.StreamStatus)
	require.Len(t, d.Shards, 3)
	require.Equal(t, 3, mustSummary(t, e, "s").OpenShardCount)
	out, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "a", Data: []byte("x")})
	require.NoError(t, err)
	require.Equal(t, "shardId-000000000000", out.ShardId) // "a" hashes to shard 0 of 3
}

// ---- DeleteStream ----

func TestDeleteStream(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 2)
	_, err := e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	require.NoError(t, err)
	_, err = e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "s"})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("s"))
	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("s"))
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k"})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("s"))
	_, err = e.DeleteStream(ctx, &DeleteStreamInput{})
	requireKinesisError(t, err, ErrInvalidArgument, "Either StreamName or StreamARN must be provided.")
}

func TestDeleteStreamWithConsumers(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	reg, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "app"})
	require.NoError(t, err)

	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	requireKinesisError(t, err, ErrResourceInUse, "Stream s under account 000000000000 has registered consumers.")
	require.Equal(t, StreamStatusActive, mustDescribe(t, e, "s").StreamStatus)
	require.Equal(t, 1, mustSummary(t, e, "s").ConsumerCount)

	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamARN: arnOf("s"), EnforceConsumerDeletion: true})
	require.NoError(t, err)
	_, err = e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "s"})
	require.ErrorIs(t, err, ErrResourceNotFound)
	_, err = e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{ConsumerARN: reg.Consumer.ConsumerARN})
	require.ErrorIs(t, err, ErrResourceNotFound)

	// A new stream of the same name starts without consumers.
	mustCreate(t, e, "s", 1)
	require.Equal(t, 0, mustSummary(t, e, "s").ConsumerCount)
	_, err = e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{ConsumerARN: reg.Consumer.ConsumerARN})
	requireKinesisError(t, err, ErrResourceNotFound, "Consumer "+reg.Consumer.ConsumerARN+" not found.")
}

func TestDeleteStreamDelayAndRecreate(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t, WithStateDelays(StateDelays{Delete: 10 * time.Second}))
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 2, Tags: map[string]string{"gen": "1"}})
	require.NoError(t, err)
	old, err := e.Stream("s")
	require.NoError(t, err)
	w, err := old.Put(ctx, "k", []byte("old"))
	require.NoError(t, err)
	it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: w.ShardId, ShardIteratorType: TrimHorizon})
	require.NoError(t, err)
	createdOld := mustDescribe(t, e, "s").StreamCreationTimestamp

	clk.Advance(time.Minute)
	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	require.NoError(t, err)
	d := mustDescribe(t, e, "s")
	require.Equal(t, StreamStatusDeleting, d.StreamStatus)
	ls, err := e.ListStreams(ctx, &ListStreamsInput{})
	require.NoError(t, err)
	require.Equal(t, StreamStatusDeleting, ls.StreamSummaries[0].StreamStatus)
	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	require.NoError(t, err, "deleting a DELETING stream again is accepted")
	_, err = e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 1})
	requireKinesisError(t, err, ErrResourceInUse, "Stream s under account 000000000000 already exists.")
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("late")})
	require.NoError(t, err, "writes still succeed while DELETING")

	clk.Advance(10 * time.Second)
	_, err = e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "s"})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("s"))
	ls, err = e.ListStreams(ctx, &ListStreamsInput{})
	require.NoError(t, err)
	require.Empty(t, ls.StreamNames)

	clk.Advance(time.Minute)
	mustCreate(t, e, "s", 1)
	d = mustDescribe(t, e, "s")
	require.Equal(t, StreamStatusActive, d.StreamStatus)
	require.Len(t, d.Shards, 1)
	require.True(t, d.StreamCreationTimestamp.After(createdOld), "a new creation time")
	tags, err := e.ListTagsForStream(ctx, &ListTagsForStreamInput{StreamName: "s"})
	require.NoError(t, err)
	require.Empty(t, tags.Tags, "tags of the old stream are gone")

	// Handles and iterators of the old stream do not reach the new one.
	_, err = old.Put(ctx, "k", []byte("x"))
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("s"))
	_, err = old.Iterator("shardId-000000000000", StartingPosition{Type: TrimHorizon})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("s"))
	require.Nil(t, old.Shards())
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it.ShardIterator})
	requireKinesisError(t, err, ErrResourceNotFound, "Shard "+w.ShardId+" in stream s under account 000000000000 does not exist")

	cur, err := e.Stream("s")
	require.NoError(t, err)
	require.NotSame(t, old, cur)
	require.Equal(t, d.StreamCreationTimestamp, cur.CreatedAt())
	_, err = cur.Put(ctx, "k", []byte("new"))
	require.NoError(t, err)
	// The new stream holds only its own record.
	gi, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "shardId-000000000000", ShardIteratorType: TrimHorizon})
	require.NoError(t, err)
	gr, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: gi.ShardIterator})
	require.NoError(t, err)
	require.Len(t, gr.Records, 1)
	require.Equal(t, "new", string(gr.Records[0].Data))
}

func TestStreamHandle(t *testing.T) {
	e := newTestEngine(t)
	_, err := e.Stream("nope")
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("nope"))
	mustCreate(t, e, "s", 2)
	st, err := e.Stream("s")
	require.NoError(t, err)
	require.Equal(t, "s", st.Name())
	require.Equal(t, arnOf("s"), st.ARN())
	require.Equal(t, shardIDsOf(mustDescribe(t, e, "s").Shards), shardIDsOf(st.Shards()))
}

// ---- DescribeStream / DescribeStreamSummary ----

func TestDescribeStreamPagination(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 5)
	page := func(limit int, after string) ([]string, bool) {
		t.Helper()
		out, err := e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "s", Limit: limit, ExclusiveStartShardId: after})
		require.NoError(t, err)
		return shardIDsOf(out.StreamDescription.Shards), out.StreamDescription.HasMoreShards
	}
	got, more := page(2, "")
	require.Equal(t, wantIDs(0, 1), got)
	require.True(t, more)
	got, more = page(2, "shardId-000000000001")
	require.Equal(t, wantIDs(2, 3), got)
	require.True(t, more)
	got, more = page(2, "shardId-000000000003")
	require.Equal(t, wantIDs(4), got)
	require.False(t, more)
	got, more = page(0, "shardId-000000000004")
	require.Empty(t, got)
	require.False(t, more)
	got, more = page(5, "")
	require.Equal(t, wantIDs(0, 1, 2, 3, 4), got)
	require.False(t, more, "exactly Limit shards remain: no more")
	got, _ = page(0, "shardId-2") // normalized id, compared by index
	require.Equal(t, wantIDs(3, 4), got)
	got, _ = page(0, "shardId-000000000099") // need not exist
	require.Empty(t, got)

	_, err := e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "s", Limit: 10001})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000"))
	_, err = e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "s", Limit: -1})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value '-1' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"))
	_, err = e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "s", ExclusiveStartShardId: "shard id"})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value 'shard id' at 'exclusiveStartShardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"))
}

func TestDescribeStreamAtMost100Shards(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 150)
	for _, limit := range []int{0, 100, 1000, 10000} {
		out, err := e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "s", Limit: limit})
		require.NoError(t, err)
		require.Len(t, out.StreamDescription.Shards, 100, "limit %d", limit)
		require.True(t, out.StreamDescription.HasMoreShards)
	}
	// The paginator's loop: last returned id as ExclusiveStartShardId.
	var all []string
	after := ""
	for {
		out, err := e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "s", ExclusiveStartShardId: after, Limit: 40})
		require.NoError(t, err)
		ids := shardIDsOf(out.StreamDescription.Shards)
		all = append(all, ids...)
		if !out.StreamDescription.HasMoreShards {
			break
		}
		after = ids[len(ids)-1]
	}
	require.Len(t, all, 150)
	require.Equal(t, "shardId-000000000149", all[149])
}

func TestDescribeStreamClosedShards(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 2)
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000"})
	require.NoError(t, err)
	_, err = e.MergeShards(ctx, &MergeShardsInput{StreamName: "s", ShardToMerge: "shardId-000000000003", AdjacentShardToMerge: "shardId-000000000001"})
	require.NoError(t, err)

	d := mustDescribe(t, e, "s")
	require.Equal(t, wantIDs(0, 1, 2, 3, 4), shardIDsOf(d.Shards))
	closed := map[string]bool{}
	for _, sh := range d.Shards {
		if !sh.SequenceNumberRange.EndingSequenceNumber.IsZero() {
			closed[sh.ShardId] = true
			require.Equal(t, 1, sh.SequenceNumberRange.EndingSequenceNumber.Cmp(sh.SequenceNumberRange.StartingSequenceNumber))
		}
	}
	require.Equal(t, map[string]bool{"shardId-000000000000": true, "shardId-000000000001": true, "shardId-000000000003": true}, closed)
	require.Equal(t, "shardId-000000000000", d.Shards[2].ParentShardId)
	require.Equal(t, "0", d.Shards[2].HashKeyRange.StartingHashKey.String())
	require.Equal(t, "999", d.Shards[2].HashKeyRange.EndingHashKey.String())
	require.Equal(t, "shardId-000000000000", d.Shards[3].ParentShardId)
	require.Equal(t, "1000", d.Shards[3].HashKeyRange.StartingHashKey.String())
	require.Equal(t, "shardId-000000000003", d.Shards[4].ParentShardId)
	require.Equal(t, "shardId-000000000001", d.Shards[4].AdjacentParentShardId)
	require.Equal(t, "1000", d.Shards[4].HashKeyRange.StartingHashKey.String())
	require.Equal(t, MaxHashKey, d.Shards[4].HashKeyRange.EndingHashKey)

	s := mustSummary(t, e, "s")
	require.Equal(t, 2, s.OpenShardCount)
}

func TestDescribeStreamSummary(t *testing.T) {
	ctx := context.Background()
	e, _ := newClockEngine(t)
	mustCreate(t, e, "s", 3)
	s := mustSummary(t, e, "s")
	require.Equal(t, StreamDescriptionSummary{
		StreamName:              "s",
		StreamARN:               arnOf("s"),
		StreamStatus:            StreamStatusActive,
		StreamModeDetails:       StreamModeDetails{StreamMode: StreamModeProvisioned},
		RetentionPeriodHours:    24,
		StreamCreationTimestamp: testEpoch,
		EnhancedMonitoring:      []EnhancedMetrics{{ShardLevelMetrics: []string{}}},
		EncryptionType:          EncryptionNone,
		OpenShardCount:          3,
		MaxRecordSizeInKiB:      1024,
	}, s)

	_, err := e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "s", RetentionPeriodHours: 72})
	require.NoError(t, err)
	_, err = e.StartStreamEncryption(ctx, &StartStreamEncryptionInput{StreamName: "s", EncryptionType: EncryptionKMS, KeyId: "alias/aws/kinesis"})
	require.NoError(t, err)
	_, err = e.EnableEnhancedMonitoring(ctx, &EnableEnhancedMonitoringInput{StreamName: "s", ShardLevelMetrics: []string{"IncomingRecords", "IncomingBytes"}})
	require.NoError(t, err)
	for _, name := range []string{"a", "b"} {
		_, err = e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: name})
		require.NoError(t, err)
	}
	_, err = e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000001", NewStartingHashKey: "150000000000000000000000000000000000000"})
	require.NoError(t, err)

	s = mustSummary(t, e, "s")
	require.Equal(t, 72, s.RetentionPeriodHours)
	require.Equal(t, EncryptionKMS, s.EncryptionType)
	require.Equal(t, "alias/aws/kinesis", s.KeyId)
	require.Equal(t, []EnhancedMetrics{{ShardLevelMetrics: []string{"IncomingBytes", "IncomingRecords"}}}, s.EnhancedMonitoring)
	require.Equal(t, 2, s.ConsumerCount)
	require.Equal(t, 4, s.OpenShardCount)
	require.Nil(t, s.WarmThroughput, "provisioned streams report no warm throughput")

	d := mustDescribe(t, e, "s")
	require.Equal(t, s.EnhancedMonitoring, d.EnhancedMonitoring)
	require.Equal(t, EncryptionKMS, d.EncryptionType)
	require.Equal(t, "alias/aws/kinesis", d.KeyId)
	require.Equal(t, 72, d.RetentionPeriodHours)

	_, err = e.DescribeStreamSummary(ctx, &DescribeStreamSummaryInput{StreamName: "nope"})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("nope"))
}

// ---- ListStreams ----

func TestListStreamsOrderAndLimit(t *testing.T) {
	ctx := context.Background()
	e, _ := newClockEngine(t)
	for _, n := range []string{"b", "a", "B", "a.b", "a-b", "_z", "0"} {
		mustCreate(t, e, n, 1)
	}
	want := []string{"0", "B", "_z", "a", "a-b", "a.b", "b"} // byte order
	out, err := e.ListStreams(ctx, &ListStreamsInput{})
	require.NoError(t, err)
	require.Equal(t, want, out.StreamNames)
	require.False(t, out.HasMoreStreams)
	require.Empty(t, out.NextToken)
	require.Len(t, out.StreamSummaries, len(want))
	for i, s := range out.StreamSummaries {
		require.Equal(t, StreamSummary{
			StreamName:              want[i],
			StreamARN:               arnOf(want[i]),
			StreamStatus:            StreamStatusActive,
			StreamModeDetails:       StreamModeDetails{StreamMode: StreamModeProvisioned},
			StreamCreationTimestamp: testEpoch,
		}, s)
	}

	out, err = e.ListStreams(ctx, &ListStreamsInput{Limit: 3})
	require.NoError(t, err)
	require.Equal(t, want[:3], out.StreamNames)
	require.True(t, out.HasMoreStreams)
	require.NotEmpty(t, out.NextToken)

	out, err = e.ListStreams(ctx, &ListStreamsInput{ExclusiveStartStreamName: "a"})
	require.NoError(t, err)
	require.Equal(t, want[4:], out.StreamNames)
	out, err = e.ListStreams(ctx, &ListStreamsInput{ExclusiveStartStreamName: "a0", Limit: 1})
	require.NoError(t, err)
	require.Equal(t, []string{"b"}, out.StreamNames, "the start name need not exist")
	require.False(t, out.HasMoreStreams)
	out, err = e.ListStreams(ctx, &ListStreamsInput{ExclusiveStartStreamName: "b"})
	require.NoError(t, err)
	require.Empty(t, out.StreamNames)
	require.NotNil(t, out.StreamNames)

	_, err = e.ListStreams(ctx, &ListStreamsInput{Limit: 10001})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000"))
	_, err = e.ListStreams(ctx, &ListStreamsInput{ExclusiveStartStreamName: "a b"})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value 'a b' at 'exclusiveStartStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"))
}

func TestListStreamsNextTokenPagination(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t)
	var want []string
	for i := range 250 {
		n := fmt.Sprintf("stream-%03d", i)
		want = append(want, n)
		mustCreate(t, e, n, 1)
	}
	var got []string
	var sizes []int
	in := &ListStreamsInput{}
	for {
		out, err := e.ListStreams(ctx, in)
		require.NoError(t, err)
		got = append(got, out.StreamNames...)
		sizes = append(sizes, len(out.StreamNames))
		require.Equal(t, out.HasMoreStreams, out.NextToken != "", "NextToken whenever HasMoreStreams")
		if !out.HasMoreStreams {
			break
		}
		clk.Advance(time.Second)
		in = &ListStreamsInput{NextToken: out.NextToken}
	}
	require.Equal(t, []int{100, 100, 50}, sizes)
	require.Equal(t, want, got)

	big, err := e.ListStreams(ctx, &ListStreamsInput{Limit: 10000})
	require.NoError(t, err)
	require.Len(t, big.StreamNames, 100, "at most 100 per call")
	require.True(t, big.HasMoreStreams)

	// With a smaller Limit alongside NextToken.
	out, err := e.ListStreams(ctx, &ListStreamsInput{Limit: 10})
	require.NoError(t, err)
	out2, err := e.ListStreams(ctx, &ListStreamsInput{NextToken: out.NextToken, Limit: 5})
	require.NoError(t, err)
	require.Equal(t, want[10:15], out2.StreamNames)
}

func TestListStreamsNextTokenErrors(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t)
	for _, n := range []string{"a", "b", "c"} {
		mustCreate(t, e, n, 1)
	}
	out, err := e.ListStreams(ctx, &ListStreamsInput{Limit: 1})
	require.NoError(t, err)
	tok := out.NextToken

	_, err = e.ListStreams(ctx, &ListStreamsInput{NextToken: tok, ExclusiveStartStreamName: "a"})
	requireKinesisError(t, err, ErrInvalidArgument, "NextToken and ExclusiveStartStreamName cannot be provided together.")

	raw, err := base64.StdEncoding.DecodeString(tok)
	require.NoError(t, err)
	raw[len(raw)/2] ^= 1
	_, err = e.ListStreams(ctx, &ListStreamsInput{NextToken: base64.StdEncoding.EncodeToString(raw)})
	requireKinesisError(t, err, ErrInvalidArgument, "Invalid NextToken.")
	_, err = e.ListStreams(ctx, &ListStreamsInput{NextToken: "not a token"})
	requireKinesisError(t, err, ErrInvalidArgument, "Invalid NextToken.")
	other := newTestEngine(t)
	_, err = other.ListStreams(ctx, &ListStreamsInput{NextToken: tok})
	requireKinesisError(t, err, ErrInvalidArgument, "Invalid NextToken.")
	ls, err := e.ListShards(ctx, &ListShardsInput{StreamName: "a"})
	require.NoError(t, err)
	require.Empty(t, ls.NextToken)

	clk.Advance(300 * time.Second)
	out, err = e.ListStreams(ctx, &ListStreamsInput{NextToken: tok})
	require.NoError(t, err, "a token is valid for 300 s")
	require.Equal(t, []string{"b", "c"}, out.StreamNames)

	clk.Advance(time.Second)
	_, err = e.ListStreams(ctx, &ListStreamsInput{NextToken: tok})
	requireKinesisError(t, err, ErrExpiredNextToken, "The token has expired. NextToken was issued at Fri Mar 14 09:26:53 UTC 2025 and is only valid for 300 seconds.")
}

// ---- StreamName vs StreamARN ----

func TestStreamAddressing(t *testing.T) {
	ctx := context.Background()
	ops := []struct {
		name string
		call func(e *Engine, name, arn string) error
	}{
		{"DescribeStream", func(e *Engine, name, arn string) error {
			_, err := e.DescribeStream(ctx, &DescribeStreamInput{StreamName: name, StreamARN: arn})
			return err
		}},
		{"DescribeStreamSummary", func(e *Engine, name, arn string) error {
			_, err := e.DescribeStreamSummary(ctx, &DescribeStreamSummaryInput{StreamName: name, StreamARN: arn})
			return err
		}},
		{"PutRecord", func(e *Engine, name, arn string) error {
			_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: name, StreamARN: arn, PartitionKey: "k"})
			return err
		}},
		{"PutRecords", func(e *Engine, name, arn string) error {
			_, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: name, StreamARN: arn, Records: []PutRecordsRequestEntry{{PartitionKey: "k"}}})
			return err
		}},
		{"GetShardIterator", func(e *Engine, name, arn string) error {
			_, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: name, StreamARN: arn, ShardId: "shardId-000000000000", ShardIteratorType: Latest})
			return err
		}},
		{"AddTagsToStream", func(e *Engine, name, arn string) error {
			_, err := e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: name, StreamARN: arn, Tags: map[string]string{"k": "v"}})
			return err
		}},
		{"RemoveTagsFromStream", func(e *Engine, name, arn string) error {
			_, err := e.RemoveTagsFromStream(ctx, &RemoveTagsFromStreamInput{StreamName: name, StreamARN: arn, TagKeys: []string{"k"}})
			return err
		}},
		{"ListTagsForStream", func(e *Engine, name, arn string) error {
			_, err := e.ListTagsForStream(ctx, &ListTagsForStreamInput{StreamName: name, StreamARN: arn})
			return err
		}},
		{"IncreaseStreamRetentionPeriod", func(e *Engine, name, arn string) error {
			_, err := e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: name, StreamARN: arn, RetentionPeriodHours: 24})
			return err
		}},
		{"DecreaseStreamRetentionPeriod", func(e *Engine, name, arn string) error {
			_, err := e.DecreaseStreamRetentionPeriod(ctx, &DecreaseStreamRetentionPeriodInput{StreamName: name, StreamARN: arn, RetentionPeriodHours: 24})
			return err
		}},
		{"EnableEnhancedMonitoring", func(e *Engine, name, arn string) error {
			_, err := e.EnableEnhancedMonitoring(ctx, &EnableEnhancedMonitoringInput{StreamName: name, StreamARN: arn, ShardLevelMetrics: []string{"IncomingBytes"}})
			return err
		}},
		{"StartStreamEncryption", func(e *Engine, name, arn string) error {
			_, err := e.StartStreamEncryption(ctx, &StartStreamEncryptionInput{StreamName: name, StreamARN: arn, EncryptionType: EncryptionKMS, KeyId: "alias/aws/kinesis"})
			return err
		}},
		{"UpdateMaxRecordSize", func(e *Engine, name, arn string) error {
			_, err := e.UpdateMaxRecordSize(ctx, &UpdateMaxRecordSizeInput{StreamName: name, StreamARN: arn, MaxRecordSizeInKiB: 2048})
			return err
		}},
		{"UpdateShardCount", func(e *Engine, name, arn string) error {
			_, err := e.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: name, StreamARN: arn, TargetShardCount: 2, ScalingType: UniformScaling})
			return err
		}},
		{"ListShards", func(e *Engine, name, arn string) error {
			_, err := e.ListShards(ctx, &ListShardsInput{StreamName: name, StreamARN: arn})
			return err
		}},
		{"DeleteStream", func(e *Engine, name, arn string) error {
			_, err := e.DeleteStream(ctx, &DeleteStreamInput{StreamName: name, StreamARN: arn})
			return err
		}},
	}
	const otherAccount = "arn:aws:kinesis:us-east-1:111111111111:stream/s"
	const otherRegion = "arn:aws:kinesis:eu-west-1:000000000000:stream/s"
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			fresh := func() *Engine {
				e := newTestEngine(t)
				mustCreate(t, e, "s", 1)
				mustCreate(t, e, "other", 1)
				return e
			}
			require.NoError(t, op.call(fresh(), "", arnOf("s")), "ARN only")
			require.NoError(t, op.call(fresh(), "s", arnOf("s")), "both, consistent")
			require.NoError(t, op.call(fresh(), "s", ""), "name only")

			e := fresh()
			err := op.call(e, "other", arnOf("s"))
			requireKinesisError(t, err, ErrInvalidArgument, "StreamName other and StreamARN "+arnOf("s")+" do not refer to the same stream.")

			err = op.call(e, "", "")
			msg := "Either StreamName or StreamARN must be provided."
			if op.name == "ListShards" {
				msg = "Either NextToken or StreamName should be provided."
			}
			requireKinesisError(t, err, ErrInvalidArgument, msg)

			for _, arn := range []string{otherAccount, otherRegion} {
				err = op.call(e, "", arn)
				require.ErrorIs(t, err, ErrResourceNotFound, arn)
				if op.name != "GetShardIterator" {
					var kerr *Error
					require.ErrorAs(t, err, &kerr)
					require.True(t, strings.HasPrefix(kerr.Message, "Stream s under account "), kerr.Message)
					require.True(t, strings.HasSuffix(kerr.Message, " not found."), kerr.Message)
				}
			}

			err = op.call(e, "", arnOf("missing"))
			if op.name == "GetShardIterator" {
				requireKinesisError(t, err, ErrResourceNotFound, "Shard shardId-000000000000 in stream missing under account 000000000000 does not exist")
			} else {
				requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("missing"))
			}

			err = op.call(e, "", "arn:aws:sqs:us-east-1:000000000000:queue")
			requireKinesisError(t, err, ErrValidation, validationMessage(
				`Value 'arn:aws:sqs:us-east-1:000000000000:queue' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\d{12}:stream/\S+`))

			// None of the failures above changed s.
			d := mustDescribe(t, e, "s")
			require.Equal(t, StreamStatusActive, d.StreamStatus)
			require.Len(t, d.Shards, 1)
		})
	}
}

// TestDeleteWhileCreatingListsNoShards checks that a stream deleted while
// CREATING lists no shards while DELETING, as in Kinesis (it never listed
// any), while a stream deleted when ACTIVE still lists its shards.
func TestDeleteWhileCreatingListsNoShards(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t, WithStateDelays(StateDelays{Create: 30 * time.Second, Delete: 30 * time.Second}))
	mustCreate(t, e, "early", 2)
	clk.Advance(time.Second)
	_, err := e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "early"})
	require.NoError(t, err)
	clk.Advance(10 * time.Second) // within DELETING

	d := mustDescribe(t, e, "early")
	require.Equal(t, StreamStatusDeleting, d.StreamStatus)
	require.Empty(t, d.Shards)
	s := mustSummary(t, e, "early")
	require.Equal(t, StreamStatusDeleting, s.StreamStatus)
	require.Zero(t, s.OpenShardCount)
	ls, err := e.ListShards(ctx, &ListShardsInput{StreamName: "early"})
	require.NoError(t, err)
	require.Empty(t, ls.Shards)
	require.Empty(t, ls.NextToken)

	mustCreate(t, e, "late", 2)
	clk.Advance(31 * time.Second)
	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "late"})
	require.NoError(t, err)
	d = mustDescribe(t, e, "late")
	require.Equal(t, StreamStatusDeleting, d.StreamStatus)
	require.Len(t, d.Shards, 2, "a stream deleted when ACTIVE lists its shards until it is gone")
	ls, err = e.ListShards(ctx, &ListShardsInput{StreamName: "late"})
	require.NoError(t, err)
	require.Len(t, ls.Shards, 2)
}
