package testutil

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
)

// BenchStream returns an engine (limits off, the default), closed with
// the benchmark, holding n records of 100 bytes spread over the 4-shard
// stream "bench".
func BenchStream(b *testing.B, n int) *freshet.Engine {
	b.Helper()
	e := freshet.New()
	b.Cleanup(func() { e.Close() })
	ctx := context.Background()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "bench", ShardCount: 4}); err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 100)
	entries := make([]freshet.PutRecordsRequestEntry, 0, 500)
	for i := range n {
		entries = append(entries, freshet.PutRecordsRequestEntry{PartitionKey: strconv.Itoa(i), Data: data})
		if len(entries) == 500 || i == n-1 {
			if _, err := e.PutRecords(ctx, &freshet.PutRecordsInput{StreamName: "bench", Records: entries}); err != nil {
				b.Fatal(err)
			}
			entries = entries[:0]
		}
	}
	return e
}

// Runner is what RunBench runs: a consumer.Worker.
type Runner interface {
	Run(ctx context.Context) error
	Shutdown(ctx context.Context) error
}

// RunBench resets the benchmark's timer, runs w until done is closed,
// stops the timer, and shuts w down, failing the benchmark if Run or
// Shutdown fail. It returns when the run started and when done was
// closed.
func RunBench(b *testing.B, w Runner, done <-chan struct{}) (start, end time.Time) {
	b.Helper()
	b.ResetTimer()
	start = time.Now()
	errc := make(chan error, 1)
	go func() { errc <- w.Run(context.Background()) }()
	<-done
	end = time.Now()
	b.StopTimer()
	if err := w.Shutdown(context.Background()); err != nil {
		b.Fatal(err)
	}
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	return start, end
}

// BenchLeaseOps measures, in the sub-benchmarks op=renew, op=take (a
// steal, back and forth between two owners) and op=checkpoint, one call
// of each of the lease operations a worker makes while it runs, on a
// lease of a store from newStore.
func BenchLeaseOps(b *testing.B, newStore func(b *testing.B) lease.Store) {
	ctx := context.Background()
	setup := func(b *testing.B) (lease.Store, lease.Lease) {
		s := newStore(b)
		l := lease.Lease{Key: "shardId-000000000000", Checkpoint: lease.Checkpoint{SequenceNumber: lease.TrimHorizon},
			HashKeyRange: lease.HashKeyRange{StartingHashKey: "0", EndingHashKey: "340282366920938463463374607431768211455"}}
		if _, err := s.CreateIfNotExists(ctx, l); err != nil {
			b.Fatal(err)
		}
		l, err := s.Take(ctx, lease.Lease{Key: l.Key}, "worker-0")
		if err != nil {
			b.Fatal(err)
		}
		return s, l
	}
	b.Run("op=renew", func(b *testing.B) {
		s, l := setup(b)
		b.ResetTimer()
		for range b.N {
			var err error
			if l, err = s.Renew(ctx, l); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=take", func(b *testing.B) {
		s, l := setup(b)
		owners := []string{"worker-0", "worker-1"}
		b.ResetTimer()
		for i := range b.N {
			var err error
			if l, err = s.Take(ctx, l, owners[i%2]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=checkpoint", func(b *testing.B) {
		s, l := setup(b)
		seq := "49590338271490256608559692538361571095921575989136588898"
		b.ResetTimer()
		for i := range b.N {
			var err error
			cp := lease.Checkpoint{SequenceNumber: seq[:len(seq)-6] + strconv.Itoa(100000+i)}
			if l, err = s.UpdateCheckpoint(ctx, l, cp, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
