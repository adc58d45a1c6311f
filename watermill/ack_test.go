package kinesiswm_test

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kinesiswm "github.com/freshet-io/freshet/watermill"
)

// groupSetup is a one-shard stream "s" with n messages published, and a
// subscriber of group "g" whose lease table the test can read.
type groupSetup struct {
	e      *freshet.Engine
	stores *kinesiswm.MemoryLeaseStores
	store  lease.Store
	shard  string
	sent   []*message.Message
}

func newGroupSetup(t *testing.T, n int) *groupSetup {
	e := newEngine(t)
	createStream(t, e, "s", 1)
	sent := messages(n)
	require.NoError(t, newPublisher(t, e, nil).Publish("s", sent...))
	stores := kinesiswm.NewMemoryLeaseStores()
	return &groupSetup{e: e, stores: stores, store: groupStore(t, stores, "g", "s"), shard: "shardId-000000000000", sent: sent}
}

func (g *groupSetup) subscribe(t *testing.T, mod func(*kinesiswm.SubscriberConfig)) (*kinesiswm.Subscriber, <-chan *message.Message) {
	sub := newSubscriber(t, g.e, func(c *kinesiswm.SubscriberConfig) {
		c.ConsumerGroup = "g"
		c.LeaseStores = g.stores.Store
		if mod != nil {
			mod(c)
		}
	})
	ch, err := sub.Subscribe(context.Background(), "s")
	require.NoError(t, err)
	return sub, ch
}

func seqOf(m *message.Message) string { return m.Metadata.Get(kinesiswm.MetadataSequenceNumber) }

// The checkpoint is the highest record below which every message was
// acknowledged: one slow message holds it back, however many messages
// after it are acknowledged, and it jumps forward once the slow one is.
func TestCheckpointStopsAtOldestUnacknowledged(t *testing.T) {
	g := newGroupSetup(t, 10)
	_, ch := g.subscribe(t, func(c *kinesiswm.SubscriberConfig) { c.Window = 10 })
	got := receive(t, ch, 10)
	for i := range got {
		assert.Equal(t, g.sent[i].UUID, got[i].UUID)
	}
	for i, m := range got {
		if i != 3 {
			m.Ack()
		}
	}
	waitCheckpoint(t, g.store, g.shard, seqOf(got[2]))
	requireNothing(t, ch)
	assert.Equal(t, seqOf(got[2]), checkpointOf(t, g.store, g.shard).SequenceNumber, "the checkpoint skipped the unacknowledged message")
	got[3].Ack()
	waitCheckpoint(t, g.store, g.shard, seqOf(got[9]))
}

// The window bounds the messages in flight per shard: from the oldest
// unacknowledged message to the newest delivered.
func TestWindowBoundsMessagesInFlight(t *testing.T) {
	g := newGroupSetup(t, 20)
	_, ch := g.subscribe(t, func(c *kinesiswm.SubscriberConfig) { c.Window = 5 })
	got := receive(t, ch, 5)
	requireNothing(t, ch)
	// Acknowledging a later message makes no room: the oldest still holds
	// the window.
	got[4].Ack()
	got[1].Ack()
	requireNothing(t, ch)
	got[0].Ack() // 0 and 1 are done: two places free
	more := receive(t, ch, 2)
	assert.Equal(t, g.sent[5].UUID, more[0].UUID)
	assert.Equal(t, g.sent[6].UUID, more[1].UUID)
	requireNothing(t, ch)
}

// MaxUnacked stops every shard of a subscription once that many messages
// are delivered and not acknowledged.
func TestMaxUnackedAppliesBackPressure(t *testing.T) {
	e := newEngine(t)
	createStream(t, e, "s", 4)
	require.NoError(t, newPublisher(t, e, nil).Publish("s", messages(100)...))
	sub := newSubscriber(t, e, func(c *kinesiswm.SubscriberConfig) {
		c.Window = 100
		c.MaxUnacked = 6
	})
	ch, err := sub.Subscribe(context.Background(), "s")
	require.NoError(t, err)
	got := receive(t, ch, 6)
	requireNothing(t, ch)
	got[2].Ack()
	receive(t, ch, 1)
	requireNothing(t, ch)
}

// Closing a subscription mid-batch checkpoints exactly the acknowledged
// prefix; the group's next subscription continues from there.
func TestCloseCheckpointsOnlyAcknowledged(t *testing.T) {
	g := newGroupSetup(t, 20)
	sub, ch := g.subscribe(t, func(c *kinesiswm.SubscriberConfig) { c.Window = 10 })
	got := receive(t, ch, 10)
	for _, i := range []int{0, 1, 2, 3, 4, 6, 8} {
		got[i].Ack()
	}
	require.NoError(t, sub.Close())
	_, open := <-ch
	require.False(t, open, "Close closes the channel")
	assert.Equal(t, seqOf(got[4]), checkpointOf(t, g.store, g.shard).SequenceNumber)
	for _, m := range got {
		select {
		case <-m.Context().Done():
		default:
			t.Fatalf("message %s: context not cancelled by Close", m.UUID)
		}
	}

	_, ch2 := g.subscribe(t, nil)
	again := receiveAck(t, ch2, 15)
	for i, m := range again {
		assert.Equal(t, g.sent[5+i].UUID, m.UUID, "delivery %d", i)
	}
	waitCheckpoint(t, g.store, g.shard, seqOf(again[14]))
}

// Cancelling Subscribe's context ends the subscription like Close.
func TestSubscribeContextCancelled(t *testing.T) {
	g := newGroupSetup(t, 5)
	sub := newSubscriber(t, g.e, func(c *kinesiswm.SubscriberConfig) {
		c.ConsumerGroup, c.LeaseStores = "g", g.stores.Store
	})
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := sub.Subscribe(ctx, "s")
	require.NoError(t, err)
	receive(t, ch, 1)[0].Ack()
	cancel()
	for range ch { // drained until closed
	}
	assert.Equal(t, seqOf(g.sentAt(t, 0)), checkpointOf(t, g.store, g.shard).SequenceNumber)
}

// sentAt returns the record of the i-th sent message as delivered, for its
// sequence number.
func (g *groupSetup) sentAt(t *testing.T, i int) *message.Message {
	recs := readFrom(t, g.e, "s", g.shard)
	require.Greater(t, len(recs), i)
	m, err := kinesiswm.UnmarshalEnvelope(recs[i].Data)
	require.NoError(t, err)
	m.Metadata.Set(kinesiswm.MetadataSequenceNumber, recs[i].SequenceNumber.String())
	return m
}

func readFrom(t *testing.T, e *freshet.Engine, stream, shard string) []freshet.Record {
	t.Helper()
	ctx := context.Background()
	it, err := e.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: stream, ShardId: shard, ShardIteratorType: freshet.TrimHorizon})
	require.NoError(t, err)
	out, err := e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: it.ShardIterator})
	require.NoError(t, err)
	return out.Records
}

// A nacked message is delivered again, with the same UUID and payload and
// the next delivery attempt, after the Redelivery pause on the clock.
func TestNackRedeliversAfterBackoff(t *testing.T) {
	g := newGroupSetup(t, 3)
	clk := freshet.NewManualClock(time.Unix(1_700_000_000, 0))
	_, ch := g.subscribe(t, func(c *kinesiswm.SubscriberConfig) {
		c.Clock = clk
		c.Redelivery = kinesiswm.Backoff{Initial: 100 * time.Millisecond, Max: time.Second}
		// The worker keeps the wall clock: only redelivery waits on clk.
		c.ConsumerOptions = append(c.ConsumerOptions, consumer.WithClock(freshet.SystemClock{}))
	})
	first := receive(t, ch, 1)[0]
	first.Nack()
	select {
	case <-first.Context().Done():
	case <-time.After(waitTimeout):
		t.Fatal("Nack does not cancel the message's context")
	}
	waitTimer(t, clk)
	requireNothing(t, ch) // window 1: the next message waits too
	clk.Advance(99 * time.Millisecond)
	requireNothing(t, ch)
	clk.Advance(time.Millisecond)
	second := receive(t, ch, 1)[0]
	assert.Equal(t, first.UUID, second.UUID)
	assert.Equal(t, first.Payload, second.Payload)
	assert.Equal(t, seqOf(first), seqOf(second))
	assert.Equal(t, "2", second.Metadata.Get(kinesiswm.MetadataDeliveryAttempt))

	second.Nack() // the pause doubles
	waitTimer(t, clk)
	clk.Advance(199 * time.Millisecond)
	requireNothing(t, ch)
	clk.Advance(time.Millisecond)
	third := receive(t, ch, 1)[0]
	assert.Equal(t, "3", third.Metadata.Get(kinesiswm.MetadataDeliveryAttempt))
	third.Ack()
	next := receiveAck(t, ch, 2)
	assert.Equal(t, g.sent[1].UUID, next[0].UUID)
	assert.Equal(t, g.sent[2].UUID, next[1].UUID)
}

// After MaxDeliveries nacks a message goes to the poison handler, and
// counts as acknowledged: the checkpoint moves past it.
func TestMaxDeliveriesPoisons(t *testing.T) {
	g := newGroupSetup(t, 3)
	var log poisonLog
	_, ch := g.subscribe(t, func(c *kinesiswm.SubscriberConfig) {
		c.MaxDeliveries = 3
		c.Poison = log.handle
	})
	for i := 1; i <= 3; i++ {
		m := receive(t, ch, 1)[0]
		require.Equal(t, g.sent[0].UUID, m.UUID)
		require.Equal(t, strconv.Itoa(i), m.Metadata.Get(kinesiswm.MetadataDeliveryAttempt))
		m.Nack()
	}
	rest := receiveAck(t, ch, 2)
	assert.Equal(t, g.sent[1].UUID, rest[0].UUID)
	waitCheckpoint(t, g.store, g.shard, seqOf(rest[1]))
	poisoned := log.list()
	require.Len(t, poisoned, 1)
	assert.Equal(t, "s", poisoned[0].Topic)
	assert.Equal(t, g.sent[0].UUID, poisoned[0].Message.UUID)
	assert.Equal(t, g.sent[0].Payload, poisoned[0].Message.Payload)
	assert.ErrorIs(t, poisoned[0].Reason, kinesiswm.ErrTooManyDeliveries)
}

// A poison handler that fails or panics is called again: the record is not
// dropped, and the checkpoint waits for it.
func TestPoisonHandlerRetried(t *testing.T) {
	g := newGroupSetup(t, 2)
	var calls atomic.Int32
	_, ch := g.subscribe(t, func(c *kinesiswm.SubscriberConfig) {
		c.Window = 2
		c.MaxDeliveries = 1
		c.Poison = func(context.Context, kinesiswm.Poisoned) error {
			switch calls.Add(1) {
			case 1:
				return errors.New("dead-letter stream unavailable")
			case 2:
				panic("bug in the poison handler")
			}
			return nil
		}
	})
	got := receive(t, ch, 2)
	got[1].Ack()
	got[0].Nack()
	waitCheckpoint(t, g.store, g.shard, seqOf(got[1]))
	assert.Equal(t, int32(3), calls.Load())
}

// DeadLetterStream publishes poisoned messages to another stream, with
// their UUID, metadata, payload and the reason.
func TestDeadLetterStream(t *testing.T) {
	g := newGroupSetup(t, 1)
	createStream(t, g.e, "dlq", 1)
	_, ch := g.subscribe(t, func(c *kinesiswm.SubscriberConfig) {
		c.MaxDeliveries = 1
		c.Poison = kinesiswm.DeadLetterStream(newPublisher(t, g.e, nil), "dlq")
	})
	m := receive(t, ch, 1)[0]
	m.Nack()
	dlq := newSubscriber(t, g.e, nil)
	dch, err := dlq.Subscribe(context.Background(), "dlq")
	require.NoError(t, err)
	dead := receiveAck(t, dch, 1)[0]
	assert.Equal(t, g.sent[0].UUID, dead.UUID)
	assert.Equal(t, g.sent[0].Payload, dead.Payload)
	assert.Equal(t, "0", dead.Metadata.Get("n"))
	assert.Contains(t, dead.Metadata.Get(kinesiswm.MetadataPoisonReason), "nacked on every delivery")
	assert.Equal(t, "dlq", dead.Metadata.Get(kinesiswm.MetadataStream))
	waitCheckpoint(t, g.store, g.shard, seqOf(m))
}

// waitTimer waits until a timer is pending on clk: the redelivery pause.
func waitTimer(t *testing.T, clk *freshet.ManualClock) {
	t.Helper()
	require.Eventually(t, func() bool { return clk.Timers() == 1 }, waitTimeout, time.Millisecond)
}

// When a read fails and the worker restarts the shard from its checkpoint,
// the messages the failed processor had in flight are abandoned (their
// contexts cancelled) and delivered again; acknowledging those moves the
// checkpoint.
func TestShardRestartAfterReadError(t *testing.T) {
	g := newGroupSetup(t, 10)
	_, ch := g.subscribe(t, func(c *kinesiswm.SubscriberConfig) { c.Window = 10 })
	first := receive(t, ch, 10)
	first[0].Ack()
	waitCheckpoint(t, g.store, g.shard, seqOf(first[0]))
	// (InjectFault with Times races with calls in flight: its remove
	// function is set after the rule is registered.)
	var failed atomic.Bool
	g.e.Intercept(func(_ context.Context, c *freshet.Call) error {
		if c.Operation == "GetRecords" && c.ShardId == "" && failed.CompareAndSwap(false, true) {
			return freshet.ErrAccessDenied
		}
		return nil
	})
	again := receive(t, ch, 9)
	for i, m := range again {
		assert.Equal(t, first[i+1].UUID, m.UUID)
		m.Ack()
	}
	for _, m := range first[1:] {
		select {
		case <-m.Context().Done():
		case <-time.After(waitTimeout):
			t.Fatalf("message %s of the failed processor: context not cancelled", m.UUID)
		}
	}
	waitCheckpoint(t, g.store, g.shard, seqOf(again[8]))
}
