package freshet

import (
	"bytes"
	"context"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/freshet-io/freshet/internal/wal"
	"github.com/stretchr/testify/require"
)

// A snapshot of a data directory reads the records on disk without holding
// the shard's lock: a write to the shard completes while the snapshot's
// read of a segment file is stalled, and the snapshot then holds the
// records it captured, not the later one.
func TestDataDirSnapshotDoesNotBlockWriters(t *testing.T) {
	ctx := context.Background()
	e, fsys := openSpilled(t, 300)

	stall, stalled := make(chan struct{}), make(chan struct{}, 1)
	fsys.Inject(wal.Fault{Op: wal.OpRead, Path: ".seg", Times: 1, Stall: stall, Stalled: stalled})
	type result struct {
		stats SnapshotStats
		err   error
	}
	var snap bytes.Buffer
	done := make(chan result)
	go func() {
		stats, err := e.WriteSnapshot(ctx, &snap)
		done <- result{stats, err}
	}()
	<-stalled

	put := make(chan error, 1)
	go func() {
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "late", Data: []byte("late")})
		put <- err
	}()
	select {
	case err := <-put:
		require.NoError(t, err)
	case <-time.After(time.Minute): // a deadlock guard, not a performance bound
		close(stall)
		t.Fatal("a write to the shard waited for the snapshot's stalled disk read")
	}
	close(stall)
	r := <-done
	require.NoError(t, r.err)
	require.Equal(t, int64(300), r.stats.Records)

	all := readAll(t, e, "s", shardID(0), 1000)
	require.Len(t, all, 301)
	require.Equal(t, "late", all[300].PartitionKey)
	e2, err := Restore(&snap, WithClock(NewManualClock(testEpoch)), WithRetentionSweep(0))
	require.NoError(t, err)
	defer e2.Close()
	require.Equal(t, recordKeys(all[:300]), recordKeys(readAll(t, e2, "s", shardID(0), 1000)))
}

// A snapshot that cannot read a shard's records from disk fails, naming
// the shard, rather than leaving them out.
func TestDataDirSnapshotDiskReadFailure(t *testing.T) {
	ctx := context.Background()
	e, fsys := openSpilled(t, 100)
	fsys.Inject(wal.Fault{Op: wal.OpRead, Path: ".seg", Times: 1, Err: syscall.EIO})
	_, err := e.WriteSnapshot(ctx, &bytes.Buffer{})
	require.ErrorIs(t, err, syscall.EIO)
	require.ErrorContains(t, err, "freshet: snapshot: reading shard "+shardID(0)+" of stream s from disk")
}

// openSpilled opens a data directory on a fault-injecting file system with
// a memory budget of 16 KiB and 8 KiB segments, and writes n records of
// 300 bytes to the one shard of stream "s": most of them are on disk only.
func openSpilled(t *testing.T, n int) (*Engine, *wal.FaultFS) {
	t.Helper()
	fsys := wal.NewFaultFS(wal.OS)
	e := openDir(t, t.TempDir(), NewManualClock(testEpoch), withFS(fsys), WithMaxMemory(16<<10), WithSegmentBytes(8<<10))
	mustCreate(t, e, "s", 1)
	for i := range n {
		_, err := e.PutRecord(context.Background(), &PutRecordInput{StreamName: "s", PartitionKey: strconv.Itoa(i), Data: make([]byte, 300)})
		require.NoError(t, err)
	}
	return e, fsys
}
