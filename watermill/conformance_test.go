package kinesiswm_test

import (
	"os"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"
	"github.com/freshet-io/freshet/consumer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kinesiswm "github.com/freshet-io/freshet/watermill"
)

// Watermill's Pub/Sub conformance suite (pubsub/tests.TestPubSub), over the
// in-process engine. The suite creates a topic per test: the publisher and
// the subscriber create streams on first use (AutoCreate).
//
// By default the suite runs in its short form (the suite's ForceShort:
// fewer messages and subscribers per test). FRESHET_WATERMILL_FULL=1 runs
// the full form.

// forceShort reports whether to run the suite's short form.
func forceShort() bool { return os.Getenv("FRESHET_WATERMILL_FULL") == "" }

// conformance builds the publishers and subscribers of one suite run: all
// over one engine, with one set of lease tables, so that subscribers of a
// consumer group share it across the pairs the suite creates.
type conformance struct {
	src     consumer.Source
	putter  kinesiswm.RecordPutter
	creator kinesiswm.StreamCreator
	stores  *kinesiswm.MemoryLeaseStores
	shards  int
	window  int
}

func newConformance(src consumer.Source, putter kinesiswm.RecordPutter, creator kinesiswm.StreamCreator, shards, window int) *conformance {
	return &conformance{src: src, putter: putter, creator: creator, stores: kinesiswm.NewMemoryLeaseStores(), shards: shards, window: window}
}

func (c *conformance) pubSub(t *testing.T, group string) (message.Publisher, message.Subscriber) {
	pub, err := kinesiswm.NewPublisher(kinesiswm.PublisherConfig{
		Client:           c.putter,
		AutoCreate:       c.creator,
		AutoCreateShards: c.shards,
	})
	require.NoError(t, err)
	sub, err := kinesiswm.NewSubscriber(kinesiswm.SubscriberConfig{
		Source:           c.src,
		ConsumerGroup:    group,
		LeaseStores:      c.stores.Store,
		Window:           c.window,
		Redelivery:       kinesiswm.Backoff{Initial: time.Millisecond, Max: 10 * time.Millisecond},
		AutoCreate:       c.creator,
		AutoCreateShards: c.shards,
		ConsumerOptions:  fastOptions(),
	})
	require.NoError(t, err)
	// The suite does not close every subscriber it makes (in
	// TestPublishSubscribeInOrder, a deferred Close runs before the
	// subscribers exist); Close is idempotent.
	t.Cleanup(func() {
		assert.NoError(t, pub.Close())
		assert.NoError(t, sub.Close())
	})
	return pub, sub
}

// TestConformanceGroupOrdered runs the suite with consumer groups over
// one-shard streams with a window of 1: every subscriber the suite makes
// without a group joins the group "conformance", so a new subscriber
// continues where the last one of the group stopped (Persistent). Kinesis
// orders records per shard, so the suite's global order
// (GuaranteedOrder, and TestNoAck's "nothing more until the Ack") holds
// only for a one-shard stream read with a window of 1.
func TestConformanceGroupOrdered(t *testing.T) {
	e := newEngine(t)
	c := newConformance(e, e, e, 1, 1)
	tests.TestPubSub(t, tests.Features{
		ConsumerGroups:                   true,
		ExactlyOnceDelivery:              false,
		GuaranteedOrder:                  true,
		Persistent:                       true,
		NewSubscriberReceivesOldMessages: false,
		ForceShort:                       forceShort(),
	}, func(t *testing.T) (message.Publisher, message.Subscriber) {
		return c.pubSub(t, "conformance")
	}, c.pubSub)
}

// TestConformanceNoGroupWindowed runs the suite without consumer groups,
// over four-shard streams with a window of 64: each subscription reads the
// whole stream from TRIM_HORIZON (NewSubscriberReceivesOldMessages), and
// order holds per shard only (no GuaranteedOrder).
func TestConformanceNoGroupWindowed(t *testing.T) {
	e := newEngine(t)
	c := newConformance(e, e, e, 4, 64)
	tests.TestPubSub(t, tests.Features{
		ConsumerGroups:                   false,
		ExactlyOnceDelivery:              false,
		GuaranteedOrder:                  false,
		Persistent:                       true,
		NewSubscriberReceivesOldMessages: true,
		ForceShort:                       forceShort(),
	}, func(t *testing.T) (message.Publisher, message.Subscriber) {
		return c.pubSub(t, "")
	}, nil)
}
