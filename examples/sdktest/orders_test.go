// Package sdktest shows freshet as a unit-test fake for code written
// against the AWS SDK for Go v2: the code under test (publishOrder) is
// ordinary Kinesis client code; the test points it at a kinesistest server
// and checks what reached the stream through the engine.
package sdktest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

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
	if _, err := srv.Engine.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	client := newClient(srv)

	if err := publishOrder(ctx, client, "orders", Order{ID: "o-1", Customer: "c-42"}); err != nil {
		t.Fatal(err)
	}

	// Check the stream through the engine, without going through HTTP.
	st, _ := srv.Engine.Stream("orders")
	it, err := st.Iterator("shardId-000000000000", freshet.StartingPosition{Type: freshet.TrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := it.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].PartitionKey != "c-42" || string(recs[0].Data) != `{"id":"o-1","customer":"c-42"}` {
		t.Fatalf("stream holds %+v", recs)
	}
}

// TestPublishOrderThrottled forces the failure the code must survive in
// production: the next PutRecord is throttled, with Kinesis' own error.
func TestPublishOrderThrottled(t *testing.T) {
	ctx := context.Background()
	srv := kinesistest.NewServer(t)
	if _, err := srv.Engine.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 1}); err != nil {
		t.Fatal(err)
	}
	srv.Engine.InjectFault(freshet.Fault{Operation: "PutRecord", Times: 1, Err: freshet.ErrProvisionedThroughputExceeded})

	err := publishOrder(ctx, newClient(srv), "orders", Order{ID: "o-2", Customer: "c-7"})
	var throttled *types.ProvisionedThroughputExceededException
	if !errors.As(err, &throttled) {
		t.Fatalf("got %v, want ProvisionedThroughputExceededException", err)
	}
	if got := throttled.ErrorMessage(); got != "Rate exceeded for shard shardId-000000000000 in stream orders under account 000000000000." {
		t.Fatalf("message %q", got)
	}
}
