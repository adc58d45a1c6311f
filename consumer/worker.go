package consumer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
)

// A Worker consumes a stream together with the other workers that share
// its lease table: it takes a share of the shards' leases, runs a
// RecordProcessor per shard it holds, checkpoints through it, follows
// resharding (a child shard starts only after its parents were read to
// their end) and takes over the shards of workers that stop.
//
// Create one with New, start it with Run, and stop it by cancelling Run's
// context or calling Shutdown. A Worker runs once.
type Worker struct {
	src     Source
	sub     Subscriber
	stream  string
	factory ProcessorFactory
	cfg     config
	id      string

	mu      sync.Mutex
	started bool
	stopped bool
	killed  bool
	stop    chan struct{} // closed by Shutdown
	done    chan struct{} // closed when Run returns
	abort   context.CancelFunc

	// afterCycle, if set, is called with the number of leases held after
	// each lease cycle, once the timer of the next one is set. For tests.
	afterCycle func(held int)
	// afterRenew, like afterCycle, is called after each round of
	// renewals with the number of leases renewed. For tests.
	afterRenew func(renewed int)
}

// New returns a Worker that consumes the stream streamName of src, with a
// processor from factory for each shard it processes. Use HandlerFunc for
// a factory that calls a function per record.
//
// The defaults just work for one worker: an in-memory lease table, reading
// new shards from LATEST, polling every second when idle. Workers that
// share a stream share a lease.Store (WithLeaseStore). New panics if
// WithInitialPosition names no initial position.
func New(src Source, streamName string, factory ProcessorFactory, opts ...Option) *Worker {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	switch cfg.position {
	case lease.TrimHorizon, lease.Latest, lease.AtTimestamp:
	default:
		panic("consumer: invalid initial position " + cfg.position)
	}
	if cfg.workerID == "" {
		cfg.workerID = defaultWorkerID()
	}
	if cfg.store == nil {
		cfg.store = lease.NewMemoryStore()
	}
	if cfg.renew <= 0 {
		cfg.renew = cfg.failover / 3
	}
	cfg.maxRecords = min(max(cfg.maxRecords, 1), 10000)
	cfg.prefetch = max(cfg.prefetch, 1)
	cfg.maxSteal = max(cfg.maxSteal, 0)
	w := &Worker{
		src:     src,
		stream:  streamName,
		factory: factory,
		cfg:     cfg,
		id:      cfg.workerID,
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	if cfg.consumerARN != "" {
		w.sub = cfg.subscriber
		if w.sub == nil {
			switch s := src.(type) {
			case Subscriber:
				w.sub = s
			case *freshet.Engine:
				w.sub = EngineSubscriber(s)
			}
		}
	}
	return w
}

// Consume runs a worker that calls fn for each record of the stream, in
// order within each shard, until ctx is cancelled; then it shuts down
// gracefully. It is New(src, streamName, HandlerFunc(fn), opts...).Run(ctx).
func Consume(ctx context.Context, src Source, streamName string, fn RecordHandler, opts ...Option) error {
	return New(src, streamName, HandlerFunc(fn), opts...).Run(ctx)
}

// ID returns the worker's id in the lease table.
func (w *Worker) ID() string { return w.id }

// ErrWorkerStarted is returned by a second call of Worker.Run.
var ErrWorkerStarted = errors.New("consumer: worker already started")

// Run consumes the stream until ctx is cancelled or Shutdown is called,
// then shuts down gracefully: every processor finishes its current batch,
// is told ShutdownRequested and writes its final checkpoint, and the
// worker releases its leases so that other workers take them at once. Run
// returns nil after that, when no goroutine of the worker is left.
//
// Processors see a context that is not cancelled with ctx, so their final
// checkpoints succeed; it keeps ctx's values.
func (w *Worker) Run(ctx context.Context) error {
	w.mu.Lock()
	if w.started {
		w.mu.Unlock()
		return ErrWorkerStarted
	}
	w.started = true
	if w.killed {
		w.mu.Unlock()
		close(w.done)
		return nil
	}
	if w.consumerARNWithoutSubscriber() {
		w.mu.Unlock()
		close(w.done)
		return errors.New("consumer: enhanced fan-out needs a Subscriber")
	}
	actx, abort := context.WithCancel(context.WithoutCancel(ctx))
	w.abort = abort
	w.mu.Unlock()
	defer close(w.done)
	defer abort()

	w.cfg.logger.Info("worker started", "worker", w.id, "stream", w.stream)
	w.logLeaseStore()
	c := newCoordinator(w, actx)
	stopRenewing, renewerDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(renewerDone)
		c.ren.loop(actx, stopRenewing)
	}()
	c.loop(ctx, w.stop)
	if actx.Err() == nil {
		c.shutdown()
	}
	close(stopRenewing)
	<-renewerDone
	abort()
	c.wait()
	w.cfg.logger.Info("worker stopped", "worker", w.id)
	return nil
}

// logLeaseStore says at start which lease store the worker uses, and warns
// when that store cannot coordinate it with workers in other processes: a
// lease.MemoryStore lives in this process only, so a second process
// consuming the same stream as the same application takes every lease in
// its own store and processes every record again. Over a Source that is
// not an in-process engine (the stream can be read by other processes)
// the warning is written even when no logger was configured, through
// slog.Default, because nothing else would reveal the duplication.
func (w *Worker) logLeaseStore() {
	log := w.cfg.logger
	storeType := fmt.Sprintf("%T", w.cfg.store)
	log.Info("lease store", "worker", w.id, "stream", w.stream, "store", storeType)
	if _, ok := w.cfg.store.(*lease.MemoryStore); !ok {
		return
	}
	if _, inProcess := w.src.(*freshet.Engine); inProcess {
		log.Warn("leases are kept in memory (lease.MemoryStore): they coordinate the workers of this process only; "+
			"workers in other processes would process the same records. Share a durable lease store (WithLeaseStore) between processes",
			"worker", w.id, "stream", w.stream, "store", storeType)
		return
	}
	if !w.cfg.loggerSet {
		log = slog.Default()
	}
	log.Warn("LEASES ARE IN MEMORY BUT THE STREAM IS SHARED: this worker keeps its leases in a lease.MemoryStore, "+
		"which no other process sees, and reads a stream that other processes can read (its Source is not an in-process *freshet.Engine). "+
		"Every other process consuming this stream as the same application will process the same records, and none will notice. "+
		"Give all workers one durable lease store with WithLeaseStore (for example pglease or a DynamoDB store), "+
		"or run a single worker",
		"worker", w.id, "stream", w.stream, "store", storeType)
}

func (w *Worker) consumerARNWithoutSubscriber() bool {
	return w.cfg.consumerARN != "" && w.sub == nil
}

// Shutdown asks Run to shut down gracefully and waits until it has
// returned or ctx is done. It may be called before, during or after Run,
// and more than once.
func (w *Worker) Shutdown(ctx context.Context) error {
	w.mu.Lock()
	if !w.stopped {
		w.stopped = true
		close(w.stop)
	}
	started := w.started
	w.mu.Unlock()
	if !started {
		return nil
	}
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Crash stops the worker abruptly, as if its process died: no processor
// is told anything, no final checkpoint is written and no lease is
// released, so the other workers take its shards only once its leases
// expire (WithFailoverTime), and read them again from their last
// checkpoints. It waits until Run has returned. It is meant for tests of
// an application's failover; Shutdown is the graceful stop.
func (w *Worker) Crash() {
	w.mu.Lock()
	w.killed = true
	abort, started := w.abort, w.started
	w.mu.Unlock()
	if !started {
		return
	}
	if abort != nil {
		abort()
	}
	<-w.done
}
