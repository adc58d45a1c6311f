package wal

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The cache counts hits, misses and evictions, and tells what it holds:
// reading a log larger than the cache once misses every block and evicts
// all but those still held; reading the last blocks again hits; removing
// segments and closing the log drops blocks without counting evictions.
func TestCacheStats(t *testing.T) {
	c := NewCache(3 << 10)
	require.Equal(t, CacheStats{MaxBytes: 3 << 10}, c.Stats())
	l, err := Open(t.TempDir(), Options{SegmentBytes: 4 << 10, IndexEvery: 512, Cache: c})
	require.NoError(t, err)
	fillLog(t, l, 400)
	for pos := uint64(1); pos < l.Next(); {
		res, err := l.Read(pos, l.Next(), 0, 1000, 1<<20, 0)
		require.NoError(t, err)
		pos = res.Next
	}
	st := c.Stats()
	require.Zero(t, st.Hits, "each block is read once")
	require.Greater(t, st.Misses, int64(10))
	require.Positive(t, st.Blocks)
	require.Equal(t, st.Misses-int64(st.Blocks), st.Evictions, "every block read but those held was evicted")
	require.Positive(t, st.Bytes)
	require.LessOrEqual(t, st.Bytes, st.MaxBytes)

	// The last block again: a hit.
	res, err := l.Read(l.Next()-1, l.Next(), 0, 1, 1<<20, 0)
	require.NoError(t, err)
	require.Len(t, res.Records, 1)
	require.Equal(t, st.Hits+1, c.Stats().Hits)
	require.Equal(t, st.Misses, c.Stats().Misses)

	require.NoError(t, l.Close())
	after := c.Stats()
	require.Zero(t, after.Blocks)
	require.Zero(t, after.Bytes)
	require.Equal(t, st.Evictions, after.Evictions, "closing drops blocks, it does not evict them")
}
