package kinesistest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesistest"
)

// TestPaginators lists streams, shards and consumers page by page with the
// SDK's paginators (and, for ListShards, which has none, its NextToken
// loop), and checks that the pages add up to everything, once, in order.
func TestPaginators(t *testing.T) {
	srv := kinesistest.NewServer(t)
	c, _ := newClient(srv)
	ctx := testContext(t)

	var names []string
	for i := range 7 {
		names = append(names, fmt.Sprintf("stream-%d", i))
		createStream(t, c, names[i], 1)
	}
	const shards = 11
	arn := createStream(t, c, "wide", shards)
	names = append(names, "wide")
	var consumers []string
	for i := range 5 {
		consumers = append(consumers, fmt.Sprintf("consumer-%d", i))
		_, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{
			StreamARN: aws.String(arn), ConsumerName: aws.String(consumers[i]),
		})
		require.NoError(t, err)
	}
	var shardIDs []string
	for i := range shards {
		shardIDs = append(shardIDs, fmt.Sprintf("shardId-%012d", i))
	}

	t.Run("ListStreams", func(t *testing.T) {
		p := kinesis.NewListStreamsPaginator(c, &kinesis.ListStreamsInput{Limit: aws.Int32(3)})
		var got []string
		pages := eachPage(t, ctx, p, func(n int, page *kinesis.ListStreamsOutput) {
			assert.LessOrEqual(t, len(page.StreamNames), 3, "page %d: names, want at most 3", n)
			assert.Equal(t, len(page.StreamNames), len(page.StreamSummaries), "page %d: summaries, want one per name", n)
			got = append(got, page.StreamNames...)
		})
		assert.Equal(t, names, got, "ListStreams paginator")
		assert.Equal(t, 3, pages, "ListStreams paginator: pages")
	})

	t.Run("ListShards", func(t *testing.T) {
		in := &kinesis.ListShardsInput{StreamName: aws.String("wide"), MaxResults: aws.Int32(4)}
		var got []string
		pages := 0
		for {
			page, err := c.ListShards(ctx, in)
			require.NoError(t, err)
			pages++
			for _, s := range page.Shards {
				got = append(got, aws.ToString(s.ShardId))
			}
			if page.NextToken == nil {
				break
			}
			in = &kinesis.ListShardsInput{NextToken: page.NextToken, MaxResults: aws.Int32(4)}
		}
		assert.Equal(t, shardIDs, got, "ListShards")
		assert.Equal(t, 3, pages, "ListShards: pages")
	})

	t.Run("ListShards ShardFilter", func(t *testing.T) {
		out, err := c.ListShards(ctx, &kinesis.ListShardsInput{
			StreamName:  aws.String("wide"),
			ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String("shardId-000000000008")},
		})
		require.NoError(t, err)
		var got []string
		for _, s := range out.Shards {
			got = append(got, aws.ToString(s.ShardId))
		}
		assert.Equal(t, shardIDs[9:], got, "AFTER_SHARD_ID shardId-000000000008")
	})

	t.Run("ListStreamConsumers", func(t *testing.T) {
		p := kinesis.NewListStreamConsumersPaginator(c, &kinesis.ListStreamConsumersInput{
			StreamARN:  aws.String(arn),
			MaxResults: aws.Int32(2),
		})
		var got []string
		pages := eachPage(t, ctx, p, func(_ int, page *kinesis.ListStreamConsumersOutput) {
			for _, c := range page.Consumers {
				got = append(got, aws.ToString(c.ConsumerName))
			}
		})
		assert.Equal(t, consumers, got, "ListStreamConsumers paginator")
		assert.Equal(t, 3, pages, "ListStreamConsumers paginator: pages")
	})

	t.Run("DescribeStream", func(t *testing.T) {
		// The SDK's DescribeStream paginator continues with
		// ExclusiveStartShardId while HasMoreShards is true.
		p := kinesis.NewDescribeStreamPaginator(c, &kinesis.DescribeStreamInput{
			StreamName: aws.String("wide"),
			Limit:      aws.Int32(5),
		})
		var got []string
		pages := eachPage(t, ctx, p, func(n int, page *kinesis.DescribeStreamOutput) {
			sd := page.StreamDescription
			for _, s := range sd.Shards {
				got = append(got, aws.ToString(s.ShardId))
			}
			assert.Equal(t, len(got) < shards, aws.ToBool(sd.HasMoreShards), "page %d: HasMoreShards with %d of %d shards listed", n, len(got), shards)
		})
		assert.Equal(t, shardIDs, got, "DescribeStream paginator")
		assert.Equal(t, 3, pages, "DescribeStream paginator: pages")
	})
}

// pager is an SDK paginator whose pages are P.
type pager[P any] interface {
	HasMorePages() bool
	NextPage(ctx context.Context, optFns ...func(*kinesis.Options)) (P, error)
}

// eachPage calls fn with each page of p, numbered from 1, and returns the
// number of pages, failing the test if a page fails.
func eachPage[P any](t *testing.T, ctx context.Context, p pager[P], fn func(n int, page P)) int {
	t.Helper()
	n := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		n++
		fn(n, page)
	}
	return n
}

// TestWaiters runs the SDK's StreamExists and StreamNotExists waiters
// against an engine whose streams take time to create and delete.
func TestWaiters(t *testing.T) {
	const delay = time.Second
	srv := kinesistest.NewServer(t, kinesistest.WithEngineOptions(
		freshet.WithStateDelays(freshet.StateDelays{Create: delay, Delete: delay})))
	c, _ := newClient(srv)
	ctx := testContext(t)
	name := aws.String("slow")
	fast := func(min, max *time.Duration) {
		*min, *max = 20*time.Millisecond, 100*time.Millisecond
	}

	start := time.Now()
	_, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: name, ShardCount: aws.Int32(1)})
	require.NoError(t, err)
	assert.Equal(t, types.StreamStatusCreating, summary(t, c, "slow").StreamStatus, "status right after CreateStream")
	exists := kinesis.NewStreamExistsWaiter(c, func(o *kinesis.StreamExistsWaiterOptions) { fast(&o.MinDelay, &o.MaxDelay) })
	require.NoError(t, exists.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: name}, 10*time.Second), "StreamExists waiter")
	assert.GreaterOrEqual(t, time.Since(start), delay, "StreamExists returned before the create delay")
	assert.Equal(t, types.StreamStatusActive, summary(t, c, "slow").StreamStatus, "status after the StreamExists waiter")

	start = time.Now()
	_, err = c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: name})
	require.NoError(t, err)
	assert.Equal(t, types.StreamStatusDeleting, summary(t, c, "slow").StreamStatus, "status right after DeleteStream")
	notExists := kinesis.NewStreamNotExistsWaiter(c, func(o *kinesis.StreamNotExistsWaiterOptions) { fast(&o.MinDelay, &o.MaxDelay) })
	require.NoError(t, notExists.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: name}, 10*time.Second), "StreamNotExists waiter")
	assert.GreaterOrEqual(t, time.Since(start), delay, "StreamNotExists returned before the delete delay")
}
