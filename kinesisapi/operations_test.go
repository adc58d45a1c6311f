package kinesisapi

import (
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// TestOperations drives every unary operation once over JSON, in an order
// where each succeeds, and checks the members the translation fills in.
func TestOperations(t *testing.T) {
	h := newTestHandler(t)
	const arn = "arn:aws:kinesis:us-east-1:000000000000:stream/s"

	mustCall(t, h, "CreateStream", `{"StreamName":"s","ShardCount":2,"Tags":{"team":"a"}}`)

	out := mustCall(t, h, "DescribeStream", `{"StreamName":"s"}`)
	d := out["StreamDescription"].(map[string]any)
	assert.Equal(t, arn, d["StreamARN"])
	assert.Equal(t, "ACTIVE", d["StreamStatus"])
	assert.Equal(t, false, d["HasMoreShards"])
	assert.Equal(t, map[string]any{"StreamMode": "PROVISIONED"}, d["StreamModeDetails"])
	assert.Equal(t, []any{map[string]any{"ShardLevelMetrics": []any{}}}, d["EnhancedMonitoring"])
	assert.IsType(t, float64(0), d["StreamCreationTimestamp"])
	shards := d["Shards"].([]any)
	require.Len(t, shards, 2)
	s0 := shards[0].(map[string]any)
	assert.Equal(t, "shardId-000000000000", s0["ShardId"])
	assert.Equal(t, map[string]any{"StartingHashKey": "0", "EndingHashKey": "170141183460469231731687303715884105727"}, s0["HashKeyRange"])
	assert.NotContains(t, s0, "ParentShardId")
	assert.NotContains(t, s0["SequenceNumberRange"], "EndingSequenceNumber")

	out = mustCall(t, h, "DescribeStreamSummary", `{"StreamARN":"`+arn+`"}`)
	sum := out["StreamDescriptionSummary"].(map[string]any)
	assert.EqualValues(t, 2, sum["OpenShardCount"])
	assert.EqualValues(t, 0, sum["ConsumerCount"])
	assert.EqualValues(t, 24, sum["RetentionPeriodHours"])

	out = mustCall(t, h, "ListStreams", `{}`)
	assert.Equal(t, []any{"s"}, out["StreamNames"])
	assert.Equal(t, false, out["HasMoreStreams"])
	assert.Len(t, out["StreamSummaries"], 1)

	out = mustCall(t, h, "PutRecord", `{"StreamName":"s","PartitionKey":"k","Data":"aGVsbG8=","ExplicitHashKey":"1"}`)
	assert.Equal(t, "shardId-000000000000", out["ShardId"])
	sn := out["SequenceNumber"].(string)
	assert.Len(t, sn, 56)

	out = mustCall(t, h, "PutRecords", `{"StreamARN":"`+arn+`","Records":[{"PartitionKey":"a","Data":""},{"PartitionKey":"b","Data":"AQI=","ExplicitHashKey":"340282366920938463463374607431768211455"}]}`)
	assert.EqualValues(t, 0, out["FailedRecordCount"])
	recs := out["Records"].([]any)
	require.Len(t, recs, 2)
	assert.Equal(t, "shardId-000000000001", recs[1].(map[string]any)["ShardId"])

	out = mustCall(t, h, "GetShardIterator", `{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"`+sn+`"}`)
	it := out["ShardIterator"].(string)
	out = mustCall(t, h, "GetRecords", `{"ShardIterator":"`+it+`","Limit":1}`)
	got := out["Records"].([]any)
	require.Len(t, got, 1)
	r0 := got[0].(map[string]any)
	assert.Equal(t, sn, r0["SequenceNumber"])
	assert.Equal(t, base64.StdEncoding.EncodeToString([]byte("hello")), r0["Data"])
	assert.Equal(t, "k", r0["PartitionKey"])
	assert.IsType(t, float64(0), r0["ApproximateArrivalTimestamp"])
	assert.NotEmpty(t, out["NextShardIterator"])
	assert.Contains(t, out, "MillisBehindLatest")
	assert.NotContains(t, out, "ChildShards")

	out = mustCall(t, h, "GetShardIterator", `{"StreamName":"s","ShardId":"1","ShardIteratorType":"AT_TIMESTAMP","Timestamp":0}`)
	out = mustCall(t, h, "GetRecords", `{"ShardIterator":"`+out["ShardIterator"].(string)+`"}`)
	assert.Len(t, out["Records"], 1)

	mustCall(t, h, "IncreaseStreamRetentionPeriod", `{"StreamName":"s","RetentionPeriodHours":48}`)
	mustCall(t, h, "DecreaseStreamRetentionPeriod", `{"StreamName":"s","RetentionPeriodHours":24}`)

	mustCall(t, h, "AddTagsToStream", `{"StreamName":"s","Tags":{"empty":""}}`)
	out = mustCall(t, h, "ListTagsForStream", `{"StreamName":"s","Limit":1}`)
	assert.Equal(t, []any{map[string]any{"Key": "empty", "Value": ""}}, out["Tags"])
	assert.Equal(t, true, out["HasMoreTags"])
	mustCall(t, h, "RemoveTagsFromStream", `{"StreamName":"s","TagKeys":["empty"]}`)
	mustCall(t, h, "TagResource", `{"ResourceARN":"`+arn+`","Tags":{"x":"y"}}`)
	mustCall(t, h, "UntagResource", `{"ResourceARN":"`+arn+`","TagKeys":["team"]}`)
	out = mustCall(t, h, "ListTagsForResource", `{"ResourceARN":"`+arn+`"}`)
	assert.Equal(t, []any{map[string]any{"Key": "x", "Value": "y"}}, out["Tags"])

	out = mustCall(t, h, "RegisterStreamConsumer", `{"StreamARN":"`+arn+`","ConsumerName":"c"}`)
	c := out["Consumer"].(map[string]any)
	consumerARN := c["ConsumerARN"].(string)
	assert.Equal(t, "c", c["ConsumerName"])
	out = mustCall(t, h, "DescribeStreamConsumer", `{"ConsumerARN":"`+consumerARN+`"}`)
	assert.Equal(t, arn, out["ConsumerDescription"].(map[string]any)["StreamARN"])
	out = mustCall(t, h, "ListStreamConsumers", `{"StreamARN":"`+arn+`","MaxResults":10}`)
	assert.Len(t, out["Consumers"], 1)
	mustCall(t, h, "DeregisterStreamConsumer", `{"StreamARN":"`+arn+`","ConsumerName":"c"}`)

	out = mustCall(t, h, "EnableEnhancedMonitoring", `{"StreamName":"s","ShardLevelMetrics":["IncomingBytes"]}`)
	assert.Equal(t, []any{}, out["CurrentShardLevelMetrics"])
	assert.Equal(t, []any{"IncomingBytes"}, out["DesiredShardLevelMetrics"])
	assert.Equal(t, "s", out["StreamName"])
	out = mustCall(t, h, "DisableEnhancedMonitoring", `{"StreamName":"s","ShardLevelMetrics":["ALL"]}`)
	assert.Equal(t, []any{}, out["DesiredShardLevelMetrics"])

	mustCall(t, h, "StartStreamEncryption", `{"StreamName":"s","EncryptionType":"KMS","KeyId":"alias/aws/kinesis"}`)
	out = mustCall(t, h, "PutRecord", `{"StreamName":"s","PartitionKey":"k","Data":""}`)
	assert.Equal(t, "KMS", out["EncryptionType"])
	mustCall(t, h, "StopStreamEncryption", `{"StreamName":"s","EncryptionType":"KMS","KeyId":"alias/aws/kinesis"}`)

	mustCall(t, h, "UpdateMaxRecordSize", `{"StreamARN":"`+arn+`","MaxRecordSizeInKiB":2048}`)
	out = mustCall(t, h, "DescribeStreamSummary", `{"StreamName":"s"}`)
	assert.EqualValues(t, 2048, out["StreamDescriptionSummary"].(map[string]any)["MaxRecordSizeInKiB"])

	out = mustCall(t, h, "ListShards", `{"StreamName":"s","ShardFilter":{"Type":"AT_LATEST"},"MaxResults":1}`)
	assert.Len(t, out["Shards"], 1)
	require.NotEmpty(t, out["NextToken"])
	out = mustCall(t, h, "ListShards", `{"NextToken":"`+out["NextToken"].(string)+`"}`)
	assert.Len(t, out["Shards"], 1)

	mustCall(t, h, "SplitShard", `{"StreamName":"s","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"100"}`)
	mustCall(t, h, "MergeShards", `{"StreamName":"s","ShardToMerge":"shardId-000000000002","AdjacentShardToMerge":"shardId-000000000003"}`)
	out = mustCall(t, h, "ListShards", `{"StreamName":"s"}`)
	all := out["Shards"].([]any)
	require.Len(t, all, 5)
	closed := all[0].(map[string]any)["SequenceNumberRange"].(map[string]any)
	assert.Contains(t, closed, "EndingSequenceNumber")
	merged := all[4].(map[string]any)
	assert.Equal(t, "shardId-000000000002", merged["ParentShardId"])
	assert.Equal(t, "shardId-000000000003", merged["AdjacentParentShardId"])

	out = mustCall(t, h, "UpdateShardCount", `{"StreamName":"s","TargetShardCount":4,"ScalingType":"UNIFORM_SCALING"}`)
	assert.EqualValues(t, 2, out["CurrentShardCount"])
	assert.EqualValues(t, 4, out["TargetShardCount"])
	assert.Equal(t, "s", out["StreamName"])
	assert.Equal(t, arn, out["StreamARN"])

	out = mustCall(t, h, "DescribeLimits", `{}`)
	assert.EqualValues(t, 20000, out["ShardLimit"])
	assert.EqualValues(t, 4, out["OpenShardCount"])

	out = mustCall(t, h, "DescribeAccountSettings", `{}`)
	assert.Equal(t, "DISABLED", out["MinimumThroughputBillingCommitment"].(map[string]any)["Status"])
	out = mustCall(t, h, "UpdateAccountSettings", `{"MinimumThroughputBillingCommitment":{"Status":"ENABLED"}}`)
	mtbc := out["MinimumThroughputBillingCommitment"].(map[string]any)
	assert.Equal(t, "ENABLED", mtbc["Status"])
	assert.Contains(t, mtbc, "StartedAt")

	mustCall(t, h, "UpdateStreamMode", `{"StreamARN":"`+arn+`","StreamModeDetails":{"StreamMode":"ON_DEMAND"}}`)
	out = mustCall(t, h, "UpdateStreamWarmThroughput", `{"StreamName":"s","WarmThroughputMiBps":10}`)
	assert.EqualValues(t, 10, out["WarmThroughput"].(map[string]any)["TargetMiBps"])
	assert.Equal(t, arn, out["StreamARN"])

	mustCall(t, h, "PutResourcePolicy", `{"ResourceARN":"`+arn+`","Policy":"{\"Version\":\"2012-10-17\"}"}`)
	out = mustCall(t, h, "GetResourcePolicy", `{"ResourceARN":"`+arn+`"}`)
	assert.Equal(t, `{"Version":"2012-10-17"}`, out["Policy"])
	mustCall(t, h, "DeleteResourcePolicy", `{"ResourceARN":"`+arn+`"}`)

	mustCall(t, h, "DeleteStream", `{"StreamName":"s","EnforceConsumerDeletion":true}`)
	requireError(t, do(h, "DescribeStreamSummary", `{"StreamName":"s"}`), 400, "ResourceNotFoundException")
}

// TestPutRecordsFailedEntries: per-entry failures come from the engine's
// output, with ErrorCode and ErrorMessage and no sequence number.
func TestPutRecordsFailedEntries(t *testing.T) {
	h := newTestHandler(t)
	mustCreateStream(t, h, "s", 2)
	defaultEngine(h).InjectFault(freshet.Fault{Operation: "PutRecords", ShardId: "shardId-000000000001",
		Err: freshet.ErrProvisionedThroughputExceeded})
	out := mustCall(t, h, "PutRecords", `{"StreamName":"s","Records":[{"PartitionKey":"a","Data":"","ExplicitHashKey":"0"},{"PartitionKey":"b","Data":"","ExplicitHashKey":"340282366920938463463374607431768211455"}]}`)
	assert.EqualValues(t, 1, out["FailedRecordCount"])
	recs := out["Records"].([]any)
	ok, failed := recs[0].(map[string]any), recs[1].(map[string]any)
	assert.Contains(t, ok, "SequenceNumber")
	assert.NotContains(t, ok, "ErrorCode")
	assert.Equal(t, "ProvisionedThroughputExceededException", failed["ErrorCode"])
	assert.Equal(t, "Rate exceeded for shard shardId-000000000001 in stream s under account 000000000000.", failed["ErrorMessage"])
	assert.NotContains(t, failed, "SequenceNumber")
	assert.NotContains(t, failed, "ShardId")
}

// TestCBOR: CBOR requests get CBOR responses and errors, blobs travel as
// byte strings and timestamps as tag 1 milliseconds.
func TestCBOR(t *testing.T) {
	h := newTestHandler(t)
	doCBOR := func(op string, in any) (int, map[string]any, http.Header) {
		t.Helper()
		r := newRequest(op, string(cborBody(t, in)))
		r.Header.Set("Content-Type", wire.ContentTypeCBOR)
		rec := serve(h, r)
		assert.Equal(t, wire.ContentTypeCBOR, rec.Header().Get("Content-Type"))
		var out map[string]any
		if rec.Body.Len() > 0 {
			require.NoError(t, cbor.Unmarshal(rec.Body.Bytes(), &out))
		}
		return rec.Code, out, rec.Header()
	}

	status, out, _ := doCBOR("CreateStream", map[string]any{"StreamName": "s", "ShardCount": 1})
	require.Equal(t, 200, status, "%v", out)
	assert.Nil(t, out)

	data := []byte{0, 1, 2, 0xff}
	status, out, _ = doCBOR("PutRecord", map[string]any{"StreamName": "s", "PartitionKey": "k", "Data": data})
	require.Equal(t, 200, status, "%v", out)
	sn := out["SequenceNumber"].(string)

	before := time.Now().Add(-time.Minute)
	status, out, _ = doCBOR("GetShardIterator", map[string]any{"StreamName": "s", "ShardId": "shardId-000000000000",
		"ShardIteratorType": "AT_TIMESTAMP", "Timestamp": cbor.Tag{Number: 1, Content: before.UnixMilli()}})
	require.Equal(t, 200, status, "%v", out)

	r := newRequest("GetRecords", string(cborBody(t, map[string]any{"ShardIterator": out["ShardIterator"]})))
	r.Header.Set("Content-Type", wire.ContentTypeCBOR)
	rec := serve(h, r)
	require.Equal(t, 200, rec.Code)
	var got struct {
		Records []struct {
			SequenceNumber              string
			Data                        []byte
			PartitionKey                string
			ApproximateArrivalTimestamp cbor.Tag
		}
		NextShardIterator  string
		MillisBehindLatest int64
	}
	require.NoError(t, cbor.Unmarshal(rec.Body.Bytes(), &got))
	require.Len(t, got.Records, 1)
	assert.Equal(t, sn, got.Records[0].SequenceNumber)
	assert.Equal(t, data, got.Records[0].Data)
	assert.EqualValues(t, 1, got.Records[0].ApproximateArrivalTimestamp.Number)
	ms, ok := got.Records[0].ApproximateArrivalTimestamp.Content.(uint64)
	require.True(t, ok, "%T", got.Records[0].ApproximateArrivalTimestamp.Content)
	assert.Greater(t, int64(ms), before.UnixMilli())

	status, out, hdr := doCBOR("DescribeStream", map[string]any{"StreamName": "nope"})
	assert.Equal(t, 400, status)
	assert.Equal(t, map[string]any{"__type": "ResourceNotFoundException", "message": "Stream nope under account 000000000000 not found."}, out)
	assert.Equal(t, "ResourceNotFoundException", hdr.Get("X-Amzn-ErrorType"))

	status, out, _ = doCBOR("DescribeStream", map[string]any{"StreamName": 1})
	assert.Equal(t, 400, status)
	assert.Equal(t, codeSerialization, out["__type"])
	assert.Contains(t, out, "Message")

	status, out, _ = doCBOR("DescribeStream", map[string]any{"Limit": 0})
	assert.Equal(t, 400, status)
	assert.Equal(t, "ValidationException", out["__type"])

	r = newRequest("ListStreams", "\xff\x00")
	r.Header.Set("Content-Type", wire.ContentTypeCBOR)
	rec = serve(h, r)
	require.Equal(t, 400, rec.Code)
	var m map[string]any
	require.NoError(t, cbor.Unmarshal(rec.Body.Bytes(), &m))
	assert.Equal(t, map[string]any{"__type": codeSerialization}, m)
}
