package pglease_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/freshet-io/freshet/consumer/consumertest"
	"github.com/freshet-io/freshet/consumer/lease"
)

// The consumer's end-to-end suite (several workers, reshards, crashes and
// restarts) with its leases in PostgreSQL.
func testWorkerSuite(t *testing.T, pool *pgxpool.Pool) {
	consumertest.RunWorkerSuite(t, consumertest.Config{
		NewStore: func(t *testing.T) lease.Store { return newStore(t, pool) },
	})
}
