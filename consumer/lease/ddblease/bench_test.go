package ddblease_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/consumertest"
	"github.com/freshet-io/freshet/consumer/internal/testutil"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/internal/testsync"
)

// benchStores returns the stores to compare: the memory store, the
// baseline, and a table in dynalite.
func benchStores(b *testing.B) []struct {
	name string
	new  func() lease.Store
} {
	e := newEnv(b)
	return []struct {
		name string
		new  func() lease.Store
	}{
		{"store=memory", func() lease.Store { return lease.NewMemoryStore() }},
		{"store=dynamodb", func() lease.Store { s, _ := e.store(b); return s }},
	}
}

// BenchmarkLeaseOps measures the latency of the lease operations a worker
// makes: a renewal, a take (here a steal, back and forth between two
// owners) and a checkpoint.
func BenchmarkLeaseOps(b *testing.B) {
	for _, st := range benchStores(b) {
		b.Run(st.name, func(b *testing.B) {
			testutil.BenchLeaseOps(b, func(*testing.B) lease.Store { return st.new() })
		})
	}
}

// BenchmarkConsumer consumes a 4-shard stream of b.N records of 100 bytes
// end to end with one Worker, with each store: the throughput with leases
// in DynamoDB next to the memory store. The processor checkpoints after
// every batch (checkpoint=batch, as HandlerFunc with
// WithCheckpointInterval(0)), or after a batch
// only once 100 ms have passed since its last checkpoint
// (checkpoint=100ms). records/s is measured from the first record
// processed to the last; start-ms is the time from Run to the first record
// (table lookup, lease creation and taking). ns/op includes both.
func BenchmarkConsumer(b *testing.B) {
	for _, st := range benchStores(b) {
		for _, every := range []time.Duration{0, 100 * time.Millisecond} {
			name := st.name + "/checkpoint=batch"
			if every > 0 {
				name = st.name + "/checkpoint=" + every.String()
			}
			b.Run(name, func(b *testing.B) { benchmarkConsumer(b, st.new(), every) })
		}
	}
}

// intervalProcessor calls fn for each record and checkpoints after a batch
// once every has passed since its last checkpoint, at the end of the shard
// and at shutdown.
type intervalProcessor struct {
	consumertest.CheckpointAtEnds
	fn    func()
	every time.Duration
	last  time.Time
}

func (p *intervalProcessor) Initialize(context.Context, consumer.InitializeInput) error {
	p.last = time.Now()
	return nil
}

func (p *intervalProcessor) ProcessRecords(ctx context.Context, in consumer.ProcessRecordsInput) error {
	for range in.Records {
		p.fn()
	}
	if time.Since(p.last) < p.every {
		return nil
	}
	p.last = time.Now()
	return in.Checkpointer.Checkpoint(ctx)
}

func benchmarkConsumer(b *testing.B, store lease.Store, every time.Duration) {
	e := testutil.BenchStream(b, b.N)
	var n atomic.Int64
	var first atomic.Pointer[time.Time]
	done := make(chan struct{})
	count := func() {
		i := n.Add(1)
		if i == 1 {
			now := time.Now()
			first.Store(&now)
		}
		if i == int64(b.N) {
			close(done)
		}
	}
	factory := consumer.HandlerFunc(func(context.Context, consumer.Record) error { count(); return nil })
	if every > 0 {
		factory = func(string) consumer.RecordProcessor { return &intervalProcessor{fn: count, every: every} }
	}
	w := consumer.New(e, "bench", factory,
		consumer.WithLeaseStore(store), consumer.WithInitialPosition(lease.TrimHorizon), consumer.WithIdleTimeBetweenReads(time.Millisecond))
	b.SetBytes(100)
	start, end := testutil.RunBench(b, w, done)
	// Steady state: from the first record to the last. The start (the
	// lease table looked up, leases created and taken) is reported apart.
	b.ReportMetric(float64(b.N)/end.Sub(*first.Load()).Seconds(), "records/s")
	b.ReportMetric(float64(first.Load().Sub(start).Milliseconds()), "start-ms")
}

type gainMetrics struct {
	consumer.NopMetrics
	gained atomic.Int64
}

func (m *gainMetrics) LeaseGained(string) { m.gained.Add(1) }

// BenchmarkTakeover measures how long the survivor of two workers takes
// to hold the leases of the other after it crashed (Fleet.Crash: no
// release), with leases in DynamoDB, against the configured failover time
// (1 s, renewals and lease cycles every third of it). The KCL's bound is
// the failover time plus one lease cycle.
func BenchmarkTakeover(b *testing.B) {
	const failover = time.Second
	e := newEnv(b)
	var total time.Duration
	for range b.N {
		b.StopTimer()
		eng := freshet.New()
		if _, err := eng.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: "s", ShardCount: 4}); err != nil {
			b.Fatal(err)
		}
		store, _ := e.store(b)
		ma, mb := &gainMetrics{}, &gainMetrics{}
		noop := consumer.HandlerFunc(func(context.Context, consumer.Record) error { return nil })
		fa := consumertest.NewFleet(b, eng, "s", store, noop, consumer.WithFailoverTime(failover), consumer.WithMetrics(ma))
		fb := consumertest.NewFleet(b, eng, "s", store, noop, consumer.WithFailoverTime(failover), consumer.WithMetrics(mb))
		fa.Start("a")
		testsync.WaitFor(b, "a to hold every lease", func() bool { return fa.Owned("a") == 4 })
		fb.Start("b")
		testsync.WaitFor(b, "b to steal its share", func() bool { return fb.Owned("b") == 2 && fa.Owned("a") == 2 })
		before := mb.gained.Load()
		b.StartTimer()
		start := time.Now()
		fa.Crash("a")
		for mb.gained.Load() < before+2 {
			time.Sleep(time.Millisecond)
		}
		total += time.Since(start)
		b.StopTimer()
		fb.ShutdownAll()
		eng.Close()
	}
	avg := total / time.Duration(b.N)
	b.ReportMetric(float64(avg.Milliseconds()), "takeover-ms")
	b.ReportMetric(float64(avg)/float64(failover), "takeover/failover")
}
