package kinesiswm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
)

// InvalidEnvelopePolicy says what the Subscriber does with a record that is
// not a valid envelope.
type InvalidEnvelopePolicy int

const (
	// DeliverRaw delivers the record as a raw message: its payload is the
	// record data, its UUID is derived from the shard and sequence number,
	// and MetadataRaw is "true". This lets a subscription read streams that
	// non-Watermill producers also write to.
	DeliverRaw InvalidEnvelopePolicy = iota
	// PoisonInvalid hands the record, as a raw message, to the
	// PoisonHandler without delivering it.
	PoisonInvalid
)

// ErrSubscriberClosed is returned by Subscribe after Close.
var ErrSubscriberClosed = errors.New("kinesiswm: subscriber closed")

// SubscriberConfig configures a Subscriber. Only Source is required.
type SubscriberConfig struct {
	// Source reads the streams: a *freshet.Engine (in process, no HTTP)
	// or a *kinesissdk.Client (an AWS SDK client of freshet serve or of
	// real Kinesis).
	Source consumer.Source

	// ConsumerGroup names the consumer group. Subscriptions of one group
	// to one stream share its shards (each record goes to one of them)
	// and its checkpoints, through the lease table LeaseStores returns
	// for the group and stream: a new subscription continues where the
	// group stopped. Subscriptions with no group ("", the default) each
	// get a private in-memory lease table: each reads the whole stream
	// from InitialPosition, and remembers nothing once closed.
	ConsumerGroup string
	// LeaseStores returns a group's lease table for a stream. Default: a
	// MemoryLeaseStores of this Subscriber, so that groups span the
	// Subscribe calls of one Subscriber only. Pass one
	// (*MemoryLeaseStores).Store to several Subscribers of a process, or a
	// function returning a durable lease.Store to scale a group out
	// across processes.
	LeaseStores LeaseStoreFunc
	// InitialPosition is where a group starts reading a shard it has no
	// checkpoint for: lease.TrimHorizon (the oldest retained record) or
	// lease.Latest (records written from now on). Default:
	// lease.TrimHorizon, so that a new group reads what was published
	// before it subscribed. (consumer.WithInitialTimestamp in
	// ConsumerOptions starts at a time instead.)
	InitialPosition string

	// Window caps the messages of one shard that are in flight: from the
	// oldest message not acknowledged yet to the newest delivered, at
	// most Window messages. Messages of a shard are delivered in shard
	// order; with a Window of 1 (the default) the next message of a shard
	// is delivered only once the previous one is acknowledged, so a
	// Router handles them one by one, in order. A larger Window lets a
	// Router handle up to Window messages of a shard at once, while the
	// checkpoint still never moves past a message that is not
	// acknowledged, and bounds what is delivered again after a crash.
	Window int
	// MaxUnacked caps the messages of a subscription, over all its
	// shards, that are delivered and not yet acknowledged: when it is
	// reached, no shard delivers more until a message is acknowledged.
	// Default: 0, no limit besides Window per shard.
	MaxUnacked int

	// Redelivery sets the pauses before a nacked message is delivered
	// again, and between calls of a failing PoisonHandler. Default: 100
	// ms, doubling up to 10 s.
	Redelivery Backoff
	// MaxDeliveries, if positive, is how many times a message is
	// delivered and nacked before it is handed to Poison instead (Poison
	// is then required). Default: 0, nacked messages are delivered again
	// without limit.
	MaxDeliveries int
	// Poison takes the records given up on: see PoisonHandler,
	// DeadLetterStream.
	Poison PoisonHandler
	// InvalidEnvelope says what happens to records that are not valid
	// envelopes. Default: DeliverRaw. PoisonInvalid requires Poison.
	InvalidEnvelope InvalidEnvelopePolicy
	// Raw delivers every record as a raw message, without looking for an
	// envelope: for streams written by other producers only.
	Raw bool

	// CheckpointInterval is the shortest time between two checkpoint
	// writes of a shard. Checkpoints are written by one goroutine per
	// shard as soon as acknowledgements move the shard's watermark, one
	// write at a time, so a slow lease store naturally gets fewer writes;
	// an interval spaces them further. The final checkpoint at Close and
	// at the end of a shard is always written. Default: 0.
	CheckpointInterval time.Duration

	// AutoCreate, if set, creates streams that do not exist when
	// subscribed to (and in SubscribeInitialize), with AutoCreateShards
	// shards. A *freshet.Engine is a StreamCreator. Default: nil.
	AutoCreate StreamCreator
	// AutoCreateShards is the shard count of streams made by AutoCreate.
	// Default: 1.
	AutoCreateShards int

	// ConsumerOptions are passed to the consumer.Worker of each
	// subscription after the Subscriber's own (lease store, worker id,
	// initial position, clock), and so override them: lease timings,
	// polling, enhanced fan-out, metrics, logging.
	ConsumerOptions []consumer.Option
	// Clock times redelivery pauses and checkpoint intervals, and is
	// passed to the workers. Default: freshet.SystemClock.
	Clock freshet.Clock
	// Logger receives the subscriber's logs. Default: watermill.NopLogger.
	Logger watermill.LoggerAdapter
}

func (c *SubscriberConfig) setDefaults() error {
	if c.Source == nil {
		return errors.New("kinesiswm: SubscriberConfig.Source is required")
	}
	if c.LeaseStores == nil {
		c.LeaseStores = NewMemoryLeaseStores().Store
	}
	switch c.InitialPosition {
	case "":
		c.InitialPosition = lease.TrimHorizon
	case lease.TrimHorizon, lease.Latest:
	default:
		return fmt.Errorf("kinesiswm: invalid InitialPosition %q", c.InitialPosition)
	}
	c.Window = max(c.Window, 1)
	c.MaxUnacked = max(c.MaxUnacked, 0)
	c.Redelivery = c.Redelivery.withDefaults(100*time.Millisecond, 10*time.Second)
	if c.MaxDeliveries > 0 && c.Poison == nil {
		return errors.New("kinesiswm: MaxDeliveries needs a Poison handler")
	}
	if c.InvalidEnvelope == PoisonInvalid && c.Poison == nil {
		return errors.New("kinesiswm: InvalidEnvelope PoisonInvalid needs a Poison handler")
	}
	if c.Clock == nil {
		c.Clock = freshet.SystemClock{}
	}
	if c.Logger == nil {
		c.Logger = watermill.NopLogger{}
	}
	return nil
}

// Subscriber is a Watermill message.Subscriber that reads Kinesis streams:
// the topic is the stream name. Each Subscribe call runs a consumer.Worker
// over the stream, so consumer groups scale out like KCL applications (see
// SubscriberConfig.ConsumerGroup), shards are followed through resharding
// (a child shard only after its parents were read to their end), and each
// shard is checkpointed with the Storm spout's rule: the checkpoint is the
// highest record below which every message was acknowledged, so a slow or
// nacked message is never skipped.
//
// Records written by a Publisher in envelope mode become the messages that
// were published (UUID, metadata, payload); other records become raw
// messages (see InvalidEnvelopePolicy). Every message also carries the
// Metadata* keys of where it was read.
//
// A Subscriber is safe for concurrent use.
type Subscriber struct {
	cfg     SubscriberConfig
	streams *streamMaker

	mu     sync.Mutex
	closed bool
	subs   map[*subscription]struct{}
}

// NewSubscriber returns a Subscriber.
func NewSubscriber(cfg SubscriberConfig) (*Subscriber, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	return &Subscriber{
		cfg:     cfg,
		streams: newStreamMaker(cfg.AutoCreate, cfg.AutoCreateShards, cfg.Clock),
		subs:    map[*subscription]struct{}{},
	}, nil
}

// SubscribeInitialize creates the stream topic if AutoCreate is set, and
// does nothing otherwise. It implements message.SubscribeInitializer.
func (s *Subscriber) SubscribeInitialize(topic string) error {
	return s.streams.ensure(context.Background(), topic)
}

// Subscribe starts reading the stream topic and returns the channel of its
// messages. Every message must be acknowledged (Ack) or rejected (Nack): a
// nacked message is delivered again after a pause (Redelivery), up to
// MaxDeliveries times. The channel is closed when ctx is cancelled or the
// Subscriber is closed, after the last checkpoint of each shard is written:
// it covers exactly the messages acknowledged by then.
//
// A message's context is cancelled once it is acknowledged or nacked, when
// the subscription ends, and when its shard is taken over by another
// subscription of the group.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, ErrSubscriberClosed
	}
	if err := s.streams.ensure(ctx, topic); err != nil {
		return nil, err
	}
	// Fail now, not in the worker's retry loop, if the stream is missing.
	if _, err := s.cfg.Source.ListShards(ctx, &freshet.ListShardsInput{StreamName: topic, MaxResults: 1}); err != nil {
		return nil, fmt.Errorf("kinesiswm: subscribing to %s: %w", topic, err)
	}
	store, err := s.leaseStore(ctx, topic)
	if err != nil {
		return nil, err
	}
	sub := newSubscription(s, ctx, topic, store)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrSubscriberClosed
	}
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	sub.start()
	return sub.out, nil
}

func (s *Subscriber) leaseStore(ctx context.Context, topic string) (lease.Store, error) {
	if s.cfg.ConsumerGroup == "" {
		return lease.NewMemoryStore(), nil
	}
	store, err := s.cfg.LeaseStores(ctx, s.cfg.ConsumerGroup, topic)
	if err != nil {
		return nil, fmt.Errorf("kinesiswm: lease table of group %s for %s: %w", s.cfg.ConsumerGroup, topic, err)
	}
	return store, nil
}

// forget removes a subscription that ended.
func (s *Subscriber) forget(sub *subscription) {
	s.mu.Lock()
	delete(s.subs, sub)
	s.mu.Unlock()
}

// Close ends every subscription: each stops delivering, writes the final
// checkpoint of each shard (covering the acknowledged messages only),
// hands its leases over to the other members of its group, and closes its
// channel. Close returns when all of that is done. It is idempotent.
func (s *Subscriber) Close() error {
	s.mu.Lock()
	s.closed = true
	subs := make([]*subscription, 0, len(s.subs))
	for sub := range s.subs {
		subs = append(subs, sub)
	}
	s.mu.Unlock()
	for _, sub := range subs {
		sub.cancel()
	}
	for _, sub := range subs {
		<-sub.done
	}
	return nil
}
