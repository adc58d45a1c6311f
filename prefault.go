package freshet

import (
	"runtime"
	"sync/atomic"
)

// Touching a shard's next chunk before it is needed
//
// A store that only grows writes into memory the process has never
// touched, and the first write to each page of it is a page fault: on the
// machines freshet is measured on, several microseconds, about as much as
// all the other work of the 37 100-byte records a 4 KiB page holds. Taken
// by the write that copies a record, under the shard lock, a fault costs
// the writer and makes every other writer and reader of the shard wait.
//
// So a shard prepares its next chunk while it fills the current one. Once
// the tail chunk (of at least minSpareSlab bytes) is half full, the write
// that notices allocates a spare chunk after it has released the lock
// (allocating does not touch fresh memory) and starts a goroutine that
// writes into each of its pages, outside the lock and on another processor
// when one is idle. Once the tail is three quarters full, the writers help,
// each touching a page or more after it has released the lock, so that
// when every processor is busy writing the spare is still ready in time.
// When the tail is full, the write that installs the spare as the new tail
// finds its pages in memory. If the spare is not finished by then, the
// rest of its pages fault as they are written, as before.
//
// A spare's pages are those of its slab and those of the part of its entry
// table that its records are expected to fill, judging by the mean size of
// the tail's records (the table is sized for the smallest records, so most
// of it is usually never written, and touching it all would make those
// pages resident for nothing).
//
// A toucher (the goroutine or a writer) claims each page with an atomic
// counter, writes a zero into it and counts it done. Installing the spare
// (under the lock) closes the claims and waits for the touches in flight,
// so no write of a record overlaps a touch. The goroutine ends when every page is touched, the
// spare is installed, the shard is closed or dropped, or the engine is
// closed, whichever comes first: it runs for at most the time to touch one
// chunk (1 MiB). A spare is counted in MemoryInUse once it is installed;
// under a memory budget (WithMaxMemory), a shard makes one only if it fits
// the budget.

// pageSize is the page size assumed for touching: 4 KiB, the smallest in
// use. Where pages are larger, a spare is touched more often than needed.
const pageSize = 4 << 10

// minSpareSlab is the smallest tail chunk that gets a spare: a shard's first
// chunks (8, 16, 32 KiB) are a handful of pages, not worth the bookkeeping.
const minSpareSlab = 64 << 10

// spareChunk is a shard's next chunk while its pages are touched: first
// its slab's, then those of the part of its entry table its records are
// expected to fill.
type spareChunk struct {
	c         *chunk
	slabPages int64
	pages     int64        // slab pages and entry-table pages
	claimed   atomic.Int64 // pages claimed for touching; pages or more: no more touching
	touched   atomic.Int64 // claimed pages written
}

// newSpareChunk returns the spare chunk c, to be touched: its whole slab,
// and the pages of its entry table that hold its first entries entries.
func newSpareChunk(c *chunk, entries int) *spareChunk {
	slabPages := int64((len(c.slab) + pageSize - 1) / pageSize)
	entries = min(entries, cap(c.entries))
	entryPages := int64((entries*entrySize + pageSize - 1) / pageSize)
	return &spareChunk{c: c, slabPages: slabPages, pages: slabPages + entryPages}
}

// touchPage writes into page i of the spare: a page of its slab, or of its
// entry table after them. Writing beyond the table's length (within its
// capacity) is harmless: appends overwrite those entries.
func (s *spareChunk) touchPage(i int64) {
	if i < s.slabPages {
		s.c.slab[i*pageSize] = 0
		return
	}
	// The first entry starting in page i of the table.
	k := ((i-s.slabPages)*pageSize + entrySize - 1) / entrySize
	s.c.entries[:cap(s.c.entries)][k].arrival = 0
}

// touch writes into up to n untouched pages of the spare, and stops early
// when all are touched, the claims are closed or done is closed.
func (s *spareChunk) touch(done <-chan struct{}, n int64) {
	for ; n > 0; n-- {
		select {
		case <-done:
			return
		default:
		}
		if s.claimed.Load() >= s.pages {
			return
		}
		i := s.claimed.Add(1) - 1
		if i >= s.pages {
			return
		}
		s.touchPage(i)
		s.touched.Add(1)
	}
}

// stop ends the touching and waits for the touches in flight, after which
// the chunk is its caller's alone.
func (s *spareChunk) stop() *chunk {
	claimed := min(s.claimed.Swap(s.pages), s.pages)
	for s.touched.Load() < claimed {
		runtime.Gosched() // a toucher is between its claim and its count
	}
	return s.c
}

// spareWantedLocked tells whether the write that holds sh.mu should
// allocate the shard's spare chunk once it has released the lock: it
// returns the slab size of the tail the spare follows, or 0, and marks the
// allocation as under way. It also returns how many entries the spare is
// expected to hold, judging by the size of the tail's records, whose pages
// of the entry table are touched too. The caller holds sh.mu.
func (sh *shard) spareWantedLocked() (prevSlab, expected int) {
	t := sh.tail
	if sh.allocatingSpare || sh.spare != nil || t == nil || len(t.slab) < minSpareSlab ||
		2*t.used < len(t.slab) && 2*len(t.entries) < cap(t.entries) {
		return 0, 0
	}
	e := sh.st.e
	slab, entries := chunkSize(len(t.slab), 0)
	if limit := e.cfg.storage.maxMemory; limit > 0 && e.mem.used.Load()+int64(slab+entries*entrySize) > limit {
		return 0, 0 // a spare would not fit the memory budget: allocate when needed, or refuse then
	}
	sh.allocatingSpare = true
	if t.used > 0 {
		// As many records as the spare's slab holds at the tail's mean
		// record size, and an eighth more.
		expected = int(min(int64(entries), int64(slab)*int64(len(t.entries))/int64(t.used)*9/8))
	}
	return len(t.slab), expected
}

// makeSpare allocates the spare chunk that spareWantedLocked asked for,
// without sh.mu, and starts the goroutine that touches its pages.
func (sh *shard) makeSpare(prevSlab, expected int) {
	s := newSpareChunk(newChunk(0, prevSlab, 0), expected)
	sh.mu.Lock()
	sh.allocatingSpare = false
	live := !sh.closed && !sh.gone
	if live {
		sh.spare = s
	}
	sh.mu.Unlock()
	if live {
		go s.touch(sh.st.e.done, s.pages)
	}
}

// spareBehindLocked returns the shard's spare if the writers should help
// touch it: the tail is three quarters full and the spare's goroutine,
// which may not get a processor soon when every one is busy writing, has
// pages left. The caller holds sh.mu.
func (sh *shard) spareBehindLocked() *spareChunk {
	s, t := sh.spare, sh.tail
	if s == nil || t == nil || 4*t.used < 3*len(t.slab) && 4*len(t.entries) < 3*cap(t.entries) || s.claimed.Load() >= s.pages {
		return nil
	}
	return s
}

// helpTouch touches the pages of the spare that a write of n bytes owes
// it, without sh.mu: 1+8(n+27)/pageSize, enough for the spare (at most
// twice the tail's size, so 8(n+27)/pageSize pages per record of the
// tail's last quarter, counting its entry and the eighth more entries
// touched) to be ready when the tail is full.
func (sh *shard) helpTouch(s *spareChunk, n int) {
	s.touch(sh.st.e.done, int64(1+8*(n+entrySize*9/8)/pageSize))
}

// takeSpareLocked returns the shard's spare chunk, to become the tail, if
// there is one that fits a record of n bytes; a spare that does not is
// forgotten. The caller holds sh.mu.
func (sh *shard) takeSpareLocked(n int) *chunk {
	s := sh.spare
	if s == nil {
		return nil
	}
	sh.spare = nil
	c := s.stop()
	if !c.fits(n) {
		return nil
	}
	sh.sparesInstalled++
	return c
}

// forgetSpareLocked drops the shard's spare chunk: the shard takes no more
// records. The caller holds sh.mu.
func (sh *shard) forgetSpareLocked() {
	if s := sh.spare; s != nil {
		s.claimed.Store(s.pages) // ends its goroutine
		sh.spare = nil
	}
}
