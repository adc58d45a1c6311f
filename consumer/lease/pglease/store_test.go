package pglease_test

import (
	"testing"

	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/leasetest"
	"github.com/freshet-io/freshet/internal/testserver"
)

// The conformance suite of lease.Store, each subtest on a table of its own.
func TestConformance(t *testing.T) {
	pool := newPool(t, testserver.StartPostgres(t))
	leasetest.Run(t, func(t *testing.T) lease.Store { return newStore(t, pool) })
}
