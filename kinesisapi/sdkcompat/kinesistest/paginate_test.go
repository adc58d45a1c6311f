package kinesistest_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

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
		if _, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{
			StreamARN: aws.String(arn), ConsumerName: aws.String(consumers[i]),
		}); err != nil {
			t.Fatal(err)
		}
	}
	var shardIDs []string
	for i := range shards {
		shardIDs = append(shardIDs, fmt.Sprintf("shardId-%012d", i))
	}

	t.Run("ListStreams", func(t *testing.T) {
		p := kinesis.NewListStreamsPaginator(c, &kinesis.ListStreamsInput{Limit: aws.Int32(3)})
		var got []string
		pages := 0
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if len(page.StreamNames) > 3 || len(page.StreamSummaries) != len(page.StreamNames) {
				t.Errorf("page %d: %d names, %d summaries, want at most 3 of each", pages, len(page.StreamNames), len(page.StreamSummaries))
			}
			got = append(got, page.StreamNames...)
		}
		if !slices.Equal(got, names) || pages != 3 {
			t.Errorf("ListStreams paginator: %d pages of %v, want 3 pages of %v", pages, got, names)
		}
	})

	t.Run("ListShards", func(t *testing.T) {
		in := &kinesis.ListShardsInput{StreamName: aws.String("wide"), MaxResults: aws.Int32(4)}
		var got []string
		pages := 0
		for {
			page, err := c.ListShards(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, s := range page.Shards {
				got = append(got, aws.ToString(s.ShardId))
			}
			if page.NextToken == nil {
				break
			}
			in = &kinesis.ListShardsInput{NextToken: page.NextToken, MaxResults: aws.Int32(4)}
		}
		if !slices.Equal(got, shardIDs) || pages != 3 {
			t.Errorf("ListShards: %d pages of %v, want 3 pages of %v", pages, got, shardIDs)
		}
	})

	t.Run("ListShards ShardFilter", func(t *testing.T) {
		out, err := c.ListShards(ctx, &kinesis.ListShardsInput{
			StreamName:  aws.String("wide"),
			ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String("shardId-000000000008")},
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range out.Shards {
			got = append(got, aws.ToString(s.ShardId))
		}
		if !slices.Equal(got, shardIDs[9:]) {
			t.Errorf("AFTER_SHARD_ID shardId-000000000008: %v, want %v", got, shardIDs[9:])
		}
	})

	t.Run("ListStreamConsumers", func(t *testing.T) {
		p := kinesis.NewListStreamConsumersPaginator(c, &kinesis.ListStreamConsumersInput{
			StreamARN:  aws.String(arn),
			MaxResults: aws.Int32(2),
		})
		var got []string
		pages := 0
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, c := range page.Consumers {
				got = append(got, aws.ToString(c.ConsumerName))
			}
		}
		if !slices.Equal(got, consumers) || pages != 3 {
			t.Errorf("ListStreamConsumers paginator: %d pages of %v, want 3 pages of %v", pages, got, consumers)
		}
	})

	t.Run("DescribeStream", func(t *testing.T) {
		// The SDK's DescribeStream paginator continues with
		// ExclusiveStartShardId while HasMoreShards is true.
		p := kinesis.NewDescribeStreamPaginator(c, &kinesis.DescribeStreamInput{
			StreamName: aws.String("wide"),
			Limit:      aws.Int32(5),
		})
		var got []string
		pages := 0
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			sd := page.StreamDescription
			for _, s := range sd.Shards {
				got = append(got, aws.ToString(s.ShardId))
			}
			if wantMore := len(got) < shards; aws.ToBool(sd.HasMoreShards) != wantMore {
				t.Errorf("page %d: HasMoreShards %v with %d of %d shards listed", pages, aws.ToBool(sd.HasMoreShards), len(got), shards)
			}
		}
		if !slices.Equal(got, shardIDs) || pages != 3 {
			t.Errorf("DescribeStream paginator: %d pages of %v, want 3 pages of %v", pages, got, shardIDs)
		}
	})
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
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: name, ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if s := summary(t, c, "slow").StreamStatus; s != types.StreamStatusCreating {
		t.Errorf("status right after CreateStream = %s, want CREATING", s)
	}
	exists := kinesis.NewStreamExistsWaiter(c, func(o *kinesis.StreamExistsWaiterOptions) { fast(&o.MinDelay, &o.MaxDelay) })
	if err := exists.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: name}, 10*time.Second); err != nil {
		t.Fatalf("StreamExists waiter: %v", err)
	}
	if d := time.Since(start); d < delay {
		t.Errorf("StreamExists returned after %v, before the %v create delay", d, delay)
	}
	if s := summary(t, c, "slow").StreamStatus; s != types.StreamStatusActive {
		t.Errorf("status after the StreamExists waiter = %s, want ACTIVE", s)
	}

	start = time.Now()
	if _, err := c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: name}); err != nil {
		t.Fatal(err)
	}
	if s := summary(t, c, "slow").StreamStatus; s != types.StreamStatusDeleting {
		t.Errorf("status right after DeleteStream = %s, want DELETING", s)
	}
	notExists := kinesis.NewStreamNotExistsWaiter(c, func(o *kinesis.StreamNotExistsWaiterOptions) { fast(&o.MinDelay, &o.MaxDelay) })
	if err := notExists.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: name}, 10*time.Second); err != nil {
		t.Fatalf("StreamNotExists waiter: %v", err)
	}
	if d := time.Since(start); d < delay {
		t.Errorf("StreamNotExists returned after %v, before the %v delete delay", d, delay)
	}
}
