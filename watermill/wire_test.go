package kinesiswm_test

import (
	"context"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/kinesissdk"
	"github.com/freshet-io/freshet/kinesissdk/sdktest"
	"github.com/freshet-io/freshet/kinesistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kinesiswm "github.com/freshet-io/freshet/watermill"
)

// newWire starts a freshet wire server and returns an AWS SDK client of it,
// adapted by kinesissdk, and the server's engine.
func newWire(t *testing.T) (*freshet.Engine, *kinesissdk.Client) {
	srv := kinesistest.NewServer(t)
	return srv.Engine, kinesissdk.New(sdktest.NewClient(srv))
}

// sdkCreator creates streams through the AWS SDK, for AutoCreate.
type sdkCreator struct{ c *kinesis.Client }

func (s sdkCreator) CreateStream(ctx context.Context, in *freshet.CreateStreamInput) (*freshet.CreateStreamOutput, error) {
	_, err := s.c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(in.StreamName), ShardCount: aws.Int32(int32(in.ShardCount))})
	if err != nil {
		var ae interface{ ErrorCode() string }
		if asErr(err, &ae) && ae.ErrorCode() == "ResourceInUseException" {
			return nil, freshet.ErrResourceInUse
		}
		return nil, err
	}
	return &freshet.CreateStreamOutput{}, nil
}

func (s sdkCreator) DescribeStreamSummary(ctx context.Context, in *freshet.DescribeStreamSummaryInput) (*freshet.DescribeStreamSummaryOutput, error) {
	out, err := s.c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(in.StreamName)})
	if err != nil {
		return nil, err
	}
	return &freshet.DescribeStreamSummaryOutput{StreamDescriptionSummary: freshet.StreamDescriptionSummary{
		StreamName:   aws.ToString(out.StreamDescriptionSummary.StreamName),
		StreamStatus: freshet.StreamStatus(out.StreamDescriptionSummary.StreamStatus),
	}}, nil
}

// Over an AWS SDK client of a wire server: messages round-trip, and the
// checkpoint follows the acknowledgements.
func TestOverAWSSDK(t *testing.T) {
	e, client := newWire(t)
	creator := sdkCreator{client.SDK()}
	pub := newPublisher(t, client, func(c *kinesiswm.PublisherConfig) {
		c.AutoCreate, c.AutoCreateShards = creator, 2
	})
	sent := messages(600) // two PutRecords calls
	require.NoError(t, pub.Publish("wire", sent...))
	out, err := e.DescribeStreamSummary(context.Background(), &freshet.DescribeStreamSummaryInput{StreamName: "wire"})
	require.NoError(t, err)
	assert.Equal(t, 2, out.StreamDescriptionSummary.OpenShardCount)

	stores := kinesiswm.NewMemoryLeaseStores()
	sub := newSubscriber(t, client, func(c *kinesiswm.SubscriberConfig) {
		c.ConsumerGroup, c.LeaseStores, c.Window = "g", stores.Store, 100
	})
	ch, err := sub.Subscribe(context.Background(), "wire")
	require.NoError(t, err)
	got := receiveAck(t, ch, len(sent))
	byID := map[string]*message.Message{}
	last := map[string]string{}
	for _, m := range got {
		byID[m.UUID] = m
		last[m.Metadata.Get(kinesiswm.MetadataShardID)] = seqOf(m)
	}
	for _, m := range sent {
		require.Contains(t, byID, m.UUID)
		assert.Equal(t, m.Payload, byID[m.UUID].Payload)
		assert.Equal(t, m.Metadata.Get("n"), byID[m.UUID].Metadata.Get("n"))
	}
	store := groupStore(t, stores, "g", "wire")
	for shard, seq := range last {
		waitCheckpoint(t, store, shard, seq)
	}
}

// Watermill's conformance suite over the AWS SDK, with consumer groups,
// one-shard streams and a window of 1 (see TestConformanceGroupOrdered),
// in its short form.
func TestConformanceOverAWSSDK(t *testing.T) {
	_, client := newWire(t)
	c := newConformance(client, client, sdkCreator{client.SDK()}, 1, 1)
	tests.TestPubSub(t, tests.Features{
		ConsumerGroups:      true,
		GuaranteedOrder:     true,
		Persistent:          true,
		ForceShort:          true,
		ExactlyOnceDelivery: false,
	}, func(t *testing.T) (message.Publisher, message.Subscriber) {
		return c.pubSub(t, "conformance")
	}, c.pubSub)
}

// The AWS SDK adapter is a RecordPutter and a consumer.Source.
var (
	_ kinesiswm.RecordPutter = (*kinesissdk.Client)(nil)
	_ consumer.Source        = (*kinesissdk.Client)(nil)
)
