package wal

import (
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// recoveredDir builds a log of two segments, as a process that crashed
// before fsyncing leaves it: the second ends in a torn record.
func recoveredDir(t *testing.T) (dir, first, last string) {
	dir = t.TempDir()
	first = segFile(t, dir, 1, frame(recs(1, 10)))
	last = segFile(t, dir, 10, frame(recs(10, 20)), frame(recs(20, 21))[:15])
	return dir, first, last
}

// Open fsyncs what it recovered before it returns: every segment file,
// the last one after its torn tail is cut, and then the directory; no
// operation follows them in Open, so no record is read and no counter
// issued before they are durable.
func TestOpenSyncsWhatItRecovers(t *testing.T) {
	dir, first, last := recoveredDir(t)
	fsys := NewFaultFS(OS)
	fsys.StartTrace()
	l, err := Open(dir, Options{FS: fsys})
	require.NoError(t, err)
	defer l.Close()
	require.Positive(t, l.Truncated())
	require.Equal(t, uint64(20), l.Next())
	trace := fsys.Trace()

	cut := slices.Index(trace, TracedOp{OpTruncate, last})
	require.GreaterOrEqual(t, cut, 0, "the torn tail is cut: %v", trace)
	syncFirst := slices.Index(trace, TracedOp{OpSync, first})
	syncLast := slices.Index(trace, TracedOp{OpSync, last})
	syncDir := slices.Index(trace, TracedOp{OpSyncDir, dir})
	require.GreaterOrEqual(t, syncFirst, 0, "the first segment is synced: %v", trace)
	require.Greater(t, syncLast, cut, "the last segment is synced after its tail is cut: %v", trace)
	require.Greater(t, syncDir, max(syncFirst, syncLast), "then the directory: %v", trace)
	require.Equal(t, len(trace)-1, syncDir, "and nothing follows in Open: %v", trace)

	// Reading and writing come after.
	res, err := l.Read(1, l.Next(), 0, 100, 1<<20, 0)
	require.NoError(t, err)
	require.Len(t, res.Records, 19)
}

// An fsync or a directory sync that fails at Open fails Open, naming what
// it could not sync, rather than serving records that may not be on disk.
func TestOpenSyncFailure(t *testing.T) {
	for _, tt := range []struct {
		name  string
		fault func(dir, first, last string) Fault
		msg   func(dir, first, last string) string
	}{
		{"segment",
			func(_, _, last string) Fault { return Fault{Op: OpSync, Path: last, Err: syscall.EIO} },
			func(_, _, last string) string { return "syncing the recovered log segment " + last }},
		{"directory",
			func(dir, _, _ string) Fault { return Fault{Op: OpSyncDir, Path: dir, Err: syscall.EIO} },
			func(dir, _, _ string) string { return "syncing the recovered log directory " + dir }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir, first, last := recoveredDir(t)
			fsys := NewFaultFS(OS)
			fsys.Inject(tt.fault(dir, first, last))
			_, err := Open(dir, Options{FS: fsys})
			require.ErrorIs(t, err, syscall.EIO)
			require.ErrorContains(t, err, tt.msg(dir, first, last))

			// Once the disk works, Open succeeds.
			l, err := Open(dir, Options{})
			require.NoError(t, err)
			defer l.Close()
			require.Equal(t, uint64(20), l.Next())
		})
	}
}

// A new log, and a log directory without segments, sync nothing.
func TestOpenEmptySyncsNothing(t *testing.T) {
	fsys := NewFaultFS(OS)
	fsys.Inject(Fault{Op: OpSyncDir, Err: syscall.EIO})
	fsys.Inject(Fault{Op: OpSync, Err: syscall.EIO})
	l, err := Open(filepath.Join(t.TempDir(), "log"), Options{FS: fsys})
	require.NoError(t, err)
	require.NoError(t, l.Close())
}
