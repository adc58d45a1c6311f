package freshet

import (
	"time"
	"unsafe"
)

// EncryptionType tells whether records are encrypted at rest: NONE or KMS.
type EncryptionType string

// Encryption types.
const (
	EncryptionNone EncryptionType = "NONE"
	EncryptionKMS  EncryptionType = "KMS"
)

// Record is a data record as a reader receives it.
//
// Data and PartitionKey share the engine's storage: reading them is free,
// and they stay valid for as long as the caller holds them (even after the
// record is trimmed by retention), but Data must not be modified. Copy it
// first to change it.
type Record struct {
	// SequenceNumber is unique within the stream and increases with write
	// order within the shard.
	SequenceNumber SequenceNumber
	// ApproximateArrivalTimestamp is the time the engine accepted the
	// record, to the millisecond.
	ApproximateArrivalTimestamp time.Time
	// Data is the record's payload, exactly as written.
	Data []byte
	// PartitionKey is the key the record was written with.
	PartitionKey string
	// EncryptionType is KMS when the stream encrypted the record.
	EncryptionType EncryptionType
}

// Storage layout
//
// A shard stores its records in chunks: one byte slab holding each record's
// partition key followed by its data, and a table of fixed-size entries
// pointing into the slab. Neither holds pointers per record, so the garbage
// collector scans a chunk in constant time and a record costs
// entrySize (24) bytes plus its partition key and data. Chunks are filled in
// place (their slab and entry table never reallocate), which lets readers
// copy a snapshot of a chunk's entries under the shard lock and then read
// the bytes without it. A record's sequence-number counter is implicit:
// chunk.first plus its position in the entry table.

// entry describes one record of a chunk.
type entry struct {
	arrival int64  // unix milliseconds
	off     uint32 // offset of the partition key in the slab; data follows it
	dataLen uint32
	keyLen  uint16
	flags   uint16
}

const entryKMS = 1 << 0 // the record was encrypted with KMS

const (
	minSlab        = 8 << 10  // first chunk of a shard
	maxSlab        = 1 << 20  // chunks grow by doubling up to this size
	entriesPerSlab = 64       // bytes of slab per entry slot: a chunk holds slab/64 entries
	maxEntries     = 16 << 10 // at most this many records per chunk
)

type chunk struct {
	first   uint64 // counter of entries[0]
	entries []entry
	slab    []byte // fixed length; used bytes are slab[:used]
	used    int
}

// newChunk returns a chunk able to hold at least need bytes, sized by
// doubling the previous chunk's slab.
func newChunk(first uint64, prevSlab, need int) *chunk {
	size, n := chunkSize(prevSlab, need)
	return &chunk{
		first:   first,
		entries: make([]entry, 0, n),
		slab:    make([]byte, size),
	}
}

// chunkSize returns the slab size and entry capacity of the chunk that
// newChunk makes.
func chunkSize(prevSlab, need int) (slab, entries int) {
	slab = minSlab
	if prevSlab > 0 {
		slab = min(prevSlab*2, maxSlab)
	}
	if need > slab {
		slab = need
	}
	return slab, min(max(slab/entriesPerSlab, 64), maxEntries)
}

// fits reports whether a record of n bytes fits in c.
func (c *chunk) fits(n int) bool {
	return len(c.entries) < cap(c.entries) && c.used+n <= len(c.slab)
}

// add appends a record; the caller checked fits.
func (c *chunk) add(key string, data []byte, arrival int64, flags uint16) {
	off := c.used
	copy(c.slab[off:], key)
	copy(c.slab[off+len(key):], data)
	c.used = off + len(key) + len(data)
	c.entries = append(c.entries, entry{
		arrival: arrival,
		off:     uint32(off),
		dataLen: uint32(len(data)),
		keyLen:  uint16(len(key)),
		flags:   flags,
	})
}

// last returns the counter of c's last record.
func (c *chunk) last() uint64 {
	return c.first + uint64(len(c.entries)) - 1
}

// fill materializes entry e (with sequence counter counter) of a snapshot
// of a chunk into r. It sets the fields one by one: copying a whole Record
// would go through a bulk write barrier while the garbage collector runs.
func (sh *shard) fill(r *Record, slab []byte, e *entry, counter uint64) {
	start := e.off + uint32(e.keyLen)
	end := start + e.dataLen
	r.SequenceNumber = makeSequenceNumber(sh.createdSec, sh.index, counter, e.arrival/1000)
	r.ApproximateArrivalTimestamp = time.UnixMilli(e.arrival).UTC()
	r.Data = slab[start:end:end]
	r.PartitionKey = bytesToString(slab[e.off:start])
	if e.flags&entryKMS != 0 {
		r.EncryptionType = EncryptionKMS
	} else {
		r.EncryptionType = EncryptionNone
	}
}

// bytesToString returns a string sharing b's memory. The slab bytes behind
// a stored record are never written again, so the string is immutable.
func bytesToString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
