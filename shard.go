package freshet

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/btree"
)

// Shard describes a shard as DescribeStream and ListShards return it.
type Shard struct {
	// ShardId is the shard's id, "shardId-" and a 12-digit index.
	ShardId string
	// ParentShardId is the shard this one was split from, or the lower
	// of the two shards it was merged from. Empty for original shards.
	ParentShardId string
	// AdjacentParentShardId is the upper of the two shards this one was
	// merged from. Empty unless the shard came from a merge.
	AdjacentParentShardId string
	// HashKeyRange is the inclusive range of hash keys the shard owns.
	HashKeyRange HashKeyRange
	// SequenceNumberRange holds the shard's starting sequence number and,
	// once the shard is closed, its ending one.
	SequenceNumberRange SequenceNumberRange
}

// HashKeyRange is an inclusive range of hash keys.
type HashKeyRange struct {
	StartingHashKey HashKey
	EndingHashKey   HashKey
}

// Contains reports whether k lies in r.
func (r HashKeyRange) Contains(k HashKey) bool {
	return r.StartingHashKey.Cmp(k) <= 0 && k.Cmp(r.EndingHashKey) <= 0
}

// SequenceNumberRange is the range of sequence numbers of a shard.
// EndingSequenceNumber is zero while the shard is open.
type SequenceNumberRange struct {
	StartingSequenceNumber SequenceNumber
	EndingSequenceNumber   SequenceNumber
}

// ChildShard is a shard created by closing the shard a reader has reached
// the end of, as GetRecords and SubscribeToShard report it.
type ChildShard struct {
	ShardId      string
	ParentShards []string
	HashKeyRange HashKeyRange
}

// shardID formats a shard index as Kinesis does.
func shardID(index int) string {
	return fmt.Sprintf("shardId-%012d", index)
}

// parseShardID normalizes a shard id the way Kinesis does: the digits after
// the first '-' (or the whole string) as an index 0..2^31-1, so
// "shardId-000000000001", "shardId-1" and "1" all name shard 1.
func parseShardID(s string) (int, bool) {
	if i := strings.IndexByte(s, '-'); i >= 0 {
		s = s[i+1:]
	}
	if s == "" || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 0 {
		return 0, false
	}
	return int(n), true
}

// shard is one shard of a stream: its identity (immutable) and its records
// (guarded by mu). Lock order: stream.mu before shard.mu.
type shard struct {
	// The fields every write uses come first, in the shard's first two
	// cache lines: a shard is 64-byte aligned (see shardPad), so a write
	// after one on another processor moves two lines of the shard to its
	// own cache instead of five. Guarded by mu unless said otherwise.
	mu              sync.Mutex
	closed          bool
	gone            bool          // the stream was deleted or the shard expired
	allocatingSpare bool          // a writer is allocating the spare (prefault.go)
	tail            *chunk        // the chunk being filled; nil when empty
	next            uint64        // counter the next record gets (records start at 1)
	lastArrival     int64         // unix ms of the newest record
	changes         atomic.Uint64 // counts the changes that wake readers, readable without mu
	notify          chan struct{} // closed when records arrive or the shard closes; nil if nobody waits
	spare           *spareChunk   // the next chunk, touched ahead; nil if none (prefault.go)
	waiters         []*waiter     // readers parked on the shard (waiter.go)
	counters        shardCounters

	// Set when the shard is made, read without mu.
	st         *Stream
	index      uint32
	id         string
	createdSec int64
	limiter    *shardLimiter
	log        *shardLog // the shard's log on disk; nil without a data directory
	hashRange  HashKeyRange
	parent     string
	adjacent   string
	created    time.Time
	starting   SequenceNumber

	chunks          *btree.BTreeG[*chunk] // keyed by chunk.first
	lastSlab        int                   // slab size of the last chunk created
	trim            uint64                // counter of the oldest retained record
	closedAt        time.Time
	ending          SequenceNumber
	children        []ChildShard
	sparesInstalled int // spares that became the tail, for tests

	outputs outputs // PutRecord's outputs (outputs.go)
	_       [shardPad]byte
}

// shardPad pads a shard to 512 bytes. A size that is a multiple of 64
// makes the allocator place every shard at a multiple of 64 bytes, the
// start of a cache line (the size classes from 448 to 1,024 bytes that are
// multiples of 64 hold objects of that size). TestShardLayout fails when a
// new field calls for another pad.
const shardPad = 64

func chunkLess(a, b *chunk) bool { return a.first < b.first }

// newShard returns an open shard. snSec is the creation second encoded in
// its sequence numbers: for original shards the creation time, for children
// of a reshard one second after their parent closed, as in production.
func newShard(st *Stream, index int, r HashKeyRange, created time.Time, snSec int64, parent, adjacent string) *shard {
	sec := snSec
	sh := &shard{
		st:         st,
		index:      uint32(index),
		id:         shardID(index),
		hashRange:  r,
		parent:     parent,
		adjacent:   adjacent,
		created:    created,
		createdSec: sec,
		starting:   makeSequenceNumber(sec, uint32(index), 0, sec),
		chunks:     btree.NewG(32, chunkLess),
		next:       1,
		trim:       1,
		limiter:    newShardLimiter(st.e.cfg.limits),
	}
	if st.e.store != nil {
		sh.log = st.e.store.newShardLog(sh)
	}
	return sh
}

// describe returns the shard's public description.
func (sh *shard) describe() Shard {
	sh.mu.Lock()
	ending := sh.ending
	sh.mu.Unlock()
	return Shard{
		ShardId:               sh.id,
		ParentShardId:         sh.parent,
		AdjacentParentShardId: sh.adjacent,
		HashKeyRange:          sh.hashRange,
		SequenceNumberRange:   SequenceNumberRange{StartingSequenceNumber: sh.starting, EndingSequenceNumber: ending},
	}
}

// state returns whether the shard is closed and when, under its lock.
func (sh *shard) state() (closed bool, closedAt time.Time) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.closed, sh.closedAt
}

// expired reports whether the shard is closed and its retention has passed,
// or it was dropped (its retention passed before a retention increase, or
// the stream is gone).
func (sh *shard) expired(now time.Time, retention time.Duration) bool {
	sh.mu.Lock()
	closed, at, gone := sh.closed, sh.closedAt, sh.gone
	sh.mu.Unlock()
	return gone || closed && !now.Before(at.Add(retention))
}

// appendResult tells the writer what happened.
type appendResult int

const (
	appended appendResult = iota
	appendClosed
	appendThrottled
	appendGone
	appendNoMemory // the engine's memory budget is exhausted
	appendFailed   // the shard's log failed or the engine is closed
)

// append stores one record. It reports appendClosed when the shard was
// closed by a reshard (the caller routes again) and appendThrottled when
// the write limits refuse it.
// single marks a PutRecord (rather than a PutRecords entry), for the
// metrics.
func (sh *shard) append(key string, data []byte, now time.Time, flags uint16, single bool) (counter uint64, arrival int64, res appendResult) {
	n := len(key) + len(data)
	sh.mu.Lock()
	switch {
	case sh.gone:
		sh.mu.Unlock()
		return 0, 0, appendGone
	case sh.closed:
		sh.mu.Unlock()
		return 0, 0, appendClosed
	case !sh.limiter.allowWrite(now, n):
		sh.counters.writeThrottled++
		sh.mu.Unlock()
		return 0, 0, appendThrottled
	case sh.log != nil:
		return sh.appendLogLocked(key, data, now, flags, single)
	}
	arrival = max(now.UnixMilli(), sh.lastArrival)
	if sh.tail == nil || !sh.tail.fits(n) {
		c := sh.takeSpareLocked(n)
		if c != nil {
			c.first = sh.next
		} else {
			c = newChunk(sh.next, sh.lastSlab, n)
		}
		if !sh.st.e.reserveChunk(c) {
			sh.mu.Unlock()
			return 0, 0, appendNoMemory
		}
		sh.tail = c
		sh.lastSlab = len(sh.tail.slab)
		sh.chunks.ReplaceOrInsert(sh.tail)
	}
	sh.tail.add(key, data, arrival, flags)
	counter = sh.next
	sh.next++
	sh.lastArrival = arrival
	sh.counters.incomingBytes += int64(n)
	sh.counters.incomingRecords++
	if single {
		sh.counters.putRecordSuccess++
	}
	sh.wakeLocked()
	prevSlab, expected := sh.spareWantedLocked()
	behind := sh.spareBehindLocked()
	sh.mu.Unlock()
	// The next chunk is prepared outside the lock (prefault.go).
	if prevSlab > 0 {
		sh.makeSpare(prevSlab, expected)
	} else if behind != nil {
		sh.helpTouch(behind, n)
	}
	return counter, arrival, appended
}

// wakeLocked wakes every reader waiting for this shard.
func (sh *shard) wakeLocked() {
	sh.changes.Add(1) // before the followers are checked: see waiter.go
	if sh.st.followers.parked.Load() != 0 {
		sh.st.followers.wake()
	}
	if sh.notify != nil {
		close(sh.notify)
		sh.notify = nil
	}
	if len(sh.waiters) > 0 {
		sh.wakeWaitersLocked()
	}
}

// waitLocked returns a channel that is closed at the next change of the
// shard (a record, a close, a deletion).
func (sh *shard) waitLocked() <-chan struct{} {
	if sh.notify == nil {
		sh.notify = make(chan struct{})
	}
	return sh.notify
}

// close closes the shard for writes and records its children. The caller
// holds the stream lock.
func (sh *shard) close(now time.Time, children []ChildShard) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.closed = true
	sh.closedAt = now
	sh.forgetSpareLocked()
	sh.ending = makeSequenceNumber(sh.createdSec, sh.index, maxSequenceCounter, now.Unix())
	sh.children = children
	sh.wakeLocked()
}

// drop releases the shard's records; reads then fail as the shard is gone.
func (sh *shard) drop() {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.gone {
		return
	}
	sh.st.retire(&sh.counters)
	sh.gone = true
	sh.forgetSpareLocked()
	sh.chunks.Ascend(func(c *chunk) bool {
		sh.st.e.releaseChunk(c)
		return true
	})
	sh.chunks.Clear(false)
	sh.tail = nil
	if sh.log != nil {
		sh.log.pending = nil
	}
	sh.wakeLocked()
}

// trimLocked drops records that arrived before horizon (unix ms).
func (sh *shard) trimLocked(horizon int64) {
	if sh.log != nil {
		sh.trimLogLocked(horizon)
		return
	}
	for {
		c, ok := sh.chunks.Min()
		if !ok {
			sh.trim = sh.next
			return
		}
		if c.entries[len(c.entries)-1].arrival < horizon {
			sh.chunks.DeleteMin()
			if c == sh.tail {
				sh.tail = nil
			}
			sh.st.e.releaseChunk(c)
			continue
		}
		i := sort.Search(len(c.entries), func(i int) bool { return c.entries[i].arrival >= horizon })
		sh.trim = max(sh.trim, c.first+uint64(i))
		return
	}
}

// segment is a snapshot of part of a chunk, safe to read without the lock.
type segment struct {
	slab    []byte
	entries []entry
	first   uint64
}

// readResult is what a read found.
type readResult struct {
	records  []Record
	next     uint64 // position after the last record returned
	atEnd    bool   // the shard is closed and next is past its last record
	children []ChildShard
	behindMs int64 // MillisBehindLatest
	bytes    int
}

// positionAtLocked returns the counter of the first record that arrived at
// or after ts (unix ms), or sh.next if none has yet. The caller holds
// sh.mu. With a data directory, positionAtLocked releases it while it
// searches the records on disk (see positionOnDisk), and holds it again
// when it returns; it fails only when the disk cannot be read.
func (sh *shard) positionAtLocked(ts int64) (uint64, error) {
	pos := sh.next
	sh.chunks.Descend(func(c *chunk) bool {
		if c.entries[len(c.entries)-1].arrival < ts {
			return false
		}
		i := sort.Search(len(c.entries), func(i int) bool { return c.entries[i].arrival >= ts })
		pos = c.first + uint64(i)
		return i == 0
	})
	if sh.log != nil {
		var err error
		if pos, err = sh.positionOnDisk(ts, pos); err != nil {
			return 0, err
		}
	}
	return max(pos, sh.trim), nil
}

// snapshotLocked collects up to limit records (and about maxBytes bytes,
// always at least one record) starting at pos.
func (sh *shard) snapshotLocked(pos uint64, limit, maxBytes int) (segs []segment, next uint64, bytes int) {
	return sh.snapshotIntoLocked(nil, pos, limit, maxBytes)
}

// snapshotIntoLocked is snapshotLocked appending the segments to segs,
// which lets a reader keep them on its stack.
func (sh *shard) snapshotIntoLocked(segs []segment, pos uint64, limit, maxBytes int) (_ []segment, next uint64, bytes int) {
	pos = max(pos, sh.trim)
	next = pos
	if pos >= sh.next || limit <= 0 {
		return nil, next, 0
	}
	count := 0
	visit := func(c *chunk) bool {
		if c.last() < pos {
			return true
		}
		lo := 0
		if pos > c.first {
			lo = int(pos - c.first)
		}
		hi := len(c.entries)
		if count+hi-lo > limit {
			hi = lo + limit - count
		}
		for i := lo; i < hi; i++ {
			e := &c.entries[i]
			n := int(e.keyLen) + int(e.dataLen)
			if count > 0 && bytes+n > maxBytes {
				hi = i
				break
			}
			bytes += n
			count++
		}
		if hi > lo {
			segs = append(segs, segment{slab: c.slab, entries: c.entries[lo:hi:hi], first: c.first + uint64(lo)})
		}
		pos = c.first + uint64(hi)
		return count < limit && hi == len(c.entries) && bytes < maxBytes
	}
	if sh.tail != nil && pos >= sh.tail.first {
		visit(sh.tail)
	} else {
		var start *chunk
		sh.chunks.DescendLessOrEqual(&chunk{first: pos}, func(c *chunk) bool {
			start = c
			return false
		})
		if start == nil {
			start, _ = sh.chunks.Min()
		}
		if start != nil {
			sh.chunks.AscendGreaterOrEqual(start, visit)
		}
	}
	return segs, pos, bytes
}

// read returns up to limit records from pos, trimming first. It is the
// common core of GetRecords, iterators and subscriptions. The records are
// stored in dst when it is large enough, else in a new slice.
func (sh *shard) read(kind readKind, pos uint64, limit, maxBytes int, now time.Time, retention time.Duration, dst []Record) (readResult, error) {
	if sh.log != nil {
		return sh.readLog(kind, pos, limit, maxBytes, now, retention, dst)
	}
	sh.mu.Lock()
	if sh.gone {
		sh.mu.Unlock()
		return readResult{}, sh.st.errShardGone(sh.id)
	}
	sh.trimLocked(now.Add(-retention).UnixMilli())
	var buf [4]segment // a read rarely spans more chunks: no allocation
	segs, next, bytes := sh.snapshotIntoLocked(buf[:0], pos, limit, maxBytes)
	res := readResult{next: next, bytes: bytes}
	if next >= sh.next {
		if sh.closed {
			res.atEnd = true
			res.children = sh.children
		}
	}
	n := 0
	for _, s := range segs {
		n += len(s.entries)
	}
	// MillisBehindLatest: zero at the tip, else the age of the last record
	// returned (or of the newest record when none was returned).
	if next < sh.next {
		last := sh.lastArrival
		if len(segs) > 0 {
			s := segs[len(segs)-1]
			last = s.entries[len(s.entries)-1].arrival
		}
		res.behindMs = max(0, now.UnixMilli()-last)
	}
	sh.countRead(kind, n, bytes, res.behindMs)
	sh.mu.Unlock()

	if n > 0 {
		if cap(dst) >= n {
			res.records = dst[:n]
		} else {
			res.records = make([]Record, n)
		}
		i := 0
		for _, s := range segs {
			for j := range s.entries {
				sh.fill(&res.records[i], s.slab, &s.entries[j], s.first+uint64(j))
				i++
			}
		}
	}
	return res, nil
}

// readKind tells which reader a read serves, for the metrics.
type readKind int

const (
	readGetRecords readKind = iota
	readIterator
	readSubscription
)

// countRead updates the read metrics; the caller holds sh.mu.
func (sh *shard) countRead(kind readKind, records, bytes int, behindMs int64) {
	switch kind {
	case readGetRecords:
		sh.counters.getRecordsSuccess++
		sh.counters.iteratorAgeMs = behindMs
	case readSubscription:
		sh.counters.eventAgeMs = behindMs
		return // counted by the subscription's own metrics
	}
	sh.counters.outgoingRecords += int64(records)
	sh.counters.outgoingBytes += int64(bytes)
}
