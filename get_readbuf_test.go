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
