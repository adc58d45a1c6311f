package kinesiswm_test

import (
	"context"
	"sync"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kinesiswm "github.com/freshet-io/freshet/watermill"
)

// A handler that panics nacks its message (Watermill's Router recovers the
// panic): the message is delivered again, and the checkpoint waits for it.
func TestRouterHandlerPanicIsNack(t *testing.T) {
	g := newGroupSetup(t, 5)
	sub := newSubscriber(t, g.e, func(c *kinesiswm.SubscriberConfig) {
		c.ConsumerGroup, c.LeaseStores, c.Window = "g", g.stores.Store, 5
	})
	var mu sync.Mutex
	deliveries := map[string][]string{}
	router, err := message.NewRouter(message.RouterConfig{}, watermill.NopLogger{})
	require.NoError(t, err)
	router.AddMiddleware(middleware.Recoverer)
	router.AddConsumerHandler("h", "s", sub, func(m *message.Message) error {
		mu.Lock()
		deliveries[m.UUID] = append(deliveries[m.UUID], m.Metadata.Get(kinesiswm.MetadataDeliveryAttempt))
		n := len(deliveries[m.UUID])
		mu.Unlock()
		if m.UUID == g.sent[2].UUID && n == 1 {
			panic("handler bug")
		}
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		assert.NoError(t, router.Run(ctx))
	}()
	t.Cleanup(func() { cancel(); <-done })

	last := g.sentAt(t, 4)
	waitCheckpoint(t, g.store, g.shard, seqOf(last))
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"1", "2"}, deliveries[g.sent[2].UUID])
	for _, i := range []int{0, 1, 3, 4} {
		assert.Equal(t, []string{"1"}, deliveries[g.sent[i].UUID])
	}
}
