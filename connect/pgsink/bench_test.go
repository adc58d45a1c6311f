package pgsink_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect/pgsink"
)

// BenchmarkCopy loads batches of 500 rows through the emitter (COPY plus
// the manifest, in a transaction) and, as the baseline in the same run,
// with a plain CopyFrom of the same rows. Compare the rows/s metrics.
func BenchmarkCopy(b *testing.B) {
	_, pool := startDB(b)
	ctx := context.Background()
	const size = 500
	e := newEmitter(b, pool, pgsink.Config{})

	b.Run("Emitter", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			bt := batch("bench", "shardId-0", i*size, (i+1)*size)
			b.StartTimer()
			f, err := e.Emit(ctx, bt)
			require.NoError(b, err)
			require.Empty(b, f)
		}
		b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "rows/s")
	})

	b.Run("PlainCopyFrom", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			bt := batch("plain", "shardId-0", i*size, (i+1)*size)
			rows := make([][]any, len(bt.Entries))
			for k := range bt.Entries {
				rows[k] = bt.Entries[k].Item
			}
			b.StartTimer()
			n, err := pool.CopyFrom(ctx, pgx.Identifier{"events"}, eventColumns, pgx.CopyFromRows(rows))
			require.NoError(b, err)
			require.EqualValues(b, size, n)
		}
		b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "rows/s")
	})
}
