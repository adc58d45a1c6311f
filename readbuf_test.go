package freshet

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/internal/readbuf"
)

// TestGetRecordsIntoLentList: GetRecords fills the list a caller lends it
// through the context (internal/readbuf) when it is large enough, with the
// records a call without one returns, and allocates its own otherwise;
// with and without a data dir.
func TestGetRecordsIntoLentList(t *testing.T) {
	for _, disk := range []bool{false, true} {
		t.Run(fmt.Sprintf("disk=%v", disk), func(t *testing.T) {
			var e *Engine
			if disk {
				e = newTestEngine(t, WithDataDir(t.TempDir()))
			} else {
				e = newTestEngine(t)
			}
			ctx := context.Background()
			mustCreate(t, e, "s", 1)
			for i := range 30 {
				_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: fmt.Sprint("k", i), Data: []byte{byte(i)}})
				require.NoError(t, err)
			}
			it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "shardId-000000000000", ShardIteratorType: TrimHorizon})
			require.NoError(t, err)
			in := &GetRecordsInput{ShardIterator: it.ShardIterator, Limit: 20}
			want, err := e.GetRecords(ctx, in)
			require.NoError(t, err)
			require.Len(t, want.Records, 20)

			// A list with stale records in it, large enough.
			lent := make([]Record, 25)
			for i := range lent {
				lent[i] = Record{PartitionKey: "stale", Data: []byte("stale"), EncryptionType: EncryptionKMS}
			}
			got, err := e.GetRecords(readbuf.With(ctx, &lent), in)
			require.NoError(t, err)
			require.Equal(t, want.Records, got.Records)
			require.Same(t, &lent[0], &got.Records[0], "the lent list is filled")

			// Too small a list: the engine allocates, and leaves it alone.
			small := make([]Record, 0, 5)
			got, err = e.GetRecords(readbuf.With(ctx, &small), in)
			require.NoError(t, err)
			require.Equal(t, want.Records, got.Records)
			require.Equal(t, Record{}, small[:1][0], "untouched")
		})
	}
}

// TestPutRecordsIntoLentList: PutRecords writes its results into the list a
// caller lends it through the context when it is large enough, cleared of
// what it held, and allocates its own otherwise.
func TestPutRecordsIntoLentList(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	mustCreate(t, e, "s", 2)
	in := &PutRecordsInput{StreamName: "s"}
	for i := range 10 {
		in.Records = append(in.Records, PutRecordsRequestEntry{PartitionKey: fmt.Sprint("k", i), Data: []byte{byte(i)}})
	}

	lent := make([]PutRecordsResultEntry, 12)
	for i := range lent {
		lent[i] = PutRecordsResultEntry{ErrorCode: "stale", ErrorMessage: "stale"}
	}
	out, err := e.PutRecords(readbuf.With(ctx, &lent), in)
	require.NoError(t, err)
	require.Len(t, out.Records, 10)
	require.Same(t, &lent[0], &out.Records[0], "the lent list is filled")
	require.Zero(t, out.FailedRecordCount)
	for i, r := range out.Records {
		require.Empty(t, r.ErrorCode, "result %d", i)
		require.Empty(t, r.ErrorMessage, "result %d", i)
		require.NotZero(t, r.SequenceNumber, "result %d", i)
		require.Contains(t, []string{"shardId-000000000000", "shardId-000000000001"}, r.ShardId)
	}

	small := make([]PutRecordsResultEntry, 0, 5)
	out, err = e.PutRecords(readbuf.With(ctx, &small), in)
	require.NoError(t, err)
	require.Len(t, out.Records, 10)
	require.Equal(t, PutRecordsResultEntry{}, small[:1][0], "untouched")
}
