package pglease_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/leasetest"
	"github.com/freshet-io/freshet/internal/testserver"
)

// TestStore runs the tests of a Store on one PostgreSQL instance (starting
// one takes seconds), each on tables of its own. TestOutage, which stops
// its database, has an instance of its own.
func TestStore(t *testing.T) {
	pool := newPool(t, testserver.StartPostgres(t))
	tests := []struct {
		name string
		test func(t *testing.T, pool *pgxpool.Pool)
	}{
		{"Conformance", testConformance},
		{"CorruptRows", testCorruptRows},
		{"InvalidCheckpointsNotWritten", testInvalidCheckpointsNotWritten},
		{"Schema", testSchema},
		{"StoredRow", testStoredRow},
		{"WorkerSuite", testWorkerSuite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.test(t, pool) })
	}
}

// The conformance suite of lease.Store, each subtest on a table of its own.
func testConformance(t *testing.T, pool *pgxpool.Pool) {
	leasetest.Run(t, func(t *testing.T) lease.Store { return newStore(t, pool) })
}
