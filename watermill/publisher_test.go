package kinesiswm_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/freshet-io/freshet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kinesiswm "github.com/freshet-io/freshet/watermill"
)

// putCalls counts the engine's PutRecords calls and their sizes.
func putCalls(e *freshet.Engine) func() []int {
	var mu sync.Mutex
	var sizes []int
	e.Intercept(func(_ context.Context, c *freshet.Call) error {
		if in, ok := c.Input.(*freshet.PutRecordsInput); ok && c.ShardId == "" {
			mu.Lock()
			sizes = append(sizes, len(in.Records))
			mu.Unlock()
		}
		return nil
	})
	return func() []int {
		mu.Lock()
		defer mu.Unlock()
		return append([]int(nil), sizes...)
	}
}

// Publish writes its messages in PutRecords calls of at most 500 records,
// in order.
func TestPublishBatches(t *testing.T) {
	e := newEngine(t)
	createStream(t, e, "s", 1)
	calls := putCalls(e)
	msgs := messages(1201)
	require.NoError(t, newPublisher(t, e, nil).Publish("s", msgs...))
	assert.Equal(t, []int{500, 500, 201}, calls())
	recs := readFrom(t, e, "s", "shardId-000000000000")
	require.Len(t, recs, 1201)
	for i, r := range recs {
		m, err := kinesiswm.UnmarshalEnvelope(r.Data)
		require.NoError(t, err)
		require.Equal(t, msgs[i].UUID, m.UUID)
	}

	e2 := newEngine(t)
	createStream(t, e2, "s", 1)
	calls2 := putCalls(e2)
	require.NoError(t, newPublisher(t, e2, func(c *kinesiswm.PublisherConfig) { c.MaxBatchRecords = 100 }).Publish("s", messages(250)...))
	assert.Equal(t, []int{100, 100, 50}, calls2())
}

// A batch is also cut before it passes 5 MiB.
func TestPublishBatchBytes(t *testing.T) {
	e := newEngine(t)
	createStream(t, e, "s", 1)
	calls := putCalls(e)
	msgs := make([]*message.Message, 12)
	for i := range msgs {
		msgs[i] = message.NewMessage(strconv.Itoa(i), make([]byte, 1000*1000))
	}
	require.NoError(t, newPublisher(t, e, nil).Publish("s", msgs...))
	assert.Equal(t, []int{5, 5, 2}, calls())
}

// Records that fail alone (throttled) are put again, with backoff, until
// they succeed; the others are not written twice.
func TestPublishRetriesFailedRecords(t *testing.T) {
	e := newEngine(t)
	createStream(t, e, "s", 2)
	var failures atomic.Int32
	e.Intercept(func(_ context.Context, c *freshet.Call) error {
		if c.Operation == "PutRecords" && c.ShardId == "shardId-000000000001" && failures.Add(1) <= 150 {
			return freshet.ErrProvisionedThroughputExceeded
		}
		return nil
	})
	calls := putCalls(e)
	msgs := messages(200)
	pub := newPublisher(t, e, func(c *kinesiswm.PublisherConfig) {
		c.RetryBackoff = kinesiswm.Backoff{Initial: time.Millisecond, Max: time.Millisecond}
	})
	require.NoError(t, pub.Publish("s", msgs...))
	require.Greater(t, len(calls()), 1, "failed records were put again")
	seen := map[string]int{}
	for _, shard := range []string{"shardId-000000000000", "shardId-000000000001"} {
		for _, r := range readFrom(t, e, "s", shard) {
			m, err := kinesiswm.UnmarshalEnvelope(r.Data)
			require.NoError(t, err)
			seen[m.UUID]++
		}
	}
	require.Len(t, seen, len(msgs))
	for id, n := range seen {
		require.Equal(t, 1, n, "message %s written %d times", id, n)
	}
}

// When the retries are spent, Publish fails and says why.
func TestPublishGivesUp(t *testing.T) {
	e := newEngine(t)
	createStream(t, e, "s", 1)
	e.InjectFault(freshet.Fault{Operation: "PutRecords", ShardId: "shardId-000000000000", Err: freshet.ErrProvisionedThroughputExceeded})
	pub := newPublisher(t, e, func(c *kinesiswm.PublisherConfig) {
		c.MaxRetries = 3
		c.RetryBackoff = kinesiswm.Backoff{Initial: time.Millisecond, Max: time.Millisecond}
	})
	err := pub.Publish("s", messages(3)...)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "3 records still failing after 3 retries")
	assert.Contains(t, err.Error(), "ProvisionedThroughputExceededException")
}

// Errors that no retry can fix fail at once, with the Kinesis error.
func TestPublishFailsOnPermanentErrors(t *testing.T) {
	e := newEngine(t)
	pub := newPublisher(t, e, nil)
	err := pub.Publish("missing", messages(1)...)
	require.ErrorIs(t, err, freshet.ErrResourceNotFound)

	createStream(t, e, "s", 1)
	m := message.NewMessage("id", nil)
	m.Metadata.Set(kinesiswm.MetadataPartitionKey, string(make([]byte, 300)))
	require.ErrorIs(t, pub.Publish("s", m), freshet.ErrValidation)
}

// The partition key comes from the metadata key, else the UUID, or from a
// PartitionKeyFunc; its errors fail Publish.
func TestPartitionKey(t *testing.T) {
	e := newEngine(t)
	createStream(t, e, "s", 1)
	msgs := messages(2)
	msgs[1].Metadata.Set(kinesiswm.MetadataPartitionKey, "customer-9")
	require.NoError(t, newPublisher(t, e, nil).Publish("s", msgs...))
	custom := newPublisher(t, e, func(c *kinesiswm.PublisherConfig) {
		c.PartitionKey = func(topic string, m *message.Message) (string, error) {
			if m.Metadata.Get("n") == "1" {
				return "", errors.New("no tenant")
			}
			return topic + "/" + m.Metadata.Get("n"), nil
		}
	})
	require.NoError(t, custom.Publish("s", messages(1)...))
	err := custom.Publish("s", messages(2)...)
	require.ErrorContains(t, err, "no tenant")
	recs := readFrom(t, e, "s", "shardId-000000000000")
	require.Len(t, recs, 3)
	assert.Equal(t, msgs[0].UUID, recs[0].PartitionKey)
	assert.Equal(t, "customer-9", recs[1].PartitionKey)
	assert.Equal(t, "s/0", recs[2].PartitionKey)
}

// AutoCreate creates a missing stream on first publish.
func TestPublishAutoCreate(t *testing.T) {
	e := newEngine(t)
	pub := newPublisher(t, e, func(c *kinesiswm.PublisherConfig) {
		c.AutoCreate = e
		c.AutoCreateShards = 3
	})
	require.NoError(t, pub.Publish("fresh", messages(1)...))
	out, err := e.DescribeStreamSummary(context.Background(), &freshet.DescribeStreamSummaryInput{StreamName: "fresh"})
	require.NoError(t, err)
	assert.Equal(t, 3, out.StreamDescriptionSummary.OpenShardCount)
	require.NoError(t, pub.Publish("fresh", messages(1)...), "a second publish finds it")
}

// After Close, Publish fails.
func TestPublisherClose(t *testing.T) {
	e := newEngine(t)
	createStream(t, e, "s", 1)
	pub := newPublisher(t, e, nil)
	require.NoError(t, pub.Close())
	require.NoError(t, pub.Close())
	require.ErrorIs(t, pub.Publish("s", messages(1)...), kinesiswm.ErrPublisherClosed)
}
