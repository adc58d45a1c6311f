package pglease_test

import (
	"testing"

	"github.com/freshet-io/freshet/internal/leakcheck"
)

func TestMain(m *testing.M) {
	// pgx leaves the context watcher of a connection whose query was
	// cancelled and which PostgreSQL then dropped (the outage test does
	// both) waiting for an Unwatch that never comes (pgx v5.8.0); it is
	// pgx's, not this package's.
	leakcheck.VerifyTestMain(m, "github.com/jackc/pgx/v5/pgconn/ctxwatch.(*ContextWatcher).Watch.func1")
}
