package kinesistest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesistest"
)

// An AWS SDK for Go v2 client talks to the server as it talks to Kinesis.
func Example() {
	// In a test, pass the test's t: the server closes when the test ends.
	// An Example has no t, so this one passes a zero testing.T and closes
	// the server itself.
	srv := kinesistest.NewServer(new(testing.T))
	defer srv.Close()

	client := kinesis.New(kinesis.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       srv.Engine.Region(),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		HTTPClient:   srv.Client(),
	})

	ctx := context.Background()
	if _, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{
		StreamName: aws.String("orders"),
		ShardCount: aws.Int32(1),
	}); err != nil {
		panic(err)
	}
	put, err := client.PutRecord(ctx, &kinesis.PutRecordInput{
		StreamName:   aws.String("orders"),
		PartitionKey: aws.String("customer-42"),
		Data:         []byte(`{"order":1}`),
	})
	if err != nil {
		panic(err)
	}
	it, err := client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
		StreamName:        aws.String("orders"),
		ShardId:           put.ShardId,
		ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
	})
	if err != nil {
		panic(err)
	}
	out, err := client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil {
		panic(err)
	}
	for _, r := range out.Records {
		fmt.Printf("%s %s\n", aws.ToString(r.PartitionKey), r.Data)
	}
	// Output:
	// customer-42 {"order":1}
}

// Server.Engine steers the server from the test: here it makes the next
// PutRecord fail as an overloaded shard would.
func ExampleServer_engine() {
	srv := kinesistest.NewServer(new(testing.T)) // in a test: NewServer(t)
	defer srv.Close()
	client := kinesis.New(kinesis.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       srv.Engine.Region(),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		HTTPClient:   srv.Client(),
		Retryer:      aws.NopRetryer{}, // show the error instead of retrying it
	})
	ctx := context.Background()
	if _, err := srv.Engine.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 1}); err != nil {
		panic(err)
	}

	srv.Engine.InjectFault(freshet.Fault{
		Operation: "PutRecord",
		Times:     1,
		Err:       freshet.ErrProvisionedThroughputExceeded,
	})
	_, err := client.PutRecord(ctx, &kinesis.PutRecordInput{
		StreamName:   aws.String("orders"),
		PartitionKey: aws.String("k"),
		Data:         []byte("v"),
	})
	var throttled *types.ProvisionedThroughputExceededException
	fmt.Println("throttled:", errors.As(err, &throttled))

	_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{
		StreamName:   aws.String("orders"),
		PartitionKey: aws.String("k"),
		Data:         []byte("v"),
	})
	fmt.Println("then:", err)
	// Output:
	// throttled: true
	// then: <nil>
}
