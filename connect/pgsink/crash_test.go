package pgsink_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect/pgsink"
)

// emitUntilStored emits b until Emit succeeds, as the pipeline does (with
// a short pause instead of its backoff).
func emitUntilStored(ctx context.Context, t testing.TB, e *pgsink.Emitter, from, to int, stream string) (errs int) {
	for {
		f, err := e.Emit(ctx, batch(stream, "shardId-0", from, to))
		if err == nil {
			assert.Empty(t, f)
			return errs
		}
		errs++
		if ctx.Err() != nil {
			t.Errorf("gave up on %d..%d: %v", from, to, err)
			return errs
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPostgresOutage stops PostgreSQL (immediate mode, like a crash: open
// transactions are cut, some of them while committing) while batches are
// being loaded, starts it again, and checks that the retried batches left
// each record exactly once.
func TestPostgresOutage(t *testing.T) {
	pg, pool := startDB(t)
	e := newEmitter(t, pool, pgsink.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	const total, size = 6000, 25
	var loaded, errs atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for pos := 0; pos < total; pos += size {
			errs.Add(int64(emitUntilStored(ctx, t, e, pos, pos+size, "outage")))
			loaded.Store(int64(pos + size))
		}
	}()
	for _, at := range []int64{1000, 3000} {
		for loaded.Load() < at {
			time.Sleep(5 * time.Millisecond)
		}
		pg.Stop()
		time.Sleep(300 * time.Millisecond)
		pg.Start()
	}
	<-done
	assert.Positive(t, errs.Load(), "the outages made some emits fail")
	requireExactlyOnce(t, pool, "outage", "shardId-0", total)
}

const loaderEnv = "PGSINK_TEST_LOADER"

// loaderTotal is how many records the helper process loads.
const loaderTotal = 20000

// runLoader is the helper process of TestSIGKILLMidLoad: it loads the
// shard from its first record, in batches of 40, until it is killed.
func runLoader() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv(loaderEnv))
	if err == nil {
		var e *pgsink.Emitter
		if e, err = pgsink.New(ctx, pool, pgsink.Config{Table: "events", Columns: eventColumns}); err == nil {
			for pos := 0; pos < loaderTotal && err == nil; pos += 40 {
				_, err = e.Emit(ctx, batch("sigkill", "shardId-0", pos, min(pos+40, loaderTotal)))
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loader:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// TestSIGKILLMidLoad kills a process that loads batches (from the start
// of the shard each time, as a connector without a checkpoint does) three
// times in a row, while it loads, then replays the shard from the
// beginning in other batch sizes: each record is in the table exactly
// once.
func TestSIGKILLMidLoad(t *testing.T) {
	pg, pool := startDB(t)
	ctx := context.Background()
	count := func() int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&n))
		return n
	}
	killed := 0
	for round := range 3 {
		before := count()
		var stderr bytes.Buffer
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), loaderEnv+"="+pg.ConnString)
		cmd.Stderr = &stderr
		require.NoError(t, cmd.Start())
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		// Kill it once it has loaded some more (after a random few
		// milliseconds more, so that the kill lands anywhere in a load).
		deadline := time.Now().Add(time.Minute)
		for count() < before+1500*(round+1) && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(time.Duration(round*3) * time.Millisecond)
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		err := <-exited
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			killed++
		} else {
			require.NoError(t, err, "the loader ended before it was killed: %s", stderr.String())
		}
		// No record twice so far, and a prefix of the shard.
		got := counts(t, pool, "sigkill", "shardId-0")
		for n := range len(got) {
			require.Equal(t, 1, got[n], "record %d after kill %d", n, round)
		}
	}
	assert.Positive(t, killed)

	e := newEmitter(t, pool, pgsink.Config{})
	for pos := 0; pos < loaderTotal; pos += 333 {
		_, err := e.Emit(ctx, batch("sigkill", "shardId-0", pos, min(pos+333, loaderTotal)))
		require.NoError(t, err)
	}
	requireExactlyOnce(t, pool, "sigkill", "shardId-0", loaderTotal)
}
