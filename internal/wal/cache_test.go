package wal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// fillLog writes n records with counters 1..n, each holding its counter in
// its data, in writes of 10 records.
func fillLog(t testing.TB, l *Log, n int) {
	t.Helper()
	var p []byte
	for i := 1; i <= n; i++ {
		p = AppendRecord(p, uint64(i), int64(1000+i), 0, "key", recordData(i))
		if i%10 == 0 || i == n {
			require.NoError(t, l.Write(p))
			p = p[:0]
		}
	}
}

func recordData(i int) []byte {
	return bytes.Repeat([]byte{byte(i), byte(i >> 8)}, 20+i%17)
}

func readAll(t testing.TB, l *Log) []Record {
	t.Helper()
	res, err := l.Read(1, l.Next(), 0, 1<<20, 1<<30, 0)
	require.NoError(t, err)
	return res.Records
}

// The cache holds no more than its budget, and records read stay intact
// after their blocks left the cache: evicted, their segment removed, the
// log closed.
func TestCacheBoundedAndRecordsOutliveBlocks(t *testing.T) {
	c := NewCache(3 << 10)
	l, err := Open(t.TempDir(), Options{SegmentBytes: 4 << 10, IndexEvery: 512, Cache: c})
	require.NoError(t, err)
	fillLog(t, l, 400)
	var kept []Record
	for pos := uint64(1); pos < l.Next(); {
		res, err := l.Read(pos, l.Next(), 0, 7, 1<<20, 0)
		require.NoError(t, err)
		kept = append(kept, res.Records...)
		pos = res.Next
		require.LessOrEqual(t, c.Stats().Bytes, int64(3<<10))
	}
	st := c.Stats()
	require.Positive(t, st.Hits, "a reader reading on finds the block its last read loaded")
	require.Positive(t, st.Misses)
	_, err = l.RemoveBefore(300)
	require.NoError(t, err)
	for k := range c.blocks {
		require.Contains(t, l.segs, k.seg, "a removed segment's block stays cached")
	}
	require.NoError(t, l.Close())
	require.Zero(t, c.Stats().Blocks, "Close leaves blocks in the cache")
	require.Len(t, kept, 400)
	for i, r := range kept {
		require.Equal(t, uint64(i+1), r.Counter)
		require.Equal(t, recordData(i+1), r.Data)
		require.Equal(t, "key", string(r.Key))
	}
}

// A block larger than the whole cache is read but not cached; a cache of
// zero bytes caches nothing.
func TestCacheTooSmall(t *testing.T) {
	for _, size := range []int64{0, 100} {
		c := NewCache(size)
		l, err := Open(t.TempDir(), Options{IndexEvery: 512, Cache: c})
		require.NoError(t, err)
		fillLog(t, l, 100)
		require.Len(t, readAll(t, l), 100)
		require.Len(t, readAll(t, l), 100)
		require.Zero(t, c.Stats().Blocks)
		require.Zero(t, c.Stats().Hits)
		require.NoError(t, l.Close())
	}
}

// A byte flipped on disk is reported when its block is read from the file,
// after the records before it in the block were returned; a block cached
// before the flip is served from the cache (see Cache).
func TestCacheCorruptionDetectedOnFileReads(t *testing.T) {
	dir := t.TempDir()
	c := NewCache(1 << 20)
	l, err := Open(dir, Options{IndexEvery: 1 << 10, Cache: c})
	require.NoError(t, err)
	defer l.Close()
	fillLog(t, l, 100)
	require.Len(t, readAll(t, l), 100) // every block cached
	seg := filepath.Join(dir, segmentName(1))
	f, err := os.OpenFile(seg, os.O_RDWR, 0)
	require.NoError(t, err)
	defer f.Close()
	// Damage the data of record 50: its frame fails its checksum.
	off, first, rec := recordFrame(t, seg, 50)
	require.Less(t, first, uint64(50), "record 50 is not the first of its frame")
	_, err = f.WriteAt([]byte{0xff, 0xee}, rec+HeaderSize+3)
	require.NoError(t, err)

	require.Len(t, readAll(t, l), 100, "cached blocks are served without a check")

	// Read from the file again: a new cache.
	l.cache = NewCache(1 << 20)
	res, err := l.Read(1, l.Next(), 0, 1<<20, 1<<30, 0)
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, ErrCorrupt)
	require.Equal(t, off, ce.Offset)
	require.Contains(t, err.Error(), "checksum mismatch")
	require.Len(t, res.Records, int(first-1), "the records of the frames before the damaged one come first")
	require.Equal(t, first, res.Next)
	// Reads that stop before the damaged frame succeed, and the damaged
	// block is not cached.
	res, err = l.Read(1, l.Next(), 0, int(first-1), 1<<30, 0)
	require.NoError(t, err)
	require.Len(t, res.Records, int(first-1))
	for _, c := range []uint64{first, 50} {
		_, err = l.Read(c, l.Next(), 0, 1, 1<<30, 0)
		require.True(t, errors.Is(err, ErrCorrupt))
	}
}

// Blocks whose records' counters skip (as after a crash that lost records
// the metadata had counted) are searched rather than indexed.
func TestCacheCountersWithGaps(t *testing.T) {
	l, err := Open(t.TempDir(), Options{IndexEvery: 256})
	require.NoError(t, err)
	defer l.Close()
	var p []byte
	for i := 1; i <= 200; i++ {
		p = AppendRecord(p[:0], uint64(3*i), int64(i), 0, "k", []byte{byte(i)})
		require.NoError(t, l.Write(p))
	}
	for _, pos := range []uint64{1, 3, 4, 5, 6, 299, 300, 301, 597} {
		res, err := l.Read(pos, l.Next(), 0, 2, 1<<20, 0)
		require.NoError(t, err)
		want := (pos + 2) / 3 * 3
		require.Len(t, res.Records, 2, "from %d", pos)
		require.Equal(t, want, res.Records[0].Counter, "from %d", pos)
		require.Equal(t, want+3, res.Records[1].Counter, "from %d", pos)
	}
}

// Readers reading while the writer appends (growing the last block, which
// the cache then holds in an older, shorter version) see every record up
// to the end they were given, none skipped.
func TestCacheConcurrentReadersAndWriter(t *testing.T) {
	c := NewCache(8 << 10)
	l, err := Open(t.TempDir(), Options{SegmentBytes: 16 << 10, IndexEvery: 1 << 10, Cache: c})
	require.NoError(t, err)
	defer l.Close()
	const n = 2000
	var mu sync.Mutex
	written := uint64(1) // Next() after the last write, for readers
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done := false; !done; {
				mu.Lock()
				end := written
				mu.Unlock()
				done = end > n
				next := uint64(1)
				for next < end {
					res, err := l.Read(next, end, 0, 50, 1<<20, 0)
					if !assertRecords(t, res.Records, next, err) {
						return
					}
					next = res.Next
				}
			}
		}()
	}
	var p []byte
	for i := 1; i <= n; i++ {
		p = AppendRecord(p[:0], uint64(i), int64(i), 0, "key", recordData(i))
		require.NoError(t, l.Write(p))
		mu.Lock()
		written = l.Next()
		mu.Unlock()
	}
	wg.Wait()
}

func assertRecords(t *testing.T, recs []Record, from uint64, err error) bool {
	if !assertNoError(t, err) {
		return false
	}
	if len(recs) == 0 {
		t.Errorf("a read from %d returned nothing", from)
		return false
	}
	for i, r := range recs {
		if r.Counter != from+uint64(i) || !bytes.Equal(r.Data, recordData(int(r.Counter))) {
			t.Errorf("record %d of a read from %d: counter %d, data %x", i, from, r.Counter, r.Data)
			return false
		}
	}
	return true
}

func assertNoError(t *testing.T, err error) bool {
	if err != nil {
		t.Error(err)
		return false
	}
	return true
}

// A log whose last segment holds no record yet (a crash right after it was
// created) reads the records of the segments before it.
func TestLogReadsBeforeAnEmptyLastSegment(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{SegmentBytes: 1 << 10})
	require.NoError(t, err)
	fillLog(t, l, 100)
	next := l.Next()
	require.NoError(t, l.Close())
	require.NoError(t, os.WriteFile(filepath.Join(dir, segmentName(next)), segmentHeader(), 0o644))
	l, err = Open(dir, Options{SegmentBytes: 1 << 10})
	require.NoError(t, err)
	defer l.Close()
	require.Equal(t, next, l.Next())
	for _, pos := range []uint64{1, 50, 99, 100} {
		res, err := l.Read(pos, l.Next(), 0, 10, 1<<20, 0)
		require.NoError(t, err)
		require.NotEmpty(t, res.Records, "from %d", pos)
		require.Equal(t, pos, res.Records[0].Counter)
	}
}

// A read stalled in the file (a slow disk) holds up neither the writer nor
// readers of cached blocks, and a failed read is reported; RemoveBefore
// and Close wait for the stalled read before they close the file.
func TestLogStalledReadBlocksNoWriter(t *testing.T) {
	fsys := NewFaultFS(OS)
	l, err := Open(t.TempDir(), Options{FS: fsys, SegmentBytes: 2 << 10, IndexEvery: 512})
	require.NoError(t, err)
	fillLog(t, l, 100)
	res, err := l.Read(90, l.Next(), 0, 5, 1<<20, 0) // caches a block of the last segment
	require.NoError(t, err)
	require.Len(t, res.Records, 5)

	stall, stalled := make(chan struct{}), make(chan struct{}, 1)
	fsys.Inject(Fault{Op: OpRead, Times: 1, Stall: stall, Stalled: stalled})
	type result struct {
		res ReadResult
		err error
	}
	read := make(chan result)
	go func() {
		res, err := l.Read(1, 91, 0, 1000, 1<<20, 0)
		read <- result{res, err}
	}()
	<-stalled

	// The writer and a reader of a cached block go on.
	var p []byte
	p = AppendRecord(p, 101, 2000, 0, "key", recordData(101))
	require.NoError(t, l.Write(p))
	require.Equal(t, uint64(102), l.Next())
	res, err = l.Read(90, 95, 0, 5, 1<<20, 0)
	require.NoError(t, err)
	require.Len(t, res.Records, 5)

	// RemoveBefore and Close wait for the stalled read.
	removed := make(chan struct{})
	go func() {
		l.RemoveBefore(50)
		l.Close()
		close(removed)
	}()
	select {
	case <-removed:
		t.Fatal("RemoveBefore and Close returned while a read of a file they close was stalled")
	case r := <-read:
		t.Fatalf("the stalled read returned: %v", r.err)
	default:
	}
	close(stall)
	r := <-read
	require.NoError(t, r.err)
	require.Len(t, r.res.Records, 90)
	for i, rec := range r.res.Records {
		require.Equal(t, uint64(i+1), rec.Counter)
		require.Equal(t, recordData(i+1), rec.Data)
	}
	<-removed

	// A failed read is reported.
	l, err = Open(t.TempDir(), Options{FS: fsys})
	require.NoError(t, err)
	defer l.Close()
	fillLog(t, l, 10)
	fsys.Inject(Fault{Op: OpRead, Times: 1, Err: os.ErrPermission})
	_, err = l.Read(1, l.Next(), 0, 10, 1<<20, 0)
	require.ErrorIs(t, err, os.ErrPermission)
}

// FirstAt finds what a scan of every record finds, for arrivals that
// repeat and jump, across blocks and segments.
func TestLogFirstAtMatchesAScan(t *testing.T) {
	l, err := Open(t.TempDir(), Options{SegmentBytes: 2 << 10, IndexEvery: 256})
	require.NoError(t, err)
	defer l.Close()
	var arrivals []int64
	arrival := int64(1000)
	var p []byte
	for i := 1; i <= 300; i++ {
		arrival += int64(i%7/5) * int64(1+i%13) // mostly repeats, sometimes jumps
		arrivals = append(arrivals, arrival)
		p = AppendRecord(p[:0], uint64(i), arrival, 0, "k", []byte{byte(i)})
		require.NoError(t, l.Write(p))
	}
	scan := func(ts int64, from, end uint64) uint64 {
		for c := from; c < end; c++ {
			if c >= 1 && c <= 300 && arrivals[c-1] >= ts {
				return c
			}
		}
		return end
	}
	for ts := int64(990); ts <= arrival+2; ts += 3 {
		for _, r := range [][2]uint64{{1, 301}, {50, 301}, {1, 120}, {200, 250}} {
			got, err := l.FirstAt(ts, r[0], r[1])
			require.NoError(t, err)
			require.Equal(t, scan(ts, r[0], r[1]), got, "ts %d in [%d, %d)", ts, r[0], r[1])
		}
	}
}
