package wal

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// Blocks of the usual size take their memory from a pool that the garbage
// collector refills with the buffers nothing uses any more: records read
// and kept stay intact while their blocks' neighbours are read, dropped,
// collected and their memory reused many times over.
func TestBlockMemoryIsReusedOnlyWhenUnused(t *testing.T) {
	c := NewCache(256 << 10)
	l, err := Open(t.TempDir(), Options{Cache: c}) // blocks of 64 KiB
	require.NoError(t, err)
	defer l.Close()
	const n = 3000
	data := func(i int) []byte { return bytes.Repeat([]byte{byte(i), byte(i >> 8), byte(i >> 3)}, 100+i%50) }
	var p []byte
	for i := 1; i <= n; i++ {
		p = AppendRecord(p, uint64(i), int64(1000+i), 0, "key", data(i))
		if i%100 == 0 {
			require.NoError(t, l.Write(p))
			p = p[:0]
		}
	}
	var kept []Record
	before := recycled.Load()
	for round := range 6 {
		for pos := uint64(1); pos < l.Next(); {
			res, err := l.Read(pos, l.Next(), 0, 50, 1<<20, 0)
			require.NoError(t, err)
			// Keep a record now and then, of a different block each round.
			if r := res.Records[0]; r.Counter%uint64(97+round) == 0 {
				kept = append(kept, r)
			}
			for _, r := range res.Records {
				require.Equal(t, data(int(r.Counter)), r.Data)
			}
			pos = res.Next
		}
		runtime.GC()
		runtime.GC() // finalizers ran after the first
	}
	require.NotEmpty(t, kept)
	for _, r := range kept {
		require.Equal(t, data(int(r.Counter)), r.Data, "record %d", r.Counter)
		require.Equal(t, "key", string(r.Key))
	}
	require.Positive(t, recycled.Load()-before, "no buffer was reused")
}
