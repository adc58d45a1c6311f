package pglease_test

import (
	"testing"

	"github.com/freshet-io/freshet/consumer/consumertest"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/internal/testserver"
)

// The consumer's end-to-end suite (several workers, reshards, crashes and
// restarts) with its leases in PostgreSQL.
func TestWorkerSuite(t *testing.T) {
	pool := newPool(t, testserver.StartPostgres(t))
	consumertest.RunWorkerSuite(t, consumertest.Config{
		NewStore: func(t *testing.T) lease.Store { return newStore(t, pool) },
	})
}
