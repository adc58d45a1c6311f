package kinesiswm_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/consumertest"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/stretchr/testify/require"

	kinesiswm "github.com/freshet-io/freshet/watermill"
)

// waitTimeout bounds every wait for something that must happen.
const waitTimeout = 20 * time.Second

// grace is how long a test waits to see that something does not happen.
// Such a check can only pass wrongly, never fail wrongly.
const grace = 100 * time.Millisecond

func newEngine(t testing.TB) *freshet.Engine {
	e := freshet.New()
	t.Cleanup(func() { e.Close() })
	return e
}

func createStream(t testing.TB, e *freshet.Engine, name string, shards int) {
	t.Helper()
	_, err := e.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: name, ShardCount: shards})
	require.NoError(t, err)
}

// fastOptions are consumer timings short enough for tests.
func fastOptions() []consumer.Option {
	return consumertest.FastOptions()
}

func newPublisher(t testing.TB, client kinesiswm.RecordPutter, mod func(*kinesiswm.PublisherConfig)) *kinesiswm.Publisher {
	t.Helper()
	cfg := kinesiswm.PublisherConfig{Client: client}
	if mod != nil {
		mod(&cfg)
	}
	p, err := kinesiswm.NewPublisher(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, p.Close()) })
	return p
}

func newSubscriber(t testing.TB, src consumer.Source, mod func(*kinesiswm.SubscriberConfig)) *kinesiswm.Subscriber {
	t.Helper()
	cfg := kinesiswm.SubscriberConfig{
		Source:          src,
		ConsumerOptions: fastOptions(),
		Redelivery:      kinesiswm.Backoff{Initial: time.Millisecond, Max: 10 * time.Millisecond},
	}
	if mod != nil {
		mod(&cfg)
	}
	s, err := kinesiswm.NewSubscriber(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// messages returns n new messages with payloads "0".."n-1" and a metadata
// entry "n" with the same number.
func messages(n int) []*message.Message {
	msgs := make([]*message.Message, n)
	for i := range msgs {
		msgs[i] = message.NewMessage(strconv.Itoa(i)+"-"+strconv.FormatInt(time.Now().UnixNano(), 36), []byte(strconv.Itoa(i)))
		msgs[i].Metadata.Set("n", strconv.Itoa(i))
	}
	return msgs
}

// receive reads n messages from ch, acknowledging none.
func receive(t testing.TB, ch <-chan *message.Message, n int) []*message.Message {
	t.Helper()
	return read(t, ch, n, false)
}

// receiveAck reads n messages from ch, acknowledging each as it arrives.
func receiveAck(t testing.TB, ch <-chan *message.Message, n int) []*message.Message {
	t.Helper()
	return read(t, ch, n, true)
}

func read(t testing.TB, ch <-chan *message.Message, n int, ack bool) []*message.Message {
	t.Helper()
	var got []*message.Message
	timeout := time.After(waitTimeout)
	for len(got) < n {
		select {
		case m, ok := <-ch:
			require.True(t, ok, "channel closed after %d of %d messages", len(got), n)
			if ack {
				m.Ack()
			}
			got = append(got, m)
		case <-timeout:
			t.Fatalf("received %d of %d messages", len(got), n)
		}
	}
	return got
}

// requireNothing checks that ch delivers nothing within grace.
func requireNothing(t testing.TB, ch <-chan *message.Message) {
	t.Helper()
	select {
	case m := <-ch:
		t.Fatalf("unexpected message %s (payload %q)", m.UUID, m.Payload)
	case <-time.After(grace):
	}
}

// checkpointOf returns the checkpoint of shard in store.
func checkpointOf(t testing.TB, store lease.Store, shard string) lease.Checkpoint {
	t.Helper()
	l, err := store.Get(context.Background(), shard)
	require.NoError(t, err)
	return l.Checkpoint
}

// waitCheckpoint waits until shard's checkpoint in store is want.
func waitCheckpoint(t testing.TB, store lease.Store, shard, want string) {
	t.Helper()
	require.Eventually(t, func() bool {
		l, err := store.Get(context.Background(), shard)
		return err == nil && l.Checkpoint.SequenceNumber == want
	}, waitTimeout, time.Millisecond, "checkpoint of %s never reached %s", shard, want)
}

// groupStore returns the lease store of group g for stream in stores.
func groupStore(t testing.TB, stores *kinesiswm.MemoryLeaseStores, g, stream string) lease.Store {
	t.Helper()
	s, err := stores.Store(context.Background(), g, stream)
	require.NoError(t, err)
	return s
}

// poisonLog records the poisoned messages handed to it.
type poisonLog struct {
	mu  sync.Mutex
	got []kinesiswm.Poisoned
}

func (l *poisonLog) handle(_ context.Context, p kinesiswm.Poisoned) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, p)
	return nil
}

func (l *poisonLog) list() []kinesiswm.Poisoned {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]kinesiswm.Poisoned(nil), l.got...)
}

func asErr(err error, target any) bool { return errors.As(err, target) }
