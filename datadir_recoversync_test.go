package freshet

import (
	"context"
	"strconv"
	"syscall"
	"testing"

	"github.com/freshet-io/freshet/internal/wal"
	"github.com/stretchr/testify/require"
)

// Records a crashed process wrote but never fsynced (SyncNone) are synced
// when the data directory is opened again, before the engine serves them:
// every segment of the shard is fsynced by Open. An fsync that fails
// then fails Open with an error naming the segment, and the records are
// served once an Open succeeds.
func TestDataDirOpenSyncsRecoveredRecords(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testEpoch)
	dir := t.TempDir()
	e := openDir(t, dir, clk, WithSync(SyncNone), WithSegmentBytes(4<<10))
	mustCreate(t, e, "s", 1)
	for i := range 100 {
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: strconv.Itoa(i), Data: make([]byte, 100)})
		require.NoError(t, err)
	}
	crash(e)

	fsys := wal.NewFaultFS(wal.OS)
	fsys.Inject(wal.Fault{Op: wal.OpSync, Path: ".seg", Err: syscall.EIO})
	_, err := Open(WithDataDir(dir), WithClock(clk), WithRetentionSweep(0), withFS(fsys))
	require.ErrorIs(t, err, syscall.EIO)
	require.ErrorContains(t, err, "syncing the recovered log segment")

	fsys = wal.NewFaultFS(wal.OS)
	e2 := openDir(t, dir, clk, withFS(fsys), WithSync(SyncNone))
	st, err := e2.Stream("s")
	require.NoError(t, err)
	ents, err := fsys.ReadDir(e2.store.shardDir(st, 0))
	require.NoError(t, err)
	segments := len(ents)
	require.Greater(t, segments, 2, "the records span segments")
	require.Equal(t, segments, fsys.Count(wal.OpSync, ".seg"), "Open synced every segment once")
	require.Len(t, readAll(t, e2, "s", shardID(0), 1000), 100)
}
