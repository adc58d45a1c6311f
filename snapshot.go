package freshet

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"sort"
	"time"
)

// Snapshots
//
// WriteSnapshot writes the whole state of an engine to an io.Writer and
// Restore builds a new engine from it, so that a server or an embedded
// event bus can stop and start again where it was: streams and their
// settings, every shard with its lineage and sequence counters, every
// retained record with its exact sequence number and arrival time,
// consumers, tags, resource policies, account settings, and the key that
// signs shard iterators and NextTokens (tokens issued before a restart stay
// valid after it, until they expire on the restored engine's clock).
//
// Not kept: metrics (counters start again from zero, as a restarted
// process' counters do), the state of the throughput limits (every bucket
// starts full), and live subscriptions and blocked readers.
//
// # Consistency
//
// A snapshot does not stop the engine. Each stream is captured under its
// own lock (the lock resharding, retention changes and consumer changes
// take), and, within that, each shard under its own lock, briefly: the
// records are then written without any lock, from storage that is never
// rewritten. So a snapshot taken while writers run holds, for each shard, a
// prefix of its records (every record up to some point, none after), and
// a consistent topology for each stream (a reshard happens entirely before
// or entirely after it: the open shards cover the hash-key space and
// lineage is whole). There is no atomicity across shards or streams: a
// record written to shard A after one written to shard B may be in the
// snapshot while the earlier one is not, and a stream created during the
// snapshot may or may not be in it. Records older than the retention
// period at the time their stream is captured are left out.
//
// # Format (version 1)
//
// A snapshot is the 7 bytes "FRESHET" and a format-version byte, followed
// by sections. Each section is a kind byte, a big-endian uint32 payload
// length (at most 16 MiB), the payload, and a big-endian CRC-32C
// (Castagnoli) of the kind, length and payload. Payloads are sequences of
// unsigned and signed varints (encoding/binary), strings (a uvarint length
// and the bytes), times (a byte 0 for the zero time, or 1 and the varint
// Unix seconds and uvarint nanoseconds) and 16-byte big-endian hash keys.
// The sections come in this order:
//
//	'E' engine: partition, region, account, HMAC key, iterator generation,
//	    stream-id counter, account settings
//	for each stream, by name:
//	  'S' stream: id, name, creation time, status and when it settles, mode,
//	      retention, maximum record size, KMS key, warm throughput, enhanced
//	      metrics, tags, UpdateShardCount history, consumer and shard counts
//	  'C' one per consumer: name, ARN, creation time, status and when it
//	      settles, tags
//	  for each shard, by index:
//	    'H' shard: index, hash-key range, parents, creation time, sequence
//	        counters (trim horizon, next), newest arrival, open or closed
//	        (and when), expired
//	    'R' records, in order: shard index, counter of the first record,
//	        count, arrival of the first record, then per record the arrival
//	        (milliseconds after the previous one), key length, data length
//	        and flags; then the keys and data of all of them, back to back
//	'P' one per resource policy: resource ARN, document
//	'Z' end: numbers of streams, records and policies
//
// A reader stops at the end section: it never reads past it, so snapshots
// can follow one another in a file. Streaming both ways keeps memory flat:
// WriteSnapshot writes records straight from the shards' storage, and
// Restore reads one section at a time into a reused buffer and copies each
// block of records into a chunk of the new shard's storage.

const (
	snapshotMagic   = "FRESHET"
	snapshotVersion = 1

	// maxSectionBytes bounds a section's payload: a block of records is at
	// most one 10 MiB record or 1 MiB of smaller ones, with its table.
	maxSectionBytes = 16 << 20
	// blockBytes is how many bytes of keys and data a records section
	// carries, unless it holds a single larger record.
	blockBytes = maxSlab
)

// Section kinds.
const (
	sectionEngine   byte = 'E'
	sectionStream   byte = 'S'
	sectionConsumer byte = 'C'
	sectionShard    byte = 'H'
	sectionRecords  byte = 'R'
	sectionPolicy   byte = 'P'
	sectionEnd      byte = 'Z'
)

var sectionNames = map[byte]string{
	sectionEngine:   "engine",
	sectionStream:   "stream",
	sectionConsumer: "consumer",
	sectionShard:    "shard",
	sectionRecords:  "records",
	sectionPolicy:   "policy",
	sectionEnd:      "end",
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrCorruptSnapshot is wrapped by the errors Restore returns for input
// that is not a complete, intact snapshot: wrong magic, truncation, a
// checksum mismatch, or contents that break the engine's invariants.
var ErrCorruptSnapshot = errors.New("freshet: corrupt snapshot")

// SnapshotStats tells what WriteSnapshot wrote.
type SnapshotStats struct {
	// Streams, Shards and Records count what the snapshot holds (Shards
	// counts closed and expired shards too).
	Streams int
	Shards  int
	Records int64
	// Bytes is the size of the snapshot.
	Bytes int64
}

// WriteSnapshot writes the engine's whole state to w in freshet's snapshot
// format, for Restore. The engine keeps serving meanwhile; what a snapshot
// taken under concurrent writes holds is described in the package's
// snapshot notes (in short: per shard, a prefix of its records; per stream,
// a consistent set of shards; nothing atomic across shards). The records
// are written from the shards' storage without being copied first, so
// memory does not grow with the size of the snapshot.
//
// WriteSnapshot stops with ctx's error when ctx is done, leaving an
// incomplete snapshot in w that Restore refuses. w is written through a
// buffer; WriteSnapshot does not close or sync it.
func (e *Engine) WriteSnapshot(ctx context.Context, w io.Writer) (SnapshotStats, error) {
	stats, _, err := e.writeSnapshotStats(ctx, w, false)
	return stats, err
}

// writeSnapshot writes a snapshot, or, if meta, the metadata of a data
// directory: a snapshot without records. It returns what it captured.
func (e *Engine) writeSnapshot(ctx context.Context, w io.Writer, meta bool) ([]*streamCapture, error) {
	_, captured, err := e.writeSnapshotStats(ctx, w, meta)
	return captured, err
}

func (e *Engine) writeSnapshotStats(ctx context.Context, w io.Writer, meta bool) (SnapshotStats, []*streamCapture, error) {
	sw := &snapshotWriter{w: bufio.NewWriterSize(w, 64<<10), meta: meta}
	var captured []*streamCapture
	// The streams are listed before the engine section reads the stream-id
	// counter, so that the counter covers the id of every stream listed.
	streams := e.list()
	sw.write([]byte(snapshotMagic))
	sw.write([]byte{snapshotVersion})
	e.writeEngineSection(sw)

	names := make([]string, 0, len(streams))
	for name := range streams {
		names = append(names, name)
	}
	sort.Strings(names)
	var stats SnapshotStats
	resources := map[string]bool{}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return stats, nil, fmt.Errorf("freshet: snapshot interrupted: %w", err)
		}
		c := streams[name].capture(meta)
		if c == nil {
			continue // deleted
		}
		captured = append(captured, c)
		resources[c.st.arn] = true
		for _, cc := range c.consumers {
			resources[cc.arn] = true
		}
		if err := sw.writeStream(ctx, c, &stats); err != nil {
			return stats, nil, err
		}
		stats.Streams++
	}

	var policies [][2]string
	e.policies.Range(func(k, v any) bool {
		if arn := k.(string); resources[arn] {
			policies = append(policies, [2]string{arn, v.(string)})
		}
		return true
	})
	sort.Slice(policies, func(i, j int) bool { return policies[i][0] < policies[j][0] })
	for _, p := range policies {
		sw.p.str(p[0])
		sw.p.str(p[1])
		sw.section(sectionPolicy, nil)
	}
	sw.p.u(uint64(stats.Streams))
	sw.p.u(uint64(stats.Records))
	sw.p.u(uint64(len(policies)))
	sw.section(sectionEnd, nil)
	if sw.err == nil {
		sw.err = sw.w.Flush()
	}
	stats.Bytes = sw.n
	if sw.err != nil {
		return stats, nil, fmt.Errorf("freshet: writing snapshot: %w", sw.err)
	}
	return stats, captured, nil
}

// writeEngineSection writes the engine-wide state.
func (e *Engine) writeEngineSection(sw *snapshotWriter) {
	p := &sw.p
	p.str(e.cfg.partition)
	p.str(e.cfg.region)
	p.str(e.cfg.account)
	p.b = append(p.b, e.key[:]...)
	p.u(e.iteratorGen.Load())
	p.u(e.streamIDs.Load())
	e.account.mu.Lock()
	c := e.account.commitment
	e.account.mu.Unlock()
	p.str(c.Status)
	p.time(c.StartedAt)
	p.time(c.EndedAt)
	p.time(c.EarliestAllowedEndAt)
	sw.section(sectionEngine, nil)
}

// streamCapture is a stream's state as a snapshot holds it, copied under
// the stream's lock.
type streamCapture struct {
	st            *Stream
	phase         phase
	mode          StreamMode
	retention     time.Duration
	maxRecordSize int64
	keyID         string
	warmMiBps     int
	metrics       []string
	tags          []Tag
	scaleEvents   []time.Time
	consumers     []consumerCapture
	shards        []shardCapture
}

type consumerCapture struct {
	name, arn string
	created   time.Time
	status    ConsumerStatus
	ready     time.Time
	tags      []Tag
}

// shardCapture is a shard's state and its retained records, copied under
// the shard's lock. The segments point into the shard's chunks, whose
// entries and bytes up to the captured position are never rewritten.
type shardCapture struct {
	sh          *shard
	trim, next  uint64
	lastArrival int64
	closed      bool
	closedAt    time.Time
	gone        bool
	segs        []segment
	disk        diskRange // records to read from the shard's log first
}

// capture copies the stream's state, or returns nil if the stream is gone.
// Holding the stream's lock keeps resharding out, so the shards captured
// form a valid topology. The clock is read under the lock: a stream whose
// shards were dropped is then gone at that time (a time read before it was
// deleted would see it DELETING, with shards already dropped).
func (st *Stream) capture(meta bool) *streamCapture {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.e.now()
	if pr := st.pending.Load(); pr != nil && !now.Before(pr.at) && st.pending.CompareAndSwap(pr, nil) {
		pr.change(pr.at) // a deferred reshard now due
	}
	p := st.phase.Load()
	if st.status(now) == streamGone {
		return nil
	}
	c := &streamCapture{
		st:            st,
		phase:         *p,
		mode:          st.mode,
		retention:     st.retentionPeriod(),
		maxRecordSize: st.maxRecordSize.Load(),
		keyID:         st.keyID,
		warmMiBps:     st.warmMiBps,
		metrics:       slices.Clone(st.metrics),
		tags:          sortedTags(st.tags),
		scaleEvents:   slices.Clone(st.scaleEvents),
	}
	st.pruneConsumersLocked(now)
	for _, cs := range st.consumers {
		c.consumers = append(c.consumers, consumerCapture{
			name: cs.name, arn: cs.arn, created: cs.created,
			status: cs.status, ready: cs.ready, tags: sortedTags(cs.tags),
		})
	}
	sort.Slice(c.consumers, func(i, j int) bool { return c.consumers[i].name < c.consumers[j].name })
	c.shards = make([]shardCapture, len(st.shards))
	for i, sh := range st.shards {
		c.shards[i] = sh.capture(now, c.retention, meta)
	}
	return c
}

// capture trims the shard and copies its state and the position of its
// retained records (unless meta: the metadata of a data directory holds
// no records). A shard whose retention has passed is captured as expired,
// without records.
func (sh *shard) capture(now time.Time, retention time.Duration, meta bool) shardCapture {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	c := shardCapture{
		sh:       sh,
		closed:   sh.closed,
		closedAt: sh.closedAt,
		gone:     sh.gone || sh.closed && !now.Before(sh.closedAt.Add(retention)),
	}
	c.trim, c.next, c.lastArrival = sh.trim, sh.next, sh.lastArrival
	if !c.gone {
		horizon := now.Add(-retention).UnixMilli()
		sh.trimLocked(horizon)
		c.trim = sh.trim
		switch {
		case meta:
		case sh.log != nil:
			c.segs, c.disk, c.trim = sh.retainedLogLocked(horizon)
		default:
			c.segs = sh.retainedLocked()
		}
	}
	return c
}

// retainedLocked returns the retained records (sh.trim to sh.next-1) as
// segments, one per chunk.
func (sh *shard) retainedLocked() []segment {
	var segs []segment
	sh.chunks.Ascend(func(c *chunk) bool {
		if c.last() < sh.trim {
			return true
		}
		lo := 0
		if sh.trim > c.first {
			lo = int(sh.trim - c.first)
		}
		hi := len(c.entries)
		segs = append(segs, segment{slab: c.slab, entries: c.entries[lo:hi:hi], first: c.first + uint64(lo)})
		return true
	})
	return segs
}

// writeStream writes the sections of one captured stream.
func (sw *snapshotWriter) writeStream(ctx context.Context, c *streamCapture, stats *SnapshotStats) error {
	st, p := c.st, &sw.p
	p.u(st.id)
	p.str(st.name)
	p.time(st.created)
	p.str(string(c.phase.status))
	p.time(c.phase.until)
	p.str(string(c.mode))
	p.u(uint64(c.retention / time.Hour))
	p.u(uint64(c.maxRecordSize >> 10))
	p.str(c.keyID)
	p.u(uint64(c.warmMiBps))
	p.u(uint64(len(c.metrics)))
	for _, m := range c.metrics {
		p.str(m)
	}
	p.tags(c.tags)
	p.u(uint64(len(c.scaleEvents)))
	for _, t := range c.scaleEvents {
		p.time(t)
	}
	p.u(uint64(len(c.consumers)))
	p.u(uint64(len(c.shards)))
	sw.section(sectionStream, nil)

	for _, cc := range c.consumers {
		p.str(cc.name)
		p.str(cc.arn)
		p.time(cc.created)
		p.str(string(cc.status))
		p.time(cc.ready)
		p.tags(cc.tags)
		sw.section(sectionConsumer, nil)
	}

	for _, sc := range c.shards {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("freshet: snapshot interrupted: %w", err)
		}
		sh := sc.sh
		p.u(uint64(sh.index))
		p.hashKey(sh.hashRange.StartingHashKey)
		p.hashKey(sh.hashRange.EndingHashKey)
		p.u(shardRef(sh.parent))
		p.u(shardRef(sh.adjacent))
		p.time(sh.created)
		p.i(sh.createdSec)
		// The records on disk are read now, without the shard's lock, in
		// batches: the first tells the trim horizon the section records.
		batch, pos, err := sc.disk.read(sc.disk.from)
		if err != nil {
			return sc.diskError(err)
		}
		if len(batch.entries) > 0 {
			sc.trim = batch.first
		}
		p.u(sc.trim)
		p.u(sc.next)
		p.i(sc.lastArrival)
		p.bool(sc.closed)
		p.time(sc.closedAt)
		p.bool(sc.gone)
		sw.section(sectionShard, nil)
		for len(batch.entries) > 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("freshet: snapshot interrupted: %w", err)
			}
			stats.Records += int64(len(batch.entries))
			sw.writeRecords(sh.index, batch)
			if batch, pos, err = sc.disk.read(pos); err != nil {
				return sc.diskError(err)
			}
		}
		for _, seg := range sc.segs {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("freshet: snapshot interrupted: %w", err)
			}
			stats.Records += int64(len(seg.entries))
			sw.writeRecords(sh.index, seg)
		}
		stats.Shards++
		if sw.err != nil {
			return fmt.Errorf("freshet: writing snapshot: %w", sw.err)
		}
	}
	return nil
}

// shardRef encodes a parent shard id as its index plus one, 0 for none.
func shardRef(id string) uint64 {
	if id == "" {
		return 0
	}
	idx, _ := parseShardID(id)
	return uint64(idx) + 1
}

// writeRecords writes a segment of a shard as records sections of at most
// blockBytes of keys and data (or one larger record) and maxEntries
// records. The keys and data of a chunk's records lie back to back in its
// slab, so each section's bytes are one slice of it.
func (sw *snapshotWriter) writeRecords(index uint32, seg segment) {
	ents, first := seg.entries, seg.first
	for len(ents) > 0 {
		n, size := 0, 0
		for n < len(ents) && n < maxEntries {
			k := int(ents[n].keyLen) + int(ents[n].dataLen)
			if n > 0 && size+k > blockBytes {
				break
			}
			if ents[n].off != ents[0].off+uint32(size) {
				sw.fail(errors.New("internal error: records not contiguous in their chunk"))
				return
			}
			size += k
			n++
		}
		p := &sw.p
		p.u(uint64(index))
		p.u(first)
		p.u(uint64(n))
		prev := ents[0].arrival
		p.i(prev)
		for i := range n {
			e := &ents[i]
			p.u(uint64(e.arrival - prev))
			prev = e.arrival
			p.u(uint64(e.keyLen))
			p.u(uint64(e.dataLen))
			p.u(uint64(e.flags))
		}
		start := ents[0].off
		sw.section(sectionRecords, seg.slab[start:start+uint32(size)])
		ents, first = ents[n:], first+uint64(n)
	}
}

// snapshotWriter writes sections; the first error sticks.
type snapshotWriter struct {
	meta bool // metadata only: no records sections
	w    *bufio.Writer
	n    int64
	err  error
	p    snapshotEncoder // the payload of the section being built
}

func (sw *snapshotWriter) fail(err error) {
	if sw.err == nil {
		sw.err = err
	}
}

func (sw *snapshotWriter) write(b []byte) {
	if sw.err != nil {
		return
	}
	n, err := sw.w.Write(b)
	sw.n += int64(n)
	sw.fail(err)
}

// section writes a section whose payload is sw.p followed by tail, and
// resets sw.p.
func (sw *snapshotWriter) section(kind byte, tail []byte) {
	payload := sw.p.b
	sw.p.b = sw.p.b[:0]
	size := len(payload) + len(tail)
	if size > maxSectionBytes {
		sw.fail(fmt.Errorf("section of %d bytes exceeds the format's limit of %d", size, maxSectionBytes))
		return
	}
	var hdr [5]byte
	hdr[0] = kind
	binary.BigEndian.PutUint32(hdr[1:], uint32(size))
	sum := crc32.Update(0, castagnoli, hdr[:])
	sum = crc32.Update(sum, castagnoli, payload)
	sum = crc32.Update(sum, castagnoli, tail)
	sw.write(hdr[:])
	sw.write(payload)
	sw.write(tail)
	sw.write(binary.BigEndian.AppendUint32(hdr[:0], sum))
}

// snapshotEncoder appends the fields of a section payload.
type snapshotEncoder struct{ b []byte }

func (w *snapshotEncoder) u(v uint64)   { w.b = binary.AppendUvarint(w.b, v) }
func (w *snapshotEncoder) i(v int64)    { w.b = binary.AppendVarint(w.b, v) }
func (w *snapshotEncoder) str(s string) { w.u(uint64(len(s))); w.b = append(w.b, s...) }

func (w *snapshotEncoder) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

func (w *snapshotEncoder) time(t time.Time) {
	if t.IsZero() {
		w.b = append(w.b, 0)
		return
	}
	w.b = append(w.b, 1)
	w.i(t.Unix())
	w.u(uint64(t.Nanosecond()))
}

func (w *snapshotEncoder) hashKey(k HashKey) {
	w.b = binary.BigEndian.AppendUint64(w.b, k.hi)
	w.b = binary.BigEndian.AppendUint64(w.b, k.lo)
}

func (w *snapshotEncoder) tags(tags []Tag) {
	w.u(uint64(len(tags)))
	for _, t := range tags {
		w.str(t.Key)
		w.str(t.Value)
	}
}
