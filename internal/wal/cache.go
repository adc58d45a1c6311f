package wal

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"sort"
	"sync"
)

// Cache keeps recently read blocks of segment files for the logs that
// share it, bounded in bytes, least recently used out first.
//
// A block is the run of whole frames between two entries of a segment's
// sparse index (about Options.IndexEvery bytes). It enters the cache only
// after every frame in it matched its checksum, so a read served from the
// cache does no checksum work; a byte flipped on disk after its block was
// cached is served from the cache (as the page cache would serve it) and
// detected when the block is read from the file again.
//
// Records returned by reads alias the blocks' buffers, which are never
// written after they are loaded: a block leaving the cache (evicted, its
// segment removed, its log closed) is left to the garbage collector, so
// records a caller still holds stay valid. A buffer is reused for another
// block only once the garbage collector found nothing referring to it (see
// blockBuf).
type Cache struct {
	max int64

	mu     sync.Mutex
	used   int64
	blocks map[blockKey]*block
	lru    block // sentinel: lru.next is the most recently used
	hits   int64
	misses int64

	evictions int64 // under mu: blocks removed for the budget
}

// NewCache returns a cache holding at most maxBytes bytes of blocks
// (nothing if maxBytes <= 0: every read then reads the files).
func NewCache(maxBytes int64) *Cache {
	c := &Cache{max: maxBytes, blocks: map[blockKey]*block{}}
	c.lru.next, c.lru.prev = &c.lru, &c.lru
	return c
}

// CacheStats are a cache's counters.
type CacheStats struct {
	// Hits and Misses count the blocks reads found in the cache or read
	// from the files.
	Hits, Misses int64
	// Evictions counts the blocks removed to make room for others (not
	// those of segments removed or logs closed).
	Evictions int64
	// Bytes is what the cached blocks hold; Blocks their number.
	Bytes  int64
	Blocks int
	// MaxBytes is the cache's budget.
	MaxBytes int64
}

// Stats returns the cache's counters. The counters are kept under the
// lock reads of the cache take anyway: counting costs reads nothing more.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Hits: c.hits, Misses: c.misses, Evictions: c.evictions, Bytes: c.used, Blocks: len(c.blocks), MaxBytes: max(c.max, 0)}
}

type blockKey struct {
	seg *segment
	off int64
}

// block is whole records of a segment, read from the file and checked.
type block struct {
	key  blockKey
	end  int64      // file offset after buf
	buf  []byte     // the records; never written after load
	recs []blockRec // the records' headers, decoded
	// first is the counter of the first record; seq tells that the
	// counters are first, first+1, ... (the usual case), which finds a
	// record without a search.
	first uint64
	seq   bool
	// err is set on a block that holds the records before a damaged one
	// (and is not cached): reading past them fails with it.
	err error

	prev, next *block // in the cache's LRU list
}

// blockRec is a record of a block: what reads need of its header.
type blockRec struct {
	arrival int64
	off     uint32 // of the record in buf
	keyLen  uint16
	flags   uint16
}

// blockRecSize is the size of a blockRec.
const blockRecSize = 16

// bytes is what the block costs the cache.
func (b *block) bytes() int64 {
	return int64(cap(b.buf)) + blockRecSize*int64(cap(b.recs)) + blockOverhead
}

// recEnd returns the offset in buf after record i.
func (b *block) recEnd(i int) int {
	if i+1 < len(b.recs) {
		return int(b.recs[i+1].off)
	}
	return len(b.buf)
}

// blockOverhead is about the fixed size of a block and its map entry.
const blockOverhead = 160

// find returns the index of the first record in b with counter >= pos.
func (b *block) find(pos uint64) int {
	if pos <= b.first {
		return 0
	}
	if b.seq {
		return int(min(pos-b.first, uint64(len(b.recs))))
	}
	return sort.Search(len(b.recs), func(i int) bool { return b.counter(i) >= pos })
}

// counter returns the counter of record i.
func (b *block) counter(i int) uint64 {
	if b.seq {
		return b.first + uint64(i)
	}
	return binary.BigEndian.Uint64(b.buf[b.recs[i].off+8:])
}

// get returns the cached block at key if it reaches end (the block at the
// end of a segment grows with it), or nil.
func (c *Cache) get(k blockKey, end int64) *block {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.blocks[k]
	if b == nil || b.end < end {
		c.misses++
		return nil
	}
	c.hits++
	c.unlink(b)
	c.pushFront(b)
	return b
}

// put caches b, unless a block at least as long is cached at its key
// already (a concurrent reader loaded it), which put returns instead. It
// evicts the least recently used blocks beyond the budget. A block larger
// than the whole budget is not cached.
func (c *Cache) put(b *block) *block {
	n := b.bytes()
	if n > c.max {
		return b
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.blocks[b.key]; old != nil {
		if old.end >= b.end {
			return old
		}
		c.remove(old)
	}
	c.blocks[b.key] = b
	c.pushFront(b)
	c.used += n
	for c.used > c.max {
		c.remove(c.lru.prev)
		c.evictions++
	}
	return b
}

// drop removes the blocks of segs.
func (c *Cache) drop(segs []*segment) {
	if len(segs) == 0 {
		return
	}
	set := make(map[*segment]bool, len(segs))
	for _, s := range segs {
		set[s] = true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, b := range c.blocks {
		if set[k.seg] {
			c.remove(b)
		}
	}
}

func (c *Cache) remove(b *block) {
	c.unlink(b)
	delete(c.blocks, b.key)
	c.used -= b.bytes()
}

func (c *Cache) unlink(b *block) {
	b.prev.next, b.next.prev = b.next, b.prev
	b.prev, b.next = nil, nil
}

func (c *Cache) pushFront(b *block) {
	b.prev, b.next = &c.lru, c.lru.next
	c.lru.next.prev = b
	c.lru.next = b
}

// loadBlock reads the records of s in [off, end), whole frames (records,
// in a version 1 segment), from the file and checks them. A damaged frame
// ends the block before it, with err set. f is s's file.
//
// The file is read into memory of the block's own (see blockBuf), which
// records read share, and which is never written after loadBlock returns
// (see Cache).
// The frames' records are moved down over the frames' headers, so that the
// block's records are back to back, as in a version 1 segment.
func loadBlock(s *segment, f File, off, end int64) (*block, error) {
	n := int(end - off)
	buf := blockBuf(n)
	if _, err := f.ReadAt(buf, off); err != nil {
		return nil, fmt.Errorf("reading %s: %w", s.path, err)
	}
	b := &block{key: blockKey{s, off}, end: end, seq: true}
	// Records here are at least HeaderSize bytes; most blocks hold records
	// of similar sizes.
	b.recs = make([]blockRec, 0, n/HeaderSize/4+1)
	// A version 1 segment is read as frames of one record each, without a
	// frame header (see Segment format).
	v1 := s.version == 1
	hdr := FrameHeaderSize
	if v1 {
		hdr = 0
	}
	// w is the end of the records checked, moved down over the frames'
	// headers: the block's records are back to back.
	p, w := 0, 0
	bad := func(reason string) {
		b.err = &CorruptError{Path: s.path, Offset: off + int64(p), Reason: reason}
	}
	for p < n && b.err == nil {
		fr := buf[p:]
		if len(fr) < hdr+HeaderSize {
			bad("truncated record")
			break
		}
		// The frame's length, or the record's in a version 1 segment.
		length := int(binary.BigEndian.Uint32(fr[4:]))
		if length < bodyFixed || length > maxFrameLen || !v1 && length < HeaderSize {
			bad("invalid record length")
			break
		}
		size := 8 + length
		if size > len(fr) {
			bad("truncated record")
			break
		}
		if crc32.Checksum(fr[4:size], castagnoli) != binary.BigEndian.Uint32(fr) {
			bad("checksum mismatch")
			break
		}
		recs := fr[hdr:size]
		before := len(b.recs)
		// The header's fields are decoded one by one into locals rather
		// than by parseHeader: the compiler keeps a header (six fields) in
		// memory and copies it there with wide loads that wait for the
		// narrow stores that wrote it, which cost this loop a third of its
		// time.
		for q := 0; q < len(recs); {
			rec := recs[q:]
			if len(rec) < HeaderSize {
				bad("invalid records in a frame")
				break
			}
			length := int(binary.BigEndian.Uint32(rec[4:]))
			keyLen := int(binary.BigEndian.Uint16(rec[26:]))
			if length < bodyFixed || length > maxBody || bodyFixed+keyLen > length || 8+length > len(rec) {
				bad("invalid records in a frame")
				break
			}
			counter := binary.BigEndian.Uint64(rec[8:])
			if len(b.recs) == 0 {
				b.first = counter
			} else if counter != b.first+uint64(len(b.recs)) {
				b.seq = false
			}
			b.recs = append(b.recs, blockRec{
				arrival: int64(binary.BigEndian.Uint64(rec[16:])),
				off:     uint32(w + q),
				keyLen:  uint16(keyLen),
				flags:   binary.BigEndian.Uint16(rec[24:]),
			})
			q += 8 + length
		}
		if b.err != nil {
			b.recs = b.recs[:before]
			break
		}
		if hdr > 0 {
			copy(buf[w:], recs)
		}
		w += len(recs)
		p += size
	}
	b.buf = buf[:w:cap(buf)] // the cache counts all of its memory
	return b, nil
}
