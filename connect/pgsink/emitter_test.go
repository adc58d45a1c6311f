package pgsink_test

import (
	"context"
	"errors"
	"math/rand"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/pgsink"
)

// TestPostgres runs the tests that share one PostgreSQL instance (each on
// a stream of its own).
func TestPostgres(t *testing.T) {
	_, pool := startDB(t)
	ctx := context.Background()
	e := newEmitter(t, pool, pgsink.Config{})

	t.Run("LoadsRowsAndManifest", func(t *testing.T) {
		f, err := e.Emit(ctx, batch("load", "shardId-0", 0, 10))
		require.NoError(t, err)
		require.Empty(t, f)
		requireExactlyOnce(t, pool, "load", "shardId-0", 10)

		var first, last string
		var loaded, skipped, rejected int
		require.NoError(t, pool.QueryRow(ctx, `SELECT first_sequence_number, last_sequence_number, loaded, skipped, rejected
			FROM freshet_manifest WHERE stream = 'load'`).Scan(&first, &last, &loaded, &skipped, &rejected))
		assert.Equal(t, []any{seq(0), seq(9), 10, 0, 0}, []any{first, last, loaded, skipped, rejected})
		var mark string
		require.NoError(t, pool.QueryRow(ctx, `SELECT sequence_number FROM freshet_manifest_positions
			WHERE stream = 'load' AND shard = 'shardId-0'`).Scan(&mark))
		assert.Equal(t, seq(9), mark)
	})

	t.Run("SameBatchTwiceLoadsOnce", func(t *testing.T) {
		b := batch("twice", "shardId-0", 0, 20)
		for range 2 {
			f, err := e.Emit(ctx, b)
			require.NoError(t, err)
			require.Empty(t, f)
		}
		requireExactlyOnce(t, pool, "twice", "shardId-0", 20)
		var batches int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM freshet_manifest WHERE stream = 'twice'`).Scan(&batches))
		assert.Equal(t, 1, batches, "a batch that loaded nothing leaves no manifest row")
	})

	t.Run("ShardsAreIndependent", func(t *testing.T) {
		_, err := e.Emit(ctx, batch("shards", "shardId-0", 0, 50))
		require.NoError(t, err)
		_, err = e.Emit(ctx, batch("shards", "shardId-1", 0, 10))
		require.NoError(t, err)
		requireExactlyOnce(t, pool, "shards", "shardId-0", 50)
		requireExactlyOnce(t, pool, "shards", "shardId-1", 10)
	})

	// A replay from an older checkpoint re-reads what was loaded, cut into
	// batches that start where the checkpoint was and end wherever the
	// buffer limits say: each record is loaded exactly once.
	t.Run("ReplayOfOverlappingBatches", func(t *testing.T) {
		rng := rand.New(rand.NewSource(1))
		for round := range 30 {
			stream := "replay-" + string(rune('a'+round%26)) + string(rune('a'+round/26))
			const total = 200
			// The first run loads a prefix in batches of random sizes and
			// checkpoints after some of them; then it crashes.
			checkpoint, pos := 0, 0
			crash := rng.Intn(total)
			for pos < crash {
				end := min(pos+1+rng.Intn(40), total)
				_, err := e.Emit(ctx, batch(stream, "shardId-0", pos, end))
				require.NoError(t, err)
				pos = end
				if rng.Intn(3) == 0 {
					checkpoint = pos
				}
			}
			// The restart replays from the checkpoint to the end, with
			// other batch sizes, and some batches emitted twice (retries).
			for pos = checkpoint; pos < total; {
				end := min(pos+1+rng.Intn(60), total)
				b := batch(stream, "shardId-0", pos, end)
				for range 1 + rng.Intn(2) {
					f, err := e.Emit(ctx, b)
					require.NoError(t, err)
					require.Empty(t, f)
				}
				pos = end
			}
			requireExactlyOnce(t, pool, stream, "shardId-0", total)
		}
	})

	// Two workers that both believe they hold a shard's lease emit the
	// same records at once: the shard's row lock serializes them.
	t.Run("ConcurrentEmitsOfOneShard", func(t *testing.T) {
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				size := 7 + 5*w
				for pos := 0; pos < 300; pos += size {
					_, err := e.Emit(ctx, batch("concurrent", "shardId-0", pos, min(pos+size, 300)))
					assert.NoError(t, err)
				}
			}()
		}
		wg.Wait()
		requireExactlyOnce(t, pool, "concurrent", "shardId-0", 300)
	})

	t.Run("RejectedRowsAreReportedPrecisely", func(t *testing.T) {
		b := batch("reject", "shardId-0", 0, 10)
		b.Entries[2].Item[4] = int64(-1)          // violates CHECK (n >= 0): PostgreSQL rejects it
		b.Entries[5].Item[4] = "five"             // not a bigint: pgx cannot encode it
		b.Entries[7].Item = b.Entries[7].Item[:5] // too few values
		b.Entries[8].Item[5] = nil                // violates NOT NULL
		f, err := e.Emit(ctx, b)
		require.NoError(t, err)
		require.Len(t, f, 4)
		for k, i := range []int{2, 5, 7, 8} {
			assert.Equal(t, i, f[k].Index)
			assert.True(t, f[k].Permanent)
			var rej *pgsink.RejectedError
			assert.ErrorAs(t, f[k].Err, &rej)
		}
		var pgErr *pgconn.PgError
		require.ErrorAs(t, f[0].Err, &pgErr)
		assert.Equal(t, "23514", pgErr.Code) // check_violation
		require.ErrorAs(t, f[3].Err, &pgErr)
		assert.Equal(t, "23502", pgErr.Code) // not_null_violation
		assert.Equal(t, map[int]int{0: 1, 1: 1, 3: 1, 4: 1, 6: 1, 9: 1}, counts(t, pool, "reject", "shardId-0"))
		var rejects int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM freshet_manifest_rejects WHERE stream = 'reject'`).Scan(&rejects))
		assert.Equal(t, 4, rejects)

		// The same records again, now valid (the transformer was fixed):
		// the rejected ones load, the others are skipped.
		f, err = e.Emit(ctx, batch("reject", "shardId-0", 0, 12))
		require.NoError(t, err)
		require.Empty(t, f)
		requireExactlyOnce(t, pool, "reject", "shardId-0", 12)
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM freshet_manifest_rejects WHERE stream = 'reject'`).Scan(&rejects))
		assert.Equal(t, 0, rejects)
	})

	t.Run("RetryOfFailedEntriesAlone", func(t *testing.T) {
		// The pipeline retries failed entries in a batch of their own,
		// after the rest of the batch moved the mark past them.
		b := batch("retry", "shardId-0", 0, 6)
		b.Entries[1].Item[4] = int64(-1)
		f, err := e.Emit(ctx, b)
		require.NoError(t, err)
		require.Len(t, f, 1)
		f, err = e.Emit(ctx, batch("retry", "shardId-0", 1, 2))
		require.NoError(t, err)
		require.Empty(t, f)
		requireExactlyOnce(t, pool, "retry", "shardId-0", 6)
	})

	t.Run("TooManyRejectedRows", func(t *testing.T) {
		strict := newEmitter(t, pool, pgsink.Config{MaxRejectedRows: 1})
		b := batch("strict", "shardId-0", 0, 5)
		b.Entries[1].Item[4] = int64(-1)
		b.Entries[3].Item[4] = int64(-3)
		_, err := strict.Emit(ctx, b)
		require.ErrorIs(t, err, pgsink.ErrTooManyRejectedRows)
		assert.Empty(t, counts(t, pool, "strict", "shardId-0"))
		f, err := strict.Emit(ctx, batch("strict", "shardId-0", 0, 5))
		require.NoError(t, err)
		require.Empty(t, f)
		requireExactlyOnce(t, pool, "strict", "shardId-0", 5)
	})

	t.Run("InvalidSequenceNumber", func(t *testing.T) {
		b := batch("badseq", "shardId-0", 0, 3)
		b.Entries[1].SequenceNumber = connect.NewSequenceNumber("12x")
		f, err := e.Emit(ctx, b)
		require.NoError(t, err)
		require.Len(t, f, 1)
		assert.Equal(t, 1, f[0].Index)
		assert.True(t, f[0].Permanent)
		assert.ErrorIs(t, f[0].Err, pgsink.ErrInvalidSequenceNumber)
		assert.Equal(t, map[int]int{0: 1, 2: 1}, counts(t, pool, "badseq", "shardId-0"))
	})

	t.Run("SchemaQualifiedNames", func(t *testing.T) {
		_, err := pool.Exec(ctx, `CREATE SCHEMA loads; CREATE TABLE loads.events (LIKE events INCLUDING ALL)`)
		require.NoError(t, err)
		q := newEmitter(t, pool, pgsink.Config{Table: "loads.events", Columns: eventColumns, Manifest: "loads.manifest"})
		_, err = q.Emit(ctx, batch("schema", "shardId-0", 0, 4))
		require.NoError(t, err)
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM loads.events`).Scan(&n))
		assert.Equal(t, 4, n)
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM loads.manifest_positions`).Scan(&n))
		assert.Equal(t, 1, n)
	})

	t.Run("NewChecksTheTable", func(t *testing.T) {
		_, err := pgsink.New(ctx, pool, pgsink.Config{Table: "events", Columns: []string{"nope"}})
		require.Error(t, err)
		_, err = pgsink.New(ctx, pool, pgsink.Config{Table: "missing", Columns: []string{"n"}})
		require.Error(t, err)
		_, err = pgsink.New(ctx, pool, pgsink.Config{})
		require.Error(t, err)
	})

	t.Run("CanceledContext", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := e.Emit(cctx, batch("canceled", "shardId-0", 0, 3))
		require.True(t, errors.Is(err, context.Canceled), "%v", err)
		assert.Empty(t, counts(t, pool, "canceled", "shardId-0"))
	})
}

var _ connect.Emitter[pgsink.Row] = (*pgsink.Emitter)(nil)
