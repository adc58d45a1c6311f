package wal

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A log whose segments were written in format version 1 (before frames)
// opens and reads; its records are checked one by one when read from the
// files; the first write starts a segment of version 2, and the log
// reopens with all of them.
func TestLogReadsVersion1Segments(t *testing.T) {
	dir := t.TempDir()
	segFileV1(t, dir, 1, recsV1(1, 50))
	last := segFileV1(t, dir, 50, recsV1(50, 60), make([]byte, 300)) // zeros written ahead
	l, err := Open(dir, Options{IndexEvery: 256})
	require.NoError(t, err)
	require.Equal(t, counters(1, 60), counterList(t, l))

	require.NoError(t, l.Write(recs(60, 70)))
	require.NoError(t, l.Sync())
	require.Equal(t, 3, l.Segments(), "a version 1 segment is not written to")
	require.Equal(t, counters(1, 70), counterList(t, l))
	require.NoError(t, l.Close())
	require.Equal(t, uint32(2), segmentVersion(t, filepath.Join(dir, segmentName(60))))
	require.Equal(t, uint32(1), segmentVersion(t, last))

	l, err = Open(dir, Options{IndexEvery: 256})
	require.NoError(t, err)
	defer l.Close()
	require.Zero(t, l.Truncated())
	require.Equal(t, counters(1, 70), counterList(t, l))

	// Damage the data of record 20 (in the first segment): reads from the
	// file find it, and serve the records before it.
	rec := int64(segmentHeaderSize + 19*len(recsV1(1, 2)))
	flip(t, filepath.Join(dir, segmentName(1)), rec+HeaderSize+3)
	l.cache = NewCache(1 << 20)
	res, err := l.Read(1, l.Next(), 0, 1000, 1<<30, 0)
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, rec, ce.Offset)
	require.Contains(t, err.Error(), "checksum mismatch")
	require.Len(t, res.Records, 19)
}

// An empty last segment of version 1 (a crash right after it was created)
// becomes a segment of version 2 at the first write.
func TestLogUpgradesAnEmptyVersion1Segment(t *testing.T) {
	dir := t.TempDir()
	segFileV1(t, dir, 1, recsV1(1, 10))
	last := segFileV1(t, dir, 10)
	l, err := Open(dir, Options{})
	require.NoError(t, err)
	require.NoError(t, l.Write(recs(10, 20)))
	require.NoError(t, l.Sync())
	require.Equal(t, 2, l.Segments())
	require.NoError(t, l.Close())
	require.Equal(t, uint32(2), segmentVersion(t, last))
	l, err = Open(dir, Options{})
	require.NoError(t, err)
	defer l.Close()
	require.Equal(t, counters(1, 20), counterList(t, l))
}

// A segment of a newer version than this package reads is refused.
func TestLogRefusesNewerVersions(t *testing.T) {
	dir := t.TempDir()
	path := segFile(t, dir, 1, frame(recs(1, 3)))
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteAt(binary.BigEndian.AppendUint32(nil, Version+1), 8)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	_, err = Open(dir, Options{})
	require.ErrorIs(t, err, ErrVersion)
	require.ErrorContains(t, err, "has format version 3; this freshet reads versions 1 to 2")
}

// Writes of any sizes put the sparse index's entries at frames' starts,
// and frames no longer than maxFrameRecords of records (but for a single
// larger record); reopening rebuilds the same index, and reads find every
// record.
func TestLogFramesFollowTheIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	opt := Options{IndexEvery: 1000, SegmentBytes: 3 << 20}
	l, err := Open(dir, opt)
	require.NoError(t, err)
	c := uint64(1)
	var p []byte
	for range 300 {
		p = p[:0]
		for range rng.IntN(40) + 1 {
			size := rng.IntN(200)
			if rng.IntN(100) == 0 {
				size = rng.IntN(2 << 20)
			}
			p = AppendRecord(p, c, 1000, 0, "k", make([]byte, size))
			c++
		}
		require.NoError(t, l.Write(p))
	}
	require.NoError(t, l.Sync())
	type segIndex struct {
		path  string
		index []indexEntry
	}
	var before []segIndex
	for _, s := range l.segs {
		before = append(before, segIndex{s.path, append([]indexEntry(nil), s.index...)})
	}
	require.NoError(t, l.Close())
	for _, s := range before {
		b, err := os.ReadFile(s.path)
		require.NoError(t, err)
		starts := map[int64]bool{}
		for off := segmentHeaderSize; off < len(b); {
			n, ok := frameLen(b[off:])
			if !ok {
				require.Zero(t, b[off], "zeros after the frames")
				break
			}
			starts[int64(off)] = true
			first, _ := parseHeader(b[off+FrameHeaderSize:])
			if first.size() < n {
				require.LessOrEqual(t, n, maxFrameRecords, "frame at %d", off)
			}
			off += FrameHeaderSize + n
		}
		for _, e := range s.index {
			require.True(t, starts[e.off], "index entry at %d", e.off)
		}
	}
	l, err = Open(dir, opt)
	require.NoError(t, err)
	defer l.Close()
	require.Len(t, l.segs, len(before))
	for i, s := range l.segs {
		require.Equal(t, before[i].index, s.index, "segment %s", s.path)
	}
	require.Equal(t, counters(1, c), counterList(t, l))
}

func segmentVersion(t *testing.T, path string) uint32 {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return binary.BigEndian.Uint32(b[8:])
}

func flip(t *testing.T, path string, off int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	require.NoError(t, err)
	defer f.Close()
	b := make([]byte, 1)
	_, err = f.ReadAt(b, off)
	require.NoError(t, err)
	b[0] ^= 0xff
	_, err = f.WriteAt(b, off)
	require.NoError(t, err)
}

// FuzzLoadBlock reads arbitrary bytes as a block of a segment of format
// version 1 or 2: loadBlock never panics, and its records are those a
// plain decoder finds (each frame checked as a whole, then split into
// records) before the first damaged frame, with an error if there is one.
func FuzzLoadBlock(f *testing.F) {
	f.Add(frame(recs(1, 5)), false)
	f.Add(append(frame(recs(1, 5)), frame(recs(5, 9))...), false)
	f.Add(append(frame(recs(1, 5)), frame(recs(5, 9))[:30]...), false)
	f.Add(recsV1(1, 5), true)
	f.Add(append(recsV1(1, 5), 0, 0, 0), true)
	f.Add(frame(append(recs(1, 3), 1, 2, 3)), false)
	f.Fuzz(func(t *testing.T, b []byte, v1 bool) {
		if len(b) == 0 {
			return
		}
		path := filepath.Join(t.TempDir(), "seg")
		require.NoError(t, os.WriteFile(path, b, 0o644))
		file, err := OS.OpenFile(path, os.O_RDONLY, 0)
		require.NoError(t, err)
		defer file.Close()
		s := &segment{path: path, version: 2}
		if v1 {
			s.version = 1
		}
		blk, err := loadBlock(s, file, 0, int64(len(b)))
		require.NoError(t, err)

		// The plain decoder.
		var want []Record
		damaged := false
		for off := 0; off < len(b); {
			var n int
			var ok bool
			if v1 {
				if len(b)-off < HeaderSize {
					damaged = true
					break
				}
				var h header
				h, ok = parseHeader(b[off:])
				n = h.size()
			} else {
				if len(b)-off < FrameHeaderSize+HeaderSize {
					damaged = true
					break
				}
				n, ok = frameLen(b[off:])
				n += FrameHeaderSize
			}
			if !ok || n > len(b)-off || !checksumOK(b[off:off+n]) {
				damaged = true
				break
			}
			recs := b[off+FrameHeaderSize : off+n]
			if v1 {
				recs = b[off : off+n]
			}
			var got []Record
			if !parseRecords(recs, func(h *header, at int) { got = append(got, decode(h, recs[at:at+h.size()])) }) {
				damaged = true
				break
			}
			want = append(want, got...)
			off += n
		}
		require.Equal(t, damaged, blk.err != nil)
		bt := Batch{blk, 0, len(blk.recs)}
		require.Len(t, blk.recs, len(want))
		for i, r := range want {
			require.Equal(t, r.Counter, bt.Counter(i))
			require.Equal(t, r.Arrival, bt.Arrival(i))
			require.Equal(t, r.Flags, bt.Flags(i))
			require.Equal(t, r.Key, bt.Key(i))
			require.Equal(t, r.Data, bt.Data(i))
		}
	})
}

// Write writes the whole records of p and ignores bytes after them.
func TestLogWriteIgnoresPartialRecords(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{})
	require.NoError(t, err)
	require.NoError(t, l.Write(recs(1, 2)[:20]))
	require.Zero(t, l.Segments(), "nothing written")
	p := recs(1, 4)
	require.NoError(t, l.Write(append(p, recs(4, 5)[:30]...)))
	require.Equal(t, counters(1, 4), counterList(t, l))
	require.Equal(t, uint64(4), l.Next())
	require.NoError(t, l.Sync())
	require.NoError(t, l.Close())
	l, err = Open(dir, Options{})
	require.NoError(t, err)
	defer l.Close()
	require.Equal(t, counters(1, 4), counterList(t, l))
	require.Zero(t, l.Truncated())
}
