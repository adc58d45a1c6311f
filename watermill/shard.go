package kinesiswm

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/freshet-io/freshet/consumer"
)

// errClosing makes the worker give up a shard that ended while the
// subscription closed with messages of it unacknowledged: its end is not
// checkpointed, so the next subscription of the group delivers them again.
var errClosing = errors.New("kinesiswm: subscription closing with messages in flight")

// shardProcessor is the consumer.RecordProcessor of one shard of a
// subscription. ProcessRecords delivers each record as a message, in shard
// order, while fewer than Window messages are in flight, and starts a
// goroutine that follows the message until it is acknowledged. The queue
// holds the messages delivered and not yet below the watermark, in shard
// order; when the oldest ones are done, the watermark moves to the last of
// them and the checkpoint loop writes it.
type shardProcessor struct {
	sub     *subscription
	shardID string
	ctx     context.Context // message and poison contexts; cancelled by stop
	cancel  context.CancelFunc

	stopOnce sync.Once
	stopped  chan struct{}  // closed when the processor gives the shard up
	follows  sync.WaitGroup // the goroutines of follow

	mu      sync.Mutex
	queue   []*inflight // delivered, in shard order, from the oldest not done
	mark    *inflight   // the watermark: every message up to it is done
	written *inflight   // the last checkpoint written
	space   chan struct{}

	cp        *consumer.Checkpointer
	cpCtx     context.Context
	cpSignal  chan struct{}
	cpStop    chan struct{}
	cpDone    chan struct{}
	cpStarted bool
	cpMu      sync.Mutex // serializes checkpoint writes
}

// inflight is a record delivered to the subscription and not yet below the
// watermark.
type inflight struct {
	rec  consumer.Record
	seq  string
	done bool
}

func newShardProcessor(sub *subscription, shardID string) *shardProcessor {
	ctx, cancel := context.WithCancel(sub.ctx)
	return &shardProcessor{
		sub:      sub,
		shardID:  shardID,
		ctx:      ctx,
		cancel:   cancel,
		stopped:  make(chan struct{}),
		space:    make(chan struct{}, 1),
		cpSignal: make(chan struct{}, 1),
		cpStop:   make(chan struct{}),
		cpDone:   make(chan struct{}),
	}
}

// Initialize implements consumer.RecordProcessor.
func (p *shardProcessor) Initialize(context.Context, consumer.InitializeInput) error {
	return nil
}

// ProcessRecords implements consumer.RecordProcessor: it delivers the
// records in order, waiting for room in the window.
func (p *shardProcessor) ProcessRecords(ctx context.Context, in consumer.ProcessRecordsInput) error {
	p.startCheckpoints(ctx, in.Checkpointer)
	for i := range in.Records {
		if !p.waitForRoom(ctx) || !p.sub.acquireSlot(ctx.Done()) {
			return ctx.Err() // nil when the subscription is closing
		}
		e := &inflight{rec: in.Records[i], seq: in.Records[i].SequenceNumber.String()}
		msg, cancel, invalid := p.sub.buildMessage(p.ctx, p.shardID, &e.rec, e.seq, 1)
		p.mu.Lock()
		p.queue = append(p.queue, e)
		p.mu.Unlock()
		if invalid != nil {
			cancel()
			p.startFollow()
			go p.follow(e, nil, nil, Poisoned{Topic: p.sub.topic, Message: msg, Reason: invalid})
			continue
		}
		select {
		case p.sub.out <- msg:
		case <-ctx.Done():
			cancel()
			p.sub.releaseSlot()
			return ctx.Err()
		case <-p.sub.ctx.Done():
			cancel()
			p.sub.releaseSlot()
			return nil
		}
		p.startFollow()
		go p.follow(e, msg, cancel, Poisoned{})
	}
	return nil
}

// waitForRoom waits until fewer than Window messages are in flight. It
// returns false if the subscription is closing or the lease is lost
// (ctx.Err() tells which).
func (p *shardProcessor) waitForRoom(ctx context.Context) bool {
	for {
		p.mu.Lock()
		n := len(p.queue)
		p.mu.Unlock()
		if n < p.sub.cfg.Window {
			return p.sub.ctx.Err() == nil && ctx.Err() == nil
		}
		select {
		case <-p.space:
		case <-ctx.Done():
			return false
		case <-p.sub.ctx.Done():
			return false
		}
	}
}

func (p *shardProcessor) startFollow() {
	p.sub.messages.Add(1)
	p.follows.Add(1)
}

// follow owns a message until it is acknowledged, or handed to the poison
// handler, or the processor stops. With msg nil, poison is already set.
func (p *shardProcessor) follow(e *inflight, msg *message.Message, cancel context.CancelFunc, poison Poisoned) {
	defer p.sub.messages.Done()
	defer p.follows.Done()
	defer p.sub.releaseSlot()
	cfg := p.sub.cfg
	attempt := 1
	for msg != nil {
		select {
		case <-msg.Acked():
			cancel()
			p.complete(e)
			return
		case <-p.stopped:
		case <-p.sub.ctx.Done():
		case <-msg.Nacked():
		}
		cancel()
		if isClosed(msg.Acked()) {
			// Stopping, but the acknowledgement came first: it counts.
			p.complete(e)
			return
		}
		if isClosed(p.stopped) || p.sub.ctx.Err() != nil {
			return
		}
		if cfg.MaxDeliveries > 0 && attempt >= cfg.MaxDeliveries {
			m, c, _ := p.sub.buildMessage(p.ctx, p.shardID, &e.rec, e.seq, attempt)
			c()
			poison = Poisoned{Topic: p.sub.topic, Message: m, Reason: fmt.Errorf("%w (%d deliveries)", ErrTooManyDeliveries, attempt)}
			break
		}
		if sleep(p.ctx, cfg.Clock, cfg.Redelivery.pause(attempt), p.stopped) != nil {
			return
		}
		attempt++
		msg, cancel, _ = p.sub.buildMessage(p.ctx, p.shardID, &e.rec, e.seq, attempt)
		select {
		case p.sub.out <- msg:
		case <-p.stopped:
			cancel()
			return
		case <-p.sub.ctx.Done():
			cancel()
			return
		}
	}
	for n := 1; p.ctx.Err() == nil; n++ {
		err := callPoison(p.ctx, cfg.Poison, poison)
		if err == nil {
			p.complete(e)
			return
		}
		cfg.Logger.Error("Poison handler failed", err, watermill.LogFields{"topic": p.sub.topic, "shard": p.shardID, "sequence_number": e.seq})
		if sleep(p.ctx, cfg.Clock, cfg.Redelivery.pause(n), p.stopped) != nil {
			return
		}
	}
}

// complete marks e done and moves the watermark over the done messages at
// the head of the queue.
func (p *shardProcessor) complete(e *inflight) {
	p.mu.Lock()
	e.done = true
	n := 0
	for n < len(p.queue) && p.queue[n].done {
		n++
	}
	if n > 0 {
		p.mark = p.queue[n-1]
		clear(p.queue[:n])
		p.queue = p.queue[n:]
		if len(p.queue) == 0 {
			p.queue = p.queue[:0:0] // let the backing array go
		}
	}
	p.mu.Unlock()
	if n > 0 {
		signal(p.space)
		signal(p.cpSignal)
	}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// startCheckpoints starts the checkpoint loop once, with the lease's
// context and the shard's Checkpointer.
func (p *shardProcessor) startCheckpoints(ctx context.Context, cp *consumer.Checkpointer) {
	if p.cpStarted {
		return
	}
	p.cpStarted = true
	p.cp, p.cpCtx = cp, ctx
	go p.checkpointLoop()
}

// checkpointLoop writes the watermark whenever it moves, one write at a
// time, at most once per CheckpointInterval.
func (p *shardProcessor) checkpointLoop() {
	defer close(p.cpDone)
	cfg := p.sub.cfg
	failures := 0
	for {
		select {
		case <-p.cpSignal:
		case <-p.cpStop:
			return
		case <-p.ctx.Done(): // the subscription ended: ShutdownRequested writes the last one
			return
		}
		err := p.writeCheckpoint(p.cpCtx)
		switch {
		case errors.Is(err, consumer.ErrLeaseLost) || p.cpCtx.Err() != nil:
			return
		case err != nil:
			failures++
			cfg.Logger.Error("Checkpoint failed", err, watermill.LogFields{"topic": p.sub.topic, "shard": p.shardID})
			if sleep(p.ctx, cfg.Clock, cfg.Redelivery.pause(failures), p.cpStop) != nil {
				return
			}
			signal(p.cpSignal)
			continue
		}
		failures = 0
		if cfg.CheckpointInterval > 0 && sleep(p.ctx, cfg.Clock, cfg.CheckpointInterval, p.cpStop) != nil {
			return
		}
	}
}

// writeCheckpoint checkpoints at the watermark, if it moved since the last
// write.
func (p *shardProcessor) writeCheckpoint(ctx context.Context) error {
	p.cpMu.Lock()
	defer p.cpMu.Unlock()
	p.mu.Lock()
	mark := p.mark
	p.mu.Unlock()
	if mark == nil || mark == p.written || p.cp == nil {
		return nil
	}
	if err := p.cp.CheckpointAt(ctx, mark.seq, mark.rec.SubSequenceNumber); err != nil {
		return err
	}
	p.written = mark
	return nil
}

// stop ends the processor's message goroutines and its checkpoint loop.
// The worker calls one of ShardEnded, LeaseLost and ShutdownRequested, which
// stop the processor; when it replaces a processor without calling any
// (after a read error, it retries the shard from its checkpoint with a new
// one), the subscription stops the old one.
func (p *shardProcessor) stop() {
	p.stopOnce.Do(func() {
		close(p.stopped)
		p.cancel()
		p.follows.Wait() // acknowledgements already made are counted
		close(p.cpStop)
		if p.cpStarted {
			<-p.cpDone
		}
	})
}

// LeaseLost implements consumer.RecordProcessor: another subscription of
// the group took the shard and delivers its messages from the checkpoint.
func (p *shardProcessor) LeaseLost(context.Context) {
	p.stop()
}

// ShardEnded implements consumer.RecordProcessor: once every message of
// the shard is acknowledged it checkpoints SHARD_END, which lets the child
// shards start.
func (p *shardProcessor) ShardEnded(ctx context.Context, cp *consumer.Checkpointer) error {
	for {
		p.mu.Lock()
		n := len(p.queue)
		p.mu.Unlock()
		if n == 0 {
			break
		}
		select {
		case <-p.space:
		case <-ctx.Done():
			p.stop()
			return ctx.Err()
		case <-p.sub.ctx.Done():
			p.stop()
			if err := p.writeCheckpoint(ctx); err != nil {
				return err
			}
			return errClosing
		}
	}
	p.stop()
	return cp.Checkpoint(ctx)
}

// ShutdownRequested implements consumer.RecordProcessor: the subscription
// is closing; the checkpoint covers the acknowledged messages only.
func (p *shardProcessor) ShutdownRequested(ctx context.Context, _ *consumer.Checkpointer) error {
	p.stop()
	return p.writeCheckpoint(ctx)
}
