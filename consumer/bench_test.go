package consumer

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/internal/testutil"
	"github.com/freshet-io/freshet/consumer/lease"
)

// BenchmarkRawGetRecords reads every record of the 4 shards with the
// engine's GetRecords, one shard after the other: the rate the consumer is
// measured against.
func BenchmarkRawGetRecords(b *testing.B) {
	e := testutil.BenchStream(b, b.N)
	ctx := context.Background()
	b.SetBytes(100)
	b.ResetTimer()
	start := time.Now()
	got := 0
	for i := 0; i < 4; i++ {
		it, err := e.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: "bench", ShardId: strconv.Itoa(i), ShardIteratorType: freshet.TrimHorizon})
		if err != nil {
			b.Fatal(err)
		}
		iter := it.ShardIterator
		for {
			out, err := e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: iter, Limit: 10000})
			if err != nil {
				b.Fatal(err)
			}
			got += len(out.Records)
			if len(out.Records) == 0 || out.NextShardIterator == "" {
				break
			}
			iter = out.NextShardIterator
		}
	}
	if got != b.N {
		b.Fatalf("read %d records, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
}

// BenchmarkConsumer consumes the same stream end to end with a Worker over
// the engine: prefetch, KPL detection, delivery to a handler and
// checkpoints at the default interval. MaxRecords=10000 is the default (and the KCL's);
// smaller batches stay in the CPU caches.
func BenchmarkConsumer(b *testing.B) {
	for _, max := range []int{10000, 1000} {
		b.Run("MaxRecords="+strconv.Itoa(max), func(b *testing.B) {
			benchmarkConsumer(b, WithMaxRecords(max))
		})
	}
}

func benchmarkConsumer(b *testing.B, opts ...Option) {
	e := testutil.BenchStream(b, b.N)
	b.SetBytes(100)
	var n atomic.Int64
	done := make(chan struct{})
	opts = append([]Option{WithInitialPosition(lease.TrimHorizon), WithIdleTimeBetweenReads(time.Millisecond)}, opts...)
	w := New(e, "bench", HandlerFunc(func(ctx context.Context, r Record) error {
		if n.Add(1) == int64(b.N) {
			close(done)
		}
		return nil
	}), opts...)
	start, end := testutil.RunBench(b, w, done)
	b.ReportMetric(float64(b.N)/end.Sub(start).Seconds(), "records/s")
}
