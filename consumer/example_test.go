package consumer_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
)

// A worker with a callback per record, over an in-process engine. Against
// real Kinesis, pass the kinesissdk adapter of a *kinesis.Client instead of e.
func Example() {
	ctx := context.Background()
	e := freshet.New()
	defer e.Close()
	e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 1})
	for _, order := range []string{"apple", "pear", "plum"} {
		e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "orders", PartitionKey: order, Data: []byte(order)})
	}

	var wg sync.WaitGroup
	wg.Add(3)
	w := consumer.New(e, "orders",
		consumer.HandlerFunc(func(ctx context.Context, r consumer.Record) error {
			fmt.Printf("%s from %s\n", r.Data, r.ShardID)
			wg.Done()
			return nil
		}),
		consumer.WithInitialPosition(lease.TrimHorizon))
	go w.Run(ctx)
	wg.Wait()
	w.Shutdown(ctx) // returns once the final checkpoint is written
	// Output:
	// apple from shardId-000000000000
	// pear from shardId-000000000000
	// plum from shardId-000000000000
}

// counter is a RecordProcessor that checkpoints every 100 records and at
// the end of the shard.
type counter struct {
	n int
}

func (c *counter) Initialize(ctx context.Context, in consumer.InitializeInput) error { return nil }

func (c *counter) ProcessRecords(ctx context.Context, in consumer.ProcessRecordsInput) error {
	for _, r := range in.Records {
		c.n++
		if c.n%100 == 0 {
			if err := in.Checkpointer.CheckpointRecord(ctx, r); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *counter) LeaseLost(ctx context.Context) {}

// ShardEnded must checkpoint, or the children of the shard never start.
func (c *counter) ShardEnded(ctx context.Context, cp *consumer.Checkpointer) error {
	return cp.Checkpoint(ctx)
}

func (c *counter) ShutdownRequested(ctx context.Context, cp *consumer.Checkpointer) error {
	return cp.Checkpoint(ctx)
}

// A RecordProcessor controls each shard's lifecycle and its checkpoints.
// Workers sharing a lease store share the stream's shards.
func ExampleNew() {
	e := freshet.New()
	defer e.Close()
	e.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 4})

	store := lease.NewMemoryStore()
	for _, id := range []string{"worker-1", "worker-2"} {
		w := consumer.New(e, "orders",
			func(shardID string) consumer.RecordProcessor { return &counter{} },
			consumer.WithWorkerID(id), consumer.WithLeaseStore(store))
		_ = w // go w.Run(ctx)
	}
}
