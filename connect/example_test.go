package connect_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
)

// printer is an Emitter that prints each batch.
type printer struct{}

func (printer) Emit(_ context.Context, b *connect.Batch[string]) ([]connect.Failure, error) {
	items := make([]string, len(b.Entries))
	for i, e := range b.Entries {
		items[i] = e.Item
	}
	fmt.Printf("%s: %s\n", b.ShardID, strings.Join(items, " "))
	return nil, nil
}

func Example() {
	ctx := context.Background()
	e := freshet.New()
	defer e.Close()
	_, _ = e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "words", ShardCount: 1})
	for _, w := range []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta"} {
		_, _ = e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "words", PartitionKey: w, Data: []byte(w)})
	}

	upper := func(r connect.Record) (string, error) { return strings.ToUpper(string(r.Data)), nil }
	p := connect.New(e, "words", upper, connect.Emitter[string](printer{}),
		connect.WithFilter(func(s string) bool { return s != "GAMMA" }),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 2, MaxAge: time.Hour}),
		connect.WithConsumerOptions(consumer.WithInitialPosition(lease.TrimHorizon)))
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.Run(runCtx) }()
	for p.Stats().Total.Records < 6 {
		time.Sleep(time.Millisecond)
	}
	stop() // the last, partial batch is flushed on shutdown
	fmt.Println(<-done)
	// Output:
	// shardId-000000000000: ALPHA BETA
	// shardId-000000000000: DELTA EPSILON
	// shardId-000000000000: ZETA
	// <nil>
}
