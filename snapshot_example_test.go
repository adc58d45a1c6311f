package freshet_test

import (
	"bytes"
	"context"
	"fmt"

	"github.com/freshet-io/freshet"
)

// Keep an engine's data across a restart: write a snapshot, restore a new
// engine from it, and go on where the old one stopped. A shard iterator
// taken before the snapshot still reads on the restored engine, and new
// records sort after the restored ones.
func ExampleEngine_WriteSnapshot() {
	ctx := context.Background()
	old := freshet.New()
	if _, err := old.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 1}); err != nil {
		panic(err)
	}
	first, err := old.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "orders", PartitionKey: "k", Data: []byte("before")})
	if err != nil {
		panic(err)
	}
	it, err := old.GetShardIterator(ctx, &freshet.GetShardIteratorInput{
		StreamName: "orders", ShardId: first.ShardId, ShardIteratorType: freshet.TrimHorizon,
	})
	if err != nil {
		panic(err)
	}

	var snapshot bytes.Buffer // a file in a real program (see freshet serve --data-file)
	stats, err := old.WriteSnapshot(ctx, &snapshot)
	if err != nil {
		panic(err)
	}
	old.Close()
	fmt.Println("saved", stats.Streams, "stream,", stats.Records, "record")

	e, err := freshet.Restore(&snapshot)
	if err != nil {
		panic(err)
	}
	defer e.Close()
	second, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "orders", PartitionKey: "k", Data: []byte("after")})
	if err != nil {
		panic(err)
	}
	out, err := e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil {
		panic(err)
	}
	for _, r := range out.Records {
		fmt.Println(string(r.Data))
	}
	fmt.Println("sequence continues:", second.SequenceNumber.Cmp(first.SequenceNumber) > 0)
	// Output:
	// saved 1 stream, 1 record
	// before
	// after
	// sequence continues: true
}
