// Package sdktest shows freshet as a unit-test fake for code written
// against the AWS SDK for Go v2: the code under test (publishOrder) is
// ordinary Kinesis client code; the test points it at a kinesistest server
// and checks what reached the stream through the engine.
package sdktest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesistest"
)

// Order is what the code under test publishes.
type Order struct {
	ID       string `json:"id"`
	Customer string `json:"customer"`
}

// publishOrder is the code under test: it knows nothing about freshet.
func publishOrder(ctx context.Context, client *kinesis.Client, stream string, o Order) error {
	data, err := json.Marshal(o)
	if err != nil {
		return err
	}
	_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{
		StreamName:   aws.String(stream),
		PartitionKey: aws.String(o.Customer),
		Data:         data,
	})
	return err
}

func newClient(srv *kinesistest.Server) *kinesis.Client {
	return kinesis.New(kinesis.Options{
		BaseEndpoint:     aws.String(srv.URL),
		Region:           srv.Engine.Region(),
		Credentials:      credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		HTTPClient:       srv.Client(),
		RetryMaxAttempts: 1, // let the test see throttling instead of retrying it
	})
}

func TestPublishOrder(t *testing.T) {
	ctx := context.Background()
	srv := kinesistest.NewServer(t)
	_, err := srv.Engine.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 1})
	require.NoError(t, err)
	client := newClient(srv)

	require.NoError(t, publishOrder(ctx, client, "orders", Order{ID: "o-1", Customer: "c-42"}))

	// Check the stream through the engine, without going through HTTP.
	st, _ := srv.Engine.Stream("orders")
	it, err := st.Iterator("shardId-000000000000", freshet.StartingPosition{Type: freshet.TrimHorizon})
	require.NoError(t, err)
	recs, err := it.Next(ctx)
	require.NoError(t, err)
	require.Len(t, recs, 1, "stream holds %+v", recs)
	require.Equal(t, "c-42", recs[0].PartitionKey, "partition key")
	require.Equal(t, `{"id":"o-1","customer":"c-42"}`, string(recs[0].Data), "data")
}

// TestPublishOrderThrottled forces the failure the code must survive in
// production: the next PutRecord is throttled, with Kinesis' own error.
func TestPublishOrderThrottled(t *testing.T) {
	ctx := context.Background()
	srv := kinesistest.NewServer(t)
	_, err := srv.Engine.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 1})
	require.NoError(t, err)
	srv.Engine.InjectFault(freshet.Fault{Operation: "PutRecord", Times: 1, Err: freshet.ErrProvisionedThroughputExceeded})

	err = publishOrder(ctx, newClient(srv), "orders", Order{ID: "o-2", Customer: "c-7"})
	var throttled *types.ProvisionedThroughputExceededException
	require.ErrorAs(t, err, &throttled, "want ProvisionedThroughputExceededException")
	require.Equal(t, "Rate exceeded for shard shardId-000000000000 in stream orders under account 000000000000.", throttled.ErrorMessage(), "message")
}
