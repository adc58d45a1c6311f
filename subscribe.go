package freshet

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// SubscribeToShardInput is the input of SubscribeToShard.
type SubscribeToShardInput struct {
	// ConsumerARN is the registered, ACTIVE consumer subscribing.
	ConsumerARN string
	// ShardId is the shard to read.
	ShardId string
	// StartingPosition says where to start, as for GetShardIterator.
	StartingPosition StartingPosition
}

// SubscribeToShardEvent is one event of a subscription.
type SubscribeToShardEvent struct {
	// Records delivered by this event; empty in heartbeats.
	Records []Record
	// ContinuationSequenceNumber is where to resubscribe from (with
	// AFTER_SEQUENCE_NUMBER). It is zero in the last event of a closed
	// shard, which carries ChildShards instead.
	ContinuationSequenceNumber SequenceNumber
	// MillisBehindLatest is how far the event is behind the shard's tip.
	MillisBehindLatest int64
	// ChildShards is set at the end of a closed shard.
	ChildShards []ChildShard
}

// Subscription is an enhanced fan-out subscription to one shard, the
// in-process form of SubscribeToShard's event stream. Call Next to receive
// events: it blocks until records arrive (no polling), sends an empty
// heartbeat event when the shard is idle for 5 seconds, and returns io.EOF
// when the subscription's 5-minute lifetime ends or after the final event
// of a closed shard. A new subscription of the same consumer and shard,
// made at least 5 seconds later, takes over: Next then returns
// ResourceInUseException. A Subscription is used by one goroutine at a
// time; Close releases it.
type Subscription struct {
	e       *Engine
	st      *Stream
	sh      *shard
	c       *consumer
	started time.Time
	expires time.Time

	pos       uint64
	lastSN    SequenceNumber // of the last record delivered
	lastEvent time.Time
	finished  atomic.Bool // the final event of a closed shard was delivered

	mu      sync.Mutex
	stopped chan struct{} // closed by end
	err     error         // why it ended early
}

// subscribeRetry is how long a subscription blocks a new one for the same
// consumer and shard.
const subscribeRetry = 5 * time.Second

// SubscribeToShard starts an enhanced fan-out subscription. The consumer
// must be ACTIVE and the shard must exist.
func (e *Engine) SubscribeToShard(ctx context.Context, in *SubscribeToShardInput) (*Subscription, error) {
	return invoke(ctx, e, OpSubscribeToShard, in, e.subscribeToShard)
}

// subscribeToShard implements SubscribeToShard.
func (e *Engine) subscribeToShard(ctx context.Context, in *SubscribeToShardInput) (*Subscription, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, c, err := e.consumerByARN(in.ConsumerARN)
	if err != nil {
		return nil, err
	}
	now := e.now()
	if s := st.status(now); s != StreamStatusActive && s != StreamStatusUpdating {
		return nil, st.errNotActive(s)
	}
	sh, err := st.shardByID(in.ShardId, now)
	if err != nil {
		return nil, err
	}
	if err := e.beforeShard(ctx, OpSubscribeToShard, st.name, sh.id, in); err != nil {
		return nil, err
	}
	pos, err := st.position(sh, string(OpSubscribeToShard), in.StartingPosition, now)
	if err != nil {
		return nil, err
	}
	s := &Subscription{
		e: e, st: st, sh: sh, c: c,
		started: now, expires: now.Add(e.cfg.subscriptionTTL),
		pos: pos, lastEvent: now,
		stopped: make(chan struct{}),
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if cs := c.statusLocked(now); cs != ConsumerStatusActive {
		return nil, errInUse("Consumer %s is not in ACTIVE state, instead in state %s.", c.arn, cs)
	}
	if !c.allowSubscribe(sh.index, now, e.cfg.limits.SubscribeCallsPerSecond) {
		return nil, errLimit("Rate exceeded for consumer %s and shard %s.", c.arn, sh.id)
	}
	if old := c.subs[sh.index]; old != nil && !old.done() {
		if now.Sub(old.started) < subscribeRetry {
			return nil, errInUse("Another active subscription exists for this consumer: %s", c.arn)
		}
		old.end(errInUse("Another subscription for consumer %s and shard %s has taken over.", c.arn, sh.id))
	}
	c.subs[sh.index] = s
	st.counters.subscribeSuccess.Add(1)
	return s, nil
}

// allowSubscribe applies the SubscribeToShard rate limit. The caller holds
// the stream mutex.
func (c *consumer) allowSubscribe(shard uint32, now time.Time, perSecond int) bool {
	if perSecond <= 0 {
		return true
	}
	l := c.subLimits[shard]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(perSecond), perSecond)
		c.subLimits[shard] = l
	}
	return l.AllowN(now, 1)
}

// end stops the subscription; Next returns err (or io.EOF when nil).
func (s *Subscription) end(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.stopped:
		return
	default:
	}
	s.err = err
	close(s.stopped)
}

// done reports whether the subscription has ended.
func (s *Subscription) done() bool {
	select {
	case <-s.stopped:
		return true
	default:
		return s.finished.Load() || !s.e.now().Before(s.expires)
	}
}

// Close ends the subscription. It is idempotent.
func (s *Subscription) Close() error {
	s.end(nil)
	s.st.mu.Lock()
	if s.c.subs[s.sh.index] == s {
		delete(s.c.subs, s.sh.index)
	}
	s.st.mu.Unlock()
	return nil
}

// ErrClosed is returned by blocking reads when the engine is closed.
var ErrClosed = errors.New("freshet: engine closed")

// Next returns the subscription's next event, blocking until there is one.
func (s *Subscription) Next(ctx context.Context) (*SubscribeToShardEvent, error) {
	for {
		select {
		case <-s.stopped:
			s.mu.Lock()
			err := s.err
			s.mu.Unlock()
			if err == nil {
				err = io.EOF
			}
			return nil, err
		default:
		}
		now := s.e.now()
		if s.finished.Load() || !now.Before(s.expires) {
			s.end(nil)
			return nil, io.EOF
		}
		res, err := s.sh.read(readSubscription, s.pos, 10000, maxGetRecordsBytes, now, s.st.retentionPeriod(), nil)
		if err != nil {
			s.end(err)
			return nil, err
		}
		heartbeat := now.Sub(s.lastEvent) >= s.e.cfg.heartbeat
		if len(res.records) > 0 || res.atEnd || heartbeat {
			ev := &SubscribeToShardEvent{Records: res.records, MillisBehindLatest: res.behindMs}
			if ev.Records == nil {
				ev.Records = []Record{}
			}
			s.pos = max(s.pos, res.next)
			if res.atEnd {
				s.finished.Store(true)
				ev.ChildShards = res.children
			} else if n := len(res.records); n > 0 {
				s.lastSN = res.records[n-1].SequenceNumber
				ev.ContinuationSequenceNumber = s.lastSN
			} else if !s.lastSN.IsZero() {
				ev.ContinuationSequenceNumber = s.lastSN // as docs/kinesis-notes.md §1.7.4: the last delivered record's
			} else {
				ev.ContinuationSequenceNumber = s.sh.positionSequenceNumber(s.pos)
			}
			s.lastEvent = now
			c := &s.st.counters
			c.events.Add(1)
			c.eventRecords.Add(int64(len(ev.Records)))
			c.eventBytes.Add(int64(res.bytes))
			return ev, nil
		}
		if err := s.wait(ctx, now); err != nil {
			return nil, err
		}
	}
}

// wait blocks until the shard changes, a heartbeat or the end of life is
// due, the subscription is stopped or ctx is done.
func (s *Subscription) wait(ctx context.Context, now time.Time) error {
	sh := s.sh
	sh.mu.Lock()
	if sh.next > max(s.pos, sh.trim) || sh.closed && sh.drainedLocked() || sh.gone {
		sh.mu.Unlock()
		return nil
	}
	ch := sh.waitLocked()
	sh.mu.Unlock()
	due := s.lastEvent.Add(s.e.cfg.heartbeat)
	if s.expires.Before(due) {
		due = s.expires
	}
	t := s.e.cfg.clock.NewTimer(due.Sub(now))
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C():
	case <-s.stopped:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.e.done:
		return ErrClosed
	}
	return nil
}

// positionSequenceNumber returns the sequence number just before position
// pos, so that AFTER_SEQUENCE_NUMBER with it resumes at pos.
func (sh *shard) positionSequenceNumber(pos uint64) SequenceNumber {
	if pos <= 1 {
		return sh.starting
	}
	return makeSequenceNumber(sh.createdSec, sh.index, pos-1, sh.createdSec)
}
