package consumer

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet-io/freshet"
)

// FromEngine answers exactly as the AWS SDK client does through the wire
// server, for the same engine.
func TestFromEngineMatchesSDKClient(t *testing.T) {
	e, client := sdkClient(t)
	ctx := context.Background()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "s", ShardCount: 2}); err != nil {
		t.Fatal(err)
	}
	putOrdered(t, e, "s", 0, 5)
	if _, err := e.SplitShard(ctx, &freshet.SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000"}); err != nil {
		t.Fatal(err)
	}
	putOrdered(t, e, "s", 5, 10)
	sources := map[string]Source{"engine": FromEngine(e), "sdk": client}

	shards := map[string]*kinesis.ListShardsOutput{}
	for name, src := range sources {
		out, err := src.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s")})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		shards[name] = out
	}
	if len(shards["engine"].Shards) != 4 || len(shards["sdk"].Shards) != 4 {
		t.Fatalf("shards: engine %d, sdk %d, want 4", len(shards["engine"].Shards), len(shards["sdk"].Shards))
	}
	for i, a := range shards["engine"].Shards {
		b := shards["sdk"].Shards[i]
		if deref(a.ShardId) != deref(b.ShardId) || deref(a.ParentShardId) != deref(b.ParentShardId) ||
			deref(a.AdjacentParentShardId) != deref(b.AdjacentParentShardId) ||
			deref(a.HashKeyRange.StartingHashKey) != deref(b.HashKeyRange.StartingHashKey) ||
			deref(a.HashKeyRange.EndingHashKey) != deref(b.HashKeyRange.EndingHashKey) ||
			deref(a.SequenceNumberRange.StartingSequenceNumber) != deref(b.SequenceNumberRange.StartingSequenceNumber) ||
			(a.SequenceNumberRange.EndingSequenceNumber == nil) != (b.SequenceNumberRange.EndingSequenceNumber == nil) ||
			deref(a.SequenceNumberRange.EndingSequenceNumber) != deref(b.SequenceNumberRange.EndingSequenceNumber) {
			t.Errorf("shard %d differs:\nengine %+v\nsdk    %+v", i, a, b)
		}
	}

	// The closed parent: records, then the end with its children.
	reads := map[string][]*kinesis.GetRecordsOutput{}
	for name, src := range sources {
		it, err := src.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("s"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		iter := it.ShardIterator
		for iter != nil {
			out, err := src.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			reads[name] = append(reads[name], out)
			iter = out.NextShardIterator
		}
	}
	last := func(name string) *kinesis.GetRecordsOutput { return reads[name][len(reads[name])-1] }
	var recs [2][]types.Record
	for i, name := range []string{"engine", "sdk"} {
		for _, out := range reads[name] {
			recs[i] = append(recs[i], out.Records...)
		}
	}
	if len(recs[0]) != len(recs[1]) {
		t.Fatalf("records: engine %d, sdk %d", len(recs[0]), len(recs[1]))
	}
	for i := range recs[0] {
		a, b := recs[0][i], recs[1][i]
		if deref(a.SequenceNumber) != deref(b.SequenceNumber) || deref(a.PartitionKey) != deref(b.PartitionKey) ||
			string(a.Data) != string(b.Data) || !a.ApproximateArrivalTimestamp.Equal(*b.ApproximateArrivalTimestamp) {
			t.Errorf("record %d differs:\nengine %+v\nsdk    %+v", i, a, b)
		}
	}
	if len(last("engine").ChildShards) != 2 || len(last("sdk").ChildShards) != 2 {
		t.Errorf("child shards at the end: engine %d, sdk %d, want 2", len(last("engine").ChildShards), len(last("sdk").ChildShards))
	}

	// Errors are the SDK's typed exceptions.
	for name, src := range sources {
		_, err := src.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("s"), ShardId: aws.String("shardId-000000000042"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Errorf("%s: unknown shard: %T %v, want *types.ResourceNotFoundException", name, err, err)
		}
		_, err = src.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String("bogus")})
		if errorCode(err) == "" {
			t.Errorf("%s: bad iterator: %v has no error code", name, err)
		}
	}
}

func TestSDKErrorMapping(t *testing.T) {
	for _, c := range []struct {
		err       error
		code      string
		retryable bool
		expired   bool
	}{
		{freshet.ErrProvisionedThroughputExceeded, "ProvisionedThroughputExceededException", true, false},
		{freshet.ErrExpiredIterator, "ExpiredIteratorException", false, true},
		{freshet.ErrLimitExceeded, "LimitExceededException", true, false},
		{freshet.ErrResourceInUse, "ResourceInUseException", true, false},
		{freshet.ErrServiceUnavailable, "ServiceUnavailable", true, false},
		{freshet.ErrKMSThrottling, "KMSThrottlingException", true, false},
		{freshet.ErrResourceNotFound, "ResourceNotFoundException", false, false},
		{freshet.ErrInvalidArgument, "InvalidArgumentException", false, false},
		{freshet.NewError("KMSOptInRequired", "opt in"), "KMSOptInRequired", false, false},
		{context.Canceled, "", false, false},
	} {
		err := sdkError(c.err)
		if got := errorCode(err); got != c.code {
			t.Errorf("%v: code %q, want %q", c.err, got, c.code)
		}
		if got := isRetryable(err); got != c.retryable {
			t.Errorf("%v: retryable %v, want %v", c.err, got, c.retryable)
		}
		if got := isExpiredIterator(err); got != c.expired {
			t.Errorf("%v: expired %v, want %v", c.err, got, c.expired)
		}
	}
}
