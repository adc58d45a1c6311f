package wire

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// validationMessage returns the message of a ValidationException, "" for
// nil, or fails the test if err is anything else.
func validationMessage(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var ferr *freshet.Error
	require.ErrorAs(t, err, &ferr, "error = %v, want a ValidationException", err)
	require.Equal(t, "ValidationException", ferr.Code, "error = %v, want a ValidationException", err)
	return ferr.Message
}

func TestValidate(t *testing.T) {
	const (
		nameShape = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
		tooShort1 = "Member must have length greater than or equal to 1"
	)
	arn := "arn:aws:kinesis:us-east-1:123456789012:stream/s"
	tests := []struct {
		name string
		req  Request
		want string
	}{
		// Production examples (docs/kinesis-notes.md §8.1 and §5).
		{"GetShardIterator {}", &GetShardIteratorRequest{},
			"2 validation errors detected: Value null at 'shardId' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'shardIteratorType' failed to satisfy constraint: Member must not be null"},
		{"GetRecords limit", &GetRecordsRequest{ShardIterator: ptr("it"), Limit: ptr[int32](100000)},
			"1 validation error detected: Value '100000' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000"},
		{"CreateStream shardCount 0", &CreateStreamRequest{StreamName: ptr("s"), ShardCount: ptr[int32](0)},
			"1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"PutRecord data too long", &PutRecordRequest{StreamName: ptr("s"), Data: make([]byte, 10485761), PartitionKey: ptr("p")},
			"1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 cap=10485761]' at 'data' " +
				"failed to satisfy constraint: Member must have length less than or equal to 10485760"},
		{"empty stream name: pattern, then length", &DescribeStreamRequest{StreamName: ptr("")},
			"2 validation errors detected: Value '' at 'streamName' failed to satisfy constraint: " + nameShape +
				"; Value '' at 'streamName' failed to satisfy constraint: " + tooShort1},
		{"shard iterator type enum in production order", &GetShardIteratorRequest{ShardId: ptr("shardId-0"), ShardIteratorType: ptr("latest")},
			"1 validation error detected: Value 'latest' at 'shardIteratorType' failed to satisfy constraint: " +
				"Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]"},

		// Every kind of constraint.
		{"valid", &GetShardIteratorRequest{StreamName: ptr("a-B_c.9"), ShardId: ptr("shardId-000000000000"),
			ShardIteratorType: ptr("AT_SEQUENCE_NUMBER"), StartingSequenceNumber: ptr("49554468589304656985365895156298971236367941927203518530"),
			StreamARN: ptr(arn), StreamId: ptr("abcdefghij0123456789-abc")}, ""},
		{"name too long, bad characters", &DescribeStreamSummaryRequest{StreamName: ptr(strings.Repeat("é", 129))},
			"2 validation errors detected: Value '" + strings.Repeat("é", 129) + "' at 'streamName' failed to satisfy constraint: " + nameShape +
				"; Value '" + strings.Repeat("é", 129) + "' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"pattern is anchored", &DescribeStreamRequest{StreamName: ptr("ok name")},
			"1 validation error detected: Value 'ok name' at 'streamName' failed to satisfy constraint: " + nameShape},
		{"hash key pattern", &SplitShardRequest{ShardToSplit: ptr("s"), NewStartingHashKey: ptr("0123")},
			"1 validation error detected: Value '0123' at 'newStartingHashKey' failed to satisfy constraint: " +
				`Member must satisfy regular expression pattern: 0|([1-9]\d{0,38})`},
		{"hash key too long", &PutRecordRequest{Data: []byte{}, PartitionKey: ptr("p"), ExplicitHashKey: ptr("1" + strings.Repeat("0", 39))},
			"1 validation error detected: Value '1" + strings.Repeat("0", 39) + "' at 'explicitHashKey' failed to satisfy constraint: " +
				`Member must satisfy regular expression pattern: 0|([1-9]\d{0,38})`},
		{"sequence number pattern", &PutRecordRequest{Data: []byte{}, PartitionKey: ptr("p"), SequenceNumberForOrdering: ptr("-1")},
			"1 validation error detected: Value '-1' at 'sequenceNumberForOrdering' failed to satisfy constraint: " +
				`Member must satisfy regular expression pattern: 0|([1-9]\d{0,128})`},
		{"stream ARN pattern", &DescribeStreamRequest{StreamARN: ptr("arn:aws:kinesis:us-east-1:1234:stream/s")},
			"1 validation error detected: Value 'arn:aws:kinesis:us-east-1:1234:stream/s' at 'streamARN' failed to satisfy constraint: " +
				`Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\d{12}:stream/\S+`},
		{"consumer ARN pattern", &SubscribeToShardRequest{ConsumerARN: ptr(arn + "/consumer/c"), ShardId: ptr("s"),
			StartingPosition: &StartingPosition{Type: ptr("LATEST")}},
			"1 validation error detected: Value '" + arn + "/consumer/c' at 'consumerARN' failed to satisfy constraint: " +
				`Member must satisfy regular expression pattern: ^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+$`},
		{"valid consumer ARN", &DescribeStreamConsumerRequest{ConsumerARN: ptr(arn + "/consumer/c:1700000000")}, ""},
		{"resource ARN accepts consumers", &ListTagsForResourceRequest{ResourceARN: ptr(arn + "/consumer/c:1700000000")}, ""},
		{"stream id pattern", &DescribeStreamRequest{StreamId: ptr("x")},
			"1 validation error detected: Value 'x' at 'streamId' failed to satisfy constraint: " +
				`Member must satisfy regular expression pattern: [a-z0-9]{20}-[a-z0-9]{3}`},
		{"partition key counted in UTF-16 units", &PutRecordRequest{Data: []byte{}, PartitionKey: ptr(strings.Repeat("😀", 129))},
			"1 validation error detected: Value '" + strings.Repeat("😀", 129) + "' at 'partitionKey' failed to satisfy constraint: " +
				"Member must have length less than or equal to 256"},
		{"partition key of 256 characters", &PutRecordRequest{Data: []byte{}, PartitionKey: ptr(strings.Repeat("é", 256))}, ""},
		{"empty partition key", &PutRecordRequest{Data: []byte{}, PartitionKey: ptr("")},
			"1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: " + tooShort1},
		{"empty data is fine", &PutRecordRequest{Data: []byte{}, PartitionKey: ptr("p")}, ""},
		{"maximum data is fine", &PutRecordRequest{Data: make([]byte, 10485760), PartitionKey: ptr("p")}, ""},
		{"max record size range", &UpdateMaxRecordSizeRequest{MaxRecordSizeInKiB: ptr[int32](1023)},
			"1 validation error detected: Value '1023' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024"},
		{"warm throughput may be 0", &UpdateStreamWarmThroughputRequest{WarmThroughputMiBps: ptr[int32](0)}, ""},
		{"warm throughput negative", &UpdateStreamWarmThroughputRequest{WarmThroughputMiBps: ptr[int32](-1)},
			"1 validation error detected: Value '-1' at 'warmThroughputMiBps' failed to satisfy constraint: Member must have value greater than or equal to 0"},
		{"retention has no model range", &IncreaseStreamRetentionPeriodRequest{RetentionPeriodHours: ptr[int32](-5)}, ""},
		{"list tags limit", &ListTagsForStreamRequest{Limit: ptr[int32](51)},
			"1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50"},
		{"next token length", &ListStreamsRequest{NextToken: ptr("")},
			"1 validation error detected: Value '' at 'nextToken' failed to satisfy constraint: " + tooShort1},
		{"shard iterator too long", &GetRecordsRequest{ShardIterator: ptr(strings.Repeat("a", 513))},
			"1 validation error detected: Value '" + strings.Repeat("a", 513) + "' at 'shardIterator' failed to satisfy constraint: Member must have length less than or equal to 512"},
		{"nested required member", &CreateStreamRequest{StreamName: ptr("s"), StreamModeDetails: &StreamModeDetails{}},
			"1 validation error detected: Value null at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must not be null"},
		{"nested enum", &UpdateStreamModeRequest{StreamARN: ptr(arn), StreamModeDetails: &StreamModeDetails{StreamMode: ptr("ONDEMAND")}},
			"1 validation error detected: Value 'ONDEMAND' at 'streamModeDetails.streamMode' failed to satisfy constraint: " +
				"Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]"},
		{"shard filter", &ListShardsRequest{ShardFilter: &ShardFilter{Type: ptr("X"), ShardId: ptr("")}},
			"3 validation errors detected: Value 'X' at 'shardFilter.type' failed to satisfy constraint: " +
				"Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]; " +
				"Value '' at 'shardFilter.shardId' failed to satisfy constraint: " + nameShape + "; " +
				"Value '' at 'shardFilter.shardId' failed to satisfy constraint: " + tooShort1},
		{"starting position", &SubscribeToShardRequest{ConsumerARN: ptr(arn + "/consumer/c:1"), ShardId: ptr("s"),
			StartingPosition: &StartingPosition{SequenceNumber: ptr("x")}},
			"2 validation errors detected: Value null at 'startingPosition.type' failed to satisfy constraint: Member must not be null; " +
				"Value 'x' at 'startingPosition.sequenceNumber' failed to satisfy constraint: " +
				`Member must satisfy regular expression pattern: 0|([1-9]\d{0,128})`},
		{"encryption type enum", &StartStreamEncryptionRequest{EncryptionType: ptr("AES"), KeyId: ptr("k")},
			"1 validation error detected: Value 'AES' at 'encryptionType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, KMS]"},
		{"scaling type enum", &UpdateShardCountRequest{TargetShardCount: ptr[int32](0), ScalingType: ptr("")},
			"2 validation errors detected: Value '0' at 'targetShardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
				"Value '' at 'scalingType' failed to satisfy constraint: Member must satisfy enum value set: [UNIFORM_SCALING]"},
		{"account settings status", &UpdateAccountSettingsRequest{MinimumThroughputBillingCommitment: &MinimumThroughputBillingCommitmentInput{
			Status: ptr("ENABLED_UNTIL_EARLIEST_ALLOWED_END")}},
			"1 validation error detected: Value 'ENABLED_UNTIL_EARLIEST_ALLOWED_END' at 'minimumThroughputBillingCommitment.status' " +
				"failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]"},
		{"policy has no constraints", &PutResourcePolicyRequest{ResourceARN: ptr(arn), Policy: ptr("")}, ""},

		// Lists and maps.
		{"metrics list empty", &EnableEnhancedMonitoringRequest{ShardLevelMetrics: []string{}},
			"1 validation error detected: Value '[]' at 'shardLevelMetrics' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"metrics list members", &EnableEnhancedMonitoringRequest{ShardLevelMetrics: []string{"ALL", "Bytes"}},
			"1 validation error detected: Value '[ALL, Bytes]' at 'shardLevelMetrics' failed to satisfy constraint: Member must satisfy constraint: " +
				"[Member must satisfy enum value set: [IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, " +
				"ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]]"},
		{"metrics list too long", &DisableEnhancedMonitoringRequest{ShardLevelMetrics: []string{"ALL", "ALL", "ALL", "ALL", "ALL", "ALL", "ALL", "ALL"}},
			"1 validation error detected: Value '[ALL, ALL, ALL, ALL, ALL, ALL, ALL, ALL]' at 'shardLevelMetrics' failed to satisfy constraint: " +
				"Member must have length less than or equal to 7"},
		{"tag keys members", &RemoveTagsFromStreamRequest{TagKeys: []string{"a", ""}},
			"1 validation error detected: Value '[a, ]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: " +
				"[Member must have length less than or equal to 128, Member must have length greater than or equal to 1]"},
		{"tag keys too many", &UntagResourceRequest{ResourceARN: ptr(arn), TagKeys: make([]string, 51)},
			"2 validation errors detected: Value '[" + strings.Repeat(", ", 50) + "]' at 'tagKeys' failed to satisfy constraint: " +
				"Member must have length less than or equal to 50; Value '[" + strings.Repeat(", ", 50) + "]' at 'tagKeys' failed to satisfy constraint: " +
				"Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]"},
		{"tags empty map", &AddTagsToStreamRequest{Tags: map[string]string{}},
			"1 validation error detected: Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"tag keys and values", &TagResourceRequest{ResourceARN: ptr(arn), Tags: map[string]string{"b": strings.Repeat("v", 257), "": "x"}},
			"2 validation errors detected: Value '{=x, b=" + strings.Repeat("v", 257) + "}' at 'tags' failed to satisfy constraint: " +
				"Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]; " +
				"Value '{=x, b=" + strings.Repeat("v", 257) + "}' at 'tags' failed to satisfy constraint: " +
				"Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]"},
		{"empty tag value is fine", &CreateStreamRequest{StreamName: ptr("s"), Tags: map[string]string{"k": ""}}, ""},
		{"records entries", &PutRecordsRequest{StreamName: ptr("s"), Records: []PutRecordsRequestEntry{
			{Data: []byte{}, PartitionKey: ptr("ok")},
			{},
			{Data: []byte{1}, PartitionKey: ptr(""), ExplicitHashKey: ptr("x")},
		}},
			"4 validation errors detected: Value null at 'records.2.member.data' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'records.2.member.partitionKey' failed to satisfy constraint: Member must not be null; " +
				"Value 'x' at 'records.3.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); " +
				"Value '' at 'records.3.member.partitionKey' failed to satisfy constraint: " + tooShort1},
		{"records empty", &PutRecordsRequest{Records: []PutRecordsRequestEntry{}},
			"1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"required members first in member order", &PutRecordsRequest{StreamName: ptr("")},
			"3 validation errors detected: Value null at 'records' failed to satisfy constraint: Member must not be null; " +
				"Value '' at 'streamName' failed to satisfy constraint: " + nameShape + "; " +
				"Value '' at 'streamName' failed to satisfy constraint: " + tooShort1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, validationMessage(t, tt.req.Validate()), "message")
		})
	}
}

func TestValidateTooManyRecords(t *testing.T) {
	records := make([]PutRecordsRequestEntry, 501)
	for i := range records {
		records[i] = PutRecordsRequestEntry{Data: []byte("d"), PartitionKey: ptr("p")}
	}
	msg := validationMessage(t, (&PutRecordsRequest{StreamName: ptr("s"), Records: records}).Validate())
	entry := "com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@"
	assert.True(t, strings.HasPrefix(msg, "1 validation error detected: Value '["+entry), "message = %.300q...", msg)
	assert.True(t, strings.HasSuffix(msg, "]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500"), "message = ...%.300q", msg[max(0, len(msg)-300):])
	assert.Equal(t, 501, strings.Count(msg, entry), "entries in message = %.300q...", msg)
}

func TestValidateListsAtMostTenViolations(t *testing.T) {
	records := make([]PutRecordsRequestEntry, 6)
	msg := validationMessage(t, (&PutRecordsRequest{Records: records}).Validate())
	assert.True(t, strings.HasPrefix(msg, "10 validation errors detected: "), "message = %q", msg)
	assert.Equal(t, 10, strings.Count(msg, "Value null"), "message = %q", msg)

	// 501 bad entries: the count agrees with the 10 violations listed.
	records = make([]PutRecordsRequestEntry, 501)
	for i := range records {
		records[i] = PutRecordsRequestEntry{Data: []byte("d"), PartitionKey: ptr(""), ExplicitHashKey: ptr("x")}
	}
	msg = validationMessage(t, (&PutRecordsRequest{StreamName: ptr("s"), Records: records}).Validate())
	assert.True(t, strings.HasPrefix(msg, "10 validation errors detected: Value '["), "message = %.300q", msg)
	assert.Equal(t, 10, strings.Count(msg, " failed to satisfy constraint: "), "message = %q", msg)
}

// TestValidateRequiredMembers checks, for every operation, that an empty
// request reports exactly the model's required members, in member order.
func TestValidateRequiredMembers(t *testing.T) {
	requiredMembers := map[string][]string{
		"AddTagsToStream":               {"tags"},
		"CreateStream":                  {"streamName"},
		"DecreaseStreamRetentionPeriod": {"retentionPeriodHours"},
		"DeleteResourcePolicy":          {"resourceARN"},
		"DeleteStream":                  {},
		"DeregisterStreamConsumer":      {},
		"DescribeAccountSettings":       {},
		"DescribeLimits":                {},
		"DescribeStream":                {},
		"DescribeStreamConsumer":        {},
		"DescribeStreamSummary":         {},
		"DisableEnhancedMonitoring":     {"shardLevelMetrics"},
		"EnableEnhancedMonitoring":      {"shardLevelMetrics"},
		"GetRecords":                    {"shardIterator"},
		"GetResourcePolicy":             {"resourceARN"},
		"GetShardIterator":              {"shardId", "shardIteratorType"},
		"IncreaseStreamRetentionPeriod": {"retentionPeriodHours"},
		"ListShards":                    {},
		"ListStreamConsumers":           {"streamARN"},
		"ListStreams":                   {},
		"ListTagsForResource":           {"resourceARN"},
		"ListTagsForStream":             {},
		"MergeShards":                   {"shardToMerge", "adjacentShardToMerge"},
		"PutRecord":                     {"data", "partitionKey"},
		"PutRecords":                    {"records"},
		"PutResourcePolicy":             {"resourceARN", "policy"},
		"RegisterStreamConsumer":        {"streamARN", "consumerName"},
		"RemoveTagsFromStream":          {"tagKeys"},
		"SplitShard":                    {"shardToSplit", "newStartingHashKey"},
		"StartStreamEncryption":         {"encryptionType", "keyId"},
		"StopStreamEncryption":          {"encryptionType", "keyId"},
		"SubscribeToShard":              {"consumerARN", "shardId", "startingPosition"},
		"TagResource":                   {"tags", "resourceARN"},
		"UntagResource":                 {"tagKeys", "resourceARN"},
		"UpdateAccountSettings":         {"minimumThroughputBillingCommitment"},
		"UpdateMaxRecordSize":           {"maxRecordSizeInKiB"},
		"UpdateShardCount":              {"targetShardCount", "scalingType"},
		"UpdateStreamMode":              {"streamARN", "streamModeDetails"},
		"UpdateStreamWarmThroughput":    {"warmThroughputMiBps"},
	}
	for _, op := range Operations {
		paths, ok := requiredMembers[op.Name]
		if !assert.True(t, ok, "%s: not in the table", op.Name) {
			continue
		}
		var vs []freshet.Violation
		for _, p := range paths {
			vs = append(vs, freshet.Violation{Null: true, Path: p, Constraint: "Member must not be null"})
		}
		want := ""
		if e := freshet.NewValidationError(vs...); e != nil {
			want = e.Message
		}
		assert.Equal(t, want, validationMessage(t, op.NewRequest().Validate()), "%s {}", op.Name)
	}
}

func TestValidateReturnsUntypedNil(t *testing.T) {
	// NoError compares the interface with nil, so a typed nil fails it.
	require.NoError(t, (&DescribeLimitsRequest{}).Validate())
	require.NoError(t, (&ListStreamsRequest{}).Validate())
}
