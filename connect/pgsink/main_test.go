package pgsink_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/freshet-io/freshet/internal/leakcheck"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/internal/conntest"
	"github.com/freshet-io/freshet/connect/pgsink"
	"github.com/freshet-io/freshet/internal/testserver"
)

func TestMain(m *testing.M) {
	if os.Getenv(loaderEnv) != "" {
		runLoader() // the helper process of TestSIGKILLMidLoad
		return
	}
	// pgx leaves the context watcher of a connection whose query was
	// cancelled and which PostgreSQL then dropped (the outage and
	// cancellation tests do both) waiting for an Unwatch that never comes
	// (pgx v5.8.0); it is pgx's, not this package's.
	leakcheck.VerifyTestMain(m, "github.com/jackc/pgx/v5/pgconn/ctxwatch.(*ContextWatcher).Watch.func1")
}

// eventsTable has no unique key, so that a row loaded twice shows.
const eventsTable = `CREATE TABLE events (
	stream text NOT NULL,
	shard text NOT NULL,
	seq text NOT NULL,
	sub bigint NOT NULL,
	n bigint NOT NULL CHECK (n >= 0),
	body text NOT NULL
)`

var eventColumns = []string{"stream", "shard", "seq", "sub", "n", "body"}

// startDB starts PostgreSQL, creates the events table and returns a pool.
func startDB(t testing.TB) (*testserver.Postgres, *pgxpool.Pool) {
	t.Helper()
	return conntest.Postgres(t, eventsTable)
}

func newEmitter(t testing.TB, pool *pgxpool.Pool, cfg pgsink.Config) *pgsink.Emitter {
	t.Helper()
	if cfg.Table == "" {
		cfg.Table, cfg.Columns = "events", eventColumns
	}
	e, err := pgsink.New(context.Background(), pool, cfg)
	require.NoError(t, err)
	return e
}

// seq is the sequence number of the n-th record of a shard: 56 digits, as
// Kinesis issues them.
func seq(n int) string { return fmt.Sprintf("4959%052d", n) }

// entry is record n of a shard, with its row.
func entry(stream, shard string, n int) connect.Entry[pgsink.Row] {
	return connect.Entry[pgsink.Row]{
		Item:           pgsink.Row{stream, shard, seq(n), int64(0), int64(n), fmt.Sprintf("record %d", n)},
		ShardID:        shard,
		SequenceNumber: connect.NewSequenceNumber(seq(n)),
		ArrivalTime:    time.Unix(1700000000, 0).UTC(),
		Size:           16,
	}
}

// batch holds records from..to-1 of a shard.
func batch(stream, shard string, from, to int) *connect.Batch[pgsink.Row] {
	b := &connect.Batch[pgsink.Row]{StreamName: stream, ShardID: shard}
	for n := from; n < to; n++ {
		b.Entries = append(b.Entries, entry(stream, shard, n))
	}
	return b
}

// counts returns how many times each record n of the stream's shard is in
// the events table.
func counts(t testing.TB, pool *pgxpool.Pool, stream, shard string) map[int]int {
	t.Helper()
	rows, err := pool.Query(context.Background(),
		`SELECT n, count(*) FROM events WHERE stream = $1 AND shard = $2 GROUP BY n`, stream, shard)
	require.NoError(t, err)
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var n int64
		var c int
		require.NoError(t, rows.Scan(&n, &c))
		out[int(n)] = c
	}
	require.NoError(t, rows.Err())
	return out
}

// requireExactlyOnce asserts that records 0..total-1 of the shard are each
// in the table exactly once, and nothing else is.
func requireExactlyOnce(t testing.TB, pool *pgxpool.Pool, stream, shard string, total int) {
	t.Helper()
	got := counts(t, pool, stream, shard)
	want := make(map[int]int, total)
	for n := 0; n < total; n++ {
		want[n] = 1
	}
	require.Equal(t, want, got, "stream %s shard %s", stream, shard)
}
