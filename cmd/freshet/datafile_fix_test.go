package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/freshet-io/freshet"
	"github.com/stretchr/testify/require"
)

// TestDataFileTempsRemovedAtStart checks that the temporary files a crash
// during a save leaves behind are removed when the data file is loaded.
func TestDataFileTempsRemovedAtStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "freshet.data")
	other := filepath.Join(dir, "other.tmp-1")
	for _, p := range []string{path + ".tmp-123", path + ".tmp-456", other} {
		require.NoError(t, os.WriteFile(p, []byte("partial"), 0o600))
	}
	engines, err := loadDataFile(path, nil)
	require.NoError(t, err)
	require.Empty(t, engines)
	left, _ := filepath.Glob(path + ".tmp-*")
	require.Empty(t, left)
	require.FileExists(t, other, "files of other names are left alone")
}

// TestDataSaverSkipsUnchangedEngines checks that an idle server does not
// rewrite its data file at every interval.
func TestDataSaverSkipsUnchangedEngines(t *testing.T) {
	e := freshet.New()
	defer e.Close()
	path := filepath.Join(t.TempDir(), "data")
	d := &dataSaver{path: path, log: slog.New(slog.DiscardHandler), engines: func() []*freshet.Engine { return []*freshet.Engine{e} }}
	ctx := context.Background()
	require.NoError(t, d.save(ctx, "test"))
	first, err := os.Stat(path)
	require.NoError(t, err)
	require.NoError(t, os.Chtimes(path, first.ModTime().Add(-3600e9), first.ModTime().Add(-3600e9)))
	require.NoError(t, d.save(ctx, "test"))
	same, err := os.Stat(path)
	require.NoError(t, err)
	require.True(t, same.ModTime().Before(first.ModTime()), "an unchanged engine is not saved again")

	_, err = e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "s", ShardCount: 1})
	require.NoError(t, err)
	require.NoError(t, d.save(ctx, "test"))
	changed, err := os.Stat(path)
	require.NoError(t, err)
	require.True(t, changed.ModTime().After(same.ModTime()), "a change is saved")
	st, err := e.Stream("s")
	require.NoError(t, err)
	before := changed.ModTime().Add(-3600e9)
	require.NoError(t, os.Chtimes(path, before, before))
	_, err = st.Put(ctx, "k", []byte("x"))
	require.NoError(t, err)
	require.NoError(t, d.save(ctx, "test"))
	afterPut, err := os.Stat(path)
	require.NoError(t, err)
	require.True(t, afterPut.ModTime().After(before), "a new record is saved")
}
