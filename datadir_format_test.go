package freshet

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testdata/datadir-v1 is a data directory written by freshet before the
// log's segments held frames (segment format version 1, a checksum per
// record): a stream "old" of 2 shards holding 60 records, written with
// segments of 2 KiB, one per second from testEpoch, record i with key
// "k<i>" and data "record <i> " followed by 3i x's.
//
// It opens and reads as it did; new records go to segments of the new
// format after the old ones, and the directory reopens with all of them.
func TestDataDirReadsTheFormerSegmentFormat(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("testdata/datadir-v1")))
	clk := NewManualClock(testEpoch.Add(time.Minute))
	// A memory budget that keeps nothing in memory: records are read from
	// the files.
	opts := []Option{WithSegmentBytes(2 << 10), WithMaxMemory(1)}
	want := map[string]string{}
	for i := range 60 {
		want[fmt.Sprintf("k%d", i)] = fmt.Sprintf("record %d %s", i, strings.Repeat("x", i*3))
	}
	check := func(e *Engine) {
		t.Helper()
		got := map[string]string{}
		for _, shard := range []string{shardID(0), shardID(1)} {
			recs := readAll(t, e, "old", shard, 7)
			require.True(t, sort.SliceIsSorted(recs, func(i, j int) bool {
				return recs[i].SequenceNumber.Counter() < recs[j].SequenceNumber.Counter()
			}))
			for _, r := range recs {
				got[r.PartitionKey] = string(r.Data)
			}
		}
		require.Equal(t, want, got)
	}
	e := openDir(t, dir, clk, opts...)
	check(e)
	for i := 60; i < 100; i++ {
		in := &PutRecordInput{StreamName: "old", PartitionKey: fmt.Sprintf("k%d", i), Data: []byte(fmt.Sprintf("new %d", i))}
		_, err := e.PutRecord(context.Background(), in)
		require.NoError(t, err)
		want[in.PartitionKey] = string(in.Data)
	}
	check(e)
	require.NoError(t, e.Close())
	check(openDir(t, dir, clk, opts...))
}

// A byte damaged on disk after the engine opened its log (so that
// recovery did not see it) fails the read that reaches its frame with an
// InternalFailure: none of the frame's records is served.
func TestDataDirDamagedRecordsAreNotServed(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testEpoch)
	e := openDir(t, t.TempDir(), clk, WithMaxMemory(1))
	mustCreate(t, e, "s", 1)
	entries := make([]PutRecordsRequestEntry, 100)
	for i := range entries {
		entries[i] = PutRecordsRequestEntry{PartitionKey: fmt.Sprintf("k%d", i), Data: []byte(fmt.Sprintf("record %d", i))}
	}
	_, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: entries})
	require.NoError(t, err)
	// The commit that published the records evicts them after it has
	// acknowledged them; make sure it has.
	e.store.evictMu.Lock()
	e.evict()
	e.store.evictMu.Unlock()
	require.Zero(t, e.MemoryInUse(), "every record is on disk only")
	// The data of record 50, in the one frame the call wrote.
	seg := lastSegment(t, e)
	b, err := os.ReadFile(seg)
	require.NoError(t, err)
	off := strings.Index(string(b), "record 50")
	require.Positive(t, off)
	flipByte(t, seg, int64(off))

	it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: shardID(0), ShardIteratorType: TrimHorizon})
	require.NoError(t, err)
	out, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it.ShardIterator})
	require.ErrorIs(t, err, &Error{Code: codeInternalFailure})
	require.ErrorContains(t, err, "checksum mismatch")
	require.Nil(t, out)
}
