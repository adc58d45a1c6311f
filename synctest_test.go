//go:build go1.25

package freshet_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// An engine created inside a testing/synctest bubble runs on the bubble's
// fake clock, so a test can let iterators expire and retention trim
// records by sleeping, which returns at once: no ManualClock needed, and
// no real waiting. (testing/synctest is stable from Go 1.25.)
func TestSynctestFastForwardsExpiryAndRetention(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		e := freshet.New() // the default clock is the bubble's
		defer e.Close()
		_, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "s", ShardCount: 1})
		require.NoError(t, err)
		put, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("x")})
		require.NoError(t, err)
		it, err := e.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: "s", ShardId: put.ShardId, ShardIteratorType: freshet.TrimHorizon})
		require.NoError(t, err)

		time.Sleep(5*time.Minute + time.Second) // an iterator lives 5 minutes
		_, err = e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: it.ShardIterator})
		require.True(t, errors.Is(err, freshet.ErrExpiredIterator), "got %v", err)

		fresh, err := e.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: "s", ShardId: put.ShardId, ShardIteratorType: freshet.TrimHorizon})
		require.NoError(t, err)
		out, err := e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: fresh.ShardIterator})
		require.NoError(t, err)
		require.Len(t, out.Records, 1, "the record is retained for 24 hours")

		time.Sleep(24 * time.Hour) // the default retention period
		synctest.Wait()            // let the retention sweep run
		fresh, err = e.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: "s", ShardId: put.ShardId, ShardIteratorType: freshet.TrimHorizon})
		require.NoError(t, err)
		out, err = e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: fresh.ShardIterator})
		require.NoError(t, err)
		require.Empty(t, out.Records, "the record aged out")
	})
}
