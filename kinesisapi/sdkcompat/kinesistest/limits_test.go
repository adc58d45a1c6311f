package kinesistest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesistest"
)

// TestThrottling turns on the limits of Kinesis (5 GetRecords calls per
// second per shard, 1,000 records per second written) and checks what the
// SDK makes of them: without retries the typed
// ProvisionedThroughputExceededException, with the standard retryer calls
// that eventually succeed, and in PutRecords entries that fail alone.
func TestThrottling(t *testing.T) {
	srv := kinesistest.NewServer(t, kinesistest.WithEngineOptions(freshet.WithLimits(freshet.AWSLimits)))
	ctx := testContext(t)
	setup, _ := newClient(srv)
	createStream(t, setup, "limited", 1)
	iterator := func(c *kinesis.Client) *string {
		t.Helper()
		out, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
			StreamName:        aws.String("limited"),
			ShardId:           aws.String("shardId-000000000000"),
			ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
		})
		require.NoError(t, err)
		return out.ShardIterator
	}

	t.Run("no retries", func(t *testing.T) {
		c, _ := newClient(srv, noRetries)
		it := iterator(c)
		var err error
		for range 20 {
			var out *kinesis.GetRecordsOutput
			if out, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it}); err != nil {
				break
			}
			it = out.NextShardIterator
		}
		var pte *types.ProvisionedThroughputExceededException
		require.ErrorAs(t, err, &pte, "20 quick GetRecords on one shard, want ProvisionedThroughputExceededException")
		assert.NotEmpty(t, pte.ErrorMessage(), "ProvisionedThroughputExceededException without a message")
		time.Sleep(time.Second) // let the shard's read budget refill
	})

	t.Run("standard retryer", func(t *testing.T) {
		c, rec := newClient(srv, func(o *kinesis.Options) {
			o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = 10
				so.MaxBackoff = 500 * time.Millisecond
			})
		})
		it := iterator(c)
		for i := range 12 {
			out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it})
			require.NoError(t, err, "GetRecords %d with retries", i)
			it = out.NextShardIterator
		}
		assert.NotZero(t, rec.count("GetRecords", http.StatusBadRequest), "12 GetRecords in a row were never throttled; the retryer had nothing to do")
	})

	t.Run("PutRecords entries", func(t *testing.T) {
		c, _ := newClient(srv, noRetries)
		entries := make([]types.PutRecordsRequestEntry, 500)
		for i := range entries {
			entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), Data: []byte("x")}
		}
		failed := 0
		for range 4 {
			out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("limited"), Records: entries})
			require.NoError(t, err)
			failed += int(aws.ToInt32(out.FailedRecordCount))
			for _, r := range out.Records {
				if r.ErrorCode == nil {
					continue
				}
				require.Equal(t, "ProvisionedThroughputExceededException", aws.ToString(r.ErrorCode), "failed entry: code")
				require.NotEmpty(t, aws.ToString(r.ErrorMessage), "failed entry: message")
				require.Nil(t, r.SequenceNumber, "failed entry: sequence number")
			}
		}
		assert.NotZero(t, failed, "2,000 records written to one shard at once were all accepted, want some throttled")
	})
}
