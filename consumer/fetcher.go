package consumer

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/kpl"
	"github.com/freshet-io/freshet/consumer/lease"
)

// fetcher reads one shard ahead of its processor, by polling GetRecords
// or through an enhanced fan-out subscription.
//
// Behavior:
//   - A shard checkpointed at a sequence number is read AT that sequence
//     number, and the records up to the checkpoint (sequence and
//     sub-sequence number) are dropped: this resumes correctly inside a
//     KPL aggregate.
//   - After a record was received, reading restarts AFTER the last one
//     received: when an iterator expires, and when a subscription ends.
//   - Throttling and transient errors are retried after a pause that
//     doubles up to the maximum; other errors end the fetcher, and the
//     shard consumer retries from the last checkpoint.
//   - A polling read that returned no records is followed by the idle
//     time between reads.
type fetcher struct {
	sc        *shardConsumer
	start     lease.Checkpoint
	hashRange *freshet.HashKeyRange

	skip bool   // still dropping records up to start
	last string // sequence number of the last record received
}

func (f *fetcher) run(ctx context.Context, out chan<- batch) {
	f.skip = !f.start.IsSentinel()
	if f.sc.w.cfg.consumerARN != "" {
		f.subscribe(ctx, out)
		return
	}
	f.poll(ctx, out)
}

func (f *fetcher) send(ctx context.Context, out chan<- batch, b batch) bool {
	select {
	case out <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

// position returns where to (re)start reading.
func (f *fetcher) position() freshet.StartingPosition {
	if f.last != "" {
		return freshet.StartingPosition{Type: freshet.AfterSequenceNumber, SequenceNumber: f.last}
	}
	switch f.start.SequenceNumber {
	case lease.TrimHorizon:
		return freshet.StartingPosition{Type: freshet.TrimHorizon}
	case lease.Latest:
		return freshet.StartingPosition{Type: freshet.Latest}
	case lease.AtTimestamp:
		return freshet.StartingPosition{Type: freshet.AtTimestamp, Timestamp: f.sc.w.cfg.timestamp}
	}
	return freshet.StartingPosition{Type: freshet.AtSequenceNumber, SequenceNumber: f.start.SequenceNumber}
}

// backoff paces the retries of one reader: exponential from the configured
// first pause to the maximum, reset after a success.
type backoff struct {
	f     *fetcher
	ctx   context.Context
	pause time.Duration
}

func (f *fetcher) newBackoff(ctx context.Context) *backoff {
	return &backoff{f: f, ctx: ctx, pause: f.sc.w.cfg.backoff}
}

// retry reports err, waits and reports whether to try again (false once
// ctx is done).
func (b *backoff) retry(op string, err error) bool {
	cfg := &b.f.sc.w.cfg
	cfg.metrics.Error(op, err)
	cfg.logger.Debug("retrying", "op", op, "shard", b.f.sc.shardID, "err", err, "pause", b.pause)
	ok := sleep(b.ctx, cfg.clock, b.pause, nil)
	b.pause = min(2*b.pause, cfg.maxPause)
	return ok
}

func (b *backoff) reset() { b.pause = b.f.sc.w.cfg.backoff }

func (f *fetcher) poll(ctx context.Context, out chan<- batch) {
	cfg := &f.sc.w.cfg
	limit := cfg.maxRecords
	b := f.newBackoff(ctx)
	var iter string
	for {
		if iter == "" {
			pos := f.position()
			res, err := f.sc.w.src.GetShardIterator(ctx, &freshet.GetShardIteratorInput{
				StreamName:             f.sc.w.stream,
				ShardId:                f.sc.shardID,
				ShardIteratorType:      pos.Type,
				StartingSequenceNumber: pos.SequenceNumber,
				Timestamp:              pos.Timestamp,
			})
			switch {
			case ctx.Err() != nil:
				return
			case err != nil && isRetryable(err):
				if !b.retry("GetShardIterator", err) {
					return
				}
				continue
			case err != nil:
				f.send(ctx, out, batch{err: err})
				return
			}
			iter = res.ShardIterator
		}
		res, err := f.getRecords(ctx, iter, limit)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && isExpiredIterator(err):
			cfg.logger.Debug("iterator expired", "shard", f.sc.shardID, "after", f.last)
			iter = ""
			continue
		case err != nil && isRetryable(err):
			if !b.retry("GetRecords", err) {
				return
			}
			continue
		case err != nil:
			f.send(ctx, out, batch{err: err})
			return
		}
		b.reset()
		cfg.metrics.MillisBehindLatest(f.sc.shardID, res.millis)
		end := res.next == ""
		if len(res.records) > 0 || end {
			if !f.send(ctx, out, batch{records: res.records, millis: res.millis, end: end, children: res.children}) {
				return
			}
		}
		if end {
			return
		}
		iter = res.next
		if res.read == 0 && !sleep(ctx, cfg.clock, cfg.idle, nil) {
			return
		}
	}
}

func (f *fetcher) subscribe(ctx context.Context, out chan<- batch) {
	cfg := &f.sc.w.cfg
	sub := f.sc.w.sub
	b := f.newBackoff(ctx)
	for {
		es, err := sub.SubscribeToShard(ctx, &freshet.SubscribeToShardInput{
			ConsumerARN:      cfg.consumerARN,
			ShardId:          f.sc.shardID,
			StartingPosition: f.position(),
		})
		switch {
		case ctx.Err() != nil:
			// A subscription can succeed just as ctx is cancelled:
			// close it, or its connection and goroutines leak.
			if err == nil {
				es.Close()
			}
			return
		case err != nil && isRetryable(err):
			if !b.retry("SubscribeToShard", err) {
				return
			}
			continue
		case err != nil:
			f.send(ctx, out, batch{err: err})
			return
		}
		for {
			ev, err := es.Next(ctx)
			if err != nil {
				es.Close()
				switch {
				case ctx.Err() != nil:
					return
				case errors.Is(err, io.EOF):
					// The subscription ended: subscribe again from the
					// continuation sequence number.
				case isRetryable(err) || errors.Is(err, freshet.ErrClosed):
					if !b.retry("SubscribeToShard", err) {
						return
					}
				default:
					f.send(ctx, out, batch{err: err})
					return
				}
				break
			}
			b.reset()
			millis := ev.MillisBehindLatest
			cfg.metrics.MillisBehindLatest(f.sc.shardID, millis)
			recs := f.convert(ev.Records)
			if !ev.ContinuationSequenceNumber.IsZero() {
				f.last = ev.ContinuationSequenceNumber.String()
			}
			// As in the KCL, an event without a continuation sequence
			// number ends a closed shard.
			end := ev.ContinuationSequenceNumber.IsZero() && len(ev.ChildShards) > 0
			if len(recs) > 0 || end {
				var children []string
				if end {
					children = childShardIDs(ev.ChildShards)
				}
				if !f.send(ctx, out, batch{records: recs, millis: millis, end: end, children: children}) {
					es.Close()
					return
				}
			}
			if end {
				es.Close()
				return
			}
		}
	}
}

// polled is the result of one GetRecords call.
type polled struct {
	records  []Record // user records to deliver
	read     int      // Kinesis records read
	next     string   // NextShardIterator, "" at the end of a closed shard
	millis   int64
	children []string // the ChildShards at the end of a closed shard
}

// getRecords calls GetRecords and converts its records.
func (f *fetcher) getRecords(ctx context.Context, iter string, limit int) (polled, error) {
	out, err := f.sc.w.src.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: iter, Limit: limit})
	if err != nil {
		return polled{}, err
	}
	return polled{records: f.convert(out.Records), read: len(out.Records), next: out.NextShardIterator,
		millis: out.MillisBehindLatest, children: childShardIDs(out.ChildShards)}, nil
}

// childShardIDs returns the ids of children.
func childShardIDs(children []freshet.ChildShard) []string {
	if len(children) == 0 {
		return nil
	}
	ids := make([]string, len(children))
	for i, c := range children {
		ids[i] = c.ShardId
	}
	return ids
}

// convert turns Kinesis records into user records. It is the consumer's
// hot path: ordinary records are written straight into the result, and
// their sequence numbers are formatted only on demand; KPL aggregates and
// records up to the start checkpoint go through add.
func (f *fetcher) convert(rs []freshet.Record) []Record {
	if len(rs) == 0 {
		return nil
	}
	out := make([]Record, len(rs))
	n := 0
	for i := range rs {
		r := &rs[i]
		if f.skip || maybeAggregated(r.Data) {
			base := Record{
				ShardID:                     f.sc.shardID,
				SequenceNumber:              SequenceNumber{n: r.SequenceNumber},
				PartitionKey:                r.PartitionKey,
				Data:                        r.Data,
				ApproximateArrivalTimestamp: r.ApproximateArrivalTimestamp,
			}
			out = f.add(out[:n], &base)
			n = len(out)
			continue
		}
		if n == len(out) {
			out = append(out, Record{})
		}
		// Field by field into the zeroed slot: copying a whole Record
		// would go through a bulk write barrier while the collector runs.
		o := &out[n]
		o.ShardID = f.sc.shardID
		o.SequenceNumber = SequenceNumber{n: r.SequenceNumber}
		o.PartitionKey = r.PartitionKey
		o.Data = r.Data
		o.ApproximateArrivalTimestamp = r.ApproximateArrivalTimestamp
		n++
	}
	f.last = rs[len(rs)-1].SequenceNumber.String()
	return out[:n]
}

// maybeAggregated is a quick test for the first KPL magic byte before the
// full kpl.IsAggregated.
func maybeAggregated(data []byte) bool {
	return len(data) > 0 && data[0] == 0xF3 && kpl.IsAggregated(data)
}

// add appends the user records of the Kinesis record base to out: base
// itself, or the user records of a KPL aggregate (filtered by the shard's
// hash key range). Records up to the start checkpoint are dropped.
func (f *fetcher) add(out []Record, base *Record) []Record {
	if maybeAggregated(base.Data) {
		if subs, err := kpl.Deaggregate(base.Data); err == nil {
			if f.hashRange != nil {
				subs = kpl.Filter(*f.hashRange, subs)
			}
			for _, s := range subs {
				rec := *base
				rec.SubSequenceNumber = s.SubSequenceNumber
				rec.PartitionKey = s.PartitionKey
				rec.ExplicitHashKey = s.ExplicitHashKey
				rec.Data = s.Data
				rec.Aggregated = true
				if f.keep(&rec) {
					out = append(out, rec)
				}
			}
			return out
		}
	}
	if f.keep(base) {
		out = append(out, *base)
	}
	return out
}

// keep reports whether r is after the start checkpoint.
func (f *fetcher) keep(r *Record) bool {
	if !f.skip {
		return true
	}
	if r.Checkpoint().Compare(f.start) <= 0 {
		return false
	}
	f.skip = false
	return true
}

// sleep waits for d on clk and reports true, or returns false as soon as
// ctx is done or stop is closed.
func sleep(ctx context.Context, clk freshet.Clock, d time.Duration, stop <-chan struct{}) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := clk.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return true
	case <-ctx.Done():
		return false
	case <-stop:
		return false
	}
}
