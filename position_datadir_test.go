package freshet

import (
	"context"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/freshet-io/freshet/internal/wal"
	"github.com/stretchr/testify/require"
)

// openTimed opens a data directory on a fault-injecting file system with
// a memory budget of 128 KiB and 8 KiB segments, and writes n records of
// 300 bytes to the one shard of stream "s", record i (key i) arriving at
// testEpoch + i ms: most of them are on disk only.
func openTimed(t *testing.T, n int) (*Engine, *wal.FaultFS, *ManualClock) {
	t.Helper()
	fsys := wal.NewFaultFS(wal.OS)
	clk := NewManualClock(testEpoch)
	e := openDir(t, t.TempDir(), clk, withFS(fsys), WithMaxMemory(128<<10), WithSegmentBytes(8<<10))
	mustCreate(t, e, "s", 1)
	for i := range n {
		_, err := e.PutRecord(context.Background(), &PutRecordInput{StreamName: "s", PartitionKey: strconv.Itoa(i), Data: make([]byte, 300)})
		require.NoError(t, err)
		clk.Advance(time.Millisecond)
	}
	return e, fsys, clk
}

// atTimestamp returns the key of the first record an AT_TIMESTAMP iterator
// of ms after testEpoch reads, or "" when it reads none.
func atTimestamp(t *testing.T, e *Engine, ms int) (string, error) {
	t.Helper()
	ctx := context.Background()
	it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: shardID(0), ShardIteratorType: AtTimestamp,
		Timestamp: testEpoch.Add(time.Duration(ms) * time.Millisecond)})
	if err != nil {
		return "", err
	}
	out, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it.ShardIterator, Limit: 1})
	require.NoError(t, err)
	if len(out.Records) == 0 {
		return "", nil
	}
	return out.Records[0].PartitionKey, nil
}

// AT_TIMESTAMP searches the records on disk without holding the shard's
// lock: writes to the shard complete while the search's read of a segment
// file is stalled, and the iterator then starts exactly at the first record
// that arrived at or after the timestamp, on disk or (the first record in
// memory when the search began) pushed to disk by those writes meanwhile.
func TestDataDirAtTimestampDoesNotBlockWriters(t *testing.T) {
	for _, tt := range []struct {
		name string
		ms   func(boundary int) int
	}{
		{"on disk", func(int) int { return 100 }},
		{"first in memory", func(boundary int) int { return boundary }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			e, fsys, _ := openTimed(t, 300)
			sh := mustShard(t, e, "s", 0)
			sh.mu.Lock()
			memFirst := sh.memFirstLocked()
			sh.mu.Unlock()
			ms := tt.ms(int(memFirst) - 1) // counters start at 1

			stall, stalled := make(chan struct{}), make(chan struct{}, 1)
			fsys.Inject(wal.Fault{Op: wal.OpRead, Path: ".seg", Times: 1, Stall: stall, Stalled: stalled})
			type result struct {
				key string
				err error
			}
			done := make(chan result)
			go func() {
				key, err := atTimestamp(t, e, ms)
				done <- result{key, err}
			}()
			<-stalled

			put := make(chan error, 1)
			go func() {
				for i := range 150 {
					if _, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "late" + strconv.Itoa(i), Data: make([]byte, 300)}); err != nil {
						put <- err
						return
					}
				}
				put <- nil
			}()
			select {
			case err := <-put:
				require.NoError(t, err)
			case <-time.After(time.Minute): // a deadlock guard, not a performance bound
				close(stall)
				t.Fatal("a write to the shard waited for AT_TIMESTAMP's stalled disk read")
			}
			sh.mu.Lock()
			require.Greater(t, sh.memFirstLocked(), memFirst, "the writes pushed records to disk")
			sh.mu.Unlock()
			close(stall)
			r := <-done
			require.NoError(t, r.err)
			require.Equal(t, strconv.Itoa(ms), r.key)
		})
	}
}

// AT_TIMESTAMP finds the first record that arrived at or after the
// timestamp wherever it is (on disk, at the boundary with memory, in
// memory, none yet), also while records are appended and leave memory for
// the disk between the calls.
func TestDataDirAtTimestampExact(t *testing.T) {
	ctx := context.Background()
	e, _, clk := openTimed(t, 300)
	all := readAll(t, e, "s", shardID(0), 1000)
	// The key of the first record in memory (counters start at 1).
	memFirst := func() int {
		sh := mustShard(t, e, "s", 0)
		sh.mu.Lock()
		defer sh.mu.Unlock()
		return int(sh.memFirstLocked()) - 1
	}
	boundary := memFirst()
	require.Greater(t, boundary, 100, "most records are on disk")
	require.Less(t, boundary, 300, "some are in memory")
	for round := range 3 {
		for _, ms := range []int{-5, 0, 1, 99, 100, boundary - 1, boundary, boundary + 1, 299} {
			key, err := atTimestamp(t, e, ms)
			require.NoError(t, err)
			want := all[max(ms, 0)].PartitionKey
			require.Equal(t, want, key, "round %d, %d ms", round, ms)
		}
		// Later records push more of them to disk.
		for i := range 40 {
			_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "more" + strconv.Itoa(i), Data: make([]byte, 300)})
			require.NoError(t, err)
		}
		clk.Advance(time.Millisecond)
	}
	require.Greater(t, memFirst(), boundary, "records left memory between the rounds")
	key, err := atTimestamp(t, e, 300)
	require.NoError(t, err)
	require.Equal(t, "more0", key)
}

// AT_TIMESTAMP fails with an InternalFailure, naming the shard, when the
// records on disk cannot be read, rather than skipping them.
func TestDataDirAtTimestampDiskReadFailure(t *testing.T) {
	e, fsys, _ := openTimed(t, 300)
	fsys.Inject(wal.Fault{Op: wal.OpRead, Path: ".seg", Times: 1, Err: syscall.EIO})
	_, err := atTimestamp(t, e, 100)
	require.ErrorIs(t, err, &Error{Code: codeInternalFailure})
	require.ErrorContains(t, err, "could not read shard "+shardID(0)+" of stream s from disk")
	require.ErrorContains(t, err, "input/output error")
	key, err := atTimestamp(t, e, 100)
	require.NoError(t, err)
	require.Equal(t, "100", key)
}

// mustShard returns shard i of a stream.
func mustShard(t *testing.T, e *Engine, stream string, i int) *shard {
	t.Helper()
	st, err := e.Stream(stream)
	require.NoError(t, err)
	sh := st.shardByIndex(i)
	require.NotNil(t, sh)
	return sh
}
