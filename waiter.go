package freshet

import (
	"sync"
	"sync/atomic"
)

// Waking readers
//
// A reader that has read everything parks and a write wakes it. A writer
// pays for this only when a reader is parked: it checks one slice length
// under the shard lock it holds anyway, and one atomic counter of the
// stream. A waiter is a channel of capacity one that a reader allocates once
// and reuses, so parking allocates nothing. A reader that wakes finds
// everything written since it parked and drains it in one read.
//
// An Iterator parks on its shard. A Follower reads every open shard of a
// stream, so it parks on the stream instead: locking each of its shards to
// park and again to leave would cost more than the records. Every change of
// a shard (a record, a close, a deletion) first counts itself in
// shard.changes and then wakes the stream's parked followers; a follower
// first parks and then compares each shard's changes with the count it had
// read them at. Both sides use sequentially consistent atomics, so either
// the follower sees the change or the writer sees the follower.

// waiter is a parked reader.
type waiter struct {
	ch chan struct{} // capacity 1: a pending wake-up
}

func newWaiter() *waiter {
	return &waiter{ch: make(chan struct{}, 1)}
}

// reset discards a wake-up left from an earlier park.
func (w *waiter) reset() {
	select {
	case <-w.ch:
	default:
	}
}

// wake signals w without blocking.
func (w *waiter) wake() {
	select {
	case w.ch <- struct{}{}:
	default:
	}
}

// parkLocked registers w to be woken by the next change of the shard; the
// caller holds sh.mu and has checked that there is nothing to read.
func (sh *shard) parkLocked(w *waiter) {
	sh.waiters = append(sh.waiters, w)
}

// unpark removes w from the shard's waiters, if it is still there.
func (sh *shard) unpark(w *waiter) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for i, x := range sh.waiters {
		if x == w {
			last := len(sh.waiters) - 1
			sh.waiters[i] = sh.waiters[last]
			sh.waiters[last] = nil
			sh.waiters = sh.waiters[:last]
			return
		}
	}
}

// wakeWaitersLocked wakes and forgets every parked waiter; the caller
// holds sh.mu.
func (sh *shard) wakeWaitersLocked() {
	for i, w := range sh.waiters {
		w.wake()
		sh.waiters[i] = nil
	}
	sh.waiters = sh.waiters[:0]
}

// readable reports whether a reader at pos has something to do without
// waiting: records to read, or the end of a closed or deleted shard. The
// caller holds sh.mu.
func (sh *shard) readableLocked(pos uint64) bool {
	return sh.next > max(pos, sh.trim) || sh.closed && sh.drainedLocked() || sh.gone
}

// followerWaiters are the Followers parked on a stream.
type followerWaiters struct {
	parked atomic.Int32 // len(list), readable without mu
	mu     sync.Mutex   // a leaf lock: taken under shard.mu by writers
	list   []*waiter
}

// park registers w.
func (f *followerWaiters) park(w *waiter) {
	f.mu.Lock()
	f.list = append(f.list, w)
	f.parked.Store(int32(len(f.list)))
	f.mu.Unlock()
}

// unpark removes w, if a wake-up has not already.
func (f *followerWaiters) unpark(w *waiter) {
	f.mu.Lock()
	for i, x := range f.list {
		if x == w {
			last := len(f.list) - 1
			f.list[i] = f.list[last]
			f.list[last] = nil
			f.list = f.list[:last]
			break
		}
	}
	f.parked.Store(int32(len(f.list)))
	f.mu.Unlock()
}

// wake wakes and forgets every parked follower.
func (f *followerWaiters) wake() {
	f.mu.Lock()
	for i, w := range f.list {
		w.wake()
		f.list[i] = nil
	}
	f.list = f.list[:0]
	f.parked.Store(0)
	f.mu.Unlock()
}

// spinRounds is how often a reader that found nothing yields the processor
// and looks again before it parks. Parking and waking cost about as much
// as reading a few records; a producer on another processor often writes
// again within one yield.
const spinRounds = 3
