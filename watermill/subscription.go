package kinesiswm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
)

// subscription is one Subscribe call: a consumer.Worker over the stream,
// whose shard processors deliver messages to out.
type subscription struct {
	s      *Subscriber
	cfg    *SubscriberConfig
	topic  string
	out    chan *message.Message
	ctx    context.Context // cancelled when the subscription ends
	cancel context.CancelFunc
	worker *consumer.Worker

	// slots holds a token per unacknowledged message when MaxUnacked is
	// set; nil otherwise.
	slots chan struct{}
	// messages counts the goroutines that follow delivered messages.
	messages sync.WaitGroup

	mu    sync.Mutex
	procs map[string]*shardProcessor // the current processor of each shard
	done  chan struct{}              // closed once out is closed
}

func newSubscription(s *Subscriber, ctx context.Context, topic string, store lease.Store) *subscription {
	sctx, cancel := context.WithCancel(ctx)
	sub := &subscription{
		s:      s,
		cfg:    &s.cfg,
		topic:  topic,
		out:    make(chan *message.Message),
		ctx:    sctx,
		cancel: cancel,
		done:   make(chan struct{}),
		procs:  map[string]*shardProcessor{},
	}
	if s.cfg.MaxUnacked > 0 {
		sub.slots = make(chan struct{}, s.cfg.MaxUnacked)
	}
	opts := []consumer.Option{
		consumer.WithLeaseStore(store),
		consumer.WithWorkerID(workerID(s.cfg.ConsumerGroup)),
		consumer.WithInitialPosition(s.cfg.InitialPosition),
		consumer.WithClock(s.cfg.Clock),
	}
	opts = append(opts, s.cfg.ConsumerOptions...)
	sub.worker = consumer.New(s.cfg.Source, topic, sub.newProcessor, opts...)
	return sub
}

func workerID(group string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	if group == "" {
		group = "kinesiswm"
	}
	return group + "-" + hex.EncodeToString(b[:])
}

// start runs the worker until the subscription ends, then closes out.
func (sub *subscription) start() {
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		// Run returns only after Shutdown: its context is never cancelled.
		_ = sub.worker.Run(context.WithoutCancel(sub.ctx))
	}()
	go func() {
		defer close(sub.done)
		<-sub.ctx.Done()
		sub.cfg.Logger.Debug("Closing subscription", watermill.LogFields{"topic": sub.topic})
		// Processors see ctx done and stop delivering; the worker then
		// asks each for its final checkpoint and releases the leases.
		_ = sub.worker.Shutdown(context.Background())
		<-ran
		sub.messages.Wait()
		close(sub.out)
		sub.s.forget(sub)
	}()
}

// newProcessor is the worker's ProcessorFactory. A processor the worker
// replaces without telling it (see shardProcessor.stop) is stopped: its
// messages in flight are abandoned (their contexts cancelled), as the new
// one delivers them again from the checkpoint.
func (sub *subscription) newProcessor(shardID string) consumer.RecordProcessor {
	p := newShardProcessor(sub, shardID)
	sub.mu.Lock()
	old := sub.procs[shardID]
	sub.procs[shardID] = p
	sub.mu.Unlock()
	if old != nil {
		old.stop()
	}
	return p
}

// acquireSlot takes a MaxUnacked token; it fails if stop or the
// subscription ends first.
func (sub *subscription) acquireSlot(stop <-chan struct{}) bool {
	if sub.slots == nil {
		return true
	}
	select {
	case sub.slots <- struct{}{}:
		return true
	case <-stop:
	case <-sub.ctx.Done():
	}
	return false
}

func (sub *subscription) releaseSlot() {
	if sub.slots != nil {
		<-sub.slots
	}
}

// buildMessage turns record r into a message for its delivery number
// attempt, in a context derived from ctx. If r is not a valid envelope and
// the policy is PoisonInvalid, the raw message comes with the decoding
// error, and must go to the poison handler instead of being delivered.
func (sub *subscription) buildMessage(ctx context.Context, shardID string, r *consumer.Record, seq string, attempt int) (*message.Message, context.CancelFunc, error) {
	var msg *message.Message
	var invalid error
	if !sub.cfg.Raw {
		m, err := UnmarshalEnvelope(r.Data)
		switch {
		case err == nil:
			msg = m
		case sub.cfg.InvalidEnvelope == PoisonInvalid:
			invalid = err
		}
	}
	if msg == nil {
		id := shardID + ":" + seq
		if r.Aggregated {
			id += ":" + strconv.FormatInt(r.SubSequenceNumber, 10)
		}
		payload := slices.Clone(r.Data)
		if payload == nil {
			payload = []byte{}
		}
		msg = message.NewMessage(id, payload)
		msg.Metadata[MetadataRaw] = "true"
	}
	md := msg.Metadata
	md[MetadataStream] = sub.topic
	md[MetadataShardID] = shardID
	md[MetadataSequenceNumber] = seq
	md[MetadataPartitionKey] = r.PartitionKey
	md[MetadataArrivalTime] = r.ApproximateArrivalTimestamp.UTC().Format(time.RFC3339Nano)
	md[MetadataDeliveryAttempt] = strconv.Itoa(attempt)
	if r.Aggregated {
		md[MetadataSubSequenceNumber] = strconv.FormatInt(r.SubSequenceNumber, 10)
	}
	// The message's context is cancelled by its owner (the goroutine
	// that follows it), on acknowledgement and when the processor or the
	// subscription stops; not through ctx, whose list of children would
	// otherwise be a point of contention with a large window.
	mctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	msg.SetContext(mctx)
	return msg, cancel, invalid
}
