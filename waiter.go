package freshet

// Waking readers
//
// A reader that has read everything parks on the shards it reads and a
// write wakes it. A writer pays for this only when a reader is parked: it
// checks one slice length under the shard lock it holds anyway. A waiter is
// a channel of capacity one that a reader allocates once and reuses, so
// parking allocates nothing, and one waiter may be parked on several shards
// at once (a Follower reads every open shard of a stream): the first write
// to any of them wakes it. A reader that wakes finds everything written
// since it parked and drains it in one read.

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
	return sh.next > max(pos, sh.trim) || sh.closed || sh.gone
}
