package wal

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func writeLog(t testing.TB, dir string, n int) {
	l, err := Open(dir, Options{SegmentBytes: 256})
	require.NoError(t, err)
	var p []byte
	for i := range n {
		p = AppendRecord(p[:0], uint64(i+1), int64(1000+i), 0, "key", []byte{byte(i), 1, 2, 3})
		require.NoError(t, l.Write(p))
	}
	require.NoError(t, l.Sync())
	require.NoError(t, l.Close())
}

func TestLogRoundTrip(t *testing.T) {
	dir := t.TempDir()
	writeLog(t, dir, 100)
	l, err := Open(dir, Options{SegmentBytes: 256})
	require.NoError(t, err)
	defer l.Close()
	require.Equal(t, uint64(101), l.Next())
	require.Greater(t, l.Segments(), 5)
	res, err := l.Read(10, 101, 0, 1000, 1<<20, 0)
	require.NoError(t, err)
	require.Len(t, res.Records, 91)
	for i, r := range res.Records {
		require.Equal(t, uint64(10+i), r.Counter)
		require.Equal(t, int64(1009+i), r.Arrival)
		require.Equal(t, []byte{byte(9 + i), 1, 2, 3}, r.Data)
	}
	// Limits and the byte budget (the first record always comes).
	res, err = l.Read(1, 101, 0, 5, 1<<20, 0)
	require.NoError(t, err)
	require.Len(t, res.Records, 5)
	require.True(t, res.Full)
	require.Equal(t, uint64(6), res.Next)
	res, err = l.Read(1, 101, 0, 100, 1, 0)
	require.NoError(t, err)
	require.Len(t, res.Records, 1)
	// The horizon skips older records; FirstAt finds by arrival.
	res, err = l.Read(1, 101, 1050, 100, 1<<20, 0)
	require.NoError(t, err)
	require.Equal(t, uint64(51), res.Records[0].Counter)
	at, err := l.FirstAt(1077, 1, 101)
	require.NoError(t, err)
	require.Equal(t, uint64(78), at)
	require.LessOrEqual(t, l.RetainedFrom(1050), uint64(51))
	n, err := l.RemoveBefore(51)
	require.NoError(t, err)
	require.Positive(t, n)
	res, err = l.Read(1, 101, 0, 1000, 1<<20, 0)
	require.NoError(t, err)
	require.LessOrEqual(t, res.Records[0].Counter, uint64(51))
}

// FuzzOpen opens a log whose first segment holds arbitrary bytes after a
// valid header (of format version 1 if v1, else 2), followed, unless last,
// by a second, valid segment: Open either fails with an error or yields a
// log whose records all read back, and which takes a record after them
// and reopens with it; it never panics.
func FuzzOpen(f *testing.F) {
	rec := frame(AppendRecord(nil, 1, 1, 0, "k", []byte("data")))
	recV1 := appendRecordV1(nil, 1, 1, 0, "k", []byte("data"))
	for _, v1 := range []bool{false, true} {
		rec := rec
		if v1 {
			rec = recV1
		}
		f.Add(rec, true, v1)
		f.Add(append(rec, 1, 2, 3), true, v1)
		f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 20}, true, v1)
		f.Add(append(rec, make([]byte, 100)...), true, v1)
		f.Add(append(rec, make([]byte, 100)...), false, v1)
		f.Add(append(append(rec, rec[:10]...), make([]byte, 100)...), true, v1)
		f.Add(append(append(rec, make([]byte, 40)...), rec...), false, v1)
	}
	f.Add(frame(recs(1, 5)), true, false)
	f.Add(append(frame(recs(1, 5)), frame(recs(5, 6))...), false, false)
	f.Fuzz(func(t *testing.T, b []byte, last, v1 bool) {
		dir := t.TempDir()
		seg := filepath.Join(dir, segmentName(1))
		header := segmentHeader()
		if v1 {
			header = segmentHeaderVersion(1)
		}
		require.NoError(t, os.WriteFile(seg, append(header, b...), 0o644))
		if !last {
			second := append(segmentHeader(), frame(AppendRecord(nil, 1<<40, 1<<40, 0, "k", []byte("second")))...)
			require.NoError(t, os.WriteFile(filepath.Join(dir, segmentName(1<<40)), second, 0o644))
		}
		l, err := Open(dir, Options{SegmentBytes: 1024})
		if err != nil {
			return
		}
		read := func() []Record {
			res, err := l.Read(0, l.Next(), -1<<63, 1<<20, 1<<30, 0)
			require.NoError(t, err)
			if l.Next() > 1 {
				require.NotEmpty(t, res.Records)
				require.Equal(t, l.Next()-1, res.Records[len(res.Records)-1].Counter)
			}
			return res.Records
		}
		recs := read()
		if !last {
			require.Equal(t, uint64(1<<40+1), l.Next())
		}
		if n := len(recs); n > 0 && recs[n-1].Counter == math.MaxUint64 {
			l.Close()
			return // no counter after it
		}
		next := max(l.Next(), 1)
		require.NoError(t, l.Write(AppendRecord(nil, next, l.LastArrival(), 0, "k", []byte("more"))))
		require.NoError(t, l.Close())
		l, err = Open(dir, Options{SegmentBytes: 1024})
		require.NoError(t, err)
		defer l.Close()
		require.Len(t, read(), len(recs)+1)
	})
}

// Reading on from where a read stopped returns the same records as one
// read, with limits and byte budgets cutting reads anywhere, across blocks
// and segments, and after old segments are removed.
func TestLogReadOnInSteps(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{SegmentBytes: 4096, IndexEvery: 1024})
	require.NoError(t, err)
	defer l.Close()
	var p []byte
	for i := range 500 {
		p = AppendRecord(p[:0], uint64(i+1), int64(1000+i), 0, "key", make([]byte, i%37))
		require.NoError(t, l.Write(p))
	}
	all, err := l.Read(1, l.Next(), 0, 1000, 1<<20, 0)
	require.NoError(t, err)
	require.Len(t, all.Records, 500)
	for _, step := range []struct{ limit, bytes int }{{1, 1 << 20}, {7, 1 << 20}, {1000, 50}, {13, 200}} {
		var got []Record
		for pos := uint64(1); pos < l.Next(); {
			res, err := l.ReadAppend(make([]Record, 0, 4), pos, l.Next(), 0, step.limit, step.bytes, 0)
			require.NoError(t, err)
			require.Greater(t, res.Next, pos)
			got = append(got, res.Records...)
			pos = res.Next
		}
		require.Equal(t, all.Records, got, "limit %d, bytes %d", step.limit, step.bytes)
	}
	_, err = l.RemoveBefore(250)
	require.NoError(t, err)
	for k := range l.cache.blocks {
		require.Contains(t, l.segs, k.seg, "a removed segment's block stays cached")
	}
	res, err := l.Read(300, l.Next(), 0, 1000, 1<<20, 0)
	require.NoError(t, err)
	require.Equal(t, all.Records[299:], res.Records)
}

// TestLogRewind: after a failed write or sync, Rewind cuts the log back
// to its last Mark, across segments created since, and the log accepts
// writes again from there; reopening finds exactly the marked records and
// those written after the rewind.
func TestLogRewind(t *testing.T) {
	dir := t.TempDir()
	fsys := NewFaultFS(OS)
	l, err := Open(dir, Options{FS: fsys, SegmentBytes: 256})
	require.NoError(t, err)
	write := func(from, to uint64) error {
		var p []byte
		for c := from; c < to; c++ {
			p = AppendRecord(p, c, int64(1000+c), 0, "key", []byte{byte(c), 1, 2, 3})
		}
		return l.Write(p)
	}
	for c := uint64(1); c < 11; c++ {
		require.NoError(t, write(c, c+1))
	}
	require.NoError(t, l.Sync())
	l.Mark()
	segs := l.Segments()
	// Records 11-39 reach the files (several new segments), then an
	// fsync fails.
	for c := uint64(11); c < 40; c += 3 {
		require.NoError(t, write(c, c+3))
	}
	require.Greater(t, l.Segments(), segs)
	fsys.Inject(Fault{Op: OpSync, Err: errors.New("injected EIO"), Times: 1})
	require.Error(t, l.Sync())
	require.Error(t, write(40, 41), "the failure sticks")
	// Retention removes the oldest segments meanwhile.
	removed, err := l.RemoveBefore(10)
	require.NoError(t, err)
	require.Positive(t, removed)
	segs -= removed
	res, err := l.Read(1, 100, 0, 1000, 1<<20, 0)
	require.NoError(t, err)
	kept := res.Records[0].Counter // the first record retention kept

	require.NoError(t, l.Rewind())
	require.Equal(t, uint64(11), l.Next())
	require.Equal(t, segs, l.Segments())
	res, err = l.Read(1, 100, 0, 1000, 1<<20, 0)
	require.NoError(t, err)
	require.Len(t, res.Records, int(11-kept))
	// Writing goes on after a gap: the dropped counters are not reused.
	require.NoError(t, write(50, 55))
	require.NoError(t, l.Sync())
	require.NoError(t, l.Close())

	l, err = Open(dir, Options{SegmentBytes: 256})
	require.NoError(t, err)
	defer l.Close()
	require.Zero(t, l.Truncated(), "the rewind left no torn tail")
	res, err = l.Read(1, 100, 0, 1000, 1<<20, 0)
	require.NoError(t, err)
	var got []uint64
	for _, r := range res.Records {
		got = append(got, r.Counter)
	}
	var want []uint64
	for c := kept; c <= 10; c++ {
		want = append(want, c)
	}
	require.Equal(t, append(want, 50, 51, 52, 53, 54), got)
	require.Equal(t, uint64(55), l.Next())
}

// TestLogRewindFailureRetries: a rewind that cannot remove a segment
// leaves the log failed, and a later Rewind finishes the job.
func TestLogRewindFailureRetries(t *testing.T) {
	dir := t.TempDir()
	fsys := NewFaultFS(OS)
	l, err := Open(dir, Options{FS: fsys, SegmentBytes: 128})
	require.NoError(t, err)
	defer l.Close()
	var p []byte
	for c := uint64(1); c < 4; c++ {
		p = AppendRecord(p[:0], c, 1000, 0, "key", []byte("data"))
		require.NoError(t, l.Write(p))
	}
	require.NoError(t, l.Sync())
	l.Mark()
	for c := uint64(4); c < 20; c++ {
		p = AppendRecord(p[:0], c, 1000, 0, "key", []byte("data"))
		require.NoError(t, l.Write(p))
	}
	fsys.Inject(Fault{Op: OpSync, Err: errors.New("injected EIO"), Times: 1})
	require.Error(t, l.Sync())
	fsys.Inject(Fault{Op: OpRemove, Err: errors.New("injected EBUSY"), Times: 1})
	require.Error(t, l.Rewind())
	require.Error(t, l.Write(p), "still failed")
	require.NoError(t, l.Rewind())
	require.Equal(t, uint64(4), l.Next())
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, ents, l.Segments(), "the dropped segments are gone")
}

// A block cached before a rewind is not served after it: the records
// written after the rewind take the cut records' place in the file.
func TestLogRewindDropsCachedBlocks(t *testing.T) {
	fsys := NewFaultFS(OS)
	l, err := Open(t.TempDir(), Options{FS: fsys})
	require.NoError(t, err)
	defer l.Close()
	write := func(from, to uint64) {
		var p []byte
		for c := from; c < to; c++ {
			p = AppendRecord(p, c, 1000, 0, "key", []byte{byte(c), 1, 2, 3})
		}
		require.NoError(t, l.Write(p))
	}
	counters := func() []uint64 {
		res, err := l.Read(1, 100, 0, 1000, 1<<20, 0)
		require.NoError(t, err)
		var got []uint64
		for _, r := range res.Records {
			got = append(got, r.Counter)
		}
		return got
	}
	write(1, 11)
	require.NoError(t, l.Sync())
	l.Mark()
	write(11, 16)
	require.Len(t, counters(), 15, "the block with records 11-15 is cached")
	fsys.Inject(Fault{Op: OpSync, Err: errors.New("injected EIO"), Times: 1})
	require.Error(t, l.Sync())
	require.NoError(t, l.Rewind())
	write(16, 21) // the same sizes as 11-15, at their offsets
	require.NoError(t, l.Sync())
	require.Equal(t, []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 17, 18, 19, 20}, counters())
}
