package pglease_test

import (
	"context"
	"log"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease/pglease"
)

// Workers in several processes share the shards of a stream through one
// lease table in PostgreSQL. Each process runs this, with its own worker
// id; the table is created by whichever starts first.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://app@db.internal/app")
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	store, err := pglease.New(ctx, pool, "orders_leases")
	if err != nil {
		log.Fatal(err)
	}

	var src consumer.Source = freshet.New() // or kinesissdk.New(client) for freshet serve or Kinesis
	err = consumer.Consume(ctx, src, "orders", func(ctx context.Context, r consumer.Record) error {
		log.Printf("%s %s", r.ShardID, r.Data)
		return nil
	}, consumer.WithLeaseStore(store), consumer.WithWorkerID("worker-1"))
	if err != nil {
		log.Fatal(err)
	}
}
