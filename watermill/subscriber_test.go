package kinesiswm_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/freshet-io/freshet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kinesiswm "github.com/freshet-io/freshet/watermill"
)

// Published messages arrive with their UUID, metadata and payload, and
// with the kinesis_* metadata of the record that carried them.
func TestPublishSubscribeRoundTrip(t *testing.T) {
	e := newEngine(t)
	createStream(t, e, "orders", 4)
	pub := newPublisher(t, e, nil)
	sub := newSubscriber(t, e, func(c *kinesiswm.SubscriberConfig) { c.Window = 10 })

	sent := messages(200)
	sent[7].Metadata.Set(kinesiswm.MetadataPartitionKey, "customer-7")
	before := time.Now()
	require.NoError(t, pub.Publish("orders", sent...))

	ch, err := sub.Subscribe(context.Background(), "orders")
	require.NoError(t, err)
	got := receiveAck(t, ch, len(sent))

	byID := map[string]*message.Message{}
	for _, m := range got {
		byID[m.UUID] = m
	}
	require.Len(t, byID, len(sent))
	shards := map[string]bool{}
	for _, want := range sent {
		m := byID[want.UUID]
		require.NotNil(t, m, want.UUID)
		assert.Equal(t, want.Payload, m.Payload)
		assert.Equal(t, want.Metadata.Get("n"), m.Metadata.Get("n"))
		assert.Equal(t, "orders", m.Metadata.Get(kinesiswm.MetadataStream))
		assert.Equal(t, "1", m.Metadata.Get(kinesiswm.MetadataDeliveryAttempt))
		assert.Empty(t, m.Metadata.Get(kinesiswm.MetadataRaw))
		key := want.UUID
		if k := want.Metadata.Get(kinesiswm.MetadataPartitionKey); k != "" {
			key = k
		}
		assert.Equal(t, key, m.Metadata.Get(kinesiswm.MetadataPartitionKey))
		shard := m.Metadata.Get(kinesiswm.MetadataShardID)
		shards[shard] = true
		seq, err := freshet.ParseSequenceNumber(m.Metadata.Get(kinesiswm.MetadataSequenceNumber))
		require.NoError(t, err)
		recs := readAt(t, e, "orders", shard, seq.String())
		require.NotEmpty(t, recs)
		assert.Equal(t, kinesiswm.MarshalEnvelope(want), recs[0].Data, "the record at the sequence number carries the message")
		arrival, err := time.Parse(time.RFC3339Nano, m.Metadata.Get(kinesiswm.MetadataArrivalTime))
		require.NoError(t, err)
		assert.True(t, recs[0].ApproximateArrivalTimestamp.Equal(arrival))
		assert.False(t, arrival.Before(before.Add(-time.Second)))
	}
	assert.Len(t, shards, 4, "UUID partition keys spread over every shard")
}

// readAt returns the records of shard from sequence number seq on.
func readAt(t *testing.T, e *freshet.Engine, stream, shard, seq string) []freshet.Record {
	t.Helper()
	ctx := context.Background()
	it, err := e.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: stream, ShardId: shard, ShardIteratorType: freshet.AtSequenceNumber, StartingSequenceNumber: seq})
	require.NoError(t, err)
	out, err := e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: it.ShardIterator, Limit: 1})
	require.NoError(t, err)
	return out.Records
}

// Messages of a shard are delivered in shard order, whatever the window.
func TestDeliveredInShardOrder(t *testing.T) {
	for _, window := range []int{1, 7, 1000} {
		t.Run("window="+strconv.Itoa(window), func(t *testing.T) {
			e := newEngine(t)
			createStream(t, e, "s", 3)
			pub := newPublisher(t, e, nil)
			sub := newSubscriber(t, e, func(c *kinesiswm.SubscriberConfig) { c.Window = window })
			msgs := messages(300)
			for i, m := range msgs {
				m.Metadata.Set(kinesiswm.MetadataPartitionKey, "k"+strconv.Itoa(i%5))
			}
			require.NoError(t, pub.Publish("s", msgs...))
			ch, err := sub.Subscribe(context.Background(), "s")
			require.NoError(t, err)
			last := map[string]string{}
			lastN := map[string]int{}
			for _, m := range receiveAck(t, ch, len(msgs)) {
				shard := m.Metadata.Get(kinesiswm.MetadataShardID)
				seq := m.Metadata.Get(kinesiswm.MetadataSequenceNumber)
				if prev, ok := last[shard]; ok {
					a, _ := freshet.ParseSequenceNumber(prev)
					b, _ := freshet.ParseSequenceNumber(seq)
					require.Equal(t, -1, a.Cmp(b), "shard %s out of order", shard)
				}
				last[shard] = seq
				key := m.Metadata.Get(kinesiswm.MetadataPartitionKey)
				n, _ := strconv.Atoi(m.Metadata.Get("n"))
				if prev, ok := lastN[key]; ok {
					require.Less(t, prev, n, "key %s out of order", key)
				}
				lastN[key] = n
			}
		})
	}
}
