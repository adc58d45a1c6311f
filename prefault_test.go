package freshet

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oneShardStream creates the 1-shard stream "s" on e and returns it and its
// shard.
func oneShardStream(t *testing.T, e *Engine) (*Stream, *shard) {
	t.Helper()
	mustCreate(t, e, "s", 1)
	st, err := e.Stream("s")
	require.NoError(t, err)
	return st, st.routes()[0]
}

// writeUntilChunks appends 100-byte records to the 1-shard stream st until
// its shard has at least n chunks, and returns the records' data in write
// order.
func writeUntilChunks(t *testing.T, st *Stream, n int) [][]byte {
	t.Helper()
	sh := st.routes()[0]
	var written [][]byte
	for i := 0; ; i++ {
		sh.mu.Lock()
		chunks := sh.chunks.Len()
		sh.mu.Unlock()
		if chunks >= n {
			return written
		}
		data := []byte(fmt.Sprintf("%-100d", i))
		_, err := st.Append(context.Background(), fmt.Sprintf("k%d", i%7), data)
		require.NoError(t, err)
		written = append(written, data)
	}
}

// A shard whose chunks grow past minSpareSlab writes into spare chunks
// prepared ahead: every record is read back in order, the chunks are
// contiguous, and MemoryInUse counts exactly the chunks in the shard.
func TestSpareChunkBecomesTail(t *testing.T) {
	e, _ := newClockEngine(t)
	mustCreate(t, e, "s", 1)
	st, err := e.Stream("s")
	require.NoError(t, err)
	written := writeUntilChunks(t, st, 8) // 8 KiB doubling to 1 MiB: 4 chunks come from spares

	got := dpReadShard(t, e, "s", "shardId-000000000000")
	require.Len(t, got, len(written))
	for i, r := range got {
		require.Equal(t, written[i], r.Data, "record %d", i)
		require.Equal(t, uint64(i+1), r.SequenceNumber.Counter(), "record %d", i)
	}

	sh := st.routes()[0]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	next, bytes, spares := uint64(1), int64(0), 0
	sh.chunks.Ascend(func(c *chunk) bool {
		assert.Equal(t, next, c.first, "chunks are contiguous")
		next = c.first + uint64(len(c.entries))
		bytes += chunkBytes(c)
		if len(c.slab) > minSpareSlab {
			spares++
		}
		return true
	})
	assert.Equal(t, sh.next, next)
	assert.Equal(t, bytes, e.MemoryInUse(), "a spare is counted once installed, not before")
	assert.GreaterOrEqual(t, spares, 4)
	assert.Equal(t, spares, sh.sparesInstalled, "every chunk past minSpareSlab was a spare")
}

// The goroutine that touches a spare stops when the shard is closed by a
// reshard or dropped with its stream, and the shard forgets its spare.
func TestSpareChunkForgottenWhenShardCloses(t *testing.T) {
	for _, end := range []string{"reshard", "delete"} {
		t.Run(end, func(t *testing.T) {
			e, _ := newClockEngine(t)
			st, sh := oneShardStream(t, e)
			writeUntilChunks(t, st, 5) // the tail is 128 KiB: a spare follows it
			for {
				sh.mu.Lock()
				s := sh.spare
				sh.mu.Unlock()
				if s != nil {
					break
				}
				_, err := st.Append(context.Background(), "k", make([]byte, 100))
				require.NoError(t, err)
			}
			var err error
			switch end {
			case "reshard":
				_, err = e.UpdateShardCount(context.Background(), &UpdateShardCountInput{StreamName: "s", TargetShardCount: 2, ScalingType: UniformScaling})
			case "delete":
				_, err = e.DeleteStream(context.Background(), &DeleteStreamInput{StreamName: "s"})
			}
			require.NoError(t, err)
			sh.mu.Lock()
			defer sh.mu.Unlock()
			assert.Nil(t, sh.spare)
			assert.True(t, sh.closed || sh.gone)
		})
	}
}

// Property: however touching goroutines (the spare's own and helping
// writers) and the install interleave, once stop returns no page is touched
// again and every claimed page was touched once (so a writer may fill the
// slab without racing a toucher: run with -race).
func TestSpareChunkStopWaitsForTouches(t *testing.T) {
	done := make(chan struct{})
	for round := range 100 {
		s := newSpareChunk(newChunk(0, 512<<10, 0), 0) // 1 MiB: 256 pages
		var wg sync.WaitGroup
		for g := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if g == 0 {
					s.touch(done, s.pages)
					return
				}
				for range 100 {
					s.touch(done, 1)
				}
			}()
		}
		for range rand.IntN(64) {
			_ = s.touched.Load() // let the touchers get somewhere
		}
		c := s.stop()
		touched := s.touched.Load()
		require.LessOrEqual(t, touched, s.pages, "round %d", round)
		for i := 0; i < len(c.slab); i += pageSize { // what a writer of records does next
			c.slab[i] = byte(i)
		}
		wg.Wait()
		require.Equal(t, touched, s.touched.Load(), "round %d: touched after stop", round)
	}
}

// touch touches at most the pages asked, each page once, and stops when
// the engine closes.
func TestSpareChunkTouchesEveryPage(t *testing.T) {
	s := newSpareChunk(newChunk(0, 512<<10, 0), 0)
	assert.Equal(t, int64(len(s.c.slab)/pageSize), s.pages)
	open := make(chan struct{})
	s.touch(open, 10)
	assert.Equal(t, int64(10), s.touched.Load())
	s.touch(open, 2*s.pages)
	assert.Equal(t, s.pages, s.touched.Load())
	assert.Equal(t, s.pages, s.claimed.Load(), "no claims past the last page")

	closed := make(chan struct{})
	close(closed)
	s = newSpareChunk(newChunk(0, 512<<10, 0), 0)
	s.touch(closed, s.pages)
	assert.Zero(t, s.touched.Load())
}

// A spare also touches the pages of its entry table that its expected
// records fill: each once, within the table's capacity, never the rest.
func TestSpareChunkTouchesEntryPages(t *testing.T) {
	c := newChunk(0, 512<<10, 0) // 1 MiB slab, 16,384 entries
	slabPages := int64(len(c.slab) / pageSize)
	table := c.entries[:cap(c.entries)]
	for i := range table {
		table[i].arrival = -1
	}
	const expected = 1000 // 24,000 bytes: 6 pages
	s := newSpareChunk(c, expected)
	require.Equal(t, slabPages+6, s.pages)
	s.touch(make(chan struct{}), 2*s.pages)
	require.Equal(t, s.pages, s.touched.Load())
	var touchedPages []int
	for i, e := range table {
		if e.arrival == 0 {
			page := i * entrySize / pageSize
			assert.Equal(t, page, (i*entrySize+7)/pageSize, "entry %d: the write lies in one page", i)
			touchedPages = append(touchedPages, page)
		}
	}
	assert.Equal(t, []int{0, 1, 2, 3, 4, 5}, touchedPages, "one write in each page of the first 1,000 entries")
	assert.Empty(t, c.entries, "the table's length is unchanged")

	s = newSpareChunk(newChunk(0, 512<<10, 0), 1<<20)
	assert.Equal(t, slabPages+int64(cap(s.c.entries)*entrySize/pageSize), s.pages, "no more than the table's capacity")
	s.touch(make(chan struct{}), 2*s.pages)
	assert.Equal(t, s.pages, s.touched.Load())
}

// The spare's expected records, whose entry pages are touched, follow the
// tail's mean record size, an eighth more, at most the table's capacity.
func TestSpareChunkExpectedEntries(t *testing.T) {
	e := newTestEngine(t, WithRetentionSweep(0))
	_, sh := oneShardStream(t, e)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for _, tc := range []struct {
		recordBytes, want int
	}{
		{100, (256 << 10) / 100 * 9 / 8}, // a 128 KiB tail is followed by 256 KiB
		{1000, (256 << 10) / 1000 * 9 / 8},
		{8, (256 << 10) / 64}, // the table's capacity
	} {
		tail := newChunk(1, 64<<10, 0)
		records := len(tail.slab)/2/tc.recordBytes + 1
		tail.used = records * tc.recordBytes
		tail.entries = tail.entries[:min(records, cap(tail.entries))]
		sh.tail, sh.spare, sh.allocatingSpare = tail, nil, false
		prev, expected := sh.spareWantedLocked()
		require.Equal(t, len(tail.slab), prev, "%d-byte records", tc.recordBytes)
		assert.InDelta(t, tc.want, expected, 2, "%d-byte records", tc.recordBytes)
	}
	sh.tail, sh.allocatingSpare = nil, false
}

// Writers help touch the spare once the tail is three quarters full and
// the spare has pages left: a page per write, more for large records.
func TestSpareChunkWritersHelp(t *testing.T) {
	e := newTestEngine(t, WithRetentionSweep(0))
	_, sh := oneShardStream(t, e)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	tail := newChunk(1, 64<<10, 0) // 128 KiB
	sh.tail = tail
	s := newSpareChunk(newChunk(0, len(tail.slab), 0), 0)
	sh.spare = s

	tail.used = len(tail.slab)/2 + 1
	assert.Nil(t, sh.spareBehindLocked(), "half full: the spare's goroutine has time")
	tail.used = 3 * len(tail.slab) / 4
	require.Same(t, s, sh.spareBehindLocked())
	sh.helpTouch(s, 100)
	assert.Equal(t, int64(1), s.touched.Load())
	sh.helpTouch(s, 3*pageSize)
	assert.Equal(t, int64(1+25), s.touched.Load(), "a record of 3 pages owes 25")
	s.touch(e.done, s.pages)
	assert.Nil(t, sh.spareBehindLocked(), "nothing left to touch")
}

// Property: concurrent writers to a stream whose chunks go through spares
// lose no record and keep each partition key's records in write order,
// while a follower reads them (run with -race).
func TestSpareChunkConcurrentWriters(t *testing.T) {
	e := newTestEngine(t, WithRetentionSweep(0))
	mustCreate(t, e, "s", 2)
	st, err := e.Stream("s")
	require.NoError(t, err)
	const writers, each = 4, 6000
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan map[string][]int, 1)
	go func() {
		seen := map[string][]int{}
		n := 0
		for r, err := range st.Follow(ctx, StartingPosition{Type: TrimHorizon}) {
			if err != nil {
				break
			}
			var w, i int
			_, _ = fmt.Sscanf(string(r.Data[:20]), "%d %d", &w, &i)
			seen[r.PartitionKey] = append(seen[r.PartitionKey], i)
			if n++; n == writers*each {
				break
			}
		}
		got <- seen
	}()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				data := []byte(fmt.Sprintf("%-200s", fmt.Sprintf("%d %d", w, i)))
				if _, err := st.Append(context.Background(), fmt.Sprintf("w%d", w), data); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	seen := <-got
	require.Len(t, seen, writers)
	for key, is := range seen {
		require.Len(t, is, each, key)
		for i, v := range is {
			require.Equal(t, i, v, "%s: records in write order", key)
		}
	}
}

// Under a memory budget, a shard makes a spare only when the spare fits
// in it beside the chunks in use.
func TestSpareChunkWithinMemoryBudget(t *testing.T) {
	for _, c := range []struct {
		budget int64
		spare  bool
	}{
		{budget: 0, spare: true},          // no budget
		{budget: 1 << 30, spare: true},    // room
		{budget: 300 << 10, spare: false}, // ~165 KiB in use, the spare is 176 KiB
	} {
		t.Run(fmt.Sprint(c.budget), func(t *testing.T) {
			e, _ := newClockEngine(t, WithMaxMemory(c.budget))
			st, sh := oneShardStream(t, e)
			writeUntilChunks(t, st, 4) // 8+16+32+64 KiB slabs and their entries
			made := false
			for range 600 { // past the middle of the 64 KiB tail
				_, err := st.Append(context.Background(), "k", make([]byte, 100))
				require.NoError(t, err)
				sh.mu.Lock()
				made = made || sh.spare != nil || sh.allocatingSpare
				sh.mu.Unlock()
			}
			assert.Equal(t, c.spare, made)
		})
	}
}

// Property: records of mixed sizes, some larger than the spare prepared
// for them (which the shard then forgets), are all stored and read back in
// order, and MemoryInUse counts exactly the shard's chunks.
func TestSpareChunkMixedRecordSizes(t *testing.T) {
	e, _ := newClockEngine(t)
	mustCreate(t, e, "s", 1)
	st, err := e.Stream("s")
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	var written [][]byte
	for i := range 3000 {
		size := 100
		switch rng.IntN(50) {
		case 0:
			size = 300 << 10 // larger than a 256 KiB spare
		case 1, 2:
			size = 20 << 10
		}
		data := make([]byte, size)
		data[0], data[size-1] = byte(i), byte(i>>8)
		_, err := st.Append(context.Background(), "k", data)
		require.NoError(t, err)
		written = append(written, data)
	}
	got := dpReadShard(t, e, "s", "shardId-000000000000")
	require.Len(t, got, len(written))
	for i, r := range got {
		require.Equal(t, written[i], r.Data, "record %d", i)
	}
	sh := st.routes()[0]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	var bytes int64
	sh.chunks.Ascend(func(c *chunk) bool {
		bytes += chunkBytes(c)
		return true
	})
	assert.Equal(t, bytes, e.MemoryInUse())
	assert.Positive(t, sh.sparesInstalled)
}
