package connect

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/freshet-io/freshet/consumer"
)

// errBlocked and errStopped end the processing of a batch: the shard is
// blocked, or its context ended (lease lost, abrupt stop, shutdown
// timeout).
var (
	errBlocked = errors.New("connect: blocked")
	errStopped = errors.New("connect: stopped")
)

// pos is the position of a record in its shard.
type pos struct {
	seq consumer.SequenceNumber
	sub int64
}

func posOf(r *consumer.Record) pos { return pos{r.SequenceNumber, r.SubSequenceNumber} }

func (a pos) compare(b pos) int {
	if c := a.seq.Compare(b.seq); c != 0 {
		return c
	}
	switch {
	case a.sub < b.sub:
		return -1
	case a.sub > b.sub:
		return 1
	}
	return 0
}

// shard is the consumer.RecordProcessor of one shard. Its buffer is
// flushed by ProcessRecords (count and bytes) and by a goroutine of its
// own (age), which is why a mutex guards it.
//
// A flush is a two-phase checkpoint around the writes: Prepare at the last
// record processed, emit the batch, write the dead letters, Commit. A
// process that dies between the two leaves the pending checkpoint in the
// lease table; the next processor of the shard (Initialize) reads it and
// flushes at exactly that record again, so the batch it emits has the same
// records, the same first and last sequence numbers and therefore the same
// S3 key or manifest row: a retry after a crash overwrites instead of
// duplicating.
type shard[T any] struct {
	p  *Pipeline[T]
	id string
	st *shardCounters

	ctx    context.Context // the processor's, also cancelled by the shutdown timeout and by stop
	cancel context.CancelFunc
	kick   chan struct{} // the buffer's age deadline changed
	exited chan struct{} // closed when the age goroutine returns

	mu        sync.Mutex
	cp        *consumer.Checkpointer
	entries   []Entry[T]
	raws      [][]byte // the data of each entry's record, for dead letters
	bytes     int
	letters   []Letter  // failed records waiting for the next flush
	since     time.Time // when the buffer became non-empty; zero if empty
	last      pos       // the last record processed
	dirty     bool      // records were processed since the last checkpoint
	replay    *pos      // flush exactly here: a pending checkpoint left by a crash
	blocked   *BlockedError
	abandoned bool // a flush gave up at shutdown: nothing more is written
}

func (p *Pipeline[T]) newShard(shardID string) consumer.RecordProcessor {
	return &shard[T]{p: p, id: shardID, st: p.counters(shardID)}
}

// Initialize implements consumer.RecordProcessor.
func (s *shard[T]) Initialize(ctx context.Context, in consumer.InitializeInput) error {
	s.ctx, s.cancel = context.WithCancel(ctx)
	stopHard := context.AfterFunc(s.p.hard, s.cancel)
	s.kick = make(chan struct{}, 1)
	s.exited = make(chan struct{})
	if pc := in.PendingCheckpoint; pc != nil && !pc.IsSentinel() && pc.Compare(in.Checkpoint) > 0 {
		s.replay = &pos{consumer.NewSequenceNumber(pc.SequenceNumber), pc.SubSequenceNumber}
		s.p.set.logger.Info("connect: replaying the batch a previous owner was flushing", "shard", s.id,
			"from", in.Checkpoint.SequenceNumber, "to", pc.SequenceNumber)
	}
	// One processor per shard in this pipeline: a processor the worker
	// replaced after an error must not flush any more.
	s.p.mu.Lock()
	old := s.p.active[s.id]
	s.p.active[s.id] = s
	s.p.mu.Unlock()
	if old != nil {
		old.stop()
	}
	s.p.wg.Add(1)
	go func() {
		defer s.p.wg.Done()
		defer close(s.exited)
		defer stopHard()
		s.ageLoop()
	}()
	return nil
}

// stop ends the processor: its age goroutine returns, writes in progress
// are cancelled and the buffer is dropped (its records were not
// checkpointed: the next processor reads them again). It waits for the
// goroutine. The caller must not hold s.mu.
func (s *shard[T]) stop() {
	s.cancel()
	<-s.exited
	s.mu.Lock()
	s.st.buffered.Add(-int64(len(s.entries)))
	s.entries, s.raws, s.letters = nil, nil, nil
	s.mu.Unlock()
	s.p.mu.Lock()
	if s.p.active[s.id] == s {
		delete(s.p.active, s.id)
	}
	s.p.mu.Unlock()
}

// ProcessRecords implements consumer.RecordProcessor.
func (s *shard[T]) ProcessRecords(_ context.Context, in consumer.ProcessRecordsInput) error {
	s.st.millis.Store(in.MillisBehindLatest)
	s.mu.Lock()
	s.cp = in.Checkpointer
	err := s.process(in.Records)
	s.mu.Unlock()
	return s.outcome(err)
}

// outcome turns the result of a flush into what the worker is told.
func (s *shard[T]) outcome(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errBlocked):
		// Hold the lease and read no further until the pipeline stops.
		select {
		case <-s.p.stopping:
			return nil
		case <-s.ctx.Done():
			return s.ctx.Err()
		}
	}
	s.stop()
	return err
}

func (s *shard[T]) process(records []consumer.Record) error {
	if s.blocked != nil {
		return errBlocked
	}
	lim := &s.p.set.limits
	var size int64
	for i := range records {
		size += int64(len(records[i].Data))
	}
	s.st.records.Add(int64(len(records)))
	s.st.bytes.Add(size)
	for i := range records {
		r := &records[i]
		at := posOf(r)
		if s.replay != nil && at.compare(*s.replay) > 0 {
			// The record the previous owner flushed at is gone (it cannot
			// be, short of a trimmed shard): flush here instead.
			if err := s.flush("replay"); err != nil {
				return err
			}
		}
		item, err := s.p.transform(*r)
		switch {
		case err != nil:
			s.st.transformFailed.Add(1)
			if err := s.fail(r, StageTransform, err); err != nil {
				return err
			}
		case s.p.filter != nil && !s.p.filter(item):
			s.st.filtered.Add(1)
		default:
			if s.entries == nil {
				n := min(lim.MaxRecords, 1024)
				s.entries, s.raws = make([]Entry[T], 0, n), make([][]byte, 0, n)
			}
			s.entries = append(s.entries, Entry[T]{
				Item:              item,
				ShardID:           s.id,
				SequenceNumber:    r.SequenceNumber,
				SubSequenceNumber: r.SubSequenceNumber,
				PartitionKey:      r.PartitionKey,
				ArrivalTime:       r.ApproximateArrivalTimestamp,
				Size:              len(r.Data),
			})
			s.raws = append(s.raws, r.Data)
			s.bytes += len(r.Data)
			s.st.buffered.Add(1)
			s.started()
		}
		s.last, s.dirty = at, true
		switch {
		case s.replay != nil:
			if at.compare(*s.replay) == 0 {
				if err := s.flush("replay"); err != nil {
					return err
				}
			}
		case len(s.entries) >= lim.MaxRecords:
			if err := s.flush("count"); err != nil {
				return err
			}
		case s.bytes >= lim.MaxBytes:
			if err := s.flush("bytes"); err != nil {
				return err
			}
		}
	}
	if s.dirty && s.replay == nil && len(s.entries) == 0 && len(s.letters) == 0 {
		// Everything read was filtered or dropped: nothing waits.
		return s.flush("idle")
	}
	return nil
}

// started notes that the buffer may have become non-empty, so that its age
// is counted from now.
func (s *shard[T]) started() {
	if !s.since.IsZero() {
		return
	}
	s.since = s.p.set.clock.Now()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// fail applies the failure policy to record r, which the transformer
// rejected. Under Block, what is buffered before r is flushed first, so
// the checkpoint stops right before r.
func (s *shard[T]) fail(r *consumer.Record, stage Stage, reason error) error {
	pol := s.p.set.policy
	switch pol.kind {
	case policyDrop:
		s.st.dropped.Add(1)
		s.p.set.logger.Warn("connect: record dropped", "shard", s.id, "sequenceNumber", r.SequenceNumber.String(),
			"subSequenceNumber", r.SubSequenceNumber, "stage", string(stage), "err", reason)
		return nil
	case policyDeadLetter:
		s.letters = append(s.letters, Letter{
			StreamName: s.p.stream, ShardID: s.id,
			SequenceNumber: r.SequenceNumber.String(), SubSequenceNumber: r.SubSequenceNumber,
			PartitionKey: r.PartitionKey, ArrivalTime: r.ApproximateArrivalTimestamp,
			Data: r.Data, Stage: stage, Reason: reason.Error(),
		})
		s.started()
		return nil
	}
	if s.dirty {
		if err := s.flush("block"); err != nil {
			return err
		}
	}
	return s.block(r.SequenceNumber.String(), r.SubSequenceNumber, stage, reason)
}

func (s *shard[T]) block(seq string, sub int64, stage Stage, reason error) error {
	b := &BlockedError{ShardID: s.id, SequenceNumber: seq, SubSequenceNumber: sub, Stage: stage, Err: reason}
	s.blocked = b
	s.st.blocked.Store(b)
	s.p.reportBlock(b)
	return errBlocked
}

// flush emits the buffer, writes the dead letters, and checkpoints at the
// last record processed. It returns nil, errBlocked, errStopped or
// consumer.ErrLeaseLost. The caller holds s.mu.
func (s *shard[T]) flush(why string) error {
	switch {
	case s.blocked != nil:
		return errBlocked
	case s.abandoned:
		return errStopped
	case !s.dirty:
		return nil
	}
	target := s.last
	seq := target.seq.String()
	if len(s.entries) == 0 && len(s.letters) == 0 {
		if err := s.storeOp("checkpoint", func(ctx context.Context) error {
			return s.cp.CheckpointAt(ctx, seq, target.sub)
		}); err != nil {
			return err
		}
		s.checkpointed()
		return nil
	}
	if err := s.storeOp("prepare checkpoint", func(ctx context.Context) error {
		return s.cp.Prepare(ctx, seq, target.sub)
	}); err != nil {
		return err
	}
	if len(s.entries) > 0 {
		if err := s.emit(); err != nil {
			return err
		}
	}
	if len(s.letters) > 0 {
		if err := s.deadLetter(); err != nil {
			return err
		}
	}
	if err := s.storeOp("commit checkpoint", s.cp.Commit); err != nil {
		return err
	}
	s.p.set.logger.Debug("connect: flushed", "shard", s.id, "why", why, "checkpoint", seq)
	s.checkpointed()
	return nil
}

// checkpointed empties the buffer after a checkpoint at s.last.
func (s *shard[T]) checkpointed() {
	s.st.checkpoints.Add(1)
	s.st.buffered.Add(-int64(len(s.entries)))
	s.entries, s.raws, s.letters = nil, nil, nil
	s.bytes = 0
	s.since = time.Time{}
	s.dirty = false
	s.replay = nil
}

// emit stores the buffered entries, retrying the failed ones, and applies
// the failure policy to those that still fail.
func (s *shard[T]) emit() error {
	full := &Batch[T]{StreamName: s.p.stream, ShardID: s.id, Entries: s.entries}
	failed, err := s.retry("emit", len(s.entries), func(ctx context.Context, idx []int) ([]Failure, error) {
		b := full
		if len(idx) < len(s.entries) {
			b = &Batch[T]{StreamName: s.p.stream, ShardID: s.id, Entries: make([]Entry[T], len(idx))}
			for j, i := range idx {
				b.Entries[j] = s.entries[i]
			}
		}
		return s.p.emitter.Emit(ctx, b)
	})
	if err != nil {
		return err
	}
	s.st.flushes.Add(1)
	var stored int64
	bad := make(map[int]bool, len(failed))
	for _, f := range failed {
		bad[f.index] = true
	}
	for i := range s.entries {
		if !bad[i] {
			stored += int64(s.entries[i].Size)
		}
	}
	s.st.emitted.Add(int64(len(s.entries) - len(failed)))
	s.st.emittedBytes.Add(stored)
	if len(failed) == 0 {
		return nil
	}
	switch s.p.set.policy.kind {
	case policyDrop:
		for _, f := range failed {
			e := &s.entries[f.index]
			s.p.set.logger.Warn("connect: item dropped", "shard", s.id, "sequenceNumber", e.SequenceNumber.String(),
				"subSequenceNumber", e.SubSequenceNumber, "stage", string(StageEmit), "err", f.err)
		}
		s.st.dropped.Add(int64(len(failed)))
		return nil
	case policyDeadLetter:
		letters := make([]Letter, 0, len(failed)+len(s.letters))
		for _, f := range failed {
			e := &s.entries[f.index]
			letters = append(letters, Letter{
				StreamName: s.p.stream, ShardID: s.id,
				SequenceNumber: e.SequenceNumber.String(), SubSequenceNumber: e.SubSequenceNumber,
				PartitionKey: e.PartitionKey, ArrivalTime: e.ArrivalTime,
				Data: s.raws[f.index], Stage: StageEmit, Reason: f.err.Error(),
			})
		}
		// Keep the letters in stream order.
		s.letters = mergeLetters(s.letters, letters)
		return nil
	}
	e := &s.entries[failed[0].index]
	return s.block(e.SequenceNumber.String(), e.SubSequenceNumber, StageEmit, failed[0].err)
}

// deadLetter writes the letters waiting; a letter that cannot be written
// blocks the shard.
func (s *shard[T]) deadLetter() error {
	dl := s.p.set.policy.dl
	failed, err := s.retry("dead-letter", len(s.letters), func(ctx context.Context, idx []int) ([]Failure, error) {
		letters := s.letters
		if len(idx) < len(s.letters) {
			letters = make([]Letter, len(idx))
			for j, i := range idx {
				letters[j] = s.letters[i]
			}
		}
		return dl.WriteLetters(ctx, letters)
	})
	if err != nil {
		return err
	}
	if len(failed) > 0 {
		l := &s.letters[failed[0].index]
		return s.block(l.SequenceNumber, l.SubSequenceNumber, StageDeadLetter,
			fmt.Errorf("%s failure (%s) could not be dead-lettered: %w", l.Stage, l.Reason, failed[0].err))
	}
	s.st.deadLettered.Add(int64(len(s.letters)))
	return nil
}

// mergeLetters merges two lists of letters sorted by position.
func mergeLetters(a, b []Letter) []Letter {
	out := make([]Letter, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if letterBefore(&b[0], &a[0]) {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}

func letterBefore(x, y *Letter) bool {
	c := consumer.NewSequenceNumber(x.SequenceNumber).Compare(consumer.NewSequenceNumber(y.SequenceNumber))
	return c < 0 || c == 0 && x.SubSequenceNumber < y.SubSequenceNumber
}

// storeOp runs a lease-table write, retrying transient errors. A lost
// lease, an invalid checkpoint (a bug) or the end of the context end it.
func (s *shard[T]) storeOp(op string, fn func(ctx context.Context) error) error {
	pause := s.p.set.backoff.First
	for {
		err := fn(s.ctx)
		if err == nil || errors.Is(err, consumer.ErrLeaseLost) || errors.Is(err, consumer.ErrInvalidCheckpoint) {
			return err
		}
		if s.ctx.Err() != nil {
			return s.stopped()
		}
		s.p.set.logger.Warn("connect: lease table write failed, retrying", "shard", s.id, "op", op, "err", err, "pause", pause)
		if !s.sleep(pause) {
			return s.stopped()
		}
		pause = min(2*pause, s.p.set.backoff.Max)
	}
}

func (s *shard[T]) stopped() error {
	s.abandoned = true
	return errStopped
}

type itemFailure struct {
	index int
	err   error
}

// retry calls fn with the indices of the items still to store, until all
// are stored or failed for good: permanently, or after the backoff's
// MaxElapsed. It returns those failed for good, in order, or errStopped.
func (s *shard[T]) retry(op string, n int, fn func(ctx context.Context, idx []int) ([]Failure, error)) ([]itemFailure, error) {
	clk, bo := s.p.set.clock, &s.p.set.backoff
	pending := make([]int, n)
	for i := range pending {
		pending[i] = i
	}
	reasons := make(map[int]error)
	var final []itemFailure
	begin := clk.Now()
	pause := bo.First
	for {
		fails, err := fn(s.ctx, pending)
		if err == nil {
			err = checkFailures(fails, len(pending))
		}
		if err != nil {
			if s.ctx.Err() != nil {
				return nil, s.stopped()
			}
			for _, i := range pending {
				reasons[i] = err
			}
		} else {
			var next []int
			for _, f := range fails {
				i := pending[f.Index]
				reason := f.Err
				if reason == nil {
					reason = errors.New("failed without a reason")
				}
				if f.Permanent {
					final = append(final, itemFailure{i, reason})
				} else {
					next = append(next, i)
					reasons[i] = reason
				}
			}
			if len(next) == 0 {
				sortFailures(final)
				return final, nil
			}
			slices.Sort(next)
			pending = next
		}
		if clk.Now().Sub(begin) >= bo.MaxElapsed {
			for _, i := range pending {
				final = append(final, itemFailure{i, reasons[i]})
			}
			sortFailures(final)
			return final, nil
		}
		s.st.retries.Add(1)
		s.p.set.logger.Warn("connect: "+op+" failed, retrying", "shard", s.id, "items", len(pending),
			"err", reasons[pending[0]], "pause", pause)
		if !s.sleep(pause) {
			return nil, s.stopped()
		}
		pause = min(2*pause, bo.Max)
	}
}

// checkFailures rejects a failure list that does not fit the batch.
func checkFailures(fails []Failure, n int) error {
	seen := make(map[int]bool, len(fails))
	for _, f := range fails {
		if f.Index < 0 || f.Index >= n || seen[f.Index] {
			return fmt.Errorf("connect: the emitter reported a failure at index %d of a batch of %d, or twice", f.Index, n)
		}
		seen[f.Index] = true
	}
	return nil
}

// sleep waits d on the pipeline's clock; false if the context ended first.
func (s *shard[T]) sleep(d time.Duration) bool {
	t := s.p.set.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return true
	case <-s.ctx.Done():
		return false
	}
}

// ageLoop flushes the buffer when its oldest item reaches MaxAge, also when
// no records arrive (the worker calls ProcessRecords only with records).
func (s *shard[T]) ageLoop() {
	clk, maxAge := s.p.set.clock, s.p.set.limits.MaxAge
	for {
		s.mu.Lock()
		since, idle := s.since, s.since.IsZero() || s.replay != nil || s.blocked != nil || s.abandoned
		s.mu.Unlock()
		if idle {
			select {
			case <-s.kick:
				continue
			case <-s.ctx.Done():
				return
			}
		}
		t := clk.NewTimer(since.Add(maxAge).Sub(clk.Now()))
		select {
		case <-t.C():
			s.mu.Lock()
			var err error
			if s.blocked == nil && s.replay == nil && !s.abandoned && !s.since.IsZero() &&
				!clk.Now().Before(s.since.Add(maxAge)) {
				err = s.flush("age")
			}
			s.mu.Unlock()
			if err != nil && !errors.Is(err, errBlocked) {
				s.p.set.logger.Warn("connect: flush on age failed", "shard", s.id, "err", err)
				s.cancel()
				return
			}
		case <-s.kick:
			t.Stop()
		case <-s.ctx.Done():
			t.Stop()
			return
		}
	}
}

// ShardEnded implements consumer.RecordProcessor: the last flush, then the
// SHARD_END checkpoint, so the children start.
func (s *shard[T]) ShardEnded(_ context.Context, cp *consumer.Checkpointer) error {
	s.mu.Lock()
	s.cp = cp
	s.replay = nil
	err := s.flush("shard end")
	if err == nil {
		err = s.storeOp("checkpoint SHARD_END", cp.Checkpoint)
	}
	s.mu.Unlock()
	if err == nil {
		s.stop()
		return nil
	}
	if err := s.outcome(err); err != nil {
		return err
	}
	s.stop()
	return fmt.Errorf("connect: shard %s is blocked before its end", s.id)
}

// ShutdownRequested implements consumer.RecordProcessor: the last flush and
// checkpoint, unless the shard is blocked or replaying the batch of a
// crashed owner (the next owner replays it whole).
func (s *shard[T]) ShutdownRequested(_ context.Context, cp *consumer.Checkpointer) error {
	s.mu.Lock()
	s.cp = cp
	var err error
	if s.replay == nil && s.blocked == nil {
		err = s.flush("shutdown")
	}
	s.mu.Unlock()
	s.stop()
	if errors.Is(err, errStopped) || errors.Is(err, errBlocked) {
		return nil
	}
	return err
}

// LeaseLost implements consumer.RecordProcessor: the buffer is dropped;
// the new owner reads its records again from the checkpoint.
func (s *shard[T]) LeaseLost(context.Context) { s.stop() }

var _ consumer.RecordProcessor = (*shard[int])(nil)

func sortFailures(s []itemFailure) {
	slices.SortFunc(s, func(a, b itemFailure) int { return a.index - b.index })
}
