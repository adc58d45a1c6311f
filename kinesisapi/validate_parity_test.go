package kinesisapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// TestValidationParity feeds the same bad inputs to the engine, as Go
// inputs, and to the wire handler, as the JSON an SDK sends for them (a
// member holding its zero value left out), and requires the same
// ValidationException from both: the engine and the wire check one table
// of constraints per operation (internal/constraint).
func TestValidationParity(t *testing.T) {
	const arn = "arn:aws:kinesis:us-east-1:000000000000:stream/s"
	long := func(s string, n int) string { return strings.Repeat(s, n) }
	entries := func(n int, e freshet.PutRecordsRequestEntry) []freshet.PutRecordsRequestEntry {
		out := make([]freshet.PutRecordsRequestEntry, n)
		for i := range out {
			out[i] = e
		}
		return out
	}
	ok := freshet.PutRecordsRequestEntry{Data: []byte("d"), PartitionKey: "k"}
	tests := []struct {
		name string
		op   string
		in   any // the engine's *XxxInput
	}{
		// PutRecords: entries' members in model order, rendered as Kinesis
		// renders them, at most ten violations.
		{"records entries", "PutRecords", &freshet.PutRecordsInput{StreamName: "s", Records: []freshet.PutRecordsRequestEntry{
			ok, {Data: []byte("d")}, {PartitionKey: "k", ExplicitHashKey: "x"}, {PartitionKey: long("😀", 129), ExplicitHashKey: "01"},
		}}},
		{"records too many", "PutRecords", &freshet.PutRecordsInput{StreamName: "s", Records: entries(501, ok)}},
		{"records empty", "PutRecords", &freshet.PutRecordsInput{StreamName: "s", Records: []freshet.PutRecordsRequestEntry{}}},
		{"records missing, bad name", "PutRecords", &freshet.PutRecordsInput{StreamName: "a b"}},
		{"records: ten listed", "PutRecords", &freshet.PutRecordsInput{StreamName: "s", Records: entries(12, freshet.PutRecordsRequestEntry{ExplicitHashKey: "-1"})}},
		{"records data too long", "PutRecords", &freshet.PutRecordsInput{StreamName: "s", Records: []freshet.PutRecordsRequestEntry{
			ok, {PartitionKey: "k", Data: make([]byte, 10<<20+1)}}}},

		{"PutRecord members in model order", "PutRecord", &freshet.PutRecordInput{StreamName: "a b", StreamARN: "arn:x",
			ExplicitHashKey: "1" + long("0", 39), SequenceNumberForOrdering: "x"}},
		{"PutRecord data too long", "PutRecord", &freshet.PutRecordInput{StreamName: "s", PartitionKey: "k", Data: make([]byte, 10<<20+1)}},
		{"PutRecord partition key in UTF-16 units", "PutRecord", &freshet.PutRecordInput{StreamName: "s", PartitionKey: long("😀", 129)}},

		{"GetShardIterator empty", "GetShardIterator", &freshet.GetShardIteratorInput{}},
		{"GetShardIterator type and sequence number", "GetShardIterator", &freshet.GetShardIteratorInput{StreamName: "s",
			ShardId: "shardId-000000000000", ShardIteratorType: "latest", StartingSequenceNumber: "01"}},
		{"GetRecords", "GetRecords", &freshet.GetRecordsInput{ShardIterator: long("a", 513), Limit: 10001, StreamARN: "arn"}},
		{"GetRecords no iterator", "GetRecords", &freshet.GetRecordsInput{Limit: -1}},

		{"CreateStream name in UTF-16 units", "CreateStream", &freshet.CreateStreamInput{StreamName: long("😀", 65), ShardCount: -1}},
		{"CreateStream mode, sizes", "CreateStream", &freshet.CreateStreamInput{StreamName: "s",
			StreamModeDetails: &freshet.StreamModeDetails{StreamMode: "SERVERLESS"}, MaxRecordSizeInKiB: 1023, WarmThroughputMiBps: -1}},
		{"CreateStream empty mode", "CreateStream", &freshet.CreateStreamInput{StreamName: "s", StreamModeDetails: &freshet.StreamModeDetails{}}},
		{"CreateStream tag keys and values", "CreateStream", &freshet.CreateStreamInput{StreamName: "s", ShardCount: 1,
			Tags: map[string]string{"": "v", "k": long("v", 257), long("k", 129): "v"}}},
		{"CreateStream empty tags", "CreateStream", &freshet.CreateStreamInput{StreamName: "s", ShardCount: 1, Tags: map[string]string{}}},
		{"DeleteStream", "DeleteStream", &freshet.DeleteStreamInput{StreamName: long("s", 129)}},
		{"DescribeStream", "DescribeStream", &freshet.DescribeStreamInput{StreamName: "a b", Limit: 10001, ExclusiveStartShardId: "x y", StreamARN: "arn"}},
		{"DescribeStreamSummary", "DescribeStreamSummary", &freshet.DescribeStreamSummaryInput{StreamARN: arn + " "}},
		{"ListStreams", "ListStreams", &freshet.ListStreamsInput{Limit: -5, ExclusiveStartStreamName: "a/b"}},
		{"ListShards members in model order", "ListShards", &freshet.ListShardsInput{StreamName: "a b", ExclusiveStartShardId: "x y",
			MaxResults: 10001, StreamARN: "arn", ShardFilter: &freshet.ShardFilter{Type: "X", ShardId: "a b"}}},
		{"ListShards filter without type", "ListShards", &freshet.ListShardsInput{StreamName: "s", ShardFilter: &freshet.ShardFilter{}}},

		{"AddTagsToStream no tags", "AddTagsToStream", &freshet.AddTagsToStreamInput{StreamName: "s"}},
		{"AddTagsToStream too many", "AddTagsToStream", &freshet.AddTagsToStreamInput{StreamName: "s", Tags: func() map[string]string {
			m := map[string]string{}
			for i := range 201 {
				m["k"+strconv.Itoa(i)] = "v"
			}
			return m
		}()}},
		{"RemoveTagsFromStream keys", "RemoveTagsFromStream", &freshet.RemoveTagsFromStreamInput{StreamName: "s", TagKeys: []string{"a", ""}}},
		{"RemoveTagsFromStream too many keys", "RemoveTagsFromStream", &freshet.RemoveTagsFromStreamInput{StreamName: "s", TagKeys: make([]string, 51)}},
		{"ListTagsForStream", "ListTagsForStream", &freshet.ListTagsForStreamInput{StreamName: "s", ExclusiveStartTagKey: long("k", 129), Limit: 51}},
		{"TagResource", "TagResource", &freshet.TagResourceInput{ResourceARN: "x", Tags: map[string]string{}}},
		{"UntagResource", "UntagResource", &freshet.UntagResourceInput{TagKeys: []string{}}},
		{"ListTagsForResource", "ListTagsForResource", &freshet.ListTagsForResourceInput{ResourceARN: "arn:aws:kinesis:us-east-1:1:stream/s"}},

		{"EnableEnhancedMonitoring member", "EnableEnhancedMonitoring", &freshet.EnableEnhancedMonitoringInput{StreamName: "s",
			ShardLevelMetrics: []string{"IncomingBytes", "Latency"}}},
		{"DisableEnhancedMonitoring too many", "DisableEnhancedMonitoring", &freshet.DisableEnhancedMonitoringInput{StreamName: "s",
			ShardLevelMetrics: []string{"ALL", "ALL", "ALL", "ALL", "ALL", "ALL", "ALL", "x"}}},
		{"EnableEnhancedMonitoring none", "EnableEnhancedMonitoring", &freshet.EnableEnhancedMonitoringInput{StreamName: "s"}},

		{"SplitShard", "SplitShard", &freshet.SplitShardInput{StreamName: "s", NewStartingHashKey: "0123"}},
		{"MergeShards", "MergeShards", &freshet.MergeShardsInput{StreamName: "s", ShardToMerge: "a b"}},
		{"UpdateShardCount", "UpdateShardCount", &freshet.UpdateShardCountInput{StreamName: "s", TargetShardCount: -1, ScalingType: "UNIFORM"}},
		{"IncreaseStreamRetentionPeriod", "IncreaseStreamRetentionPeriod", &freshet.IncreaseStreamRetentionPeriodInput{StreamName: "a b"}},
		{"DecreaseStreamRetentionPeriod", "DecreaseStreamRetentionPeriod", &freshet.DecreaseStreamRetentionPeriodInput{StreamARN: "arn"}},
		{"StartStreamEncryption", "StartStreamEncryption", &freshet.StartStreamEncryptionInput{StreamName: "s", EncryptionType: "AES",
			KeyId: long("é", 2049)}},
		{"StopStreamEncryption", "StopStreamEncryption", &freshet.StopStreamEncryptionInput{StreamName: "s"}},
		{"UpdateStreamMode", "UpdateStreamMode", &freshet.UpdateStreamModeInput{StreamARN: "arn",
			StreamModeDetails: freshet.StreamModeDetails{StreamMode: "ONDEMAND"}, WarmThroughputMiBps: -1}},
		{"UpdateStreamWarmThroughput", "UpdateStreamWarmThroughput", &freshet.UpdateStreamWarmThroughputInput{StreamName: "a b", WarmThroughputMiBps: -1}},
		{"UpdateMaxRecordSize", "UpdateMaxRecordSize", &freshet.UpdateMaxRecordSizeInput{StreamARN: arn, MaxRecordSizeInKiB: 10241}},
		{"UpdateAccountSettings", "UpdateAccountSettings", &freshet.UpdateAccountSettingsInput{
			MinimumThroughputBillingCommitment: freshet.MinimumThroughputBillingCommitment{Status: "ENABLED_UNTIL_EARLIEST_ALLOWED_END"}}},

		{"RegisterStreamConsumer", "RegisterStreamConsumer", &freshet.RegisterStreamConsumerInput{StreamARN: "arn", ConsumerName: "a:b",
			Tags: map[string]string{"k": long("v", 257)}}},
		{"DescribeStreamConsumer", "DescribeStreamConsumer", &freshet.DescribeStreamConsumerInput{ConsumerARN: arn + "/consumer/c"}},
		{"DeregisterStreamConsumer", "DeregisterStreamConsumer", &freshet.DeregisterStreamConsumerInput{StreamARN: arn, ConsumerName: long("c", 129)}},
		{"ListStreamConsumers", "ListStreamConsumers", &freshet.ListStreamConsumersInput{MaxResults: 10001}},
		{"SubscribeToShard", "SubscribeToShard", &freshet.SubscribeToShardInput{ConsumerARN: arn, ShardId: "a b",
			StartingPosition: freshet.StartingPosition{SequenceNumber: "x"}}},

		{"PutResourcePolicy", "PutResourcePolicy", &freshet.PutResourcePolicyInput{ResourceARN: "arn"}},
		{"GetResourcePolicy", "GetResourcePolicy", &freshet.GetResourcePolicyInput{}},
		{"DeleteResourcePolicy", "DeleteResourcePolicy", &freshet.DeleteResourcePolicyInput{ResourceARN: long("a", 2049)}},
	}
	h := newTestHandler(t)
	e := defaultEngine(h)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			engineErr := callEngine(t, e, tt.op, tt.in)
			var ferr *freshet.Error
			require.True(t, errors.As(engineErr, &ferr), "engine: %v, want a ValidationException", engineErr)
			require.Equal(t, "ValidationException", ferr.Code, "engine: %v", engineErr)

			body := sdkJSON(t, tt.in)
			msg := requireError(t, do(h, tt.op, body), http.StatusBadRequest, "ValidationException")
			assert.Equal(t, msg, ferr.Message, "wire message (first) and engine message (second) for %.300s", body)
		})
	}
}

// callEngine calls the engine's method op with in and returns its error.
func callEngine(t *testing.T, e *freshet.Engine, op string, in any) error {
	t.Helper()
	m := reflect.ValueOf(e).MethodByName(op)
	require.True(t, m.IsValid(), "no method %s", op)
	out := m.Call([]reflect.Value{reflect.ValueOf(context.Background()), reflect.ValueOf(in)})
	err, _ := out[1].Interface().(error)
	return err
}

// sdkJSON renders an engine input as the JSON body an SDK sends for the
// same call: members named as in the engine, those holding their zero value
// left out, except the ones whose zero the engine takes as a value (Data,
// and UpdateStreamWarmThroughput's WarmThroughputMiBps); nested
// structures that are values (not pointers) always sent.
func sdkJSON(t *testing.T, in any) string {
	t.Helper()
	b, err := json.Marshal(sdkValue(reflect.ValueOf(in).Elem()))
	require.NoError(t, err)
	return string(b)
}

func sdkValue(v reflect.Value) any {
	if v.Type() == reflect.TypeOf(time.Time{}) {
		return float64(v.Interface().(time.Time).UnixMilli()) / 1000
	}
	switch v.Kind() {
	case reflect.Pointer:
		return sdkValue(v.Elem())
	case reflect.Struct:
		obj := map[string]any{}
		for i := 0; i < v.NumField(); i++ {
			f, sf := v.Field(i), v.Type().Field(i)
			always := sf.Name == "Data" ||
				v.Type().Name() == "UpdateStreamWarmThroughputInput" && sf.Name == "WarmThroughputMiBps" ||
				f.Kind() == reflect.Struct && sf.Type != reflect.TypeOf(time.Time{})
			if !always && f.IsZero() {
				continue
			}
			obj[sf.Name] = sdkValue(f)
		}
		return obj
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(v.Bytes())
		}
		list := make([]any, v.Len())
		for i := range list {
			list[i] = sdkValue(v.Index(i))
		}
		return list
	default:
		return v.Interface()
	}
}
