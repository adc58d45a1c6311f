package consumer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/freshet-io/freshet/consumer/kpl"
	"github.com/freshet-io/freshet/consumer/lease"
)

// shardConsumer processes one shard while the worker holds its lease. It
// runs the processor on its own goroutine and reads ahead on another (the
// fetcher), which hands batches over through a channel of
// MaxPrefetchBatches slots: when the processor is slow, the fetcher blocks,
// so memory stays bounded.
type shardConsumer struct {
	w       *Worker
	coord   *coordinator
	shardID string
	held    *heldLease
	// children are the shard's children in the last ListShards before
	// the lease was taken: the children written at SHARD_END when the
	// read that reached the end named none.
	children []string
	ctx      context.Context // cancelled when the lease is lost or the worker stops abruptly
	cancel   context.CancelFunc

	stopOnce sync.Once
	stop     chan struct{} // closed to ask for a graceful stop
	done     chan struct{} // closed when run returns
}

type outcome int

const (
	outcomeEnded    outcome = iota // the shard was read to its end and checkpointed at SHARD_END
	outcomeShutdown                // the worker shut down gracefully
	outcomeLost                    // another worker took the lease
	outcomeAborted                 // the worker stopped abruptly
)

// batch is what the fetcher hands to the processor: records, the end of
// the shard, or an error.
type batch struct {
	records  []Record
	millis   int64
	end      bool
	children []string // at the end: the child shards, from GetRecords or the subscription
	err      error
}

var errShardEndNotCheckpointed = errors.New("consumer: ShardEnded returned without checkpointing SHARD_END")

func newShardConsumer(c *coordinator, l lease.Lease) *shardConsumer {
	ctx, cancel := context.WithCancel(c.ctx)
	sc := &shardConsumer{
		w:       c.w,
		coord:   c,
		shardID: l.Key,
		children: func() []string {
			if c.lineage == nil {
				return nil
			}
			return slices.Clone(c.lineage.children[l.Key])
		}(),
		ctx:    ctx,
		cancel: cancel,
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	sc.held = &heldLease{store: c.w.cfg.store, clock: c.w.cfg.clock, l: l, renewedAt: c.w.cfg.clock.Now(), onLost: func() {
		c.w.cfg.logger.Info("lease lost", "worker", c.w.id, "shard", l.Key)
		c.w.cfg.metrics.LeaseLost(l.Key)
		cancel()
	}}
	return sc
}

func (sc *shardConsumer) requestStop() {
	sc.stopOnce.Do(func() { close(sc.stop) })
}

func (sc *shardConsumer) run() {
	// Once done, a lease cycle may take new leases (the children of an
	// ended shard, or a share freed by this one).
	defer sc.coord.signal()
	defer close(sc.done)
	defer sc.cancel()
	cfg := &sc.w.cfg
	pause := cfg.backoff
	for {
		out, err := sc.process()
		if err == nil {
			sc.finish(out)
			return
		}
		cfg.logger.Warn("processing shard failed, retrying from the last checkpoint",
			"worker", sc.w.id, "shard", sc.shardID, "err", err, "pause", pause)
		cfg.metrics.Error("ProcessShard", err)
		if !sc.sleep(pause, true) {
			if sc.ctx.Err() != nil {
				sc.finish(outcomeAborted)
			} else {
				sc.finish(outcomeShutdown)
			}
			return
		}
		pause = min(2*pause, cfg.maxPause)
	}
}

// finish hands the lease over after the last call of a processor.
func (sc *shardConsumer) finish(out outcome) {
	// The processor's final checkpoint is written; the hand-over must
	// happen even though the worker's context may be cancelled.
	ctx := context.WithoutCancel(sc.ctx)
	switch out {
	case outcomeEnded:
		// The children get their leases, if they have none yet, from
		// the next shard sync, which the coordinator runs at once.
		sc.coord.requestSync()
		sc.release(ctx)
	case outcomeShutdown:
		sc.release(ctx)
	}
}

func (sc *shardConsumer) release(ctx context.Context) {
	if sc.ctx.Err() != nil {
		return // lost or aborted: nothing to hand over
	}
	if err := sc.held.release(ctx); err != nil && !errors.Is(err, ErrLeaseLost) {
		sc.w.cfg.logger.Warn("releasing lease failed", "shard", sc.shardID, "err", err)
		sc.w.cfg.metrics.Error("ReleaseLease", err)
	}
}

// process runs one processor over the shard, from the lease's checkpoint,
// until the shard ends, the lease is lost, the worker stops, or the
// processor fails (err != nil, to be retried).
func (sc *shardConsumer) process() (outcome, error) {
	l := sc.held.get()
	if l.Checkpoint.SequenceNumber == lease.ShardEnd {
		return outcomeEnded, nil
	}
	// Confirm the lease with the store before a processor starts: this
	// goroutine may have been paused for longer than the failover time
	// since the lease was taken, while another worker took it, finished
	// the shard and started its children.
	if err := sc.held.renew(sc.ctx); err != nil {
		switch {
		case sc.held.isLost():
			return outcomeLost, nil
		case sc.ctx.Err() != nil:
			return outcomeAborted, nil
		}
		return 0, fmt.Errorf("renewing the lease: %w", err)
	}
	ctx := sc.ctx
	cfg := &sc.w.cfg
	proc := sc.w.factory(sc.shardID)
	cp := newCheckpointer(sc.shardID, sc.held, cfg.checkpointInterval)
	if err := proc.Initialize(ctx, InitializeInput{ShardID: sc.shardID, Checkpoint: l.Checkpoint, PendingCheckpoint: l.PendingCheckpoint}); err != nil {
		return sc.failed(proc, fmt.Errorf("Initialize: %w", err))
	}

	f := &fetcher{sc: sc, start: l.Checkpoint}
	if cfg.filterHashRange {
		if r, err := kpl.ParseHashKeyRange(l.HashKeyRange.StartingHashKey, l.HashKeyRange.EndingHashKey); err == nil {
			f.hashRange = &r
		}
	}
	fctx, fcancel := context.WithCancel(ctx)
	batches := make(chan batch, cfg.prefetch)
	fdone := make(chan struct{})
	go func() {
		defer close(fdone)
		f.run(fctx, batches)
	}()
	defer func() {
		fcancel()
		<-fdone
	}()

	for {
		select {
		case <-sc.stop:
			return sc.shutdown(proc, cp)
		default:
		}
		var b batch
		select {
		case <-sc.stop:
			return sc.shutdown(proc, cp)
		case <-ctx.Done():
			return sc.failed(proc, ctx.Err())
		case b = <-batches:
		}
		if b.err != nil {
			return sc.failed(proc, b.err)
		}
		if n := len(b.records); n > 0 {
			cp.deliver(b.records[n-1])
			if err := proc.ProcessRecords(ctx, ProcessRecordsInput{Records: b.records, MillisBehindLatest: b.millis, Checkpointer: cp}); err != nil {
				return sc.failed(proc, fmt.Errorf("ProcessRecords: %w", err))
			}
			bytes := 0
			for i := range b.records {
				bytes += len(b.records[i].Data)
			}
			cfg.metrics.RecordsProcessed(sc.shardID, n, bytes)
		}
		if b.end {
			children := b.children
			if len(children) == 0 {
				children = sc.children
			}
			cp.endShard(children)
			if err := proc.ShardEnded(ctx, cp); err != nil {
				return sc.failed(proc, fmt.Errorf("ShardEnded: %w", err))
			}
			if sc.held.get().Checkpoint.SequenceNumber != lease.ShardEnd {
				return sc.failed(proc, errShardEndNotCheckpointed)
			}
			cfg.logger.Info("shard ended", "worker", sc.w.id, "shard", sc.shardID)
			return outcomeEnded, nil
		}
	}
}

// failed ends a processor after err. If the cause is a lost lease or an
// abrupt stop, that is the outcome; otherwise err is returned for a retry.
func (sc *shardConsumer) failed(proc RecordProcessor, err error) (outcome, error) {
	if sc.held.isLost() {
		proc.LeaseLost(context.WithoutCancel(sc.ctx))
		return outcomeLost, nil
	}
	if sc.ctx.Err() != nil {
		return outcomeAborted, nil
	}
	return 0, err
}

func (sc *shardConsumer) shutdown(proc RecordProcessor, cp *Checkpointer) (outcome, error) {
	if err := proc.ShutdownRequested(sc.ctx, cp); err != nil {
		if sc.held.isLost() || sc.ctx.Err() != nil {
			return sc.failed(proc, err)
		}
		sc.w.cfg.logger.Warn("ShutdownRequested failed", "worker", sc.w.id, "shard", sc.shardID, "err", err)
		sc.w.cfg.metrics.Error("ShutdownRequested", err)
	}
	return outcomeShutdown, nil
}

// sleep waits for d on the worker's clock. It returns false if the shard
// consumer must stop instead: the lease was lost, the worker stopped
// abruptly or, if stoppable, a graceful stop was asked for.
func (sc *shardConsumer) sleep(d time.Duration, stoppable bool) bool {
	return sleep(sc.ctx, sc.w.cfg.clock, d, stopChan(sc.stop, stoppable))
}

func stopChan(c chan struct{}, on bool) chan struct{} {
	if on {
		return c
	}
	return nil
}
