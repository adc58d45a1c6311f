package main_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect/internal/conntest"
	"github.com/freshet-io/freshet/internal/testsync"
)

// TestSIGKILLMidCopyIntoPostgresAndRestart kills the connector while
// PostgreSQL is in the middle of one of its COPYs (a trigger that sleeps on
// every row makes each COPY last a while), after other batches were
// committed, restarts it, and checks that every record is in the table
// exactly once: the killed COPY rolled back, and the committed batches the
// restarted connector reads again (their checkpoints may lag) are skipped
// through the manifest.
func TestSIGKILLMidCopyIntoPostgresAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	pg, pool := conntest.Postgres(t, `CREATE TABLE orders (id bigint NOT NULL, label text);
		CREATE FUNCTION slow_row() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN PERFORM pg_sleep(0.005); RETURN NEW; END $$;
		CREATE TRIGGER slow_row BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION slow_row();`)
	ctx := context.Background()

	srv, cfgPath := writeConfig(t, fmt.Sprintf(`{"type": "postgres", "postgres": {"connection": %q, "table": "orders",
		"columns": ["id", "label"], "fields": {"label": "name"}}}`, pg.ConnString))
	order := func(i int) []byte { return fmt.Appendf(nil, `{"id": %d, "name": "order %d"}`, i, i) }

	count := func() int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM orders`).Scan(&n))
		return n
	}
	// copying tells whether a COPY into orders is running on another
	// connection than the test's own.
	copying := func() bool {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE state = 'active' AND query ILIKE 'copy%orders%' AND pid <> pg_backend_pid()`).Scan(&n))
		return n > 0
	}

	conntest.PutData(t, srv.Engine, "orders", 0, 500, order)
	p1 := startConnector(t, cfgPath)
	testsync.WaitFor(t, "some batches committed and a COPY running", func() bool { return count() >= 80 && copying() })
	require.NoError(t, p1.cmd.Process.Signal(syscall.SIGKILL))
	_ = p1.cmd.Wait()
	// PostgreSQL rolls the interrupted COPY back once it sees the
	// connection gone.
	testsync.WaitFor(t, "the killed COPY to end", func() bool { return !copying() })
	loaded := count()
	assert.Less(t, loaded, 500, "the connector was killed before it loaded everything")
	_, err := pool.Exec(ctx, `DROP TRIGGER slow_row ON orders`)
	require.NoError(t, err)

	conntest.PutData(t, srv.Engine, "orders", 500, 1000, order)
	p2 := startConnector(t, cfgPath)
	testsync.WaitFor(t, "every record in PostgreSQL", func() bool { return count() >= 1000 })
	require.NoError(t, p2.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, p2.cmd.Wait(), "a SIGTERM stops the connector cleanly; logs:\n%s", p2.logs.String())

	rows, err := pool.Query(ctx, `SELECT id, count(*), min(label) FROM orders GROUP BY id ORDER BY id`)
	require.NoError(t, err)
	defer rows.Close()
	seen := make(map[int]int)
	for rows.Next() {
		var id, n int
		var label string
		require.NoError(t, rows.Scan(&id, &n, &label))
		seen[id] = n
		assert.Equal(t, fmt.Sprintf("order %d", id), label)
	}
	require.NoError(t, rows.Err())
	require.Len(t, seen, 1000)
	for i := range 1000 {
		assert.Equal(t, 1, seen[i], "record %d must be in the table exactly once", i)
	}
}
