package conntest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/freshet-io/freshet/internal/testserver"
)

// Pool returns a pool of connections to connString, closed when t ends.
func Pool(t testing.TB, connString string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), connString)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Postgres starts PostgreSQL for the duration of t, runs the statements
// ddl in it (none when ""), and returns it with a pool of connections.
func Postgres(t testing.TB, ddl string) (*testserver.Postgres, *pgxpool.Pool) {
	t.Helper()
	pg := testserver.StartPostgres(t)
	pool := Pool(t, pg.ConnString)
	if ddl != "" {
		if _, err := pool.Exec(context.Background(), ddl); err != nil {
			t.Fatal(err)
		}
	}
	return pg, pool
}
