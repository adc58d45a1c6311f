package config_test

import (
	"testing"

	"github.com/freshet-io/freshet/internal/leakcheck"
)

func TestMain(m *testing.M) {
	// pgx leaves the context watcher of a connection whose query was
	// cancelled and which PostgreSQL then dropped (the PostgreSQL outage
	// test does both: the connector stops while its connections are
	// broken) waiting for an Unwatch that never comes (pgx v5.8.0); it is
	// pgx's, not this package's. The pgsink tests ignore it too.
	leakcheck.VerifyTestMain(m, "github.com/jackc/pgx/v5/pgconn/ctxwatch.(*ContextWatcher).Watch.func1")
}
