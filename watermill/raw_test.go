package kinesiswm_test

import (
	"context"
	"testing"

	"github.com/freshet-io/freshet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kinesiswm "github.com/freshet-io/freshet/watermill"
)

// putRaw writes records that no Publisher wrote, as another producer would.
func putRaw(t *testing.T, e *freshet.Engine, stream string, data ...[]byte) []*freshet.PutRecordOutput {
	t.Helper()
	var outs []*freshet.PutRecordOutput
	for _, d := range data {
		out, err := e.PutRecord(context.Background(), &freshet.PutRecordInput{StreamName: stream, PartitionKey: "producer-1", Data: d})
		require.NoError(t, err)
		outs = append(outs, out)
	}
	return outs
}

// By default a record that is not an envelope, or is a broken one, is
// delivered raw: record data as payload, a UUID made of shard and sequence
// number, MetadataRaw set. Nothing crashes and the stream goes on.
func TestInvalidEnvelopesDeliveredRaw(t *testing.T) {
	e := newEngine(t)
	createStream(t, e, "s", 1)
	broken := []byte{0xF7, 'W', 'M', 1, 0x7F, 'x'} // UUID longer than the record
	outs := putRaw(t, e, "s", []byte(`{"from":"java"}`), broken, []byte{})
	require.NoError(t, newPublisher(t, e, nil).Publish("s", messages(1)...))
	sub := newSubscriber(t, e, nil)
	ch, err := sub.Subscribe(context.Background(), "s")
	require.NoError(t, err)
	got := receiveAck(t, ch, 4)
	for i, want := range [][]byte{[]byte(`{"from":"java"}`), broken, {}} {
		m := got[i]
		assert.Equal(t, want, []byte(m.Payload), "record %d", i)
		assert.Equal(t, "true", m.Metadata.Get(kinesiswm.MetadataRaw))
		assert.Equal(t, outs[i].ShardId+":"+outs[i].SequenceNumber.String(), m.UUID)
		assert.Equal(t, "producer-1", m.Metadata.Get(kinesiswm.MetadataPartitionKey))
		assert.Equal(t, outs[i].SequenceNumber.String(), m.Metadata.Get(kinesiswm.MetadataSequenceNumber))
	}
	assert.Equal(t, "0", got[3].Metadata.Get("n"), "the envelope after them is decoded")
	assert.Empty(t, got[3].Metadata.Get(kinesiswm.MetadataRaw))
}

// With PoisonInvalid, such records go to the poison handler instead, and
// the checkpoint moves past them.
func TestInvalidEnvelopesPoisoned(t *testing.T) {
	g := newGroupSetup(t, 0)
	outs := putRaw(t, g.e, "s", []byte("not an envelope"), []byte{0xF7, 'W', 'M', 9})
	require.NoError(t, newPublisher(t, g.e, nil).Publish("s", messages(1)...))
	var log poisonLog
	_, ch := g.subscribe(t, func(c *kinesiswm.SubscriberConfig) {
		c.InvalidEnvelope = kinesiswm.PoisonInvalid
		c.Poison = log.handle
	})
	m := receiveAck(t, ch, 1)[0]
	assert.Equal(t, "0", m.Metadata.Get("n"))
	waitCheckpoint(t, g.store, g.shard, seqOf(m))
	p := log.list()
	require.Len(t, p, 2)
	assert.ErrorIs(t, p[0].Reason, kinesiswm.ErrNotEnvelope)
	assert.ErrorIs(t, p[1].Reason, kinesiswm.ErrInvalidEnvelope)
	assert.Equal(t, []byte("not an envelope"), []byte(p[0].Message.Payload))
	assert.Equal(t, outs[1].SequenceNumber.String(), p[1].Message.Metadata.Get(kinesiswm.MetadataSequenceNumber))
	requireNothing(t, ch)
}

// A raw Publisher writes payloads alone, which other consumers read as
// they are; a Raw Subscriber delivers every record raw, even one that looks
// like an envelope.
func TestRawMode(t *testing.T) {
	e := newEngine(t)
	createStream(t, e, "s", 1)
	env := kinesiswm.MarshalEnvelope(messages(1)[0])
	msgs := messages(2)
	msgs[1].Payload = env
	require.NoError(t, newPublisher(t, e, func(c *kinesiswm.PublisherConfig) { c.Raw = true }).Publish("s", msgs...))
	recs := readFrom(t, e, "s", "shardId-000000000000")
	require.Len(t, recs, 2)
	assert.Equal(t, []byte("0"), recs[0].Data)
	assert.Equal(t, msgs[0].UUID, recs[0].PartitionKey)

	sub := newSubscriber(t, e, func(c *kinesiswm.SubscriberConfig) { c.Raw = true })
	ch, err := sub.Subscribe(context.Background(), "s")
	require.NoError(t, err)
	got := receiveAck(t, ch, 2)
	assert.Equal(t, []byte("0"), []byte(got[0].Payload))
	assert.Equal(t, env, []byte(got[1].Payload))
	assert.Equal(t, "true", got[1].Metadata.Get(kinesiswm.MetadataRaw))
}

// A message's payload is a copy: a handler that modifies it does not
// modify the stream.
func TestPayloadIsACopy(t *testing.T) {
	e := newEngine(t)
	createStream(t, e, "s", 1)
	putRaw(t, e, "s", []byte("abc"))
	sub := newSubscriber(t, e, nil)
	ch, err := sub.Subscribe(context.Background(), "s")
	require.NoError(t, err)
	m := receiveAck(t, ch, 1)[0]
	m.Payload[0] = 'X'
	assert.Equal(t, []byte("abc"), readFrom(t, e, "s", "shardId-000000000000")[0].Data)
}
