package consumer

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesistest"
)

// sdkClient returns an AWS SDK client of a freshet wire server, and the
// server's engine.
func sdkClient(t *testing.T, opts ...kinesistest.Option) (*freshet.Engine, *kinesis.Client) {
	srv := kinesistest.NewServer(t, opts...)
	client := kinesis.New(kinesis.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       srv.Engine.Region(),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		HTTPClient:   srv.Client(),
	})
	return srv.Engine, client
}

// The end-to-end suite through the wire server and the unmodified AWS SDK
// client: the same consumer code as in process.
func TestWorkerSuiteWire(t *testing.T) {
	testWorkerSuite(t, func(t *testing.T) (*freshet.Engine, Source) {
		return sdkClient(t)
	})
}

// Enhanced fan-out through the SDK's SubscribeToShard event stream. It
// runs under the race detector too: SDKSubscriber gives each subscription
// its own client, since the SDK's clients share an event-stream decoder
// between their streams.
func TestEnhancedFanOutWire(t *testing.T) {
	e, client := sdkClient(t, kinesistest.WithEngineOptions(freshet.WithSubscriptionTiming(50*time.Millisecond, 10*time.Millisecond)))
	ctx := context.Background()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "s", ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	sum, err := e.DescribeStreamSummary(ctx, &freshet.DescribeStreamSummaryInput{StreamName: "s"})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := e.RegisterStreamConsumer(ctx, &freshet.RegisterStreamConsumerInput{StreamARN: sum.StreamDescriptionSummary.StreamARN, ConsumerName: "app"})
	if err != nil {
		t.Fatal(err)
	}
	putOrdered(t, e, "s", 0, 50)
	var c collector
	stop := start(t, New(client, "s", HandlerFunc(c.handle), fast(WithEnhancedFanOut(reg.Consumer.ConsumerARN, nil))...))
	waitFor(t, "records", func() bool { return c.len() >= 50 })
	if _, err := e.SplitShard(ctx, &freshet.SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000"}); err != nil {
		t.Fatal(err)
	}
	putOrdered(t, e, "s", 50, 80)
	waitFor(t, "records after the split", func() bool { return c.len() >= 80 })
	stop()
	exactlyOnceInOrder(t, c.records(), 80)
}
