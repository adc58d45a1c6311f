package freshet_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/freshet-io/freshet"
)

// Create a stream, write a record and read it back, the Kinesis way.
func Example() {
	ctx := context.Background()
	e := freshet.New()
	defer e.Close()

	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 2}); err != nil {
		panic(err)
	}
	put, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "orders", PartitionKey: "customer-42", Data: []byte("hello")})
	if err != nil {
		panic(err)
	}
	it, err := e.GetShardIterator(ctx, &freshet.GetShardIteratorInput{
		StreamName: "orders", ShardId: put.ShardId, ShardIteratorType: freshet.TrimHorizon,
	})
	if err != nil {
		panic(err)
	}
	out, err := e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil {
		panic(err)
	}
	for _, r := range out.Records {
		fmt.Printf("%s %s %s same-sn=%v\n", put.ShardId, r.PartitionKey, r.Data, r.SequenceNumber == put.SequenceNumber)
	}
	// Output: shardId-000000000001 customer-42 hello same-sn=true
}

// Stream.Records ranges over a shard, blocking for new records: an
// in-process event bus with no polling loop.
func ExampleStream_Records() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := freshet.New()
	defer e.Close()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "events", ShardCount: 1}); err != nil {
		panic(err)
	}
	st, _ := e.Stream("events")

	go func() {
		for _, msg := range []string{"one", "two", "three"} {
			if _, err := st.Put(ctx, "key", []byte(msg)); err != nil {
				panic(err)
			}
		}
	}()
	n := 0
	for rec, err := range st.Records(ctx, "shardId-000000000000", freshet.StartingPosition{Type: freshet.TrimHorizon}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(string(rec.Data))
		if n++; n == 3 {
			break
		}
	}
	// Output:
	// one
	// two
	// three
}

// SplitShard closes a shard; a reader at its end gets no next iterator and
// the children to continue with.
func ExampleEngine_SplitShard() {
	ctx := context.Background()
	e := freshet.New()
	defer e.Close()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "s", ShardCount: 1}); err != nil {
		panic(err)
	}
	if _, err := e.SplitShard(ctx, &freshet.SplitShardInput{
		StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "170141183460469231731687303715884105728",
	}); err != nil {
		panic(err)
	}
	it, _ := e.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: "s", ShardId: "shardId-000000000000", ShardIteratorType: freshet.TrimHorizon})
	out, _ := e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: it.ShardIterator})
	fmt.Printf("next iterator: %q\n", out.NextShardIterator)
	for _, c := range out.ChildShards {
		fmt.Println(c.ShardId, c.ParentShards, c.HashKeyRange.StartingHashKey)
	}
	// Output:
	// next iterator: ""
	// shardId-000000000001 [shardId-000000000000] 0
	// shardId-000000000002 [shardId-000000000000] 170141183460469231731687303715884105728
}

// Errors carry the Kinesis exception code and message; match them with
// errors.Is against the sentinels, or read them with errors.As.
func ExampleError() {
	e := freshet.New()
	defer e.Close()
	_, err := e.DescribeStream(context.Background(), &freshet.DescribeStreamInput{StreamName: "missing"})
	fmt.Println(errors.Is(err, freshet.ErrResourceNotFound))
	var kerr *freshet.Error
	if errors.As(err, &kerr) {
		fmt.Println(kerr.Code, "-", kerr.Message, "- retryable:", kerr.Retryable())
	}
	// Output:
	// true
	// ResourceNotFoundException - Stream missing under account 000000000000 not found. - retryable: false
}

// InjectFault makes chosen calls fail, here the next two PutRecord calls
// with the throttling error Kinesis would send.
func ExampleEngine_InjectFault() {
	ctx := context.Background()
	e := freshet.New()
	defer e.Close()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "s", ShardCount: 1}); err != nil {
		panic(err)
	}
	e.InjectFault(freshet.Fault{Operation: "PutRecord", Times: 2, Err: freshet.ErrProvisionedThroughputExceeded})
	for range 3 {
		_, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("x")})
		fmt.Println(err)
	}
	// Output:
	// ProvisionedThroughputExceededException: Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.
	// ProvisionedThroughputExceededException: Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.
	// <nil>
}

// With a ManualClock, time-dependent behaviour (here retention) is tested
// without sleeping.
func ExampleManualClock() {
	ctx := context.Background()
	clock := freshet.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e := freshet.New(freshet.WithClock(clock))
	defer e.Close()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "s", ShardCount: 1}); err != nil {
		panic(err)
	}
	if _, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("old")}); err != nil {
		panic(err)
	}
	clock.Advance(25 * time.Hour) // past the default 24-hour retention
	st, _ := e.Stream("s")
	it, _ := st.Iterator("shardId-000000000000", freshet.StartingPosition{Type: freshet.TrimHorizon})
	ctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	recs, err := it.Next(ctx)
	fmt.Println(len(recs), err)
	// Output: 0 context deadline exceeded
}

// WithLimits(AWSLimits) turns on the per-shard throughput limits of
// Kinesis, decided on the engine's clock.
func ExampleWithLimits() {
	ctx := context.Background()
	clock := freshet.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e := freshet.New(freshet.WithClock(clock), freshet.WithLimits(freshet.AWSLimits))
	defer e.Close()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "s", ShardCount: 1}); err != nil {
		panic(err)
	}
	entries := make([]freshet.PutRecordsRequestEntry, 500)
	for i := range entries {
		entries[i] = freshet.PutRecordsRequestEntry{PartitionKey: "k", Data: []byte("x")}
	}
	for range 3 { // 1,500 records in the same instant: 1,000 fit in a shard's second
		out, _ := e.PutRecords(ctx, &freshet.PutRecordsInput{StreamName: "s", Records: entries})
		fmt.Println("failed:", out.FailedRecordCount)
	}
	// Output:
	// failed: 0
	// failed: 0
	// failed: 500
}
