package pglease_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/consumer/lease/pglease"
	"github.com/freshet-io/freshet/internal/testserver"
)

// newPool returns a pool of connections to pg, closed when t ends.
func newPool(t testing.TB, pg *testserver.Postgres) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), pg.ConnString)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

var tables atomic.Int64

// newTable returns the name of a table no other test uses.
func newTable() string {
	return fmt.Sprintf("leases_%d", tables.Add(1))
}

// newStore returns a Store over a new table of pool.
func newStore(t testing.TB, pool *pgxpool.Pool) *pglease.Store {
	t.Helper()
	s, err := newStoreNamed(pool, newTable())
	require.NoError(t, err)
	return s
}

func newStoreNamed(pool *pgxpool.Pool, table string) (*pglease.Store, error) {
	return pglease.New(context.Background(), pool, table)
}
