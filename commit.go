package freshet

import (
	"runtime"
	"sync"
	"time"

	"github.com/freshet-io/freshet/internal/wal"
)

// Group commit
//
// A write to an engine with a data directory encodes its record into its
// shard's pending buffer under the shard's lock, and (but with SyncAlways)
// queues the shard for the committer, a goroutine per engine. The
// committer takes every queued shard's pending records, writes each
// shard's batch to its log with one write, fsyncs every log it wrote once
// (in parallel), and only then publishes the records: it adds them to the
// shard's in-memory chunks, advances the shard's next counter and wakes
// readers and writers. A writer returns once its record is published.
// While the committer fsyncs, new writers queue up, so one fsync covers
// every writer that waited for it.
//
// With SyncAlways there is no committer: each writer commits its shard
// itself. With SyncInterval and SyncNone the committer writes without
// fsyncing (SyncInterval fsyncs on a ticker).
//
// Locks: a shard log's flushMu (held while its batch is written and
// synced) comes before the shard's mutex; the store's mu (the queue) comes
// after the shard's mutex. The committer holds no stream or shard lock
// while it saves the metadata.

// start starts the committer, unless writers commit themselves.
func (s *store) start() {
	if s.policy.mode == syncAlways {
		close(s.stopped)
		return
	}
	s.e.wg.Add(1)
	go s.run()
}

// run is the committer.
func (s *store) run() {
	defer s.e.wg.Done()
	defer close(s.stopped)
	var tick <-chan time.Time
	if s.policy.mode == syncInterval {
		t := time.NewTicker(s.policy.interval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-s.kick:
			s.commitQueued()
		case <-tick:
			s.syncAll()
		case <-s.e.done:
			s.closed.Store(true)
			s.commitQueued()
			return
		}
	}
}

// enqueueLocked queues sh for the committer; the caller holds sh.mu. The
// committer is woken now if kick, else by the caller later (PutRecords
// wakes it once all its records are pending, so that one fsync covers
// them).
func (s *store) enqueueLocked(sh *shard, kick bool) {
	s.mu.Lock()
	s.queue = append(s.queue, sh)
	s.mu.Unlock()
	if kick {
		s.wake()
	}
}

// wake wakes the committer.
func (s *store) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// commitQueued commits the shards queued so far. With SyncBatch, when the
// last batch held several records, it first waits a little (while records
// keep arriving, up to half the last fsync's duration): the
// writers the last commit released are then writing their next records,
// and one fsync covers them all instead of a few. It stops waiting as
// soon as as many records are pending as the largest recent batch held
// (peakBatch, decaying by a sixteenth per batch): the writers who were
// still waiting for the last fsync when it took the last batch are then
// back too, which waiting for the last batch's size alone missed.
func (s *store) commitQueued() {
	if s.policy.mode == syncBatch && s.lastBatch > 1 {
		// Yield to the writers while records keep arriving (a timer
		// would sleep far longer than an fsync on some systems); on a
		// loaded machine a few yields can pass before a writer runs.
		deadline := time.Now().Add(min(s.lastSync/2, 2*time.Millisecond))
		prev, still := int64(-1), 0
		for still < 20 && time.Now().Before(deadline) {
			runtime.Gosched()
			n := s.pendingRecords.Load()
			if n >= s.peakBatch {
				break
			}
			if n != prev {
				prev, still = n, 0
			} else {
				still++
			}
		}
	}
	s.lastBatch = s.pendingRecords.Swap(0)
	s.peakBatch = max(s.lastBatch, s.peakBatch-s.peakBatch/16)
	s.mu.Lock()
	q := s.queue
	s.queue = nil
	s.mu.Unlock()
	if len(q) > 0 {
		s.commit(q, s.policy.mode != syncInterval && s.policy.mode != syncNone)
	}
}

// commitJob is one shard's part of a commit.
type commitJob struct {
	sh  *shard
	p   []byte
	err error
}

// commit writes the pending records of shards to their logs, fsyncs them
// if sync, and publishes them (or, on failure, fails the shards' logs).
func (s *store) commit(shards []*shard, sync bool) {
	for _, sh := range shards {
		if !sh.log.registered.Load() {
			// A new shard: the metadata must know it before its first
			// record is stored.
			if err := s.saveMeta(); err != nil {
				for _, sh := range shards {
					if !sh.log.registered.Load() {
						sh.log.fail(sh, err)
					}
				}
			}
			break
		}
	}
	jobs := make([]commitJob, 0, len(shards))
	for _, sh := range shards {
		l := sh.log
		l.flushMu.Lock()
		sh.mu.Lock()
		p := l.pending
		l.pending, l.spare = l.spare[:0], nil
		l.queued = false
		drop := sh.gone || l.err != nil
		if len(p) > 0 && !drop && !l.registered.Load() {
			// Created after the metadata was captured: wait for the
			// next save.
			l.pending = append(p, l.pending...)
			l.queued = true
			s.enqueueLocked(sh, true)
			p = nil
		}
		sh.mu.Unlock()
		if len(p) == 0 || drop {
			l.flushMu.Unlock()
			continue
		}
		jobs = append(jobs, commitJob{sh: sh, p: p, err: l.write(s, p)})
	}
	if sync {
		start := time.Now()
		s.syncJobs(jobs)
		s.lastSync = time.Since(start)
	}
	for i := range jobs {
		j := &jobs[i]
		l := j.sh.log
		j.sh.mu.Lock()
		if j.err != nil {
			l.failLocked(j.sh, j.err)
		} else {
			j.sh.publishLocked(j.p)
		}
		if l.spare == nil {
			l.spare = j.p[:0]
		}
		j.sh.mu.Unlock()
		if j.err == nil {
			// What a failure later rewinds the log to.
			l.w.Mark()
		}
		l.flushMu.Unlock()
	}
	if s.e.mem.used.Load() > s.e.cfg.storage.maxMemory && s.evictMu.TryLock() {
		s.e.evict()
		s.evictMu.Unlock()
	}
}

// syncJobs fsyncs the logs of jobs that wrote, in parallel.
func (s *store) syncJobs(jobs []commitJob) {
	var dirty []int
	for i := range jobs {
		if jobs[i].err == nil && jobs[i].sh.log.w.Dirty() {
			dirty = append(dirty, i)
		}
	}
	if len(dirty) == 1 {
		j := &jobs[dirty[0]]
		j.err = j.sh.log.w.Sync()
		return
	}
	var wg sync.WaitGroup
	for _, i := range dirty {
		wg.Add(1)
		go func(j *commitJob) {
			defer wg.Done()
			j.err = j.sh.log.w.Sync()
		}(&jobs[i])
	}
	wg.Wait()
}

// write writes p to the log, opening it first if needed. The caller holds
// l.flushMu.
func (l *shardLog) write(s *store, p []byte) error {
	if l.w == nil {
		if l.dead {
			return errLogClosed
		}
		w, err := wal.Open(l.dir, s.walOptions())
		if err != nil {
			return err
		}
		l.sh.mu.Lock()
		l.w = w
		l.sh.mu.Unlock()
		s.addLog(l)
	}
	return l.w.Write(p)
}
