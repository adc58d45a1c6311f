package kinesiswm_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/stretchr/testify/require"

	kinesiswm "github.com/freshet-io/freshet/watermill"
)

// BenchmarkConsume measures messages per second read from a pre-filled
// stream of an in-process engine, acknowledged at once: by the raw
// consumer (a consumer.HandlerFunc, the baseline), by a loop reading the
// Subscriber's channel, and through a Watermill Router handler, each with a
// window of 1 and of 1,000 messages per shard. The records are envelopes
// written by a Publisher; ns/op is per message.
//
//	go test -run '^$' -bench Consume -benchtime 200000x -benchmem
func BenchmarkConsume(b *testing.B) {
	for _, shards := range []int{1, 4} {
		prefix := "shards=" + strconv.Itoa(shards) + "/"
		b.Run(prefix+"consumer", func(b *testing.B) { benchConsumer(b, shards) })
		for _, window := range []int{1, 1000} {
			w := "/window=" + strconv.Itoa(window)
			b.Run(prefix+"subscriber"+w, func(b *testing.B) { benchSubscriber(b, shards, window) })
			b.Run(prefix+"router"+w, func(b *testing.B) { benchRouter(b, shards, window, 0) })
		}
	}
}

// filledStream returns an engine whose stream "bench" holds n envelopes.
func filledStream(b *testing.B, shards, n int) *freshet.Engine {
	b.Helper()
	e := newEngine(b)
	createStream(b, e, "bench", shards)
	pub := newPublisher(b, e, nil)
	batch := make([]*message.Message, 0, 500)
	for i := 0; i < n; i++ {
		batch = append(batch, message.NewMessage(watermill.NewUUID(), []byte(`{"order":12345,"amount":"19.99"}`)))
		if len(batch) == cap(batch) || i == n-1 {
			require.NoError(b, pub.Publish("bench", batch...))
			batch = batch[:0]
		}
	}
	return e
}

func report(b *testing.B, start time.Time) {
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

func benchConsumer(b *testing.B, shards int) {
	e := filledStream(b, shards, b.N)
	var n atomic.Int64
	done := make(chan struct{})
	w := consumer.New(e, "bench", consumer.HandlerFunc(func(context.Context, consumer.Record) error {
		if n.Add(1) == int64(b.N) {
			close(done)
		}
		return nil
	}), consumer.WithInitialPosition(lease.TrimHorizon))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	go func() { _ = w.Run(context.Background()) }()
	<-done
	report(b, start)
	require.NoError(b, w.Shutdown(context.Background()))
}

// benchRouter runs a Router over a Subscriber of a stream of b.N messages
// until its handler, which waits for wait before it acknowledges, has
// handled every message.
func benchRouter(b *testing.B, shards, window int, wait time.Duration) {
	e := filledStream(b, shards, b.N)
	sub, err := kinesiswm.NewSubscriber(kinesiswm.SubscriberConfig{Source: e, Window: window})
	require.NoError(b, err)
	router, err := message.NewRouter(message.RouterConfig{}, watermill.NopLogger{})
	require.NoError(b, err)
	var n atomic.Int64
	done := make(chan struct{})
	router.AddConsumerHandler("bench", "bench", sub, func(*message.Message) error {
		if wait > 0 {
			time.Sleep(wait)
		}
		if n.Add(1) == int64(b.N) {
			close(done)
		}
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	go func() {
		defer close(stopped)
		_ = router.Run(ctx)
	}()
	<-done
	report(b, start)
	cancel()
	<-stopped
	require.NoError(b, sub.Close())
}

func benchSubscriber(b *testing.B, shards, window int) {
	e := filledStream(b, shards, b.N)
	sub, err := kinesiswm.NewSubscriber(kinesiswm.SubscriberConfig{Source: e, Window: window})
	require.NoError(b, err)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	ch, err := sub.Subscribe(context.Background(), "bench")
	require.NoError(b, err)
	for i := 0; i < b.N; i++ {
		(<-ch).Ack()
	}
	report(b, start)
	require.NoError(b, sub.Close())
}

// BenchmarkRouterSlowHandler is BenchmarkConsume's Router with a handler
// that waits 1 ms (a call to a database or a service) before it
// acknowledges, over one shard: what the window buys when handlers wait.
// With a window of 1 a shard is handled one message at a time (at most
// 1,000 messages/s); with a window of 1,000, up to 1,000 at once.
//
//	go test -run '^$' -bench RouterSlowHandler -benchtime 3000x
func BenchmarkRouterSlowHandler(b *testing.B) {
	for _, window := range []int{1, 1000} {
		b.Run("window="+strconv.Itoa(window), func(b *testing.B) { benchRouter(b, 1, window, time.Millisecond) })
	}
}
