// Package wal is freshet's on-disk log: one append-only, segmented log per
// shard, with a CRC-32C per frame of records (per record in segments of
// format version 1), a sparse sequence-to-offset index kept in memory and
// rebuilt when the log is opened, torn-tail recovery, and retention by
// whole segments.
//
// A Log has one writer (the engine's committer) and any number of
// concurrent readers. Records become readable once Write returned; they
// are durable once Sync returned. The records Open finds are durable when
// it returns: it fsyncs the segments and the directory it recovered, as
// the process that wrote them may have crashed before its fsync.
//
// # Zeros written ahead
//
// A write that extends a file makes its fsync commit the file's new size
// (and new blocks) to the file system's journal as well as the data, which
// on ext4 and XFS costs about as much again as the data. So the writer
// extends the last segment ahead of its records, by up to ZeroAhead bytes
// of zeros written at a time (never past Options.SegmentBytes), and writes
// records over them at their offsets (pwrite); Sync then uses fdatasync,
// which writes only the data, when the file's size did not change since
// the last Sync, and fsync when it did (once per ZeroAhead bytes). Zeros
// written, not a hole or fallocate's unwritten extents: writing into those
// still changes the file's block map, which fdatasync must commit.
//
// A segment's records therefore end at its first all-zero frame header:
// the rest of the file must be zeros too, or the segment is corrupt (but
// for a torn last frame in the last segment, see Open). Starting a new
// segment cuts the zeros off the one before. A segment without zeros
// (written by an earlier version) reads as before.
//
// # Frames
//
// Since format version 2 a segment holds its records in frames, each
// checked by one CRC-32C (see Segment format in record.go): reads check a
// block of records with a few checksums of long buffers instead of one per
// record. Segments of version 1 are read as before; a log opened with them
// writes its records to a new segment.
package wal

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// ErrCorrupt is wrapped by the errors of a log whose files are damaged
// (other than a torn tail, which Open repairs).
var ErrCorrupt = errors.New("corrupt log")

// ErrVersion is wrapped by the error of a segment written by a newer
// format version.
var ErrVersion = errors.New("unsupported log format version")

// CorruptError tells where a log is damaged.
type CorruptError struct {
	Path   string
	Offset int64
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("corrupt log segment %s at offset %d: %s", e.Path, e.Offset, e.Reason)
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// Options configure a Log.
type Options struct {
	// FS is the file layer (default OS).
	FS FS
	// SegmentBytes is the size of a segment: a write that does not fit
	// in what is left of the last one starts a new one, which a write
	// larger than SegmentBytes fills alone (default 64 MiB). The last
	// segment's file is extended with zeros towards it, ZeroAhead bytes
	// at a time.
	SegmentBytes int64
	// IndexEvery is the distance in bytes between entries of the sparse
	// index (default 64 KiB); it is also about the size of the blocks
	// reads cache.
	IndexEvery int64
	// Cache keeps the blocks reads read, and may be shared by many logs
	// (default: a cache of DefaultCacheBytes for this log alone).
	Cache *Cache
	// Root, when set, is a directory above the log's: its entries down to
	// the log's directory are made durable too. Open of a log whose
	// directory it created syncs the parents of the directories it made
	// with the first Sync that syncs the log's directory; Open of an
	// existing log syncs every directory from the log's parent up to Root,
	// since a crash may have come before the previous process synced them.
	// Empty means only the log's own directory is synced.
	Root string
}

// DefaultCacheBytes is the size of the cache of a log opened without one.
const DefaultCacheBytes = 4 << 20

const segmentSuffix = ".seg"

// ZeroAhead is the most zeros the writer writes past the last record of
// the last segment at a time (see the package documentation).
const ZeroAhead = 1 << 20

// zeroBuf is what zeros are written from.
var zeroBuf [64 << 10]byte

// segment is one file of a log.
type segment struct {
	first        uint64 // from the file name: no record of it is below
	path         string
	version      uint32 // the segment's format version
	f            File
	size         int64  // bytes readable (header and whole records)
	alloc        int64  // the file's size (size and zeros after it); the writer's alone
	count        int    // records
	last         uint64 // counter of the last record (valid if count > 0)
	lastArrival  int64
	firstArrival int64
	index        []indexEntry // sparse: the first record, then every IndexEvery bytes
}

type indexEntry struct {
	counter uint64
	off     int64
	arrival int64
}

// Log is the log of one shard.
type Log struct {
	fs  FS
	dir string
	opt Options

	mu    sync.RWMutex // guards segs and each segment's fields
	segs  []*segment
	cache *Cache
	// readMu is held for reading by each ReadFunc, which reads files
	// without holding mu, and for writing by RemoveBefore and Close, which
	// close them: segments are not removed in the middle of a read.
	// Write never takes it.
	readMu sync.RWMutex

	// Writer state (the single writer's, unguarded).
	next        uint64         // counter after the last record; 0 if the log never held one
	unsynced    []unsyncedFile // files written since the last Sync
	syncDir     bool           // a segment was created since the last Sync
	syncParents []string       // directories whose new entries the next directory sync makes durable
	err         error          // sticky: the first write or sync failure, until Rewind
	truncated   int64
	totalBytes  int64
	lastArrival int64
	synced      mark       // the state of the last Mark
	orphans     []*segment // segments Rewind dropped but could not remove yet
	wbuf        []byte     // where Write builds its frames
}

// unsyncedFile is a file written since the last Sync; meta tells that
// its size changed too.
type unsyncedFile struct {
	f    File
	meta bool
}

// mark is the state of a log at a point, for Rewind to return to: its
// last segment then (nil if it had none) and that segment's metadata.
// Retention may remove segments before it since, never after it.
type mark struct {
	seg         *segment
	last        segment // seg's metadata (its index's length in indexLen)
	indexLen    int
	next        uint64
	lastArrival int64
}

// Open opens the log in dir, creating the directory if needed. It checks
// every frame and record and cuts a torn tail (an incomplete last frame,
// or a last frame whose checksum fails, followed by nothing or by zeros
// only) off the last segment; any other damage is a *CorruptError. The
// records of a segment end at the end of the file or at an all-zero frame
// header followed by zeros only (see the package documentation). A segment
// of a newer format version than Version fails with ErrVersion.
//
// Open then fsyncs every segment file and the directory before it
// returns: records it found that the previous process wrote but never
// synced are durable once the log is open, so they can be read, and Next
// issued after them, without a crash of the machine taking them back. An
// fsync that fails fails Open (the error names the file); the log is not
// opened.
func Open(dir string, opt Options) (*Log, error) {
	if opt.FS == nil {
		opt.FS = OS
	}
	if opt.SegmentBytes <= 0 {
		opt.SegmentBytes = 64 << 20
	}
	if opt.IndexEvery <= 0 {
		opt.IndexEvery = 64 << 10
	}
	if opt.Cache == nil {
		opt.Cache = NewCache(DefaultCacheBytes)
	}
	l := &Log{fs: opt.FS, dir: dir, opt: opt, cache: opt.Cache}
	created, err := l.missingDirs()
	if err != nil {
		return nil, err
	}
	if err := l.fs.MkdirAll(dir); err != nil {
		return nil, err
	}
	for _, d := range created {
		l.syncParents = append(l.syncParents, filepath.Dir(d))
	}
	if len(created) == 0 {
		// The directory was there: a crash may have come before the
		// process that made it synced the entries leading to it.
		l.syncParents = l.parents()
	}
	ents, err := l.fs.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var firsts []uint64
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, segmentSuffix) {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSuffix(name, segmentSuffix), 10, 64)
		if err != nil {
			continue
		}
		firsts = append(firsts, n)
	}
	sort.Slice(firsts, func(i, j int) bool { return firsts[i] < firsts[j] })
	for i, first := range firsts {
		s := &segment{first: first, path: filepath.Join(dir, segmentName(first))}
		if err := l.recover(s, i == len(firsts)-1); err != nil {
			l.Close()
			return nil, err
		}
		if n := len(l.segs); n > 0 {
			prev := l.segs[n-1]
			if prev.count > 0 && s.first <= prev.last {
				l.Close()
				s.f.Close()
				return nil, &CorruptError{Path: s.path, Reason: fmt.Sprintf("starts at counter %d, before the end of the previous segment (%d)", s.first, prev.last)}
			}
		}
		l.segs = append(l.segs, s)
		l.totalBytes += s.size
	}
	if n := len(l.segs); n > 0 {
		s := l.segs[n-1]
		if s.count > 0 {
			l.next = s.last + 1
		} else {
			l.next = s.first
		}
	}
	for _, s := range l.segs {
		if s.count > 0 {
			l.lastArrival = s.lastArrival
		}
	}
	if err := l.syncRecovered(); err != nil {
		l.Close()
		return nil, err
	}
	l.Mark()
	return l, nil
}

// syncRecovered makes what Open found durable: every segment's file (with
// its torn tail cut), the directory and the entries leading to it (see
// Options.Root). The previous process may have
// written records it never fsynced (it crashed between a write and its
// fsync, or it synced at an interval or not at all); they are in the page
// cache, where a crash of the machine could still take them back. Open
// returns only after this, so a record it found is not served, nor a
// counter after it issued, before the record is on disk. An fsync of a
// file without dirty pages costs little (tens of microseconds here).
func (l *Log) syncRecovered() error {
	if len(l.segs) == 0 {
		return nil
	}
	for _, s := range l.segs {
		if err := s.f.Sync(); err != nil {
			return fmt.Errorf("syncing the recovered log segment %s: %w", s.path, err)
		}
	}
	if err := l.fs.SyncDir(l.dir); err != nil {
		return fmt.Errorf("syncing the recovered log directory %s: %w", l.dir, err)
	}
	if err := l.syncDirs(l.syncParents); err != nil {
		return err
	}
	l.syncParents = nil
	return nil
}

// parents returns the directories from the log's parent up to Root (none
// without one).
func (l *Log) parents() []string {
	if l.opt.Root == "" {
		return nil
	}
	var dirs []string
	for d := filepath.Dir(l.dir); ; d = filepath.Dir(d) {
		dirs = append(dirs, d)
		if d == l.opt.Root || d == filepath.Dir(d) {
			return dirs
		}
	}
}

// Mark records the current state as the one Rewind returns to: the
// writer calls it once what it wrote is acknowledged (after Sync, or after
// Write when it does not sync). Open marks the state it found.
func (l *Log) Mark() {
	l.mu.RLock()
	defer l.mu.RUnlock()
	m := mark{next: l.next, lastArrival: l.lastArrival}
	if n := len(l.segs); n > 0 {
		m.seg = l.segs[n-1]
		m.last = *m.seg
		m.indexLen = len(m.seg.index)
	}
	l.synced = m
}

// Rewind makes a log whose Write or Sync failed writable again: it cuts
// the log back to the last Mark: it removes the segments created since,
// truncates the last one to its marked size and fsyncs both, so that
// nothing written since remains, neither in the file nor in the page
// cache, whose state a failed fsync leaves in doubt. Next and the readable records are then those of
// that point. An error leaves the log failed; Rewind can be called again.
func (l *Log) Rewind() error {
	// No read is in progress while segments are cut and files closed, and
	// none can cache a block of what is cut after the blocks are dropped.
	l.readMu.Lock()
	defer l.readMu.Unlock()
	m := l.synced
	l.mu.Lock()
	// The segments after the marked one were created since the mark. (If
	// retention removed the marked segment itself, every segment left was.)
	keep := slices.Index(l.segs, m.seg) + 1
	l.orphans = append(l.orphans, l.segs[keep:]...)
	for _, s := range l.segs[keep:] {
		l.totalBytes -= s.size
	}
	l.segs = l.segs[:keep]
	var last *segment
	if keep > 0 {
		last = m.seg
		l.totalBytes -= last.size - m.last.size
		index := last.index[:m.indexLen]
		f, path := last.f, last.path
		*last = m.last
		last.index, last.f, last.path = index, f, path
	}
	l.mu.Unlock()
	// Cached blocks may hold records that are cut: drop every block of the
	// segments cut or removed.
	cut := slices.Clone(l.orphans)
	if last != nil {
		cut = append(cut, last)
	}
	l.cache.drop(cut)
	l.next, l.lastArrival = m.next, m.lastArrival
	l.unsynced = l.unsynced[:0]
	fail := func(err error) error {
		l.err = fmt.Errorf("rewinding the log in %s: %w", l.dir, err)
		return l.err
	}
	for len(l.orphans) > 0 {
		s := l.orphans[0]
		if s.f != nil {
			s.f.Close()
			s.f = nil
		}
		if err := l.fs.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fail(err)
		}
		l.orphans = l.orphans[1:]
		l.syncDir = true
	}
	if last != nil {
		if err := last.f.Truncate(m.last.size); err != nil {
			return fail(err)
		}
		last.alloc = m.last.size
		if err := last.f.Sync(); err != nil {
			return fail(err)
		}
	}
	if l.syncDir {
		if err := l.fs.SyncDir(l.dir); err != nil {
			return fail(err)
		}
		l.syncDir = false
	}
	l.err = nil
	return nil
}

func segmentName(first uint64) string {
	return fmt.Sprintf("%020d%s", first, segmentSuffix)
}

// recover opens and checks one segment, cutting a torn tail off the last.
func (l *Log) recover(s *segment, last bool) error {
	f, err := l.fs.OpenFile(s.path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	s.f = f
	size, err := f.Size()
	if err != nil {
		return err
	}
	torn := func(off int64) error {
		if !last {
			return &CorruptError{Path: s.path, Offset: off, Reason: "truncated record in a segment that is not the last"}
		}
		if err := f.Truncate(off); err != nil {
			return fmt.Errorf("cutting the torn tail of %s: %w", s.path, err)
		}
		l.truncated += size - off
		size = off
		s.size, s.alloc = off, off
		return nil
	}
	if size < segmentHeaderSize {
		// A crash while the segment was created: start it again.
		if err := torn(0); err != nil {
			return err
		}
		if _, err := f.WriteAt(segmentHeader(), 0); err != nil {
			return err
		}
		s.size, s.alloc = segmentHeaderSize, segmentHeaderSize
		s.version = Version
		return nil
	}
	var hdr [segmentHeaderSize]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		return err
	}
	if string(hdr[:8]) != segmentMagic {
		return &CorruptError{Path: s.path, Reason: "not a freshet log segment"}
	}
	s.version = binary.BigEndian.Uint32(hdr[8:])
	if s.version < minVersion || s.version > Version {
		return fmt.Errorf("%w: segment %s has format version %d; this freshet reads versions %d to %d", ErrVersion, s.path, s.version, minVersion, Version)
	}
	br := bufio.NewReaderSize(io.NewSectionReader(f, segmentHeaderSize, size-segmentHeaderSize), 1<<20)
	off := int64(segmentHeaderSize)
	buf := make([]byte, 64<<10)
	prevCounter, prevArrival := uint64(0), int64(-1<<63)
	// The zeros written ahead of the records (or a tail the file system
	// extended but never wrote, after a crash) end the records.
	end := func(off int64) bool { return l.zeros(f, off, size) }
	// A version 1 segment is read as frames of one record each (see
	// Segment format): its records have the shape of frames.
	v1 := s.version == 1
	minFrame := int64(FrameHeaderSize + HeaderSize)
	if v1 {
		minFrame = HeaderSize
	}
	for off < size {
		if size-off < minFrame {
			if end(off) {
				break
			}
			return torn(off)
		}
		if _, err := io.ReadFull(br, buf[:minFrame]); err != nil {
			return fmt.Errorf("reading %s: %w", s.path, err)
		}
		var n int // the frame's size
		var ok bool
		if v1 {
			var h header
			h, ok = parseHeader(buf)
			n = h.size()
		} else {
			n, ok = frameLen(buf)
			n += FrameHeaderSize
		}
		if !ok {
			if end(off) {
				break
			}
			// A write that stopped within the header's first 8 bytes
			// (checksum and length), before zeros written ahead.
			if last && l.zeros(f, off+8, size) {
				return torn(off)
			}
			return &CorruptError{Path: s.path, Offset: off, Reason: "invalid record length"}
		}
		if off+int64(n) > size {
			return torn(off)
		}
		if cap(buf) < n {
			nb := make([]byte, n)
			copy(nb, buf[:minFrame])
			buf = nb
		}
		frame := buf[:n]
		if _, err := io.ReadFull(br, frame[minFrame:]); err != nil {
			return fmt.Errorf("reading %s: %w", s.path, err)
		}
		if !checksumOK(frame) {
			if last && l.zeros(f, off+int64(n), size) {
				return torn(off) // the last frame, partly written
			}
			return &CorruptError{Path: s.path, Offset: off, Reason: "checksum mismatch"}
		}
		recs, base := frame[FrameHeaderSize:], off+FrameHeaderSize
		if v1 {
			recs, base = frame, off
		}
		// The frame's records (the record itself in a version 1 segment).
		for at := 0; at < len(recs); {
			var h header
			ok := len(recs)-at >= HeaderSize
			if ok {
				h, ok = parseHeader(recs[at:])
			}
			switch {
			case !ok || h.size() > len(recs)-at:
				return &CorruptError{Path: s.path, Offset: off, Reason: "invalid records in a frame"}
			case h.counter < s.first || s.count > 0 && h.counter <= prevCounter:
				return &CorruptError{Path: s.path, Offset: base + int64(at), Reason: fmt.Sprintf("counter %d out of order", h.counter)}
			case h.arrival < prevArrival:
				return &CorruptError{Path: s.path, Offset: base + int64(at), Reason: "arrival time goes back"}
			}
			s.add(&h, off, l.opt.IndexEvery, at == 0)
			prevCounter, prevArrival = h.counter, h.arrival
			at += h.size()
		}
		off += int64(n)
	}
	s.size, s.alloc = off, size
	return nil
}

// zeros reports whether f holds only zero bytes from off to size (zeros
// written ahead, or a tail the file system extended but never wrote).
func (l *Log) zeros(f File, off, size int64) bool {
	buf := make([]byte, min(64<<10, max(size-off, 0)))
	for off < size {
		n := min(int64(len(buf)), size-off)
		if _, err := f.ReadAt(buf[:n], off); err != nil {
			return false
		}
		for _, b := range buf[:n] {
			if b != 0 {
				return false
			}
		}
		off += n
	}
	return true
}

// add accounts for a record in the segment's metadata. frame is the offset
// of the record's frame (of the record itself in a version 1 segment), and
// first tells that the record is the frame's first: a new index entry,
// which points at a frame, is made at the first record of the first frame
// IndexEvery bytes or more after the last entry.
func (s *segment) add(h *header, frame, every int64, first bool) {
	if s.count == 0 || first && frame-s.index[len(s.index)-1].off >= every {
		s.index = append(s.index, indexEntry{counter: h.counter, off: frame, arrival: h.arrival})
	}
	if s.count == 0 {
		s.firstArrival = h.arrival
	}
	s.count++
	s.last = h.counter
	s.lastArrival = h.arrival
}

// Next returns the counter after the last record, or, for a log whose last
// segment is empty, that segment's first counter; 0 for a log that never
// held a segment.
func (l *Log) Next() uint64 { return l.next }

// Truncated returns the bytes Open cut off a torn tail.
func (l *Log) Truncated() int64 { return l.truncated }

// Size returns the bytes of the log's segments up to their last records:
// the bytes the records (and the segments' headers) take. The files take
// up to ZeroAhead bytes more, in the zeros written ahead in the last
// segment (and, after a crash, in any segment it left them in).
func (l *Log) Size() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var n int64
	for _, s := range l.segs {
		n += s.size
	}
	return n
}

// Err returns the log's sticky write error, if any.
func (l *Log) Err() error { return l.err }

// Write appends p, whole records with increasing counters as AppendRecord
// encodes them, to the log, starting a new segment when p does not fit in
// the current one's Options.SegmentBytes (p then starts the new segment,
// which it may fill beyond SegmentBytes alone); bytes after the last whole
// record are ignored. The records are readable when Write returns, durable
// after Sync. Write writes them in frames (see Segment format). A failed
// write makes the log refuse every later write and sync (the error
// sticks): what it had written is cut off again where possible, and a torn
// tail is cut at the next Open anyway.
func (l *Log) Write(p []byte) error {
	if l.err != nil {
		return l.err
	}
	if len(p) < HeaderSize {
		return nil
	}
	first, ok := parseHeader(p)
	if !ok || first.size() > len(p) {
		return nil // no whole record
	}
	l.mu.RLock()
	var s *segment
	if n := len(l.segs); n > 0 {
		s = l.segs[n-1]
	}
	l.mu.RUnlock()
	if s != nil && s.version != Version {
		// A segment of an earlier version, from before an upgrade: it is
		// not written to again.
		if s.count > 0 {
			s = nil
		} else if err := l.upgradeEmpty(s); err != nil {
			l.err = fmt.Errorf("writing %s: %w", s.path, err)
			return l.err
		}
	}
	var framed []byte
	if s != nil {
		framed = l.frame(s, p)
	}
	if s == nil || s.count > 0 && s.size+int64(len(framed)) > l.opt.SegmentBytes {
		var err error
		if s, err = l.roll(first.counter); err != nil {
			l.err = fmt.Errorf("creating a log segment in %s: %w", l.dir, err)
			return l.err
		}
		framed = l.frame(s, p)
	}
	if cap(l.wbuf) <= maxFrameRecords {
		l.wbuf = framed[:0] // reused by the next Write
	}
	end := s.size + int64(len(framed))
	n, err := s.f.WriteAt(framed, s.size)
	if err != nil {
		if n > 0 && s.f.Truncate(s.size) == nil { // best effort; Open cuts a torn tail anyway
			s.alloc = s.size
		}
		l.err = fmt.Errorf("writing %s: %w", s.path, err)
		return l.err
	}
	grew := end > s.alloc
	if grew {
		l.zeroAhead(s, end)
	}
	l.markUnsynced(s.f, grew)
	l.mu.Lock()
	base := s.size
	for q := 0; q < len(framed); {
		n, _ := frameLen(framed[q:])
		parseRecords(framed[q+FrameHeaderSize:q+FrameHeaderSize+n], func(h *header, at int) {
			s.add(h, base+int64(q), l.opt.IndexEvery, at == 0)
		})
		q += FrameHeaderSize + n
	}
	s.size = end
	l.totalBytes += int64(len(framed))
	l.mu.Unlock()
	l.next = s.last + 1
	l.lastArrival = s.lastArrival
	return nil
}

// frame returns p's records in frames, as Write writes them at the end of
// s: a new frame starts where the sparse index starts a new block (see
// segment.add), and where the frame's records would pass maxFrameRecords.
// The frames are built in l.wbuf.
func (l *Log) frame(s *segment, p []byte) []byte {
	out := l.wbuf[:0]
	lastIndex, indexed := int64(0), s.count > 0
	if indexed {
		lastIndex = s.index[len(s.index)-1].off
	}
	start, off := 0, 0 // of the records of the frame being built, and of the next record, in p
	for len(p)-off >= HeaderSize {
		h, ok := parseHeader(p[off:])
		if !ok || h.size() > len(p)-off {
			break // not a whole record: p ends before it
		}
		if off > start {
			// Where the record's frame would start.
			at := s.size + int64(len(out)+FrameHeaderSize+off-start)
			if at-lastIndex >= l.opt.IndexEvery || off-start+h.size() > maxFrameRecords {
				out = AppendFrame(out, p[start:off])
				start = off
			}
		}
		if off == start {
			if at := s.size + int64(len(out)); !indexed || at-lastIndex >= l.opt.IndexEvery {
				lastIndex, indexed = at, true
			}
		}
		off += h.size()
	}
	if off == start {
		return out
	}
	return AppendFrame(out, p[start:off])
}

// upgradeEmpty makes s, the last segment, empty and of an earlier format
// version, a segment of this version: it rewrites its header.
func (l *Log) upgradeEmpty(s *segment) error {
	if _, err := s.f.WriteAt(segmentHeader(), 0); err != nil {
		return err
	}
	l.markUnsynced(s.f, false)
	l.mu.Lock()
	s.version = Version
	l.mu.Unlock()
	return nil
}

// LastArrival returns the arrival time (Unix ms) of the last record, or 0.
func (l *Log) LastArrival() int64 { return l.lastArrival }

// zeroAhead extends s, whose records now end at end, past the end of its
// file, with zeros: up to ZeroAhead bytes, not past Options.SegmentBytes.
// They spare the next writes growing the file (see the package
// documentation). A failure only leaves fewer zeros: the next write grows
// the file again, and Open reads a file ending in part of them as well.
func (l *Log) zeroAhead(s *segment, end int64) {
	s.alloc = end
	target := min(end+ZeroAhead, l.opt.SegmentBytes)
	for s.alloc < target {
		n, err := s.f.WriteAt(zeroBuf[:min(int64(len(zeroBuf)), target-s.alloc)], s.alloc)
		s.alloc += int64(n)
		if err != nil {
			return
		}
	}
}

// markUnsynced records that f was written, and meta that its size changed.
func (l *Log) markUnsynced(f File, meta bool) {
	for i := range l.unsynced {
		if u := &l.unsynced[i]; u.f == f {
			u.meta = u.meta || meta
			return
		}
	}
	l.unsynced = append(l.unsynced, unsyncedFile{f, meta})
}

// roll starts a new segment whose first record has counter first.
func (l *Log) roll(first uint64) (*segment, error) {
	path := filepath.Join(l.dir, segmentName(first))
	f, err := l.fs.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteAt(segmentHeader(), 0); err != nil {
		f.Close()
		l.fs.Remove(path)
		return nil, err
	}
	s := &segment{first: first, path: path, version: Version, f: f, size: segmentHeaderSize, alloc: segmentHeaderSize}
	l.mu.Lock()
	var prev *segment
	if n := len(l.segs); n > 0 {
		prev = l.segs[n-1]
	}
	l.segs = append(l.segs, s)
	l.mu.Unlock()
	// The previous segment is full: cut the zeros written ahead off it
	// (best effort: Open reads a segment ending in zeros as well).
	if prev != nil && prev.alloc > prev.size && prev.f.Truncate(prev.size) == nil {
		prev.alloc = prev.size
	}
	l.syncDir = true
	l.markUnsynced(f, true)
	return s, nil
}

// Dirty reports whether data was written since the last Sync.
func (l *Log) Dirty() bool { return len(l.unsynced) > 0 || l.syncDir }

// Sync makes everything written so far durable: the files written and,
// when a segment was created, the directory. It syncs a file whose size
// did not change since the last Sync with File.SyncData (fdatasync), any
// other with File.Sync. A failure sticks, as in Write.
func (l *Log) Sync() error {
	if l.err != nil {
		return l.err
	}
	for _, u := range l.unsynced {
		sync := u.f.SyncData
		if u.meta {
			sync = u.f.Sync
		}
		if err := sync(); err != nil {
			l.err = fmt.Errorf("syncing the log in %s: %w", l.dir, err)
			return l.err
		}
	}
	l.unsynced = l.unsynced[:0]
	if l.syncDir {
		if err := l.fs.SyncDir(l.dir); err != nil {
			l.err = fmt.Errorf("syncing the directory %s: %w", l.dir, err)
			return l.err
		}
		l.syncDir = false
		if err := l.syncDirs(l.syncParents); err != nil {
			l.err = err
			return l.err
		}
		l.syncParents = nil
	}
	return nil
}

// missingDirs returns the directories Open is about to create for the
// log, below Root (none without one), deepest first.
func (l *Log) missingDirs() ([]string, error) {
	if l.opt.Root == "" {
		return nil, nil
	}
	var missing []string
	for d := l.dir; d != l.opt.Root && d != filepath.Dir(d); d = filepath.Dir(d) {
		ok, err := Exists(l.fs, d)
		if err != nil {
			return nil, err
		}
		if ok {
			break
		}
		missing = append(missing, d)
	}
	return missing, nil
}

// syncDirs syncs each directory of dirs, in order.
func (l *Log) syncDirs(dirs []string) error {
	for _, d := range dirs {
		if err := l.fs.SyncDir(d); err != nil {
			return fmt.Errorf("syncing the directory %s: %w", d, err)
		}
	}
	return nil
}

// ReadResult is what Read found.
type ReadResult struct {
	Records []Record
	// Bytes counts the keys and data of Records.
	Bytes int
	// Next is the counter to read from next.
	Next uint64
	// Full tells that Read stopped at the limit or byte budget (rather
	// than at end).
	Full bool
}

// Read returns the records with counters in [pos, end) that arrived at or
// after horizon, in order: at most limit, and no more bytes (keys and
// data) than maxBytes, except that the first record of a response is
// always returned; have is the number of records the response already
// holds.
func (l *Log) Read(pos, end uint64, horizon int64, limit, maxBytes, have int) (ReadResult, error) {
	return l.ReadAppend(nil, pos, end, horizon, limit, maxBytes, have)
}

// ReadAppend is Read appending the records to dst (which Records then
// is): a caller that knows about how many records it reads passes a slice
// with room for them.
func (l *Log) ReadAppend(dst []Record, pos, end uint64, horizon int64, limit, maxBytes, have int) (ReadResult, error) {
	recs := dst[:0]
	res, err := l.ReadFunc(pos, end, horizon, limit, maxBytes, have, func(r Record) { recs = append(recs, r) })
	res.Records = recs
	return res, err
}

// ReadFunc is Read handing each record to fn, in order, instead of
// returning them (Records is nil): the caller stores them where it wants
// without a slice in between. fn runs without the log's lock held.
func (l *Log) ReadFunc(pos, end uint64, horizon int64, limit, maxBytes, have int, fn func(Record)) (ReadResult, error) {
	return l.ReadBatches(pos, end, horizon, limit, maxBytes, have, func(bt Batch) {
		for i := range bt.Len() {
			fn(Record{Counter: bt.Counter(i), Arrival: bt.Arrival(i), Flags: bt.Flags(i), Key: bt.Key(i), Data: bt.Data(i)})
		}
	})
}

// Batch is consecutive records of one block of a log, as ReadBatches
// hands them out. Its records' keys and data share the block's memory,
// which is never written again.
//
// A Batch returns a record's fields one by one rather than as a Record:
// the compiler keeps a Record (a struct of five fields) in memory and
// copies it there with wide loads that wait for the narrow stores that
// wrote it, which cost a copy loop about a third of its time.
type Batch struct {
	b      *block
	lo, hi int
}

// Len returns the number of records in the batch.
func (bt Batch) Len() int { return bt.hi - bt.lo }

// Counter returns the counter of record i of the batch.
func (bt Batch) Counter(i int) uint64 { return bt.b.counter(bt.lo + i) }

// Arrival returns the arrival time of record i of the batch.
func (bt Batch) Arrival(i int) int64 { return bt.b.recs[bt.lo+i].arrival }

// Flags returns the flags of record i of the batch.
func (bt Batch) Flags(i int) uint16 { return bt.b.recs[bt.lo+i].flags }

// Key returns the key of record i of the batch.
func (bt Batch) Key(i int) []byte {
	r := &bt.b.recs[bt.lo+i]
	k := int(r.off) + HeaderSize
	return bt.b.buf[k : k+int(r.keyLen) : k+int(r.keyLen)]
}

// Data returns the data of record i of the batch.
func (bt Batch) Data(i int) []byte {
	j := bt.lo + i
	d := int(bt.b.recs[j].off) + HeaderSize + int(bt.b.recs[j].keyLen)
	end := bt.b.recEnd(j)
	return bt.b.buf[d:end:end]
}

// ReadBatches is ReadFunc handing the records to fn a batch at a time
// (the records of one block, or fewer): the caller copies them out in a
// loop of its own, without a call per record. fn runs without the log's
// lock held.
//
// Records are read by blocks (the records between two entries of the
// sparse index, whole frames) through the log's Cache. Every frame of a
// block is checked against its checksum when the block is read from the
// file, also when Open checked it already: a page the disk lost or flipped
// since is reported as corrupt rather than served, and the records of a
// damaged frame are none of them served. A block served from the cache is
// not checked again (see Cache).
//
// Files are read without holding the lock Write takes, so that a slow
// read does not hold up writes; RemoveBefore and Close wait for reads in
// progress.
func (l *Log) ReadBatches(pos, end uint64, horizon int64, limit, maxBytes, have int, fn func(Batch)) (ReadResult, error) {
	l.readMu.RLock()
	defer l.readMu.RUnlock()
	res := ReadResult{Next: pos}
	got := 0 // records handed to fn
	for {
		b, next, after, err := l.nextBlock(res.Next, end, horizon)
		res.Next = max(res.Next, next)
		if b == nil || err != nil {
			return res, err
		}
		// The block's records from lo on, up to hi, the first at or past
		// end, found by binary searches rather than record by record:
		// counters increase and arrival times never decrease through a
		// log.
		lo, hi := b.find(res.Next), b.find(end)
		if h := lo + sort.Search(hi-lo, func(i int) bool { return b.recs[lo+i].arrival >= horizon }); h > lo {
			res.Next = b.counter(h-1) + 1 // older than horizon: skipped
			lo = h
		}
		n := min(hi-lo, max(limit-got, 1))
		// size returns the bytes of the keys and data of the records
		// [lo, lo+m), m >= 1.
		size := func(m int) int { return b.recEnd(lo+m-1) - int(b.recs[lo].off) - HeaderSize*m }
		room := maxBytes - res.Bytes
		// Take the records within the byte budget (the first of a response
		// comes anyway), up to the one that reaches it.
		m := sort.Search(n, func(i int) bool { return size(i+1) > room })
		if m == 0 && have+got == 0 && n > 0 {
			m = 1
		}
		if reach := sort.Search(n, func(i int) bool { return size(i+1) >= room }); reach < m {
			m = reach + 1
		}
		if m > 0 {
			fn(Batch{b, lo, lo + m})
			got += m
			res.Bytes += size(m)
			res.Next = b.counter(lo+m-1) + 1
		}
		switch {
		case m > 0 && (got >= limit || res.Bytes >= maxBytes):
			res.Full = true
			return res, nil
		case m < n: // record lo+m does not fit in the byte budget
			res.Next = b.counter(lo + m)
			res.Full = true
			return res, nil
		case hi < len(b.recs): // record hi is at or past end
			res.Next = max(res.Next, end)
			return res, nil
		}
		if b.err != nil {
			return res, b.err
		}
		res.Next = max(res.Next, after)
	}
}

// nextBlock returns the block holding the first record with a counter in
// [pos, end) of a segment not wholly older than horizon, the counter
// reads go on from (past the older segments skipped), and the counter
// after the block (the next block's first, counters can skip); a nil block
// when there is none.
func (l *Log) nextBlock(pos, end uint64, horizon int64) (*block, uint64, uint64, error) {
	l.mu.RLock()
	// The first segment that can hold pos or a later record. An empty
	// segment (the last one, just started or left so by a crash) holds
	// none, but its records will follow those of the segments before it.
	i := sort.Search(len(l.segs), func(i int) bool {
		s := l.segs[i]
		if s.count == 0 {
			return s.first >= pos
		}
		return s.last >= pos
	})
	for ; i < len(l.segs); i++ {
		s := l.segs[i]
		switch {
		case s.count == 0:
			continue
		case s.first >= end:
			l.mu.RUnlock()
			return nil, end, end, nil
		case s.lastArrival < horizon:
			pos = max(pos, s.last+1)
			continue
		}
		j := s.block(pos)
		off, bend, after := s.index[j].off, s.size, s.last+1
		if j+1 < len(s.index) {
			bend, after = s.index[j+1].off, s.index[j+1].counter
		}
		key := blockKey{s, off}
		if b := l.cache.get(key, bend); b != nil {
			l.mu.RUnlock()
			return b, pos, after, nil
		}
		// Read the file without the lock (readMu keeps it open).
		f := s.f
		l.mu.RUnlock()
		b, err := loadBlock(s, f, off, bend)
		if err != nil || b.err != nil {
			return b, pos, after, err
		}
		return l.cache.put(b), pos, after, nil
	}
	l.mu.RUnlock()
	return nil, end, end, nil
}

// block returns the index of the block holding the record with counter
// pos (or the first record after it).
func (s *segment) block(pos uint64) int {
	j := sort.Search(len(s.index), func(j int) bool { return s.index[j].counter > pos })
	return max(j-1, 0)
}

// FirstAt returns the counter of the first record in [from, end) that
// arrived at or after ts (Unix ms), or end if there is none. It reads
// through the cache as ReadFunc does, from the last sparse-index entry
// that arrived before ts.
func (l *Log) FirstAt(ts int64, from, end uint64) (uint64, error) {
	at := end
	if _, err := l.ReadFunc(max(from, l.RetainedFrom(ts)), end, ts, 1, 1<<62, 0, func(r Record) { at = r.Counter }); err != nil {
		return end, err
	}
	return at, nil
}

// RetainedFrom returns a lower bound of the counter of the first record
// that arrived at or after horizon, from the segments' metadata, without
// reading any file: Read skips the older records below it exactly. It
// returns Next when every record is older.
func (l *Log) RetainedFrom(horizon int64) uint64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, s := range l.segs {
		if s.count == 0 || s.lastArrival < horizon {
			continue
		}
		j := sort.Search(len(s.index), func(j int) bool { return s.index[j].arrival >= horizon })
		if j == 0 {
			return s.index[0].counter
		}
		return s.index[j-1].counter
	}
	return l.next
}

// RemoveBefore deletes the segments, but the last, whose records all have
// counters below counter. It returns the number of segments removed.
func (l *Log) RemoveBefore(counter uint64) (int, error) {
	l.readMu.Lock()
	defer l.readMu.Unlock()
	l.mu.Lock()
	var drop []*segment
	for len(l.segs) > 1 {
		s, nxt := l.segs[0], l.segs[1]
		if nxt.first > counter {
			break
		}
		drop = append(drop, s)
		l.segs = l.segs[1:]
	}
	l.mu.Unlock()
	l.cache.drop(drop)
	for _, s := range drop {
		s.f.Close()
		if err := l.fs.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return len(drop), err
		}
	}
	return len(drop), nil
}

// Segments returns the number of segment files.
func (l *Log) Segments() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.segs)
}

// Close closes the log's files. It does not sync them.
func (l *Log) Close() error {
	l.readMu.Lock()
	defer l.readMu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	segs := l.segs
	l.segs = nil
	l.cache.drop(segs)
	var first error
	for _, s := range segs {
		if s.f != nil {
			if err := s.f.Close(); err != nil && first == nil {
				first = err
			}
			s.f = nil
		}
	}
	return first
}

// Exists reports whether dir exists.
func Exists(fsys FS, dir string) (bool, error) {
	_, err := fsys.ReadDir(dir)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	}
	return false, err
}
