package kinesiswm_test

import (
	"context"
	"strconv"
	"sync"
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

// owners counts the leases each worker owns in store.
func owners(t *testing.T, store lease.Store) map[string]int {
	t.Helper()
	leases, err := store.List(context.Background())
	require.NoError(t, err)
	n := map[string]int{}
	for _, l := range leases {
		if l.Owner != "" {
			n[l.Owner]++
		}
	}
	return n
}

// collect acknowledges and records every message of ch until it closes.
type collector struct {
	mu  sync.Mutex
	ids map[string]int
	wg  sync.WaitGroup
}

func collect(ch <-chan *message.Message) *collector {
	c := &collector{ids: map[string]int{}}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for m := range ch {
			c.mu.Lock()
			c.ids[m.UUID]++
			c.mu.Unlock()
			m.Ack()
		}
	}()
	return c
}

func (c *collector) has(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ids[id] > 0
}

// The subscriptions of one consumer group split the shards of a stream
// between them; another group reads the whole stream on its own.
func TestConsumerGroupsShareShards(t *testing.T) {
	e := newEngine(t)
	createStream(t, e, "s", 4)
	stores := kinesiswm.NewMemoryLeaseStores()
	group := func(name string) func(*kinesiswm.SubscriberConfig) {
		return func(c *kinesiswm.SubscriberConfig) {
			c.ConsumerGroup = name
			c.LeaseStores = stores.Store
			c.Window = 50
			// Leases that do not expire under a loaded test machine:
			// the members move shards only by stealing, once.
			c.ConsumerOptions = append(c.ConsumerOptions, consumer.WithFailoverTime(time.Minute), consumer.WithRenewInterval(20*time.Millisecond))
		}
	}
	ch1, err := newSubscriber(t, e, group("g")).Subscribe(context.Background(), "s")
	require.NoError(t, err)
	ch2, err := newSubscriber(t, e, group("g")).Subscribe(context.Background(), "s")
	require.NoError(t, err)
	store := groupStore(t, stores, "g", "s")
	require.Eventually(t, func() bool {
		o := owners(t, store)
		if len(o) != 2 {
			return false
		}
		for _, n := range o {
			if n != 2 {
				return false
			}
		}
		return true
	}, waitTimeout, time.Millisecond, "the two members never split the four shards")

	sent := messages(400)
	require.NoError(t, newPublisher(t, e, nil).Publish("s", sent...))
	c1, c2 := collect(ch1), collect(ch2)
	other, err := newSubscriber(t, e, group("h")).Subscribe(context.Background(), "s")
	require.NoError(t, err)
	all := receiveAck(t, other, len(sent))
	assert.Len(t, all, len(sent), "group h reads every message")

	// Every message reaches the group; a shard's messages all reach the
	// member that owns it. During the steal that balanced the group, the
	// old owner may have delivered a few messages of the shard it lost
	// before it noticed (at least once), so the members' sets may
	// overlap; but each member owns, and fully receives, some shards.
	shardOf := map[string]string{}
	for _, m := range all {
		shardOf[m.UUID] = m.Metadata.Get(kinesiswm.MetadataShardID)
	}
	full := func(c *collector) map[string]bool {
		missing := map[string]bool{}
		for _, m := range sent {
			if !c.has(m.UUID) {
				missing[shardOf[m.UUID]] = true
			}
		}
		f := map[string]bool{}
		for _, shard := range shardOf {
			if !missing[shard] {
				f[shard] = true
			}
		}
		return f
	}
	require.Eventually(t, func() bool {
		f1, f2 := full(c1), full(c2)
		shards := map[string]bool{}
		for s := range f1 {
			shards[s] = true
		}
		for s := range f2 {
			shards[s] = true
		}
		return len(f1) > 0 && len(f2) > 0 && len(shards) == 4
	}, waitTimeout, time.Millisecond, "the members never received all four shards between them")
}

// When another member of the group takes a shard over, the messages of that
// shard still in flight have their contexts cancelled, and the new owner
// delivers them again from the checkpoint.
func TestShardTakenOver(t *testing.T) {
	e := newEngine(t)
	createStream(t, e, "s", 2)
	sent := messages(40)
	require.NoError(t, newPublisher(t, e, nil).Publish("s", sent...))
	stores := kinesiswm.NewMemoryLeaseStores()
	mod := func(c *kinesiswm.SubscriberConfig) {
		c.ConsumerGroup, c.LeaseStores, c.Window = "g", stores.Store, 5
	}
	ch1, err := newSubscriber(t, e, mod).Subscribe(context.Background(), "s")
	require.NoError(t, err)
	first := receive(t, ch1, 10) // five of each shard, none acknowledged
	byUUID := map[string]*message.Message{}
	for _, m := range first {
		byUUID[m.UUID] = m
	}

	ch2, err := newSubscriber(t, e, mod).Subscribe(context.Background(), "s")
	require.NoError(t, err)
	taken := receive(t, ch2, 1)[0] // the stolen shard, from its start
	old := byUUID[taken.UUID]
	require.NotNil(t, old, "the new owner starts with a message the old one had in flight")
	select {
	case <-old.Context().Done():
	case <-time.After(waitTimeout):
		t.Fatal("the old owner's message context was not cancelled")
	}
}

// Resharding is followed parents first: a child shard's messages are
// delivered only after every message of its parent was acknowledged, and
// each partition key stays in order across the split.
func TestReshardParentsBeforeChildren(t *testing.T) {
	e := newEngine(t)
	createStream(t, e, "s", 1)
	pub := newPublisher(t, e, nil)
	keyed := func(from, n int) []*message.Message {
		msgs := messages(from + n)[from:]
		for _, m := range msgs {
			i, _ := strconv.Atoi(m.Metadata.Get("n"))
			m.Metadata.Set(kinesiswm.MetadataPartitionKey, "k"+strconv.Itoa(i%6))
		}
		return msgs
	}
	require.NoError(t, pub.Publish("s", keyed(0, 30)...))
	_, err := e.SplitShard(context.Background(), &freshet.SplitShardInput{
		StreamName: "s", ShardToSplit: "shardId-000000000000",
		NewStartingHashKey: "170141183460469231731687303715884105728",
	})
	require.NoError(t, err)
	require.NoError(t, pub.Publish("s", keyed(30, 30)...))

	sub := newSubscriber(t, e, func(c *kinesiswm.SubscriberConfig) { c.Window = 100 })
	ch, err := sub.Subscribe(context.Background(), "s")
	require.NoError(t, err)
	parent := receive(t, ch, 30)
	for i, m := range parent {
		require.Equal(t, "shardId-000000000000", m.Metadata.Get(kinesiswm.MetadataShardID))
		if i != 29 {
			m.Ack()
		}
	}
	requireNothing(t, ch) // the children wait for the parent's last message
	parent[29].Ack()
	children := receiveAck(t, ch, 30)
	last := map[string]int{}
	for _, m := range append(parent, children...) {
		n, _ := strconv.Atoi(m.Metadata.Get("n"))
		k := m.Metadata.Get(kinesiswm.MetadataPartitionKey)
		if prev, ok := last[k]; ok {
			require.Less(t, prev, n, "key %s out of order", k)
		}
		last[k] = n
	}
	for _, m := range children {
		assert.NotEqual(t, "shardId-000000000000", m.Metadata.Get(kinesiswm.MetadataShardID))
	}
}
