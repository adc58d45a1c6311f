package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/ddblease"
	"github.com/freshet-io/freshet/consumer/lease/pglease"
)

// openLeaseStore opens the lease store named by the --leases flag, and
// returns it with the function that closes it.
//
//   - postgres://... or postgresql://...: a pglease.Store in PostgreSQL, in
//     the table named by --app, shared by every process given the same URL
//     and table;
//   - dynamodb://TABLE: a ddblease.Store in the DynamoDB table TABLE (or,
//     for plain dynamodb://, the table named by --app), created if absent,
//     shared by every process, and by Java KCL 2.x workers, given the same
//     table. --dynamodb-endpoint sets the endpoint (dynalite, DynamoDB
//     Local); the default is AWS's endpoint for --region;
//   - memory: a lease.MemoryStore, for a single process only (the worker
//     warns about it at start).
func openLeaseStore(ctx context.Context, c config) (lease.Store, func(), error) {
	spec := c.leases
	switch {
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		pool, err := pgxpool.New(ctx, spec)
		if err != nil {
			return nil, nil, fmt.Errorf("--leases: %w", err)
		}
		store, err := pglease.New(ctx, pool, c.app)
		if err != nil {
			pool.Close()
			return nil, nil, err
		}
		return store, pool.Close, nil
	case strings.HasPrefix(spec, "dynamodb://"):
		table := strings.TrimPrefix(spec, "dynamodb://")
		if table == "" {
			table = c.app
		}
		if strings.Contains(table, "/") {
			return nil, nil, fmt.Errorf("--leases %s: want dynamodb://TABLE", spec)
		}
		opts := dynamodb.Options{Region: c.region, Credentials: credentialsFromEnv()}
		if c.dynamoEndpoint != "" {
			opts.BaseEndpoint = aws.String(c.dynamoEndpoint)
		}
		return ddblease.New(dynamodb.New(opts), table), func() {}, nil
	case spec == "memory":
		return lease.NewMemoryStore(), func() {}, nil
	}
	return nil, nil, fmt.Errorf("--leases %q: want postgres://..., postgresql://..., dynamodb://TABLE or memory", spec)
}
