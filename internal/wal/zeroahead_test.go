package wal

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// syncCountFS counts the Sync and SyncData calls of its files.
type syncCountFS struct {
	FS
	syncs, dataSyncs atomic.Int64
}

func (c *syncCountFS) OpenFile(name string, flag int, perm fs.FileMode) (File, error) {
	f, err := c.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return syncCountFile{f, c}, nil
}

type syncCountFile struct {
	File
	c *syncCountFS
}

func (f syncCountFile) Sync() error     { f.c.syncs.Add(1); return f.File.Sync() }
func (f syncCountFile) SyncData() error { f.c.dataSyncs.Add(1); return f.File.SyncData() }

func fileSize(t *testing.T, path string) int64 {
	fi, err := os.Stat(path)
	require.NoError(t, err)
	return fi.Size()
}

func counterList(t *testing.T, l *Log) []uint64 {
	res, err := l.Read(0, l.Next(), -1<<63, 1<<30, 1<<40, 0)
	require.NoError(t, err)
	var got []uint64
	for _, r := range res.Records {
		got = append(got, r.Counter)
	}
	return got
}

func counters(from, to uint64) []uint64 {
	var c []uint64
	for i := from; i < to; i++ {
		c = append(c, i)
	}
	return c
}

// The last segment is extended with zeros ahead of its records, up to
// SegmentBytes; writes within them are synced with SyncData, writes that
// grow the file with Sync; a full segment loses its zeros when the next
// one starts; Size counts the records, and reopening finds them all,
// cutting nothing.
func TestLogZeroAhead(t *testing.T) {
	dir := t.TempDir()
	fsys := &syncCountFS{FS: OS}
	const segBytes = 4096
	l, err := Open(dir, Options{FS: fsys, SegmentBytes: segBytes})
	require.NoError(t, err)
	rec := AppendRecord(nil, 1, 1000, 0, "key", make([]byte, 100))
	require.NoError(t, l.Write(rec))
	rec = frame(rec) // as the file holds it
	require.NoError(t, l.Sync())
	first := filepath.Join(dir, segmentName(1))
	require.Equal(t, int64(segBytes), fileSize(t, first), "zeros up to SegmentBytes")
	require.Equal(t, int64(segmentHeaderSize+len(rec)), l.Size())
	require.Equal(t, int64(1), fsys.syncs.Load())
	require.Zero(t, fsys.dataSyncs.Load())

	c := uint64(2)
	for ; l.Segments() == 1; c++ {
		require.NoError(t, l.Write(AppendRecord(nil, c, 1000, 0, "key", make([]byte, 100))))
		require.NoError(t, l.Sync())
	}
	// Every sync but those that created or grew a file wrote data only.
	require.Equal(t, int64(2), fsys.syncs.Load())
	require.Equal(t, int64(c-3), fsys.dataSyncs.Load())
	require.LessOrEqual(t, fileSize(t, first), int64(segBytes))
	require.Equal(t, int64(segmentHeaderSize+(c-2)*uint64(len(rec))), fileSize(t, first), "the full segment's zeros are cut")
	require.Equal(t, int64(segBytes), fileSize(t, filepath.Join(dir, segmentName(c-1))))
	size := l.Size()
	require.NoError(t, l.Close())

	l, err = Open(dir, Options{SegmentBytes: segBytes})
	require.NoError(t, err)
	defer l.Close()
	require.Zero(t, l.Truncated())
	require.Equal(t, size, l.Size())
	require.Equal(t, counters(1, c), counterList(t, l))
	// Writing goes on over the zeros.
	require.NoError(t, l.Write(AppendRecord(nil, c, 1000, 0, "key", make([]byte, 100))))
	require.Equal(t, counters(1, c+1), counterList(t, l))
}

// ZeroAhead bounds the zeros written at a time in large segments.
func TestLogZeroAheadBounded(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{SegmentBytes: 64 << 20})
	require.NoError(t, err)
	defer l.Close()
	p := AppendRecord(nil, 1, 1000, 0, "key", make([]byte, 1000))
	require.NoError(t, l.Write(p))
	p = frame(p) // as the file holds it
	path := filepath.Join(dir, segmentName(1))
	require.Equal(t, int64(segmentHeaderSize+len(p)+ZeroAhead), fileSize(t, path))
	var b []byte
	for c := uint64(2); c < 1200; c++ {
		b = AppendRecord(b[:0], c, 1000, 0, "key", make([]byte, 1000))
		require.NoError(t, l.Write(b))
	}
	size := fileSize(t, path)
	require.Greater(t, size, int64(segmentHeaderSize+len(p)+ZeroAhead), "grown once more")
	require.LessOrEqual(t, size-l.Size(), int64(ZeroAhead))
}

// A write larger than what is left of a segment starts a new one; a write
// larger than a whole segment fills one alone.
func TestLogRollsBeforeOverflow(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{SegmentBytes: 1024})
	require.NoError(t, err)
	write := func(c uint64, n int) {
		require.NoError(t, l.Write(AppendRecord(nil, c, 1000, 0, "k", make([]byte, n))))
	}
	write(1, 600)
	write(2, 600) // does not fit: a new segment
	require.Equal(t, 2, l.Segments())
	write(3, 5000) // larger than a segment
	require.Equal(t, 3, l.Segments())
	big := filepath.Join(dir, segmentName(3))
	require.Equal(t, int64(segmentHeaderSize+FrameHeaderSize+HeaderSize+1+5000), fileSize(t, big))
	write(4, 10)
	require.Equal(t, 4, l.Segments())
	require.Equal(t, int64(1024), fileSize(t, filepath.Join(dir, segmentName(4))))
	for _, c := range []uint64{1, 2} {
		require.Equal(t, int64(segmentHeaderSize+FrameHeaderSize+HeaderSize+1+600), fileSize(t, filepath.Join(dir, segmentName(c))), "zeros cut")
	}
	require.NoError(t, l.Sync())
	require.NoError(t, l.Close())
	l, err = Open(dir, Options{SegmentBytes: 1024})
	require.NoError(t, err)
	defer l.Close()
	require.Equal(t, counters(1, 5), counterList(t, l))
	require.Zero(t, l.Truncated())
}

// segFile builds a segment file: the header, then parts.
func segFile(t *testing.T, dir string, first uint64, parts ...[]byte) string {
	b := segmentHeader()
	for _, p := range parts {
		b = append(b, p...)
	}
	path := filepath.Join(dir, segmentName(first))
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path
}

func recs(from, to uint64) []byte {
	var b []byte
	for c := from; c < to; c++ {
		b = AppendRecord(b, c, 1000, 0, "key", []byte("data"))
	}
	return b
}

// Open tells zeros written ahead (the end of a segment's records), torn
// last frames before them (cut in the last segment) and damage apart, in
// segments of both format versions (a version 1 record is checked as a
// frame of its own).
func TestLogOpenZeroTails(t *testing.T) {
	for _, version := range []uint32{1, 2} {
		t.Run(fmt.Sprintf("version %d", version), func(t *testing.T) { testLogOpenZeroTails(t, version) })
	}
}

func testLogOpenZeroTails(t *testing.T, version uint32) {
	zeros := func(n int) []byte { return make([]byte, n) }
	// recs returns the records [from, to) as the segment holds them.
	recs := func(from, to uint64) []byte { return frame(recs(from, to)) }
	segFile := func(t *testing.T, dir string, first uint64, parts ...[]byte) string {
		return segFile(t, dir, first, parts...)
	}
	if version == 1 {
		recs, segFile = recsV1, segFileV1
	}
	rec := recs(3, 4)
	badSum := append([]byte(nil), rec...)
	badSum[len(badSum)-1] ^= 1
	tests := []struct {
		name string
		// segments 1 and 10 (the last)
		first, last []byte
		want        []uint64 // records read; nil: Open fails as corrupt
		truncated   bool
	}{
		{"no zeros", recs(1, 3), recs(10, 12), []uint64{1, 2, 10, 11}, false},
		{"zeros in both", append(recs(1, 3), zeros(500)...), append(recs(10, 12), zeros(500)...), []uint64{1, 2, 10, 11}, false},
		{"zeros shorter than a header", append(recs(1, 3), zeros(5)...), append(recs(10, 12), zeros(5)...), []uint64{1, 2, 10, 11}, false},
		{"only zeros in the last", recs(1, 3), zeros(300), []uint64{1, 2}, false},
		{"zeros, then a record, in the last", recs(1, 3), append(append(recs(10, 12), zeros(100)...), recs(12, 13)...), nil, false},
		{"zeros, then a record, in the first", append(append(recs(1, 2), zeros(100)...), recs(2, 3)...), recs(10, 12), nil, false},
		{"zeros, then a byte, in the first", append(append(recs(1, 3), zeros(100)...), 1), recs(10, 12), nil, false},
		{"torn record before zeros in the last", recs(1, 3), append(append(recs(10, 12), rec[:20]...), zeros(300)...), []uint64{1, 2, 10, 11}, true},
		{"torn length before zeros in the last", recs(1, 3), append(append(recs(10, 12), rec[:6]...), zeros(300)...), []uint64{1, 2, 10, 11}, true},
		{"bad checksum before zeros in the last", recs(1, 3), append(append(recs(10, 12), badSum...), zeros(300)...), []uint64{1, 2, 10, 11}, true},
		{"bad checksum before zeros in the first", append(append(recs(1, 3), badSum...), zeros(300)...), recs(10, 12), nil, false},
		{"torn record before zeros in the first", append(append(recs(1, 3), rec[:20]...), zeros(300)...), recs(10, 12), nil, false},
		{"bad checksum before records in the last", recs(1, 3), append(append(recs(10, 12), badSum...), recs(12, 13)...), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			segFile(t, dir, 1, tt.first)
			segFile(t, dir, 10, tt.last)
			l, err := Open(dir, Options{})
			if tt.want == nil {
				require.ErrorIs(t, err, ErrCorrupt)
				return
			}
			require.NoError(t, err)
			defer l.Close()
			require.Equal(t, tt.want, counterList(t, l))
			require.Equal(t, tt.truncated, l.Truncated() > 0)
			// The log goes on after its last record, and reopens with it.
			next := l.Next()
			require.NoError(t, l.Write(AppendRecord(nil, next, 1000, 0, "key", []byte("more"))))
			require.NoError(t, l.Sync())
			require.NoError(t, l.Close())
			l, err = Open(dir, Options{})
			require.NoError(t, err)
			require.Equal(t, append(tt.want, next), counterList(t, l))
			require.Zero(t, l.Truncated())
		})
	}
}

// A short write over the zeros (a full disk) fails the log; Rewind and
// reopening find the records written before, and writing goes on. Had
// the process died instead, Open cuts the partial record before the zeros.
func TestLogShortWriteOverZeros(t *testing.T) {
	for _, rewind := range []bool{true, false} {
		dir := t.TempDir()
		fsys := NewFaultFS(OS)
		l, err := Open(dir, Options{FS: fsys, SegmentBytes: 1 << 20})
		require.NoError(t, err)
		require.NoError(t, l.Write(recs(1, 11)))
		require.NoError(t, l.Sync())
		l.Mark()
		// The partial record stays: truncating it fails too.
		fsys.Inject(Fault{Op: OpWrite, Err: syscall.ENOSPC, Short: 20, Times: 1})
		fsys.Inject(Fault{Op: OpTruncate, Err: syscall.EIO, Times: 1})
		require.ErrorIs(t, l.Write(recs(11, 15)), syscall.ENOSPC)
		if rewind {
			require.NoError(t, l.Rewind())
			require.NoError(t, l.Write(recs(20, 22)))
			require.NoError(t, l.Sync())
		}
		require.NoError(t, l.Close())
		l, err = Open(dir, Options{})
		require.NoError(t, err)
		want := counters(1, 11)
		if rewind {
			want = append(want, 20, 21)
			require.Zero(t, l.Truncated())
		} else {
			require.Positive(t, l.Truncated())
		}
		require.Equal(t, want, counterList(t, l))
		require.NoError(t, l.Close())
	}
}

// A failed SyncData sticks as a failed Sync does.
func TestLogSyncDataFailure(t *testing.T) {
	fsys := NewFaultFS(OS)
	l, err := Open(t.TempDir(), Options{FS: fsys})
	require.NoError(t, err)
	defer l.Close()
	require.NoError(t, l.Write(recs(1, 2)))
	require.NoError(t, l.Sync())
	l.Mark()
	require.NoError(t, l.Write(recs(2, 3)))
	eio := errors.New("injected EIO")
	fsys.Inject(Fault{Op: OpSync, Err: eio, Times: 1})
	require.ErrorIs(t, l.Sync(), eio)
	require.ErrorIs(t, l.Write(recs(3, 4)), eio)
	require.NoError(t, l.Rewind())
	require.Equal(t, []uint64{1}, counterList(t, l))
}
