package pglease_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/consumertest"
	"github.com/freshet-io/freshet/consumer/internal/testutil"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/internal/testserver"
	"github.com/freshet-io/freshet/internal/testsync"
)

// benchStores runs bench with the memory store (the baseline) and with a
// Store in a PostgreSQL started for the benchmark, in the same run.
func benchStores(b *testing.B, bench func(b *testing.B, newStore func(b *testing.B) lease.Store)) {
	pool := newPool(b, testserver.StartPostgres(b))
	b.Run("store=memory", func(b *testing.B) {
		bench(b, func(*testing.B) lease.Store { return lease.NewMemoryStore() })
	})
	b.Run("store=postgres", func(b *testing.B) {
		bench(b, func(b *testing.B) lease.Store { return newStore(b, pool) })
	})
}

// BenchmarkLease measures one call of each of the lease operations a
// worker makes while it runs: a renewal (every third of the failover
// time per lease), a take, and a checkpoint (after every batch by
// default). Each is one round trip to PostgreSQL.
func BenchmarkLease(b *testing.B) {
	benchStores(b, func(b *testing.B, newStore func(b *testing.B) lease.Store) {
		testutil.BenchLeaseOps(b, newStore)
	})
}

// BenchmarkConsumer consumes b.N records of 100 bytes from a 4-shard
// stream of an in-process engine with one worker at the default settings
// (batches of up to 10,000 records, a checkpoint at most every 5 s, the
// default WithCheckpointInterval), with
// its leases in memory and in PostgreSQL.
func BenchmarkConsumer(b *testing.B) {
	benchStores(b, func(b *testing.B, newStore func(b *testing.B) lease.Store) {
		e := testutil.BenchStream(b, b.N)
		store := newStore(b)
		b.SetBytes(100)
		var n atomic.Int64
		done := make(chan struct{})
		w := consumer.New(e, "bench", consumer.HandlerFunc(func(ctx context.Context, r consumer.Record) error {
			if n.Add(1) == int64(b.N) {
				close(done)
			}
			return nil
		}), consumer.WithLeaseStore(store), consumer.WithInitialPosition(lease.TrimHorizon),
			consumer.WithIdleTimeBetweenReads(time.Millisecond))
		start, end := testutil.RunBench(b, w, done)
		b.ReportMetric(float64(b.N)/end.Sub(start).Seconds(), "records/s")
	})
}

// BenchmarkTakeover measures how long the survivor of two workers takes
// to hold every lease after the other crashed (Worker.Crash: no lease
// released), against the failover time (1 s; leases renewed every third
// of it). A lease expires once its counter has not changed for the
// failover time as the survivor observes it, and the survivor looks once
// per renewal period, so the expected takeover time lies between the
// failover time less one renewal period and the failover time plus one.
func BenchmarkTakeover(b *testing.B) {
	const failover = time.Second
	pool := newPool(b, testserver.StartPostgres(b))
	var total time.Duration
	for range b.N {
		e := testutil.BenchStream(b, 1)
		store := newStore(b, pool)
		nop := func(string) consumer.RecordProcessor { return nopProcessor{} }
		f := consumertest.NewFleet(b, e, "bench", store, nop, consumer.WithFailoverTime(failover),
			consumer.WithRenewInterval(failover/3), consumer.WithShardSyncInterval(time.Minute))
		f.Start("a")
		testsync.WaitFor(b, "a to hold every lease", func() bool { return f.Owned("a") == 4 })
		f.Start("b")
		testsync.WaitFor(b, "b to steal its share", func() bool { return f.Owned("b") == 2 && f.Owned("a") == 2 })
		f.Crash("a")
		start := time.Now()
		testsync.WaitFor(b, "b to take over every lease", func() bool { return f.Owned("b") == 4 })
		total += time.Since(start)
		f.ShutdownAll()
	}
	avg := total / time.Duration(b.N)
	b.ReportMetric(float64(avg.Milliseconds()), "takeover-ms")
	b.ReportMetric(float64(failover.Milliseconds()), "failover-ms")
	b.ReportMetric(avg.Seconds()/failover.Seconds(), "takeover/failover")
}

type nopProcessor struct{ consumertest.CheckpointAtEnds }

func (nopProcessor) Initialize(context.Context, consumer.InitializeInput) error { return nil }
func (nopProcessor) ProcessRecords(ctx context.Context, in consumer.ProcessRecordsInput) error {
	return in.Checkpointer.Checkpoint(ctx)
}
