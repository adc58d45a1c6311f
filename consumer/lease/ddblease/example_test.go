package ddblease_test

import (
	"context"
	"log"
	"os"
	"os/signal"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/ddblease"
)

// Workers in many processes share the shards of a stream through one
// DynamoDB lease table. As with the KCL, the table is named after the
// application; Java KCL 2.x workers of the same application may share it.
func ExampleNew() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	// Usually dynamodb.NewFromConfig(cfg) with cfg from the config
	// module; here a DynamoDB on this machine, such as dynalite.
	client := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://127.0.0.1:4567")})
	store := ddblease.New(client, "orders-app")
	// Optional: fail at once if the table is missing and may not be
	// created, instead of in every lease cycle.
	if err := store.EnsureTable(ctx); err != nil {
		log.Fatal(err)
	}

	// Any consumer.Source: kinesissdk.New(kinesisClient) for Kinesis or
	// freshet serve, or an engine in this process.
	var src consumer.Source = freshet.New()

	err := consumer.Consume(ctx, src, "orders", func(ctx context.Context, r consumer.Record) error {
		log.Printf("%s %s: %s", r.ShardID, r.SequenceNumber, r.Data)
		return nil
	}, consumer.WithLeaseStore(store), consumer.WithInitialPosition(lease.TrimHorizon))
	if err != nil {
		log.Fatal(err)
	}
}
