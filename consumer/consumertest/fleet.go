package consumertest

import (
	"context"
	"testing"
	"time"

	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
)

// Fleet is a set of workers of one application: they read one stream
// through one Source and share one lease store. Start adds a worker, Crash
// stops one as if its process died, ShutdownAll stops the rest gracefully.
// A Fleet is used by one test goroutine.
type Fleet struct {
	t       testing.TB
	src     consumer.Source
	stream  string
	store   lease.Store
	factory consumer.ProcessorFactory
	opts    []consumer.Option
	running map[string]*runningWorker
}

type runningWorker struct {
	w    *consumer.Worker
	errc chan error
}

// NewFleet returns a fleet with no worker running. Its workers use
// FastOptions, then opts. ShutdownAll is registered with t.Cleanup.
func NewFleet(t testing.TB, src consumer.Source, stream string, store lease.Store, factory consumer.ProcessorFactory, opts ...consumer.Option) *Fleet {
	f := &Fleet{t: t, src: src, stream: stream, store: store, factory: factory, opts: opts, running: map[string]*runningWorker{}}
	t.Cleanup(f.ShutdownAll)
	return f
}

// FastOptions are lease and read timings short enough for tests: a
// failover time of 150 ms, shard syncs every 50 ms, lease cleanup every
// 20 ms, idle reads 2 ms apart, batches of at most 100 records, and up to
// two leases stolen at once. Workers read from TRIM_HORIZON.
func FastOptions() []consumer.Option {
	return []consumer.Option{
		consumer.WithInitialPosition(lease.TrimHorizon),
		consumer.WithFailoverTime(150 * time.Millisecond),
		consumer.WithShardSyncInterval(50 * time.Millisecond),
		consumer.WithLeaseCleanupInterval(20 * time.Millisecond),
		consumer.WithIdleTimeBetweenReads(2 * time.Millisecond),
		consumer.WithRetryBackoff(2*time.Millisecond, 50*time.Millisecond),
		consumer.WithMaxRecords(100),
		consumer.WithMaxLeasesToStealAtOneTime(2),
	}
}

// Start starts a worker with the given id.
func (f *Fleet) Start(id string) {
	opts := append(FastOptions(), consumer.WithWorkerID(id), consumer.WithLeaseStore(f.store))
	w := consumer.New(f.src, f.stream, f.factory, append(opts, f.opts...)...)
	rw := &runningWorker{w: w, errc: make(chan error, 1)}
	go func() { rw.errc <- w.Run(context.Background()) }()
	f.running[id] = rw
}

// Owned counts the leases id owns in the store.
func (f *Fleet) Owned(id string) int {
	leases, err := f.store.List(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	n := 0
	for _, l := range leases {
		if l.Owner == id {
			n++
		}
	}
	return n
}

// Running returns the ids of the workers running.
func (f *Fleet) Running() []string {
	ids := make([]string, 0, len(f.running))
	for id := range f.running {
		ids = append(ids, id)
	}
	return ids
}

// Crash stops worker id as if its process died (Worker.Crash).
func (f *Fleet) Crash(id string) {
	rw := f.running[id]
	rw.w.Crash()
	if err := <-rw.errc; err != nil {
		f.t.Errorf("worker %s: %v", id, err)
	}
	delete(f.running, id)
}

// ShutdownAll shuts every running worker down gracefully.
func (f *Fleet) ShutdownAll() {
	for id, rw := range f.running {
		if err := rw.w.Shutdown(context.Background()); err != nil {
			f.t.Errorf("Shutdown %s: %v", id, err)
		}
		if err := <-rw.errc; err != nil {
			f.t.Errorf("worker %s: %v", id, err)
		}
		delete(f.running, id)
	}
}
