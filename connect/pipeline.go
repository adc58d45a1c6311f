package connect

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/freshet-io/freshet/consumer"
)

// ErrStarted is returned by a second call of Pipeline.Run.
var ErrStarted = errors.New("connect: pipeline already started")

// A Pipeline moves the records of a stream into a store: per shard,
// Transformer, Filter, buffer, Emitter, checkpoint. It reads with a
// consumer.Worker, so several pipelines with the same stream, lease store
// and emitter, in one process or many, share the shards between them as
// consumers do.
//
// Create one with New, start it with Run and stop it by cancelling Run's
// context or with Shutdown. A Pipeline runs once.
type Pipeline[T any] struct {
	stream    string
	transform Transformer[T]
	filter    Filter[T]
	emitter   Emitter[T]
	set       settings
	worker    *consumer.Worker

	started  atomic.Bool
	stopOnce sync.Once
	stopReq  chan struct{} // closed by Shutdown
	stopping chan struct{} // closed when a graceful shutdown begins
	done     chan struct{} // closed when Run returns

	// hard is cancelled ShutdownTimeout after stopping is closed: the
	// final flushes give up then.
	hard       context.Context
	hardCancel context.CancelFunc

	wg sync.WaitGroup // the shards' age timers

	mu      sync.Mutex
	stats   map[string]*shardCounters
	active  map[string]*shard[T]
	blocked []*BlockedError
}

// New returns a pipeline that reads the stream streamName of src, turns
// each record into an item with transform and stores the items with emit.
// src is a *freshet.Engine, or a kinesissdk.Client for freshet serve or
// real Kinesis. New panics if transform or emit is nil or if the type of
// WithFilter's function is not Filter[T].
func New[T any](src consumer.Source, streamName string, transform Transformer[T], emit Emitter[T], opts ...Option) *Pipeline[T] {
	if transform == nil || emit == nil {
		panic("connect: New needs a Transformer and an Emitter")
	}
	var set settings
	for _, o := range opts {
		o(&set)
	}
	set.defaults()
	p := &Pipeline[T]{
		stream:    streamName,
		transform: transform,
		emitter:   emit,
		set:       set,
		stopReq:   make(chan struct{}),
		stopping:  make(chan struct{}),
		done:      make(chan struct{}),
		stats:     make(map[string]*shardCounters),
		active:    make(map[string]*shard[T]),
	}
	if set.filter != nil {
		f, ok := set.filter.(Filter[T])
		if !ok {
			panic(fmt.Sprintf("connect: WithFilter got a %T, the pipeline needs a connect.Filter[%T]", set.filter, *new(T)))
		}
		p.filter = f
	}
	p.hard, p.hardCancel = context.WithCancel(context.Background())
	copts := append([]consumer.Option{consumer.WithLogger(set.logger)}, set.consumerOpts...)
	p.worker = consumer.New(src, streamName, p.newShard, copts...)
	return p
}

// WorkerID returns the id of the pipeline's worker in the lease table.
func (p *Pipeline[T]) WorkerID() string { return p.worker.ID() }

// Run runs the pipeline until ctx is cancelled or Shutdown is called, then
// shuts down gracefully: each shard flushes its buffer, checkpoints and
// hands its lease over (a flush still failing after the shutdown timeout
// is abandoned without a checkpoint, so its records are read again next
// time). Run returns once every goroutine of the pipeline has ended: nil,
// or the shards blocked by the Block policy (each a *BlockedError; errors.Is
// ErrBlocked matches), joined.
func (p *Pipeline[T]) Run(ctx context.Context) error {
	if !p.started.CompareAndSwap(false, true) {
		return ErrStarted
	}
	defer close(p.done)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	watched := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-runCtx.Done():
		case <-p.stopReq:
		}
		close(p.stopping)
		cancel()
		t := p.set.clock.NewTimer(p.set.shutdownTimeout)
		defer t.Stop()
		select {
		case <-t.C():
			p.set.logger.Warn("connect: shutdown timeout reached, abandoning the final flushes", "stream", p.stream)
			p.hardCancel()
		case <-finished:
		}
	}()
	err := p.worker.Run(runCtx)
	cancel()
	p.wg.Wait()
	close(finished)
	<-watched
	p.hardCancel()
	p.mu.Lock()
	errs := []error{err}
	for _, b := range p.blocked {
		errs = append(errs, b)
	}
	p.mu.Unlock()
	return errors.Join(errs...)
}

// Shutdown asks Run to shut down gracefully and waits until it has
// returned or ctx is done. It may be called more than once; called before
// Run, it makes Run stop as soon as it starts.
func (p *Pipeline[T]) Shutdown(ctx context.Context) error {
	p.stopOnce.Do(func() { close(p.stopReq) })
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Blocked returns the shards the Block policy stopped so far.
func (p *Pipeline[T]) Blocked() []*BlockedError {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*BlockedError(nil), p.blocked...)
}

func (p *Pipeline[T]) counters(shardID string) *shardCounters {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.stats[shardID]
	if c == nil {
		c = &shardCounters{}
		p.stats[shardID] = c
	}
	return c
}

func (p *Pipeline[T]) reportBlock(b *BlockedError) {
	p.set.logger.Error("connect: shard blocked", "stream", p.stream, "shard", b.ShardID,
		"sequenceNumber", b.SequenceNumber, "subSequenceNumber", b.SubSequenceNumber, "stage", string(b.Stage), "err", b.Err)
	p.mu.Lock()
	p.blocked = append(p.blocked, b)
	p.mu.Unlock()
	if p.set.onBlock != nil {
		p.set.onBlock(b)
	}
}

// Crash stops the pipeline abruptly, as if its process died: no buffer is
// flushed, no checkpoint written and no lease released (see
// consumer.Worker.Crash). Writes in progress are cancelled. It waits until
// Run has returned. It is meant for tests of a connector's recovery;
// Shutdown is the graceful stop.
func (p *Pipeline[T]) Crash() {
	p.hardCancel()
	p.worker.Crash()
	<-p.done
}
