// Command quickstart walks through freshet's in-process Kinesis: it creates
// a stream, writes records, reads them back, splits a shard and reads
// across the lineage, from the parent to its children, exactly as a Kinesis
// consumer must.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/freshet-io/freshet"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	e := freshet.New()
	defer e.Close()

	// A stream of one shard owns the whole hash-key space.
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 1}); err != nil {
		return err
	}
	if err := putOrders(ctx, e, 0, 3); err != nil {
		return err
	}

	// Read shard 0 from its oldest record.
	got, err := readFromStart(ctx, e, "shardId-000000000000")
	if err != nil {
		return err
	}
	for _, r := range got.Records {
		fmt.Printf("read %s %s\n", r.PartitionKey, r.Data)
	}

	// Split the shard in the middle of the hash-key space: the parent
	// closes, two children take over its range.
	if _, err := e.SplitShard(ctx, &freshet.SplitShardInput{
		StreamName:         "orders",
		ShardToSplit:       "shardId-000000000000",
		NewStartingHashKey: "170141183460469231731687303715884105728", // 2^127
	}); err != nil {
		return err
	}
	if err := putOrders(ctx, e, 3, 6); err != nil {
		return err
	}

	// Continue reading the parent: it ends with no next iterator and the
	// children to read next.
	end, err := e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: got.NextShardIterator})
	if err != nil {
		return err
	}
	if end.NextShardIterator != "" || len(end.ChildShards) == 0 {
		return errors.New("the parent shard should have ended with its children")
	}
	for _, child := range end.ChildShards {
		fmt.Printf("parent ended; child %s (parents %v)\n", child.ShardId, child.ParentShards)
		recs, err := readFromStart(ctx, e, child.ShardId)
		if err != nil {
			return err
		}
		for _, r := range recs.Records {
			fmt.Printf("  read %s %s from %s\n", r.PartitionKey, r.Data, child.ShardId)
		}
	}
	return nil
}

// putOrders writes the orders from to to-1 to "orders", each under the
// partition key of its customer, and prints the shard each went to.
func putOrders(ctx context.Context, e *freshet.Engine, from, to int) error {
	for i := from; i < to; i++ {
		out, err := e.PutRecord(ctx, &freshet.PutRecordInput{
			StreamName:   "orders",
			PartitionKey: fmt.Sprintf("customer-%d", i),
			Data:         []byte(fmt.Sprintf(`{"order":%d}`, i)),
		})
		if err != nil {
			return err
		}
		fmt.Printf("put order %d -> %s seq %s\n", i, out.ShardId, out.SequenceNumber)
	}
	return nil
}

// readFromStart reads a shard of "orders" from its oldest record: an
// iterator at TRIM_HORIZON and one GetRecords call with it.
func readFromStart(ctx context.Context, e *freshet.Engine, shardID string) (*freshet.GetRecordsOutput, error) {
	it, err := e.GetShardIterator(ctx, &freshet.GetShardIteratorInput{
		StreamName: "orders", ShardId: shardID, ShardIteratorType: freshet.TrimHorizon,
	})
	if err != nil {
		return nil, err
	}
	return e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: it.ShardIterator})
}
