package streamsink_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/internal/conntest"
	"github.com/freshet-io/freshet/connect/streamsink"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/freshet-io/freshet/kinesissdk"
	"github.com/freshet-io/freshet/kinesissdk/sdktest"
	"github.com/freshet-io/freshet/kinesistest"
)

func raw(r connect.Record) ([]byte, error) { return r.Data, nil }

func create(t *testing.T, e *freshet.Engine, stream string, shards int) {
	_, err := e.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: stream, ShardCount: shards})
	require.NoError(t, err)
}

// byData re-partitions by the record's data.
func byData(e *connect.Entry[[]byte]) (string, string) { return "k" + string(e.Item), "" }

func TestRepartitionIntoAnotherStreamRetryingThrottledRecordsAlone(t *testing.T) {
	e := conntest.NewStream(t, "in", 2)
	create(t, e, "out", 4)
	var throttled atomic.Int64
	remove := e.Intercept(func(_ context.Context, c *freshet.Call) error {
		if c.Operation == "PutRecords" && c.StreamName == "out" && c.ShardId == "shardId-000000000001" && throttled.Add(1) <= 3 {
			return &freshet.Error{Code: "ProvisionedThroughputExceededException", Message: "Rate exceeded for shard"}
		}
		return nil
	})
	defer remove()
	em := streamsink.New(e, "out", streamsink.Bytes, streamsink.WithPartitioner(byData))
	p := connect.New(e, "in", raw, connect.Emitter[[]byte](em), conntest.Reading(lease.NewMemoryStore()),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 100, MaxAge: 20 * time.Millisecond}),
		connect.WithBackoff(connect.Backoff{First: time.Millisecond, Max: 5 * time.Millisecond}))
	stop := conntest.Start(t, p)
	conntest.Put(t, e, "in", 0, 1000)
	testsync.WaitFor(t, "every record written", func() bool { return p.Stats().Total.Emitted == 1000 })
	require.NoError(t, stop())

	got := map[string]int{}
	for _, r := range conntest.ReadAll(t, e, "out") {
		got[string(r.Data)]++
		assert.Equal(t, "k"+string(r.Data), r.PartitionKey)
	}
	require.Len(t, got, 1000)
	for d, n := range got {
		assert.Equal(t, 1, n, "record %s", d)
	}
	assert.Greater(t, throttled.Load(), int64(3))
	assert.GreaterOrEqual(t, p.Stats().Total.Retries, int64(1))
}

func TestOversizedRecordFailsPermanently(t *testing.T) {
	e := conntest.NewStream(t, "out", 1)
	em := streamsink.New(e, "out", streamsink.Bytes)
	b := &connect.Batch[[]byte]{StreamName: "in", ShardID: "s", Entries: []connect.Entry[[]byte]{
		{Item: []byte("ok"), PartitionKey: "a"},
		{Item: make([]byte, streamsink.MaxRecordBytes), PartitionKey: "a"},
		{Item: []byte("ok too"), PartitionKey: ""},
	}}
	fails, err := em.Emit(context.Background(), b)
	require.NoError(t, err)
	require.Len(t, fails, 2)
	assert.Equal(t, 1, fails[0].Index)
	assert.True(t, fails[0].Permanent)
	assert.Equal(t, 2, fails[1].Index)
	assert.Len(t, conntest.ReadAll(t, e, "out"), 1)
}

func TestWholeRequestErrorIsReturned(t *testing.T) {
	e := conntest.NewStream(t, "in", 1)
	em := streamsink.New(e, "missing", streamsink.Bytes)
	_, err := em.Emit(context.Background(), &connect.Batch[[]byte]{Entries: []connect.Entry[[]byte]{{Item: []byte("x"), PartitionKey: "a"}}})
	require.Error(t, err)
	assert.True(t, errors.Is(err, freshet.ErrResourceNotFound), err.Error())
}

func sdkClient(srv *kinesistest.Server) *kinesissdk.Client {
	return kinesissdk.New(sdktest.NewClient(srv))
}

func TestOverHTTPWithTheSDKAndADeadLetterStream(t *testing.T) {
	srv := kinesistest.NewServer(t)
	create(t, srv.Engine, "in", 2)
	create(t, srv.Engine, "out", 1)
	create(t, srv.Engine, "errors", 1)
	client := sdkClient(srv)
	failing := func(r connect.Record) ([]byte, error) {
		if string(r.Data) == "13" {
			return nil, errors.New("unlucky")
		}
		return r.Data, nil
	}
	p := connect.New(client, "in", failing, connect.Emitter[[]byte](streamsink.New(client, "out", streamsink.Bytes)), conntest.Reading(lease.NewMemoryStore()),
		connect.WithFailurePolicy(connect.DeadLetterTo(streamsink.NewDeadLetter(client, "errors"))),
		connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 50, MaxAge: 20 * time.Millisecond}))
	stop := conntest.Start(t, p)
	put := conntest.Put(t, client, "in", 0, 300)
	testsync.WaitFor(t, "all stored", func() bool {
		st := p.Stats().Total
		return st.Emitted == 299 && st.DeadLettered == 1
	})
	require.NoError(t, stop())

	out := conntest.ReadAll(t, client, "out")
	require.Len(t, out, 299)
	letters := conntest.ReadAll(t, client, "errors")
	require.Len(t, letters, 1)
	var l connect.Letter
	require.NoError(t, json.Unmarshal(letters[0].Data, &l))
	assert.Equal(t, "13", string(l.Data))
	assert.Equal(t, "unlucky", l.Reason)
	assert.Equal(t, connect.StageTransform, l.Stage)
	assert.Equal(t, put[13].SequenceNumber.String(), l.SequenceNumber)
	assert.Equal(t, put[13].ShardId, l.ShardID)
	assert.Equal(t, "pk"+strconv.Itoa(13*7919), letters[0].PartitionKey)
}
