package wal

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// syncedDirs returns the directories trace synced, in order.
func syncedDirs(trace []TracedOp) []string {
	var dirs []string
	for _, op := range trace {
		if op.Op == OpSyncDir {
			dirs = append(dirs, op.Path)
		}
	}
	return dirs
}

// A log whose directories Open created makes their entries durable with
// its first Sync: the log's directory, then the parent of each directory
// it made, up to Root; later syncs do not repeat them.
func TestLogSyncsTheDirectoriesItCreated(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "a")
	dir := filepath.Join(a, "b")
	fsys := NewFaultFS(OS)
	fsys.StartTrace()
	l, err := Open(dir, Options{FS: fsys, Root: root, SegmentBytes: 4 << 10})
	require.NoError(t, err)
	defer l.Close()
	require.Empty(t, syncedDirs(fsys.Trace()), "nothing to sync before the first write")

	require.NoError(t, l.Write(recs(1, 10)))
	require.NoError(t, l.Sync())
	require.Equal(t, []string{dir, a, root}, syncedDirs(fsys.Trace()))

	// A new segment syncs the log's directory again, and only it.
	fsys.StartTrace()
	require.NoError(t, l.Write(recs(10, 200)))
	require.NoError(t, l.Sync())
	require.Equal(t, []string{dir}, syncedDirs(fsys.Trace()))
}

// Open of an existing log syncs the entries leading to it up to Root,
// after the log's own directory: the process that made them may have
// crashed before it synced them. Without Root, only the log's directory.
func TestOpenSyncsTheParentsOfARecoveredLog(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "a")
	dir := filepath.Join(a, "b")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	segFile(t, dir, 1, frame(recs(1, 10)))

	for _, tt := range []struct {
		root string
		want []string
	}{
		{root, []string{dir, a, root}},
		{"", []string{dir}},
	} {
		fsys := NewFaultFS(OS)
		fsys.StartTrace()
		l, err := Open(dir, Options{FS: fsys, Root: tt.root})
		require.NoError(t, err)
		require.Equal(t, tt.want, syncedDirs(fsys.Trace()))

		// Nothing is synced again by the next write's Sync.
		fsys.StartTrace()
		require.NoError(t, l.Write(recs(10, 11)))
		require.NoError(t, l.Sync())
		require.Empty(t, syncedDirs(fsys.Trace()))
		require.NoError(t, l.Close())
	}
}

// A parent that cannot be synced fails the Sync (and so the writes
// waiting for it), naming the directory; Open of a recovered log fails
// the same way.
func TestLogParentSyncFailure(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "a")
	dir := filepath.Join(a, "b")
	fsys := NewFaultFS(OS)
	// Paths match as substrings: the log's directory, synced first, holds a.
	fsys.Inject(Fault{Op: OpSyncDir, Path: a, After: 1, Err: syscall.EIO})
	l, err := Open(dir, Options{FS: fsys, Root: root})
	require.NoError(t, err)
	require.NoError(t, l.Write(recs(1, 10)))
	err = l.Sync()
	require.ErrorIs(t, err, syscall.EIO)
	require.ErrorContains(t, err, "syncing the directory "+a+": ")
	require.NoError(t, l.Close())

	fsys = NewFaultFS(OS)
	fsys.Inject(Fault{Op: OpSyncDir, Path: root, After: 2, Err: syscall.EIO})
	_, err = Open(dir, Options{FS: fsys, Root: root})
	require.ErrorIs(t, err, syscall.EIO)
	require.ErrorContains(t, err, "syncing the directory "+root+": ")
}
