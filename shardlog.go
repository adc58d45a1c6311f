package freshet

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/freshet-io/freshet/internal/wal"
)

// shardLog is the durable side of a shard of an engine with a data
// directory: its log on disk and the records waiting to be written.
//
// Records are visible to readers only once written to the log (and, with
// SyncAlways or SyncBatch, fsynced): the shard's in-memory chunks and its
// next counter hold published records only, so a reader never sees a
// record a crash could take back, and the next counter recovered from the
// log never reissues a sequence number anyone saw.
type shardLog struct {
	s          *store
	sh         *shard
	dir        string
	registered atomic.Bool   // the saved metadata holds the shard
	published  atomic.Uint64 // sh.next, for writers to check without the lock
	anyDropped atomic.Bool   // a failure dropped records (dropped is not empty)

	flushMu sync.Mutex // held while a batch is written and synced
	w       *wal.Log   // nil until the first write; set under flushMu and sh.mu
	dead    bool       // closed for good (the shard is gone); under flushMu

	// Guarded by sh.mu.
	pending     []byte // encoded records not yet written
	spare       []byte
	assigned    uint64 // counter of the next record to accept
	lastArrival int64  // arrival of the last record accepted
	queued      bool   // the shard is in the committer's queue
	err         error  // the log failed: the shard accepts no writes until recover clears it
	dropped     []droppedRange
	settled     uint64    // every record below it is published or dropped
	retryAt     time.Time // when recover may try the failed log again
	recovering  bool
}

// droppedRange is the counters [from, to) of records a failed log dropped
// (never published nor acknowledged), and the failure.
type droppedRange struct {
	from, to uint64
	err      error
}

// maxDropped is the number of dropped ranges a shard remembers: writers
// learn the fate of their records within moments of a failure, and a
// shard fails again only after recover, which waits retryDelay.
const maxDropped = 64

// retryDelay is how long a failed log waits before recover tries it
// again, so that a full disk is not hammered by every write.
const retryDelay = time.Second

var errLogClosed = errors.New("the log is closed")

// newShardLog returns the log state of a new shard.
func (s *store) newShardLog(sh *shard) *shardLog {
	return &shardLog{s: s, sh: sh, dir: s.shardDir(sh.st, sh.index), assigned: sh.next}
}

// appendLogLocked accepts a record into the pending buffer; the caller
// holds sh.mu and this unlocks it. The record is published (and its writer
// acknowledged) by a commit.
func (sh *shard) appendLogLocked(key string, data []byte, now time.Time, flags uint16, single bool) (counter uint64, arrival int64, res appendResult) {
	l := sh.log
	if l.err != nil || l.s.closed.Load() {
		sh.mu.Unlock()
		return 0, 0, appendFailed
	}
	arrival = max(now.UnixMilli(), l.lastArrival)
	counter = l.assigned
	l.assigned++
	l.lastArrival = arrival
	l.pending = wal.AppendRecord(l.pending, counter, arrival, flags, key, data)
	sh.counters.incomingBytes += int64(len(key) + len(data))
	sh.counters.incomingRecords++
	if single {
		sh.counters.putRecordSuccess++
	}
	if l.s.policy.mode != syncAlways {
		l.s.pendingRecords.Add(1)
		if !l.queued {
			l.queued = true
			l.s.enqueueLocked(sh, single)
		}
	}
	sh.mu.Unlock()
	return counter, arrival, appended
}

// publishLocked adds records written to the log (p, as encoded) to the
// shard's chunks and wakes its readers and writers.
func (sh *shard) publishLocked(p []byte) {
	e := sh.st.e
	wal.Each(p, func(r wal.Record, _ int) {
		n := len(r.Key) + len(r.Data)
		if t := sh.tail; t == nil || !t.fits(n) || t.first+uint64(len(t.entries)) != r.Counter {
			sh.tail = newChunk(r.Counter, sh.lastSlab, n)
			sh.lastSlab = len(sh.tail.slab)
			sh.chunks.ReplaceOrInsert(sh.tail)
			e.reserveChunk(sh.tail)
		}
		sh.tail.add(bytesToString(r.Key), r.Data, r.Arrival, r.Flags)
		sh.next = r.Counter + 1
		sh.lastArrival = r.Arrival
	})
	sh.log.published.Store(sh.next)
	sh.wakeLocked()
}

// failLocked records that the log cannot be written: the pending records
// are dropped (their writers get an error, and their counters are kept in
// dropped) and the shard refuses writes until recover has rewound the log.
//
// Recovery in the process is safe because:
//
//   - Writers learn the fate of a record from the dropped ranges before
//     the counters: a record whose counter is in one failed, whatever the
//     shard's next counter says later.
//   - After a failed fsync the page cache is in doubt (Linux may have
//     marked the pages that failed to write back clean, so a second fsync
//     succeeds without writing them): recover does not retry the fsync but
//     cuts the log back to its last acknowledged record and fsyncs the cut
//     (wal.Log.Rewind), so nothing unacknowledged stays in the file.
//   - Dropped counters are never used again (the next record leaves a
//     gap, as a machine crash under SyncInterval does): no sequence number
//     is issued twice, even if a cut failed and a dropped record survived
//     in the file until the next Open.
func (l *shardLog) failLocked(sh *shard, err error) {
	if l.err == nil {
		l.err = err
		l.retryAt = sh.st.e.now().Add(retryDelay)
	}
	if l.assigned > sh.next {
		l.anyDropped.Store(true)
		l.dropped = append(l.dropped, droppedRange{from: sh.next, to: l.assigned, err: err})
		if len(l.dropped) > maxDropped {
			l.dropped = append(l.dropped[:0], l.dropped[len(l.dropped)-maxDropped:]...)
		}
	}
	l.settled = l.assigned
	l.pending = nil
	sh.wakeLocked()
}

// droppedLocked returns the failure that dropped the record with counter
// c, or nil if it was not dropped.
func (l *shardLog) droppedLocked(c uint64) error {
	for i := len(l.dropped) - 1; i >= 0; i-- {
		if d := &l.dropped[i]; c >= d.from && c < d.to {
			return d.err
		}
	}
	return nil
}

// recover makes a failed log writable again, once retryDelay has passed
// since the failure (or the last attempt): it rewinds the log to its last
// acknowledged record (see wal.Log.Rewind), and the shard accepts writes
// again. The records the failure dropped keep their counters, which are
// never used again: the next record continues after them, leaving a gap,
// so that a writer still waiting for a dropped record cannot mistake a new
// one for it, and the log never holds one counter twice. It reports
// whether the shard accepts writes again; a write refused by a failed log
// calls it and, if so, writes again. The caller holds no lock.
func (l *shardLog) recover() bool {
	if l == nil {
		return false
	}
	sh := l.sh
	now := sh.st.e.now()
	sh.mu.Lock()
	try := l.err != nil && !l.recovering && !sh.gone && !now.Before(l.retryAt) && !l.s.closed.Load()
	if try {
		l.recovering = true
	}
	sh.mu.Unlock()
	if !try {
		return false
	}
	l.flushMu.Lock()
	var err error
	switch {
	case l.dead:
		err = errLogClosed
	case l.w != nil:
		err = l.w.Rewind()
	}
	sh.mu.Lock()
	l.recovering = false
	if err == nil {
		l.err = nil
	} else {
		l.retryAt = now.Add(retryDelay)
	}
	sh.mu.Unlock()
	l.flushMu.Unlock()
	return err == nil
}

func (l *shardLog) fail(sh *shard, err error) {
	sh.mu.Lock()
	l.failLocked(sh, err)
	sh.mu.Unlock()
}

// closeLog closes the log's files for good; the caller holds flushMu.
func (l *shardLog) closeLog() {
	l.dead = true
	if l.w != nil {
		l.sh.mu.Lock()
		w := l.w
		l.w = nil
		l.sh.mu.Unlock()
		w.Close()
	}
}

// awaitDurable waits until the record with counter counter, just
// accepted, is published, and returns the error of a log that failed
// first. Without a data directory it returns nil at once.
func (sh *shard) awaitDurable(counter uint64) error {
	if sh.log == nil {
		return nil
	}
	return sh.log.await(counter + 1)
}

// await waits until the shard's published records reach counter next.
func (l *shardLog) await(next uint64) error {
	sh := l.sh
	if l.s.policy.mode == syncAlways {
		l.s.commit([]*shard{sh}, true)
	}
	for {
		if l.published.Load() >= next && !l.anyDropped.Load() {
			return nil
		}
		sh.mu.Lock()
		var err error
		switch {
		case l.droppedLocked(next-1) != nil:
			err = sh.errStorage(l.droppedLocked(next - 1))
		case sh.next >= next:
			sh.mu.Unlock()
			return nil
		case l.err != nil:
			err = sh.errStorage(l.err)
		case sh.gone:
			err = sh.errStorage(errors.New("the shard was deleted before the record was stored"))
		}
		if err != nil {
			sh.mu.Unlock()
			return err
		}
		ch := sh.waitLocked()
		sh.mu.Unlock()
		select {
		case <-ch:
		case <-l.s.stopped:
			sh.mu.Lock()
			stored := sh.next >= next && l.droppedLocked(next-1) == nil
			sh.mu.Unlock()
			if stored {
				return nil
			}
			return sh.errStorage(errors.New("the engine was closed before the record was stored"))
		}
	}
}

// awaitPutRecords waits until the records a PutRecords call wrote are
// durable, and turns the entries whose shard's log failed into
// InternalFailure entries. Without a data directory it does nothing.
func (e *Engine) awaitPutRecords(st *Stream, out *PutRecordsOutput) {
	if e.store == nil {
		return
	}
	// The highest counter written per shard.
	want := map[*shard]uint64{}
	for i := range out.Records {
		r := &out.Records[i]
		if r.ErrorCode != "" {
			continue
		}
		sh := st.shardByIndex(r.SequenceNumber.ShardIndex())
		if c := r.SequenceNumber.Counter(); sh != nil && c+1 > want[sh] {
			want[sh] = c + 1
		}
	}
	e.store.wake()
	if e.store.policy.mode == syncAlways {
		shards := make([]*shard, 0, len(want))
		for sh := range want {
			shards = append(shards, sh)
		}
		e.store.commit(shards, true)
	}
	// The shards to check record by record: those whose log failed
	// before storing every record, and those whose log ever dropped
	// records (a record of this call may have been dropped although the
	// log stored its last one, after recovering).
	check := map[*shard]error{}
	for sh, next := range want {
		if err := sh.log.await(next); err != nil {
			check[sh] = err
		} else if sh.log.anyDropped.Load() {
			check[sh] = nil
		}
	}
	if len(check) == 0 {
		return
	}
	for i := range out.Records {
		r := &out.Records[i]
		if r.ErrorCode != "" {
			continue
		}
		sh := st.shardByIndex(r.SequenceNumber.ShardIndex())
		err, ok := check[sh]
		if !ok {
			continue
		}
		sh.mu.Lock()
		c := r.SequenceNumber.Counter()
		if derr := sh.log.droppedLocked(c); derr != nil {
			err = sh.errStorage(derr)
		} else if sh.next > c {
			err = nil
		}
		sh.mu.Unlock()
		if err != nil {
			r.ErrorCode, r.ErrorMessage = errorFields(err)
			r.SequenceNumber, r.ShardId = SequenceNumber{}, ""
			out.FailedRecordCount++
		}
	}
}

// shardByIndex returns the stream's shard with the given index, or nil.
func (st *Stream) shardByIndex(i int) *shard {
	st.mu.Lock()
	defer st.mu.Unlock()
	if i < 0 || i >= len(st.shards) {
		return nil
	}
	return st.shards[i]
}

// errStorage is the error of a write the log could not store: an
// InternalFailure, which the AWS SDKs retry.
func (sh *shard) errStorage(err error) error {
	return NewError(codeInternalFailure, "freshet could not store the record in shard %s of stream %s under account %s: %v. "+
		"The shard refuses writes until it has tried its log again, after %v.", sh.id, sh.st.name, sh.st.e.cfg.account, err, retryDelay)
}

// appendError is the error of an append refused by the memory budget or a
// failed log.
func (sh *shard) appendError(res appendResult) error {
	if res == appendNoMemory {
		return sh.st.e.errMemoryExhausted(sh.st.name, sh.id)
	}
	sh.mu.Lock()
	err := sh.log.err
	sh.mu.Unlock()
	if err == nil {
		err = errors.New("the engine is closed")
	}
	return sh.errStorage(err)
}

// drainedLocked reports whether every record the shard accepted is
// published (always true without a data directory): a closed shard ends
// for readers only then.
func (sh *shard) drainedLocked() bool {
	return sh.log == nil || sh.log.assigned == sh.next || sh.log.err != nil || sh.log.settled == sh.log.assigned
}

// memFirstLocked returns the counter of the first record in memory, or
// sh.next when none is.
func (sh *shard) memFirstLocked() uint64 {
	if c, ok := sh.chunks.Min(); ok {
		return c.first
	}
	return sh.next
}

// trimLogLocked is trimLocked for a shard with a log: the records before
// the first one in memory are on disk, where whole segments are deleted
// by the retention sweep; sh.trim may stay below the first retained
// record of a segment, whose older records reads skip.
func (sh *shard) trimLogLocked(horizon int64) {
	for {
		c, ok := sh.chunks.Min()
		if !ok || c.entries[len(c.entries)-1].arrival >= horizon {
			break
		}
		sh.chunks.DeleteMin()
		if c == sh.tail {
			sh.tail = nil
		}
		sh.st.e.releaseChunk(c)
	}
	memFirst := sh.memFirstLocked()
	if sh.trim < memFirst {
		t := memFirst
		if w := sh.log.w; w != nil {
			t = min(w.RetainedFrom(horizon), memFirst)
		}
		sh.trim = max(sh.trim, t)
		if sh.trim < memFirst {
			return
		}
	}
	c, ok := sh.chunks.Min()
	if !ok {
		sh.trim = max(sh.trim, sh.next)
		return
	}
	i := sort.Search(len(c.entries), func(i int) bool { return c.entries[i].arrival >= horizon })
	sh.trim = max(sh.trim, c.first+uint64(i))
}

// positionOnDisk refines positionAtLocked's answer pos (the first record
// in memory that arrived at or after ts, or the counter after them) with
// the records on disk. The caller holds sh.mu; positionOnDisk releases it
// while it reads the log, as readLog and snapshots do, so that a slow disk
// holds up no writer of the shard, and holds it again when it returns.
//
// The answer stays exact without the lock: the records searched, [trim,
// memFirst) as they were under the lock, are on disk and stay there
// (records that leave memory meanwhile are later ones, records appended
// later come after memFirst, and retention only removes records older than
// the trim horizon, which the caller applies again). If none of them
// arrived at or after ts, the first that did is pos.
func (sh *shard) positionOnDisk(ts int64, pos uint64) (uint64, error) {
	memFirst := sh.memFirstLocked()
	w := sh.log.w
	if pos != memFirst || sh.trim >= memFirst || w == nil {
		return pos, nil
	}
	from := sh.trim
	sh.mu.Unlock()
	p, err := w.FirstAt(ts, from, memFirst)
	sh.mu.Lock()
	if err != nil {
		return 0, NewError(codeInternalFailure, "freshet could not read shard %s of stream %s from disk: %v", sh.id, sh.st.name, err)
	}
	return p, nil
}

// removeExpiredSegments deletes the segments of the shard's log whose
// records are all older than the trim horizon.
func (sh *shard) removeExpiredSegments() {
	if sh.log == nil {
		return
	}
	sh.mu.Lock()
	w, trim := sh.log.w, sh.trim
	sh.mu.Unlock()
	if w != nil {
		w.RemoveBefore(trim)
	}
}

// readLog is read for a shard with a log: the records before the first
// one in memory come from the segment files, then the rest from memory,
// with the same limits, byte budget and MillisBehindLatest as read.
func (sh *shard) readLog(kind readKind, pos uint64, limit, maxBytes int, now time.Time, retention time.Duration, dst []Record) (readResult, error) {
	horizon := now.Add(-retention).UnixMilli()
	var recs []Record // the records read from disk
	var lastDisk int64
	add := func(bt wal.Batch) {
		n := len(recs)
		if m := n + bt.Len(); m <= cap(recs) {
			recs = recs[:m] // fillDisk sets every field: no need to clear them
		} else {
			recs = append(recs, make([]Record, bt.Len())...)
		}
		out := recs[n:]
		for i := range out {
			sh.fillDisk(&out[i], bt.Counter(i), bt.Arrival(i), bt.Flags(i), bt.Key(i), bt.Data(i))
		}
		lastDisk = bt.Arrival(bt.Len() - 1)
	}
	bytes := 0
	full := false
	for {
		sh.mu.Lock()
		if sh.gone {
			sh.mu.Unlock()
			return readResult{}, sh.st.errShardGone(sh.id)
		}
		sh.trimLocked(horizon)
		pos = max(pos, sh.trim)
		memFirst := sh.memFirstLocked()
		w := sh.log.w
		if !full && pos < memFirst && w != nil {
			if recs == nil {
				// Room for every record the read can return, up to
				// maxPresized (large records stop a read at the byte
				// budget long before the limit).
				if n := int(min(uint64(limit), sh.next-pos, maxPresized)); cap(dst) >= n {
					recs = dst[:0]
				} else {
					recs = make([]Record, 0, n)
				}
			}
			sh.mu.Unlock()
			r, err := w.ReadBatches(pos, memFirst, horizon, limit-len(recs), maxBytes-bytes, len(recs), add)
			if err != nil {
				return readResult{}, NewError(codeInternalFailure, "freshet could not read shard %s of stream %s from disk: %v", sh.id, sh.st.name, err)
			}
			bytes += r.Bytes
			pos = r.Next
			full = r.Full
			continue
		}
		var segs []segment
		next, memBytes := pos, 0
		if !full && len(recs) < limit {
			segs, next, memBytes = sh.snapshotLocked(pos, limit-len(recs), maxBytes-bytes)
			if len(recs) > 0 && len(segs) > 0 {
				if e := &segs[0].entries[0]; bytes+int(e.keyLen)+int(e.dataLen) > maxBytes {
					segs, next, memBytes = nil, pos, 0
				}
			}
		}
		res := readResult{next: next, bytes: bytes + memBytes}
		if next >= sh.next && sh.closed && sh.drainedLocked() {
			res.atEnd = true
			res.children = sh.children
		}
		n := len(recs)
		for _, s := range segs {
			n += len(s.entries)
		}
		if next < sh.next {
			last := sh.lastArrival
			switch {
			case len(segs) > 0:
				s := segs[len(segs)-1]
				last = s.entries[len(s.entries)-1].arrival
			case len(recs) > 0:
				last = lastDisk
			}
			res.behindMs = max(0, now.UnixMilli()-last)
		}
		sh.countRead(kind, n, res.bytes, res.behindMs)
		sh.mu.Unlock()

		if n > 0 {
			switch {
			case cap(recs) >= n:
				res.records = recs[:n]
			case recs == nil && cap(dst) >= n:
				res.records = dst[:n]
			default:
				res.records = make([]Record, n)
				copy(res.records, recs)
			}
			i := len(recs)
			for _, s := range segs {
				for j := range s.entries {
					sh.fill(&res.records[i], s.slab, &s.entries[j], s.first+uint64(j))
					i++
				}
			}
		}
		return res, nil
	}
}

// maxPresized bounds the records readLog makes room for before reading
// from disk; it appends beyond.
const maxPresized = 4096

// fillDisk materializes a record read from the log.
func (sh *shard) fillDisk(r *Record, counter uint64, arrival int64, flags uint16, key, data []byte) {
	r.SequenceNumber = makeSequenceNumber(sh.createdSec, sh.index, counter, arrival/1000)
	r.ApproximateArrivalTimestamp = time.UnixMilli(arrival).UTC()
	r.Data = data
	r.PartitionKey = bytesToString(key)
	if flags&entryKMS != 0 {
		r.EncryptionType = EncryptionKMS
	} else {
		r.EncryptionType = EncryptionNone
	}
}

// retainedLogLocked is retainedLocked for a shard with a log: the
// retained records in memory, as segments, the range of those on disk,
// and the trim horizon when none is on disk. The caller reads the disk
// range after releasing the shard's lock (diskRange.read), which then
// tells the exact trim horizon.
func (sh *shard) retainedLogLocked(horizon int64) ([]segment, diskRange, uint64) {
	memFirst := sh.memFirstLocked()
	var disk diskRange
	if w := sh.log.w; w != nil && sh.trim < memFirst {
		disk = diskRange{w: w, from: sh.trim, end: memFirst, horizon: horizon}
	}
	return sh.retainedLocked(), disk, max(sh.trim, memFirst)
}

// diskRange is the records of a shard's log in [from, end) that arrived
// at or after horizon, for a snapshot to read. A zero diskRange holds
// none.
type diskRange struct {
	w         *wal.Log
	from, end uint64
	horizon   int64
}

// read returns the records of r from pos on, as a segment of at most
// maxEntries records and about blockBytes of keys and data (empty when
// none is left), and the counter to read on from. Retention may remove
// the oldest of them after the shard's lock was released: those are
// skipped, as their reader would skip them.
func (r diskRange) read(pos uint64) (segment, uint64, error) {
	if r.w == nil || pos >= r.end {
		return segment{}, pos, nil
	}
	res, err := r.w.Read(pos, r.end, r.horizon, maxEntries, blockBytes, 0)
	if err != nil || len(res.Records) == 0 {
		return segment{}, r.end, err
	}
	return diskSegment(res.Records), res.Next, nil
}

// diskError is the error of a snapshot that could not read the records
// of a shard from its log.
func (sc *shardCapture) diskError(err error) error {
	return fmt.Errorf("freshet: snapshot: reading shard %s of stream %s from disk: %w", sc.sh.id, sc.sh.st.name, err)
}

// diskSegment copies records read from a log into a segment.
func diskSegment(recs []wal.Record) segment {
	n := 0
	for _, r := range recs {
		n += len(r.Key) + len(r.Data)
	}
	s := segment{slab: make([]byte, 0, n), entries: make([]entry, len(recs)), first: recs[0].Counter}
	for i, r := range recs {
		s.entries[i] = entry{arrival: r.Arrival, off: uint32(len(s.slab)), dataLen: uint32(len(r.Data)), keyLen: uint16(len(r.Key)), flags: r.Flags}
		s.slab = append(s.slab, r.Key...)
		s.slab = append(s.slab, r.Data...)
	}
	return s
}
