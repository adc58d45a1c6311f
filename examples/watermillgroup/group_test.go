// Package watermillgroup tests a Watermill consumer group whose members
// share their leases through PostgreSQL, as members in separate processes
// would: each member has its own connection pool and lease store, and they
// meet only in the lease table.
package watermillgroup

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/pglease"
	"github.com/freshet-io/freshet/internal/testserver"
	kinesiswm "github.com/freshet-io/freshet/watermill"
)

// member is one member of the group, with a lease store of its own over
// its own connection pool.
func member(t *testing.T, e *freshet.Engine, connString string) (<-chan *message.Message, *kinesiswm.Subscriber) {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), connString)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	sub, err := kinesiswm.NewSubscriber(kinesiswm.SubscriberConfig{
		Source:        e,
		ConsumerGroup: "billing",
		LeaseStores: func(ctx context.Context, group, stream string) (lease.Store, error) {
			return pglease.New(ctx, pool, group+"_"+stream)
		},
		Window: 50,
		ConsumerOptions: []consumer.Option{
			consumer.WithFailoverTime(2 * time.Second),
			consumer.WithShardSyncInterval(50 * time.Millisecond),
			consumer.WithIdleTimeBetweenReads(5 * time.Millisecond),
		},
	})
	require.NoError(t, err)
	t.Cleanup(func() { sub.Close() })
	ch, err := sub.Subscribe(context.Background(), "orders")
	require.NoError(t, err)
	return ch, sub
}

func TestGroupSharesShardsThroughPostgreSQL(t *testing.T) {
	pg := testserver.StartPostgres(t)
	e := freshet.New()
	t.Cleanup(func() { e.Close() })
	_, err := e.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 4})
	require.NoError(t, err)

	var mu sync.Mutex
	got := map[string]map[string]bool{} // member -> message UUIDs
	receive := func(name string, ch <-chan *message.Message) {
		for m := range ch {
			mu.Lock()
			got[name][m.UUID] = true
			mu.Unlock()
			m.Ack()
		}
	}
	for _, name := range []string{"a", "b"} {
		got[name] = map[string]bool{}
		ch, _ := member(t, e, pg.ConnString)
		go receive(name, ch)
	}

	// Wait until the members have split the four shards between them, as
	// members started one after the other do once the second steals.
	pool, err := pgxpool.New(context.Background(), pg.ConnString)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	require.Eventually(t, func() bool {
		table, err := pglease.New(context.Background(), pool, "billing_orders", pglease.WithoutCreateTable())
		if err != nil {
			return false
		}
		leases, err := table.List(context.Background())
		if err != nil {
			return false
		}
		owned := map[string]int{}
		for _, l := range leases {
			owned[l.Owner]++
		}
		return len(leases) == 4 && len(owned) == 2 && owned[""] == 0
	}, time.Minute, 20*time.Millisecond, "the members never split the shards")

	pub, err := kinesiswm.NewPublisher(kinesiswm.PublisherConfig{Client: e})
	require.NoError(t, err)
	t.Cleanup(func() { pub.Close() })
	var sent []*message.Message
	for i := range 400 {
		sent = append(sent, message.NewMessage(watermill.NewUUID(), []byte(fmt.Sprint(i))))
	}
	require.NoError(t, pub.Publish("orders", sent...))

	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range sent {
			if !got["a"][m.UUID] && !got["b"][m.UUID] {
				return false
			}
		}
		return true
	}, time.Minute, 10*time.Millisecond, "every message reaches the group")
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, got["a"], "member a owns shards")
	require.NotEmpty(t, got["b"], "member b owns shards")
}
