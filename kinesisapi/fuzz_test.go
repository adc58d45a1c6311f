package kinesisapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// FuzzHandler feeds arbitrary targets, content types and bodies to the
// handler. It must never panic nor answer 5xx, every answer must have the
// shape of a Kinesis answer, and the records of a stream written before
// fuzzing must stay intact whatever the operations do (DeleteStream is
// refused, so that the check stays meaningful).
func FuzzHandler(f *testing.F) {
	h := NewHandler(WithEngineOptions(
		freshet.WithShardLimit(64),
		freshet.WithSubscriptionTiming(20*time.Millisecond, 5*time.Millisecond),
	))
	f.Cleanup(func() { h.Close() })
	e := defaultEngine(h)
	ctx := context.Background()
	_, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "fz", ShardCount: 2})
	require.NoError(f, err)
	type written struct {
		shard string
		sn    freshet.SequenceNumber
		data  []byte
	}
	var want []written
	for i := range 20 {
		data := bytes.Repeat([]byte{byte(i)}, i+1)
		out, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "fz", PartitionKey: string(rune('a' + i)), Data: data})
		require.NoError(f, err)
		want = append(want, written{out.ShardId, out.SequenceNumber, bytes.Clone(data)})
	}
	e.Intercept(func(ctx context.Context, c *freshet.Call) error {
		if c.Operation == "DeleteStream" {
			return freshet.NewError("ResourceInUseException", "refused while fuzzing")
		}
		return nil
	})
	checkRecords := func(t *testing.T) {
		for _, w := range want {
			it, err := e.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: "fz", ShardId: w.shard,
				ShardIteratorType: freshet.AtSequenceNumber, StartingSequenceNumber: w.sn.String()})
			require.NoError(t, err, "record %s", w.sn)
			out, err := e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: it.ShardIterator, Limit: 1})
			require.NoError(t, err, "record %s", w.sn)
			require.Len(t, out.Records, 1, "record %s changed: %+v", w.sn, out.Records)
			require.Equal(t, w.sn, out.Records[0].SequenceNumber, "record %s changed: %+v", w.sn, out.Records)
			require.Equal(t, string(w.data), string(out.Records[0].Data), "record %s changed: %+v", w.sn, out.Records)
		}
	}

	it := "AAAA"
	seeds := []struct {
		op   string
		body string
	}{
		{"PutRecord", `{"StreamName":"fz","PartitionKey":"k","Data":"AQID"}`},
		{"PutRecords", `{"StreamName":"fz","Records":[{"PartitionKey":"k","Data":"AQID"},{"PartitionKey":"","Data":"="}]}`},
		{"GetShardIterator", `{"StreamName":"fz","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}`},
		{"GetShardIterator", `{"StreamName":"fz","ShardId":"0","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"0"}`},
		{"GetRecords", `{"ShardIterator":"` + it + `","Limit":10000}`},
		{"ListShards", `{"StreamName":"fz","ShardFilter":{"Type":"AT_TIMESTAMP","Timestamp":1.5e9}}`},
		{"SplitShard", `{"StreamName":"fz","ShardToSplit":"shardId-000000000001","NewStartingHashKey":"340282366920938463463374607431768211455"}`},
		{"MergeShards", `{"StreamName":"fz","ShardToMerge":"shardId-000000000000","AdjacentShardToMerge":"shardId-000000000001"}`},
		{"UpdateShardCount", `{"StreamName":"fz","TargetShardCount":3,"ScalingType":"UNIFORM_SCALING"}`},
		{"DeleteStream", `{"StreamName":"fz"}`},
		{"DecreaseStreamRetentionPeriod", `{"StreamName":"fz","RetentionPeriodHours":1}`},
		{"CreateStream", `{"StreamName":"x","ShardCount":1000000}`},
		{"DescribeStream", `{"StreamName":"fz","Limit":1,"ExclusiveStartShardId":"shardId-000000000000"}`},
		{"RegisterStreamConsumer", `{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/fz","ConsumerName":"c"}`},
		{"SubscribeToShard", `{"ConsumerARN":"arn:aws:kinesis:us-east-1:000000000000:stream/fz/consumer/c:1","ShardId":"0","StartingPosition":{"Type":"LATEST"}}`},
		{"AddTagsToStream", `{"StreamName":"fz","Tags":{"":"x"}}`},
		{"UpdateAccountSettings", `{"MinimumThroughputBillingCommitment":{"Status":"DISABLED"}}`},
		{"Nope", `{}`},
	}
	for _, s := range seeds {
		f.Add(wire.TargetPrefix+s.op, wire.ContentTypeJSON, []byte(s.body))
		var m map[string]any
		if json.Unmarshal([]byte(s.body), &m) == nil {
			b, _ := cbor.Marshal(m)
			f.Add(wire.TargetPrefix+s.op, wire.ContentTypeCBOR, b)
		}
	}
	f.Add("", "", []byte(nil))
	f.Add("Kinesis_20131202.ListStreams", "application/json; charset=utf-8", []byte(`{"Limit":1e400}`))
	f.Add("Kinesis_20131202.PutRecord", wire.ContentTypeCBOR, []byte{0xbf, 0x61, 0x41, 0xff})

	f.Fuzz(func(t *testing.T, target, contentType string, body []byte) {
		r, err := http.NewRequest(http.MethodPost, "http://kinesis.local/", bytes.NewReader(body))
		require.NoError(t, err)
		r.Header.Set("X-Amz-Target", target)
		r.Header.Set("Content-Type", contentType)
		rec := serve(h, r)
		require.Less(t, rec.Code, 500, "status %d: %s", rec.Code, rec.Body)
		require.NotEmpty(t, rec.Header().Get("X-Amzn-RequestId"), "no request id")
		switch rec.Code {
		case http.StatusOK, http.StatusForbidden, http.StatusNotFound, http.StatusRequestEntityTooLarge:
		case http.StatusBadRequest:
			code := rec.Header().Get("X-Amzn-ErrorType")
			var m map[string]any
			var err error
			if rec.Header().Get("Content-Type") == wire.ContentTypeCBOR {
				err = cbor.Unmarshal(rec.Body.Bytes(), &m)
			} else {
				err = json.Unmarshal(rec.Body.Bytes(), &m)
			}
			require.NoError(t, err, "malformed error %q: %q", code, rec.Body)
			require.NotEmpty(t, code, "malformed error %q: %q", code, rec.Body)
			require.Equal(t, code, m["__type"], "malformed error %q: %q", code, rec.Body)
		default:
			require.Failf(t, "unexpected status", "%d: %s", rec.Code, rec.Body)
		}
		checkRecords(t)
	})
}
