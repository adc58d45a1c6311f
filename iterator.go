package freshet

import (
	"context"
	"errors"
	"io"
	"iter"
)

// Iterator reads one shard in order, blocking for new records: the
// Go-native counterpart of a shard iterator and GetRecords loop, with no
// polling. It is not throttled by the read limits (like a subscription, it
// costs nothing to wait). An Iterator is used by one goroutine at a time;
// it holds no resources, so there is nothing to close.
type Iterator struct {
	st       *Stream
	sh       *shard
	pos      uint64
	limit    int
	ended    bool
	children []ChildShard
	buf      []Record // reused by Next
	w        *waiter  // parks the iterator; made at its first wait
}

// Iterator returns an iterator over the shard with the given id, starting
// at p.
func (st *Stream) Iterator(shardID string, p StartingPosition) (*Iterator, error) {
	if err := st.alive(); err != nil {
		return nil, err
	}
	now := st.e.now()
	sh, err := st.shardByID(shardID, now)
	if err != nil {
		return nil, err
	}
	if err := validateIteratorType(p.Type); err != nil {
		return nil, err
	}
	pos, err := st.position(sh, string(OpGetShardIterator), p, now)
	if err != nil {
		return nil, err
	}
	return &Iterator{st: st, sh: sh, pos: pos, limit: 10000}, nil
}

// ShardId returns the id of the iterator's shard.
func (it *Iterator) ShardId() string { return it.sh.id }

// SetLimit sets the most records one Next returns (default 10000).
func (it *Iterator) SetLimit(n int) {
	if n > 0 {
		it.limit = n
	}
}

// Next returns the next records of the shard, blocking until at least one
// is available. At the end of a closed shard it returns io.EOF, and
// ChildShards tells where to continue. It returns ctx.Err() when ctx is
// done, ErrClosed when the engine closes, and ResourceNotFoundException
// when the stream is deleted or the shard expires.
//
// The returned slice is reused by the next call to Next, like
// bufio.Scanner's buffer: copy the Record values (not the slice) to keep
// them. Reusing it keeps reading free of allocation.
func (it *Iterator) Next(ctx context.Context) ([]Record, error) {
	recs, err := it.next(ctx, it.buf)
	if cap(recs) > cap(it.buf) {
		it.buf = recs[:cap(recs)]
	}
	return recs, err
}

// next is Next storing the records in buf when it is large enough.
func (it *Iterator) next(ctx context.Context, buf []Record) ([]Record, error) {
	e := it.st.e
	for {
		if it.ended {
			return nil, io.EOF
		}
		now := e.now()
		res, err := it.sh.read(readIterator, it.pos, it.limit, maxGetRecordsBytes, now, it.st.retentionPeriod(), buf)
		if err != nil {
			return nil, err
		}
		it.pos = max(it.pos, res.next)
		if len(res.records) > 0 {
			return res.records, nil
		}
		if res.atEnd {
			it.ended = true
			it.children = res.children
			return nil, io.EOF
		}
		if err := it.wait(ctx); err != nil {
			return nil, err
		}
	}
}

// wait parks the iterator until its shard changes, ctx is done or the
// engine closes.
func (it *Iterator) wait(ctx context.Context) error {
	sh := it.sh
	sh.mu.Lock()
	if sh.readableLocked(it.pos) {
		sh.mu.Unlock()
		return nil
	}
	if it.w == nil {
		it.w = newWaiter()
	}
	it.w.reset()
	sh.parkLocked(it.w)
	sh.mu.Unlock()
	select {
	case <-it.w.ch:
		return nil // the waking write removed the waiter
	case <-ctx.Done():
		sh.unpark(it.w)
		return ctx.Err()
	case <-it.st.e.done:
		sh.unpark(it.w)
		return ErrClosed
	}
}

// ChildShards returns the children of the iterator's shard once Next has
// returned io.EOF.
func (it *Iterator) ChildShards() []ChildShard { return it.children }

// Records returns the records of one shard from p onward as a Go iterator.
// It blocks waiting for new records and ends after the last record of a
// closed shard, or when ctx is done: cancelling ctx is how a reader stops,
// so it ends the range without an error item. When the engine closes or the
// shard can no longer be read, it yields the error once and ends:
//
//	for rec, err := range st.Records(ctx, "shardId-000000000000", freshet.StartingPosition{Type: freshet.TrimHorizon}) {
//		if err != nil {
//			return err
//		}
//		handle(rec)
//	}
func (st *Stream) Records(ctx context.Context, shardID string, p StartingPosition) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		it, err := st.Iterator(shardID, p)
		if err != nil {
			yield(Record{}, err)
			return
		}
		var buf []Record // reused: the records are yielded by value
		for {
			recs, err := it.next(ctx, buf)
			if err == io.EOF || stopped(ctx, err) {
				return
			}
			if err != nil {
				yield(Record{}, err)
				return
			}
			for _, r := range recs {
				if !yield(r, nil) {
					return
				}
			}
			buf = recs
		}
	}
}

// stopped reports whether err is ctx's own error: the reader's owner
// cancelled it, which ends a range function without an error item.
func stopped(ctx context.Context, err error) bool {
	return ctx.Err() != nil && errors.Is(err, ctx.Err())
}
