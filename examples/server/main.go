// Command server runs freshet as a local Kinesis endpoint, as
// `go run ./cmd/freshet serve` does, and talks to it with the unmodified AWS
// SDK for Go v2, as any SDK or the AWS CLI would:
//
//	aws --endpoint-url http://127.0.0.1:4567 kinesis list-streams
//
// It starts the server on a free loopback port, creates a stream, writes
// and reads a record over HTTP, and shuts down.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet-io/freshet/kinesisapi"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	h := kinesisapi.NewHandler()
	defer h.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := kinesisapi.NewServer(ln.Addr().String(), h)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			log.Print(err)
		}
	}()
	endpoint := "http://" + ln.Addr().String()
	fmt.Println("freshet listening on", endpoint)

	client := kinesis.New(kinesis.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
	})
	if _, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(2)}); err != nil {
		return err
	}
	waiter := kinesis.NewStreamExistsWaiter(client)
	if err := waiter.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("orders")}, time.Minute); err != nil {
		return err
	}
	put, err := client.PutRecord(ctx, &kinesis.PutRecordInput{
		StreamName: aws.String("orders"), PartitionKey: aws.String("customer-42"), Data: []byte("hello over HTTP"),
	})
	if err != nil {
		return err
	}
	fmt.Println("put to", aws.ToString(put.ShardId))
	it, err := client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
		StreamName: aws.String("orders"), ShardId: put.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
	})
	if err != nil {
		return err
	}
	out, err := client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil {
		return err
	}
	for _, r := range out.Records {
		fmt.Printf("read %s: %s\n", aws.ToString(r.PartitionKey), r.Data)
	}
	return nil
}
