package freshet_test

import (
	"context"
	"fmt"

	"github.com/freshet-io/freshet"
)

// Stream.Follow reads a whole stream through resharding: the record
// written before the split comes before those written to the children.
func ExampleStream_Follow() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := freshet.New()
	defer e.Close()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "events", ShardCount: 1}); err != nil {
		panic(err)
	}
	st, _ := e.Stream("events")
	st.Append(ctx, "order-1", []byte("created"))
	shard := st.Shards()[0]
	e.SplitShard(ctx, &freshet.SplitShardInput{
		StreamName:         "events",
		ShardToSplit:       shard.ShardId,
		NewStartingHashKey: shard.HashKeyRange.Midpoint().String(),
	})
	st.Append(ctx, "order-1", []byte("paid"))
	st.Append(ctx, "order-1", []byte("shipped"))

	n := 0
	for rec, err := range st.Follow(ctx, freshet.StartingPosition{Type: freshet.TrimHorizon}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(rec.SequenceNumber.ShardId(), string(rec.Data))
		if n++; n == 3 {
			cancel() // ends the range, without an error item
		}
	}
	// Output:
	// shardId-000000000000 created
	// shardId-000000000001 paid
	// shardId-000000000001 shipped
}

// A Follower is the object form: Next returns batches, and Checkpoint a
// position to resume from after a restart.
func ExampleFollower() {
	ctx := context.Background()
	e := freshet.New()
	defer e.Close()
	e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "events", ShardCount: 2})
	st, _ := e.Stream("events")
	for _, key := range []string{"a", "b", "c"} {
		st.Append(ctx, key, []byte(key))
	}

	f, _ := st.Follower(freshet.StartingPosition{Type: freshet.TrimHorizon})
	f.SetLimit(1)
	recs, _ := f.Next(ctx)
	fmt.Println("processed", len(recs))
	cp := f.Checkpoint() // store it; after a restart:

	g, _ := st.ResumeFollower(cp)
	g.SetLimit(10)
	left := 0
	for left < 2 {
		recs, _ := g.Next(ctx)
		left += len(recs)
	}
	fmt.Println("left", left)
	// Output:
	// processed 1
	// left 2
}
