package freshet

import (
	"context"
	"iter"
	"runtime"
)

// Following a stream through resharding
//
// A Follower reads every shard of a stream as the KCL does, in one
// goroutine: a shard is started once all its parents have been read to
// their end, so the records of a partition key, which move from a parent to
// one of its children at a reshard, arrive in write order. Shards that are
// readable at the same time are read in turn, a batch from each; a shard
// that has not changed since a read found nothing in it is not read again.
// The follower parks on the stream (waiter.go), so it does not poll, and a
// change of any shard wakes it.

// Checkpoint records how far a Follower has read a stream, for resuming it
// later with Stream.ResumeFollower: for each shard the follower knows and
// has not finished, the sequence number after which reading resumes (that
// of the last record delivered, or the position the shard was started at),
// and for each shard it has read to the end, the shard's
// EndingSequenceNumber. Shards that do not appear are read from their start
// once their parents are finished; so are shards created later.
type Checkpoint map[string]SequenceNumber

// Follower reads a whole stream through resharding: parents before
// children, in write order per partition key. Get one with Stream.Follower
// or Stream.ResumeFollower. A Follower is used by one goroutine at a time;
// it holds no resources beyond memory, so there is nothing to close.
type Follower struct {
	st      *Stream
	cursors map[string]*cursor // every shard the follower knows, by id
	active  []*cursor          // started, not finished
	turn    int                // index in active of the shard read next
	current *cursor            // the shard of the last batch returned
	limit   int
	buf     []Record // reused by Next
	w       *waiter
}

// cursor is the follower's state of one shard.
type cursor struct {
	sh      *shard
	pos     uint64         // counter of the next record to read
	last    SequenceNumber // the last record delivered; zero if none
	started bool
	done    bool   // read to the end of the closed shard
	seen    uint64 // sh.changes when a read found nothing new; unread before
}

// unread is cursor.seen before the first read: no count of changes, so the
// shard is read (a restored shard holds records without counted changes).
const unread = ^uint64(0)

func newCursor(sh *shard) *cursor {
	return &cursor{sh: sh, seen: unread}
}

// Follower returns a reader of the whole stream. p says where it starts:
// TrimHorizon (the oldest records of every shard still retained), Latest
// (records written from now on) or AtTimestamp (records that arrived at or
// after p.Timestamp); a follower at a sequence number is resumed from a
// Checkpoint instead.
func (st *Stream) Follower(p StartingPosition) (*Follower, error) {
	if err := st.alive(); err != nil {
		return nil, err
	}
	if err := validateIteratorType(p.Type); err != nil {
		return nil, err
	}
	if p.Type == AtSequenceNumber || p.Type == AfterSequenceNumber {
		return nil, errInvalid("A Follower starts at TRIM_HORIZON, LATEST or AT_TIMESTAMP; resume one from a Checkpoint to start at sequence numbers. Request specified %s.", p.Type)
	}
	now := st.e.now()
	f := st.newFollower()
	for _, sh := range st.liveShards(now) {
		c := newCursor(sh)
		f.cursors[sh.id] = c
		if p.Type == Latest {
			if closed, _ := sh.state(); closed {
				c.done = true // its records are older than the follower
				continue
			}
		}
		pos, err := st.position(sh, opFollow, p, now)
		if err != nil {
			return nil, err
		}
		c.pos = pos
	}
	f.startReady()
	return f, nil
}

// ResumeFollower returns a reader of the whole stream that continues where
// the Follower that gave cp was (Follower.Checkpoint). Entries for shards
// that no longer exist are ignored; an entry that is not a sequence number
// of its shard fails with InvalidArgumentException.
func (st *Stream) ResumeFollower(cp Checkpoint) (*Follower, error) {
	if err := st.alive(); err != nil {
		return nil, err
	}
	now := st.e.now()
	f := st.newFollower()
	for _, sh := range st.liveShards(now) {
		c := newCursor(sh)
		f.cursors[sh.id] = c
		sn, ok := cp[sh.id]
		if !ok {
			continue
		}
		if sn.Valid() && sn.ShardIndex() == int(sh.index) && sn.Counter() == maxSequenceCounter {
			c.done = true
			continue
		}
		pos, err := st.position(sh, opFollow, StartingPosition{Type: AfterSequenceNumber, SequenceNumber: sn.String()}, now)
		if err != nil {
			return nil, err
		}
		c.pos = pos
		if pos > 0 {
			c.last = sn
		}
	}
	f.startReady()
	return f, nil
}

// opFollow names Follower positions in error messages.
const opFollow = "Follower"

func (st *Stream) newFollower() *Follower {
	return &Follower{st: st, cursors: map[string]*cursor{}, limit: 10000}
}

// SetLimit sets the most records one Next returns (default 10000).
func (f *Follower) SetLimit(n int) {
	if n > 0 {
		f.limit = n
	}
}

// startReady starts, in index order (parents before children), every
// known shard that is neither started nor finished and whose parents are
// finished.
func (f *Follower) startReady() {
	for _, c := range f.sorted() {
		if !c.started && !c.done && f.parentsDone(c.sh) {
			c.started = true
			f.active = append(f.active, c)
		}
	}
}

// sorted returns the known shards in index order.
func (f *Follower) sorted() []*cursor {
	out := make([]*cursor, 0, len(f.cursors))
	for _, c := range f.cursors {
		out = append(out, c)
	}
	for i := 1; i < len(out); i++ { // insertion sort: a stream has few shards
		for j := i; j > 0 && out[j].sh.index < out[j-1].sh.index; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// parentsDone reports whether every parent of sh that still exists has
// been read to its end. A parent the follower does not know yet (created
// after it started, from a shard it is still reading) becomes known,
// unstarted.
func (f *Follower) parentsDone(sh *shard) bool {
	for _, id := range [2]string{sh.parent, sh.adjacent} {
		if id == "" {
			continue
		}
		if f.cursor(id) != nil && !f.cursors[id].done {
			return false
		}
	}
	return true
}

// cursor returns the follower's cursor of a shard, making one (at the
// shard's start) for a shard it does not know yet; nil if the shard no
// longer exists.
func (f *Follower) cursor(id string) *cursor {
	if c := f.cursors[id]; c != nil {
		return c
	}
	sh, err := f.st.shardByID(id, f.st.e.now())
	if err != nil {
		return nil // expired: nothing to wait for
	}
	c := newCursor(sh)
	f.cursors[id] = c
	return c
}

// finish marks a shard read to its end and starts those of its children
// whose parents are all finished.
func (f *Follower) finish(i int, children []ChildShard) {
	c := f.active[i]
	c.done = true
	f.active = append(f.active[:i], f.active[i+1:]...)
	for _, child := range children {
		cc := f.cursor(child.ShardId)
		if cc != nil && !cc.started && !cc.done && f.parentsDone(cc.sh) {
			cc.started = true
			f.active = append(f.active, cc)
		}
	}
}

// Next returns the next records of the stream, all from one shard, blocking
// until at least one is available. It returns ctx.Err() when ctx is done,
// ErrClosed when the engine closes, and ResourceNotFoundException when the
// stream is deleted.
//
// The returned slice is reused by the next call to Next: copy the Record
// values (not the slice) to keep them. The records count as delivered:
// Checkpoint resumes after them.
func (f *Follower) Next(ctx context.Context) ([]Record, error) {
	recs, err := f.next(ctx)
	if len(recs) > 0 {
		f.current.last = recs[len(recs)-1].SequenceNumber
	}
	return recs, err
}

// next is Next without marking the records delivered.
func (f *Follower) next(ctx context.Context) ([]Record, error) {
	e := f.st.e
	for {
		now := e.now()
		ret := f.st.retentionPeriod()
		for n := 0; n < len(f.active); {
			i := (f.turn + n) % len(f.active)
			c := f.active[i]
			changes := c.sh.changes.Load()
			if changes == c.seen {
				n++
				continue // nothing new since the last read found nothing
			}
			res, err := c.sh.read(readIterator, c.pos, f.limit, maxGetRecordsBytes, now, ret, f.buf)
			if err != nil {
				return nil, err
			}
			c.pos = max(c.pos, res.next)
			if len(res.records) > 0 {
				if cap(res.records) > cap(f.buf) {
					f.buf = res.records[:cap(res.records)]
				}
				f.turn = i + 1
				f.current = c
				return res.records, nil
			}
			if res.atEnd {
				f.finish(i, res.children)
				continue // active changed: the same n is the next shard
			}
			c.seen = changes
			n++
		}
		if len(f.active) == 0 {
			// Every shard known is finished: only a deleted stream has no
			// open shard left.
			if err := f.st.alive(); err != nil {
				return nil, err
			}
			f.discover()
			continue
		}
		if err := f.wait(ctx); err != nil {
			return nil, err
		}
	}
}

// discover learns the shards of the stream the follower does not know yet
// and starts those that are ready.
func (f *Follower) discover() {
	for _, sh := range f.st.liveShards(f.st.e.now()) {
		if f.cursors[sh.id] == nil {
			f.cursors[sh.id] = newCursor(sh)
		}
	}
	f.startReady()
}

// wait parks the follower on the stream until one of the shards it reads
// changes, ctx is done or the engine closes.
func (f *Follower) wait(ctx context.Context) error {
	if f.changed(spinRounds) {
		return nil
	}
	if f.w == nil {
		f.w = newWaiter()
	}
	f.w.reset()
	waiters := &f.st.followers
	waiters.park(f.w)
	for _, c := range f.active {
		if c.sh.changes.Load() != c.seen {
			waiters.unpark(f.w)
			return nil
		}
	}
	var err error
	select {
	case <-f.w.ch:
		return nil // the waking write removed the waiter
	case <-ctx.Done():
		err = ctx.Err()
	case <-f.st.e.done:
		err = ErrClosed
	}
	waiters.unpark(f.w)
	return err
}

// changed reports whether a shard the follower reads has changed since it
// was last read, checking again after yielding the processor up to rounds
// times: a writer on another processor often writes again before parking
// would have completed.
func (f *Follower) changed(rounds int) bool {
	for r := 0; ; r++ {
		for _, c := range f.active {
			if c.sh.changes.Load() != c.seen {
				return true
			}
		}
		if r == rounds {
			return false
		}
		runtime.Gosched()
	}
}

// Records returns the stream's records from the follower's position onward
// as a Go iterator, blocking for new records. Cancelling ctx ends it without
// an error item; when the engine closes or the stream is deleted, it yields
// the error once and ends. After each record, Checkpoint resumes after it;
// breaking out of the loop leaves the follower just after the last record
// yielded, so a later Records or Next continues there.
func (f *Follower) Records(ctx context.Context) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for {
			recs, err := f.next(ctx)
			if err != nil {
				if !stopped(ctx, err) {
					yield(Record{}, err)
				}
				return
			}
			c := f.current
			for i := range recs {
				c.last = recs[i].SequenceNumber
				if !yield(recs[i], nil) {
					if i < len(recs)-1 {
						c.pos = c.last.Counter() + 1 // the rest of the batch is read again
					}
					return
				}
			}
		}
	}
}

// Checkpoint returns the follower's position: resuming from it with
// Stream.ResumeFollower reads every record not yet delivered, and no record
// delivered. It is a new map, the caller's to keep.
func (f *Follower) Checkpoint() Checkpoint {
	cp := make(Checkpoint, len(f.cursors))
	for id, c := range f.cursors {
		switch {
		case c.done:
			c.sh.mu.Lock()
			cp[id] = c.sh.ending
			c.sh.mu.Unlock()
		case !c.last.IsZero():
			cp[id] = c.last
		default:
			cp[id] = c.sh.positionSequenceNumber(c.pos)
		}
	}
	return cp
}

// Follow returns every record of the stream from p onward as a Go iterator
// that follows resharding: parents before children, in write order per
// partition key. It is Stream.Follower(p) ranged over with Records: it
// blocks for new records, and cancelling ctx ends it without an error item.
//
//	for rec, err := range st.Follow(ctx, freshet.StartingPosition{Type: freshet.TrimHorizon}) {
//		if err != nil {
//			return err
//		}
//		handle(rec)
//	}
func (st *Stream) Follow(ctx context.Context, p StartingPosition) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		f, err := st.Follower(p)
		if err != nil {
			yield(Record{}, err)
			return
		}
		f.Records(ctx)(yield)
	}
}
