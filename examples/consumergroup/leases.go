package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/pglease"
)

// openLeaseStore opens the lease store named by the --leases flag, with
// the lease table named table, and returns it with the function that
// closes it.
//
//   - postgres://... or postgresql://...: a pglease.Store in PostgreSQL,
//     shared by every process given the same URL and table;
//   - memory: a lease.MemoryStore, for a single process only (the worker
//     warns about it at start).
//
// A DynamoDB lease table, shared with Java KCL workers, is the other
// durable choice: "dynamodb://TABLE" is reserved for it.
func openLeaseStore(ctx context.Context, spec, table string) (lease.Store, func(), error) {
	switch {
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		pool, err := pgxpool.New(ctx, spec)
		if err != nil {
			return nil, nil, fmt.Errorf("--leases: %w", err)
		}
		store, err := pglease.New(ctx, pool, table)
		if err != nil {
			pool.Close()
			return nil, nil, err
		}
		return store, pool.Close, nil
	case spec == "memory":
		return lease.NewMemoryStore(), func() {}, nil
	case strings.HasPrefix(spec, "dynamodb://"):
		// Hook for the DynamoDB store (module consumer/lease/ddblease):
		// ddblease.New(dynamodb.NewFromConfig(cfg), strings.TrimPrefix(spec, "dynamodb://")).
		return nil, nil, fmt.Errorf("--leases %s: DynamoDB lease tables are not built into this example yet", spec)
	}
	return nil, nil, fmt.Errorf("--leases %q: want postgres://..., postgresql://... or memory", spec)
}
