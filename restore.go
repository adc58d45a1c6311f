package freshet

// This file reads what snapshot.go writes: see the format described there.

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Restore returns a new engine holding the state of the snapshot read from
// r (written by WriteSnapshot), configured by opts.
//
// Restore is a constructor of its own rather than an option of New
// (New(WithSnapshot(r))) because restoring can fail: the input may be
// truncated, corrupt or unreadable, and New has no error to return.
//
// The snapshot decides the state: streams, shards, records, consumers,
// tags, policies, account settings, and the key of shard iterators and
// NextTokens, so that tokens issued before the snapshot still work on the
// restored engine (until they expire on its clock). The account and region
// are the snapshot's; WithAccount or WithRegion naming others make Restore
// fail. Everything else comes from opts, with New's defaults: the clock
// (times in the snapshot are absolute, so retention and pending state
// transitions continue on it), limits (they govern calls made after the
// restore: a snapshot with more open shards than WithShardLimit allows is
// restored as it is), state delays, iterator lifetime, the retention sweep,
// the authorizer (an authorizer that is a ResourcePolicyStore receives the
// restored resource policies) and the audit hook. Times come back in UTC.
//
// Restore reads r up to the end of the snapshot and no further, so
// snapshots written one after another can be read back one by one. Wrap a
// file in a bufio.Reader: Restore reads each section with a few small
// reads. The input is treated as untrusted: every length is checked,
// memory is allocated only as the data arrives, and any defect, down to a
// single flipped bit, yields an error, which wraps ErrCorruptSnapshot unless
// the format version is not supported or r failed. On error nothing is
// left behind: no engine, no goroutine, no policy in the authorizer.
func Restore(r io.Reader, opts ...Option) (*Engine, error) {
	cfg := newConfig(opts)
	if cfg.storage.dataDir != "" {
		return importSnapshot(r, cfg)
	}
	e := newEngine(cfg)
	if err := e.restoreFrom(r, false); err != nil {
		return nil, err
	}
	e.start()
	return e, nil
}

// restoreFrom reads a snapshot (or, if meta, the metadata of a data
// directory: a snapshot without records) into e, a new engine.
func (e *Engine) restoreFrom(r io.Reader, meta bool) error {
	rs := &restorer{
		e:         e,
		r:         r,
		meta:      meta,
		streams:   map[string]*Stream{},
		ids:       map[uint64]bool{},
		resources: map[string]bool{},
		policies:  map[string]string{},
	}
	if err := rs.run(); err != nil {
		return err
	}
	e.storeStreams(rs.streams)
	store, _ := e.cfg.authorizer.(ResourcePolicyStore)
	arns := slices.Sorted(maps.Keys(rs.policies))
	for i, arn := range arns {
		doc := rs.policies[arn]
		if store != nil {
			if err := store.PutResourcePolicy(arn, doc); err != nil {
				for _, done := range arns[:i] {
					store.DeleteResourcePolicy(done)
				}
				return fmt.Errorf("freshet: restoring the resource policy of %s: the authorizer refused it: %w", arn, err)
			}
		}
		e.policies.Store(arn, doc)
	}
	return nil
}

// restorer builds an engine from a snapshot. Nothing it builds is visible
// to anyone until Restore returns the engine.
type restorer struct {
	e       *Engine
	r       io.Reader
	meta    bool   // the metadata of a data directory: no records
	buf     []byte // the current section, reused
	section int    // sections read so far
	kind    byte   // of the current section, once its checksum matched
	maxID   uint64 // the engine's stream-id counter

	streams   map[string]*Stream
	ids       map[uint64]bool   // stream ids
	resources map[string]bool   // stream and consumer ARNs, for the policies
	policies  map[string]string // resource ARN -> document
	records   uint64
	ended     bool // the streams are complete: policies are being read

	// The stream being read.
	st                        *Stream
	wantConsumers, wantShards uint64
	lineage                   []lineage

	// The shard being read.
	sh          *shard
	expect      uint64 // counter of the next record
	prevArrival int64  // arrival of the previous record
}

// lineage holds the indices of a shard's parents, -1 for none.
type lineage struct{ parent, adjacent int }

// run reads the snapshot through its end section.
func (rs *restorer) run() error {
	var hdr [len(snapshotMagic) + 1]byte
	if _, err := io.ReadFull(rs.r, hdr[:]); err != nil {
		return rs.readError(err)
	}
	if string(hdr[:len(snapshotMagic)]) != snapshotMagic {
		return fmt.Errorf("%w: not a freshet snapshot (no %q header)", ErrCorruptSnapshot, snapshotMagic)
	}
	if v := hdr[len(snapshotMagic)]; v != snapshotVersion {
		return fmt.Errorf("freshet: snapshot format version %d is not supported (this freshet reads version %d)", v, snapshotVersion)
	}
	for {
		payload, err := rs.next()
		if err != nil {
			return err
		}
		d := &snapshotDecoder{b: payload}
		if rs.section == 1 && rs.kind != sectionEngine {
			return rs.corrupt("the first section is not the engine section")
		}
		switch rs.kind {
		case sectionEngine:
			if rs.section != 1 {
				return rs.corrupt("a second engine section")
			}
			err = rs.engine(d)
		case sectionStream:
			if err = rs.finishStream(); err == nil {
				err = rs.stream(d)
			}
		case sectionConsumer:
			err = rs.consumer(d)
		case sectionShard:
			err = rs.shard(d)
		case sectionRecords:
			err = rs.recordBlock(d)
		case sectionPolicy:
			if err = rs.finishStream(); err == nil {
				err = rs.policy(d)
			}
		case sectionEnd:
			if err = rs.finishStream(); err == nil {
				return rs.end(d)
			}
		default:
			err = rs.corrupt("unknown section kind %d", rs.kind)
		}
		if err != nil {
			return err
		}
	}
}

// next reads the next section and checks its checksum. The payload is
// valid until the next call.
func (rs *restorer) next() ([]byte, error) {
	rs.section++
	rs.kind = 0
	var hdr [5]byte
	if _, err := io.ReadFull(rs.r, hdr[:]); err != nil {
		return nil, rs.readError(err)
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n > maxSectionBytes {
		return nil, rs.corrupt("length %d exceeds the limit of %d", n, maxSectionBytes)
	}
	buf, err := rs.read(int(n) + 4)
	if err != nil {
		return nil, rs.readError(err)
	}
	sum := crc32.Update(0, castagnoli, hdr[:])
	sum = crc32.Update(sum, castagnoli, buf[:n])
	if sum != binary.BigEndian.Uint32(buf[n:]) {
		return nil, rs.corrupt("checksum mismatch")
	}
	rs.kind = hdr[0]
	return buf[:n], nil
}

// read reads n bytes into the reused buffer. The buffer grows only as the
// data arrives (at most doubling), so a corrupt length cannot make it
// allocate much more than the input holds.
func (rs *restorer) read(n int) ([]byte, error) {
	buf := rs.buf[:0]
	for len(buf) < n {
		step := min(n-len(buf), max(len(buf), 64<<10))
		buf = slices.Grow(buf, step)
		m, err := io.ReadFull(rs.r, buf[len(buf):len(buf)+step])
		buf = buf[:len(buf)+m]
		if err != nil {
			rs.buf = buf
			return nil, err
		}
	}
	rs.buf = buf
	return buf, nil
}

// readError reports the end of the input as truncation, and other errors
// of the reader as they are.
func (rs *restorer) readError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		if rs.section == 0 {
			return fmt.Errorf("%w: truncated header", ErrCorruptSnapshot)
		}
		return rs.corrupt("truncated")
	}
	return fmt.Errorf("freshet: reading snapshot: %w", err)
}

// corrupt returns an ErrCorruptSnapshot error about the current section.
func (rs *restorer) corrupt(format string, args ...any) error {
	where := fmt.Sprintf("section %d", rs.section)
	if name := sectionNames[rs.kind]; name != "" {
		where += " (" + name + ")"
	}
	if rs.st != nil {
		where += " of stream " + rs.st.name
	}
	return fmt.Errorf("%w: %s: %s", ErrCorruptSnapshot, where, fmt.Sprintf(format, args...))
}

// corruptStream returns an ErrCorruptSnapshot error about the current
// stream as a whole (found once its last section was read).
func (rs *restorer) corruptStream(format string, args ...any) error {
	return fmt.Errorf("%w: stream %s: %s", ErrCorruptSnapshot, rs.st.name, fmt.Sprintf(format, args...))
}

// malformed is the error of a payload that does not parse.
func (rs *restorer) malformed() error { return rs.corrupt("malformed payload") }

// engine reads the engine section.
func (rs *restorer) engine(d *snapshotDecoder) error {
	e := rs.e
	partition := d.str(256)
	region := d.str(256)
	account := d.str(256)
	key := d.bytes(len(e.key))
	gen := d.u()
	ids := d.u()
	var c MinimumThroughputBillingCommitment
	c.Status = d.str(64)
	c.StartedAt = d.time()
	c.EndedAt = d.time()
	c.EarliestAllowedEndAt = d.time()
	if !d.done() {
		return rs.malformed()
	}
	switch c.Status {
	case "", CommitmentEnabled, CommitmentDisabled, CommitmentEnabledUntilEarliestAllowedEnd:
	default:
		return rs.corrupt("unknown commitment status %q", c.Status)
	}
	if partition != e.cfg.partition {
		return rs.corrupt("unknown partition %q", partition)
	}
	if e.cfg.accountSet && account != e.cfg.account {
		return fmt.Errorf("freshet: the snapshot is of account %s, but WithAccount asks for account %s", account, e.cfg.account)
	}
	if e.cfg.regionSet && region != e.cfg.region {
		return fmt.Errorf("freshet: the snapshot is of region %s, but WithRegion asks for region %s", region, e.cfg.region)
	}
	e.cfg.account, e.cfg.region = account, region
	copy(e.key[:], key)
	e.iteratorGen.Store(gen)
	e.streamIDs.Store(ids)
	rs.maxID = ids
	e.account.commitment = c
	return nil
}

// stream reads a stream section and starts the stream in three steps:
// decode the section, check it, and make it the stream being read.
func (rs *restorer) stream(d *snapshotDecoder) error {
	if rs.ended {
		return rs.corrupt("a stream after the policies")
	}
	var sec streamSection
	if !sec.decode(d) {
		return rs.malformed()
	}
	if err := rs.checkStream(&sec); err != nil {
		return err
	}
	rs.startStream(&sec)
	return nil
}

// streamSection is a decoded stream section.
type streamSection struct {
	id          uint64
	name        string
	created     time.Time
	status      StreamStatus
	until       time.Time // of the status
	mode        StreamMode
	hours       uint64 // retention
	kib         uint64 // maximum record size
	keyID       string
	warm        uint64 // MiB/s
	metrics     []string
	tags        map[string]string
	scaleEvents []time.Time
	consumers   uint64 // consumer sections to follow
	shards      uint64 // shard sections to follow
}

// decode reads the fields of a stream section from d, reporting whether
// they parse and fill d exactly.
func (s *streamSection) decode(d *snapshotDecoder) bool {
	s.id = d.u()
	s.name = d.str(128)
	s.created = d.time()
	s.status = StreamStatus(d.str(32))
	s.until = d.time()
	s.mode = StreamMode(d.str(32))
	s.hours = d.u()
	s.kib = d.u()
	s.keyID = d.str(8192)
	s.warm = d.u()
	for range d.count(1) {
		s.metrics = append(s.metrics, d.str(64))
	}
	s.tags = d.tags()
	for range d.count(1) {
		s.scaleEvents = append(s.scaleEvents, d.time())
	}
	s.consumers = d.u()
	s.shards = d.u()
	return d.done()
}

// checkStream checks a decoded stream section against the limits Kinesis
// enforces and the streams restored so far.
func (rs *restorer) checkStream(s *streamSection) error {
	name := s.name
	switch {
	case !isName(name):
		return rs.corrupt("invalid stream name %q", name)
	case rs.streams[name] != nil:
		return rs.corrupt("stream %s appears twice", name)
	case s.id == 0 || s.id > rs.maxID || rs.ids[s.id]:
		return rs.corrupt("stream %s has an invalid or duplicate id %d", name, s.id)
	case s.created.IsZero():
		return rs.corrupt("stream %s has no creation time", name)
	case s.status != StreamStatusCreating && s.status != StreamStatusActive && s.status != StreamStatusUpdating && s.status != StreamStatusDeleting:
		return rs.corrupt("stream %s has an unknown status %q", name, s.status)
	case s.mode != StreamModeProvisioned && s.mode != StreamModeOnDemand:
		return rs.corrupt("stream %s has an unknown mode %q", name, s.mode)
	case s.hours < minRetentionHours || s.hours > maxRetentionHours:
		return rs.corrupt("stream %s has a retention of %d hours", name, s.hours)
	case s.kib < 1024 || s.kib > 10240:
		return rs.corrupt("stream %s has a maximum record size of %d KiB", name, s.kib)
	case s.warm > math.MaxInt: // CreateStream and UpdateStreamMode set no maximum
		return rs.corrupt("stream %s has a warm throughput of %d MiB/s", name, s.warm)
	case s.tags == nil || len(s.tags) > maxTags:
		return rs.corrupt("stream %s has invalid tags", name)
	case len(s.scaleEvents) > maxScalingsPerDay:
		return rs.corrupt("stream %s has %d UpdateShardCount events", name, len(s.scaleEvents))
	case s.shards == 0:
		return rs.corrupt("stream %s has no shards", name)
	}
	if !canonicalMetrics(s.metrics) {
		return rs.corrupt("stream %s has invalid enhanced metrics %q", name, s.metrics)
	}
	return nil
}

// startStream builds the stream of a checked section, without shards yet,
// and makes it the stream whose consumer and shard sections follow.
func (rs *restorer) startStream(s *streamSection) {
	st := &Stream{
		e:           rs.e,
		id:          s.id,
		name:        s.name,
		arn:         rs.e.streamARN(s.name),
		created:     s.created,
		mode:        s.mode,
		tags:        s.tags,
		consumers:   map[string]*consumer{},
		metrics:     s.metrics,
		keyID:       s.keyID,
		warmMiBps:   int(s.warm),
		scaleEvents: s.scaleEvents,
	}
	st.phase.Store(&phase{status: s.status, until: s.until})
	st.retention.Store(int64(time.Duration(s.hours) * time.Hour))
	st.maxRecordSize.Store(int64(s.kib) << 10)
	st.encrypted.Store(s.keyID != "")
	st.routing.Store(newRouteSet([]*shard{}))
	rs.st = st
	rs.wantConsumers, rs.wantShards = s.consumers, s.shards
	rs.lineage = rs.lineage[:0]
	rs.resources[st.arn] = true
}

// canonicalMetrics reports whether ms are shard-level metric names in
// canonical order, without repeats.
func canonicalMetrics(ms []string) bool {
	i := 0
	for _, m := range ms {
		for i < len(shardLevelMetrics) && shardLevelMetrics[i] != m {
			i++
		}
		if i == len(shardLevelMetrics) {
			return false
		}
		i++
	}
	return true
}

// consumer reads a consumer section of the current stream.
func (rs *restorer) consumer(d *snapshotDecoder) error {
	st := rs.st
	if st == nil || len(st.shards) > 0 || uint64(len(st.consumers)) >= rs.wantConsumers {
		return rs.corrupt("a consumer section out of place")
	}
	name := d.str(128)
	arn := d.str(4096)
	created := d.time()
	status := ConsumerStatus(d.str(32))
	ready := d.time()
	tags := d.tags()
	if !d.done() {
		return rs.malformed()
	}
	suffix, ok := strings.CutPrefix(arn, st.arn+"/consumer/"+name+":")
	switch {
	case !isName(name) || st.consumers[name] != nil:
		return rs.corrupt("invalid or duplicate consumer name %q", name)
	case !ok || suffix == "" || strings.Trim(suffix, "0123456789") != "":
		return rs.corrupt("consumer %s has an invalid ARN %q", name, arn)
	case status != ConsumerStatusCreating && status != ConsumerStatusActive && status != ConsumerStatusDeleting:
		return rs.corrupt("consumer %s has an unknown status %q", name, status)
	case tags == nil || len(tags) > maxTags:
		return rs.corrupt("consumer %s has invalid tags", name)
	}
	st.consumers[name] = &consumer{
		st:        st,
		name:      name,
		arn:       arn,
		created:   created,
		status:    status,
		ready:     ready,
		tags:      tags,
		subs:      map[uint32]*Subscription{},
		subLimits: map[uint32]*rate.Limiter{},
	}
	rs.resources[arn] = true
	return nil
}

// shard reads a shard section of the current stream.
func (rs *restorer) shard(d *snapshotDecoder) error {
	st := rs.st
	if st == nil || uint64(len(st.consumers)) != rs.wantConsumers || uint64(len(st.shards)) >= rs.wantShards {
		return rs.corrupt("a shard section out of place")
	}
	if err := rs.finishShard(); err != nil {
		return err
	}
	index := d.u()
	var r HashKeyRange
	r.StartingHashKey = d.hashKey()
	r.EndingHashKey = d.hashKey()
	parent := d.u()
	adjacent := d.u()
	created := d.time()
	createdSec := d.i()
	trim := d.u()
	next := d.u()
	lastArrival := d.i()
	closed := d.bool()
	closedAt := d.time()
	gone := d.bool()
	if !d.done() {
		return rs.malformed()
	}
	n := uint64(len(st.shards))
	switch {
	case index != n || index >= math.MaxInt32:
		return rs.corrupt("shard %d where shard %d was expected", index, n)
	case r.StartingHashKey.Cmp(r.EndingHashKey) > 0:
		return rs.corrupt("shard %d has an empty hash-key range", index)
	case parent > index || adjacent > index || adjacent != 0 && (parent == 0 || adjacent == parent):
		return rs.corrupt("shard %d has invalid parents", index)
	case created.IsZero() || createdSec < 0 || createdSec >= 1<<36:
		return rs.corrupt("shard %d has an invalid creation time", index)
	case trim < 1 || trim > next || next > maxSequenceCounter:
		return rs.corrupt("shard %d has invalid sequence counters %d and %d", index, trim, next)
	case closed == closedAt.IsZero():
		return rs.corrupt("shard %d has an inconsistent close time", index)
	case gone && !closed:
		return rs.corrupt("shard %d is expired but open", index)
	}
	parentID, adjacentID := "", ""
	if parent > 0 {
		parentID = shardID(int(parent - 1))
	}
	if adjacent > 0 {
		adjacentID = shardID(int(adjacent - 1))
	}
	sh := newShard(st, int(index), r, created, createdSec, parentID, adjacentID)
	sh.trim, sh.next, sh.lastArrival = trim, next, lastArrival
	sh.closed, sh.closedAt, sh.gone = closed, closedAt, gone
	if closed {
		sh.ending = makeSequenceNumber(createdSec, uint32(index), maxSequenceCounter, closedAt.Unix())
	}
	st.shards = append(st.shards, sh)
	rs.lineage = append(rs.lineage, lineage{parent: int(parent) - 1, adjacent: int(adjacent) - 1})
	rs.sh = sh
	rs.expect = trim
	rs.prevArrival = math.MinInt64
	return nil
}

// recordBlock reads a records section into a chunk of the current shard.
func (rs *restorer) recordBlock(d *snapshotDecoder) error {
	sh := rs.sh
	if sh == nil || sh.gone || rs.meta {
		return rs.corrupt("a records section out of place")
	}
	index := d.u()
	first := d.u()
	n := d.count(4)
	arrival := d.i()
	switch {
	case d.bad || n < 1 || n > maxEntries:
		return rs.malformed()
	case index != uint64(sh.index) || first != rs.expect:
		return rs.corrupt("records of shard %d from counter %d where shard %d continues at %d", index, first, sh.index, rs.expect)
	case uint64(n) > sh.next-rs.expect:
		return rs.corrupt("shard %d holds more records than its counters allow", sh.index)
	case arrival < rs.prevArrival:
		return rs.corrupt("records of shard %d go back in time", sh.index)
	}
	entries := make([]entry, n)
	off := 0
	for i := range entries {
		delta := d.u()
		keyLen := d.u()
		dataLen := d.u()
		flags := d.u()
		if d.bad || delta > math.MaxInt64 || arrival > math.MaxInt64-int64(delta) ||
			keyLen < 1 || keyLen > math.MaxUint16 || dataLen > maxDataBytes || flags&^entryKMS != 0 ||
			uint64(off)+keyLen+dataLen > uint64(len(d.b)) {
			return rs.corrupt("invalid record %d of shard %d", first+uint64(i), sh.index)
		}
		arrival += int64(delta)
		entries[i] = entry{arrival: arrival, off: uint32(off), dataLen: uint32(dataLen), keyLen: uint16(keyLen), flags: uint16(flags)}
		off += int(keyLen + dataLen)
	}
	if off != len(d.b) {
		return rs.corrupt("records of shard %d hold %d bytes, not %d", sh.index, len(d.b), off)
	}
	if arrival > sh.lastArrival {
		return rs.corrupt("records of shard %d arrived after its newest record", sh.index)
	}
	// Cloning (rather than make and copy) spares zeroing the new slab.
	c := &chunk{first: first, entries: entries, slab: slices.Clone(d.b), used: off}
	rs.e.mem.used.Add(chunkBytes(c))
	sh.chunks.ReplaceOrInsert(c)
	sh.tail = c
	rs.expect += uint64(n)
	rs.prevArrival = arrival
	rs.records += uint64(n)
	return nil
}

// finishShard checks that the current shard received all its records.
func (rs *restorer) finishShard() error {
	sh := rs.sh
	if sh == nil {
		return nil
	}
	rs.sh = nil
	if !sh.gone && !rs.meta && rs.expect != sh.next {
		return rs.corruptStream("shard %d holds records up to counter %d, its next counter is %d", sh.index, rs.expect, sh.next)
	}
	if sh.tail != nil && len(sh.tail.slab) >= minSlab {
		sh.lastSlab = len(sh.tail.slab) // new chunks continue the doubling
	}
	return nil
}

// finishStream completes the current stream: all its sections arrived and
// its shards form a valid topology.
func (rs *restorer) finishStream() error {
	st := rs.st
	if st == nil {
		return nil
	}
	if err := rs.finishShard(); err != nil {
		return err
	}
	if uint64(len(st.consumers)) != rs.wantConsumers || uint64(len(st.shards)) != rs.wantShards {
		return rs.corruptStream("the stream has %d consumers and %d shards, its section says %d and %d",
			len(st.consumers), len(st.shards), rs.wantConsumers, rs.wantShards)
	}
	if err := rs.topology(st); err != nil {
		return err
	}
	rs.streams[st.name] = st
	rs.ids[st.id] = true
	rs.st = nil
	return nil
}

// topology checks the invariants of resharding on a restored stream and
// sets the derived state: each closed shard's children and the routing
// table of open shards.
//
// Every child has closed parents with earlier indices; a split child lies
// within its parent's range and a merge child is exactly the union of its
// two adjacent parents. Every closed shard has children: one merge child,
// or two split children that cover its range. The open shards cover the
// hash-key space with no gap and no overlap.
func (rs *restorer) topology(st *Stream) error {
	shards := st.shards
	kids := make([][]*shard, len(shards))
	for i, sh := range shards {
		l := rs.lineage[i]
		if l.parent < 0 {
			continue
		}
		p := shards[l.parent]
		if !p.closed {
			return rs.corruptStream("shard %s has parent %s, which is open", sh.id, p.id)
		}
		r := sh.hashRange
		if l.adjacent < 0 {
			if r.StartingHashKey.Cmp(p.hashRange.StartingHashKey) < 0 || r.EndingHashKey.Cmp(p.hashRange.EndingHashKey) > 0 {
				return rs.corruptStream("shard %s reaches outside its parent %s", sh.id, p.id)
			}
		} else {
			a := shards[l.adjacent]
			next, overflow := p.hashRange.EndingHashKey.add(1)
			if !a.closed || overflow || next != a.hashRange.StartingHashKey ||
				r.StartingHashKey != p.hashRange.StartingHashKey || r.EndingHashKey != a.hashRange.EndingHashKey {
				return rs.corruptStream("shard %s is not the merge of %s and %s", sh.id, p.id, a.id)
			}
			kids[l.adjacent] = append(kids[l.adjacent], sh)
		}
		kids[l.parent] = append(kids[l.parent], sh)
	}
	var open []*shard
	for i, sh := range shards {
		if !sh.closed {
			open = append(open, sh)
			continue
		}
		k := kids[i]
		switch {
		case len(k) == 1 && rs.lineage[k[0].index].adjacent >= 0:
			sh.children = []ChildShard{{ShardId: k[0].id, ParentShards: []string{k[0].parent, k[0].adjacent}, HashKeyRange: k[0].hashRange}}
		case len(k) == 2 && rs.lineage[k[0].index].adjacent < 0 && rs.lineage[k[1].index].adjacent < 0 &&
			k[0].hashRange.StartingHashKey == sh.hashRange.StartingHashKey &&
			adjacentRanges(k[0].hashRange, k[1].hashRange) &&
			k[1].hashRange.EndingHashKey == sh.hashRange.EndingHashKey:
			parents := []string{sh.id}
			sh.children = []ChildShard{
				{ShardId: k[0].id, ParentShards: parents, HashKeyRange: k[0].hashRange},
				{ShardId: k[1].id, ParentShards: parents, HashKeyRange: k[1].hashRange},
			}
		default:
			return rs.corruptStream("closed shard %s has no valid children", sh.id)
		}
	}
	sort.Slice(open, func(i, j int) bool {
		return open[i].hashRange.StartingHashKey.Cmp(open[j].hashRange.StartingHashKey) < 0
	})
	if len(open) == 0 || open[0].hashRange.StartingHashKey != (HashKey{}) || open[len(open)-1].hashRange.EndingHashKey != MaxHashKey {
		return rs.corruptStream("the open shards do not cover the hash-key space")
	}
	for i := 1; i < len(open); i++ {
		if !adjacentRanges(open[i-1].hashRange, open[i].hashRange) {
			return rs.corruptStream("open shards %s and %s leave a gap or overlap", open[i-1].id, open[i].id)
		}
	}
	st.setRoutes(open)
	return nil
}

// adjacentRanges reports whether b starts right after a ends.
func adjacentRanges(a, b HashKeyRange) bool {
	next, overflow := a.EndingHashKey.add(1)
	return !overflow && next == b.StartingHashKey
}

// policy reads a resource policy section.
func (rs *restorer) policy(d *snapshotDecoder) error {
	rs.ended = true
	arn := d.str(4096)
	doc := d.str(maxSectionBytes)
	if !d.done() {
		return rs.malformed()
	}
	switch {
	case !rs.resources[arn]:
		return rs.corrupt("a policy for %s, which is not in the snapshot", arn)
	case rs.policies[arn] != "":
		return rs.corrupt("two policies for %s", arn)
	case !json.Valid([]byte(doc)):
		return rs.corrupt("the policy of %s is not JSON", arn)
	}
	rs.policies[arn] = doc
	return nil
}

// end reads the end section and checks the totals.
func (rs *restorer) end(d *snapshotDecoder) error {
	streams := d.u()
	records := d.u()
	policies := d.u()
	if !d.done() {
		return rs.malformed()
	}
	if streams != uint64(len(rs.streams)) || records != rs.records || policies != uint64(len(rs.policies)) {
		return rs.corrupt("the snapshot holds %d streams, %d records and %d policies, its end says %d, %d and %d",
			len(rs.streams), rs.records, len(rs.policies), streams, records, policies)
	}
	return nil
}

// snapshotDecoder reads the fields of a section payload. A field that does
// not parse sets bad; later reads return zero values.
type snapshotDecoder struct {
	b   []byte
	bad bool
}

// done reports whether the payload parsed completely.
func (d *snapshotDecoder) done() bool { return !d.bad && len(d.b) == 0 }

func (d *snapshotDecoder) u() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *snapshotDecoder) i() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *snapshotDecoder) bytes(n int) []byte {
	if d.bad || len(d.b) < n {
		d.bad = true
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}

func (d *snapshotDecoder) bool() bool {
	b := d.bytes(1)
	if b == nil || b[0] > 1 {
		d.bad = true
		return false
	}
	return b[0] == 1
}

// str reads a string of at most limit bytes.
func (d *snapshotDecoder) str(limit int) string {
	n := d.u()
	if n > uint64(limit) {
		d.bad = true
		return ""
	}
	return string(d.bytes(int(n)))
}

// count reads a number of items each at least minSize bytes long; it
// cannot exceed what the rest of the payload can hold.
func (d *snapshotDecoder) count(minSize int) int {
	n := d.u()
	if n > uint64(len(d.b)/minSize) {
		d.bad = true
		return 0
	}
	return int(n)
}

func (d *snapshotDecoder) time() time.Time {
	b := d.bytes(1)
	switch {
	case b == nil:
		return time.Time{}
	case b[0] == 0:
		return time.Time{}
	case b[0] != 1:
		d.bad = true
		return time.Time{}
	}
	sec := d.i()
	nsec := d.u()
	if nsec >= 1e9 {
		d.bad = true
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

func (d *snapshotDecoder) hashKey() HashKey {
	b := d.bytes(16)
	if b == nil {
		return HashKey{}
	}
	return HashKey{hi: binary.BigEndian.Uint64(b), lo: binary.BigEndian.Uint64(b[8:])}
}

// tags reads a tag list into a map, or returns nil if it is malformed or
// repeats a key.
func (d *snapshotDecoder) tags() map[string]string {
	n := d.count(2)
	m := make(map[string]string, min(n, maxTags))
	for range n {
		k := d.str(512)
		v := d.str(1024)
		if _, dup := m[k]; dup || d.bad {
			d.bad = true
			return nil
		}
		m[k] = v
	}
	return m
}
