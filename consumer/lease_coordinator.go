package consumer

import (
	"context"
	"errors"
	"maps"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
)

// coordinator runs a worker's lease cycle (the KCL's lease taker): every
// renew interval it creates leases for new shards, and takes expired
// leases or steals leases from overloaded workers until the worker holds
// its share. It runs on the goroutine of Worker.Run. The leases it takes
// are renewed by the renewer, on a goroutine of its own, and processed by
// shard consumers, on goroutines of theirs.
//
// Behavior, as in the KCL:
//   - Expiry is observed locally: a lease whose Counter has not changed for
//     the failover time, by this worker's clock, is expired. A worker that
//     has just started therefore waits one failover time before taking
//     the leases of a dead worker. Released leases are free at once.
//   - A lease is eligible once its shard is not done and every parent shard
//     is done (read to its end) or has expired, judged from evidence in the
//     lease table and ListShards, never from a missing lease alone (see
//     "Parent before child" in lineage.go). Eligible leases are the work
//     to share.
//   - Leases nobody needs any more are deleted every cleanup interval
//     (see cleanup).
//   - The share is ceil(work / workers), workers being the distinct owners
//     of unexpired eligible leases plus this one. A worker below its share
//     takes expired leases first; if there are none, it steals at most
//     MaxLeasesToStealAtOneTime from the most loaded worker, if that one
//     holds more than the share.
type coordinator struct {
	w    *Worker
	ctx  context.Context // cancelled when the worker stops abruptly
	wake chan struct{}
	ren  *renewer

	seen        map[string]observation
	consumers   map[string]*shardConsumer
	lineage     *lineage // from the last ListShards; nil before the first
	lastSync    time.Time
	synced      bool
	lastCleanup time.Time
	cleaned     bool
	resync      atomic.Bool // a shard ended: sync shards in the next cycle
}

// observation is when this worker last saw a lease's Counter change.
type observation struct {
	counter int64
	owner   string
	since   time.Time
}

func newCoordinator(w *Worker, ctx context.Context) *coordinator {
	return &coordinator{
		w:         w,
		ctx:       ctx,
		wake:      make(chan struct{}, 1),
		ren:       newRenewer(w),
		seen:      make(map[string]observation),
		consumers: make(map[string]*shardConsumer),
	}
}

// signal asks for a lease cycle now, for example because a shard ended and
// its children may be taken.
func (c *coordinator) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// requestSync asks for a shard sync in a lease cycle run now.
func (c *coordinator) requestSync() {
	c.resync.Store(true)
	c.signal()
}

// loop runs lease cycles until ctx is done or a shutdown is requested.
func (c *coordinator) loop(ctx context.Context, stop <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-stop:
			return
		default:
		}
		c.cycle()
		t := c.w.cfg.clock.NewTimer(c.w.cfg.renew)
		if c.w.afterCycle != nil {
			c.w.afterCycle(len(c.consumers))
		}
		select {
		case <-t.C():
		case <-c.wake:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return
		case <-stop:
			t.Stop()
			return
		case <-c.ctx.Done():
			t.Stop()
			return
		}
	}
}

func (c *coordinator) cycle() {
	c.reap()
	now := c.w.cfg.clock.Now()
	clean := !c.cleaned || now.Sub(c.lastCleanup) >= c.w.cfg.cleanup
	if c.resync.Swap(false) || !c.synced || now.Sub(c.lastSync) >= c.w.cfg.shardSync || clean {
		if err := c.syncShards(clean, now); err != nil {
			c.w.cfg.logger.Warn("shard sync failed", "worker", c.w.id, "err", err)
			c.w.cfg.metrics.Error("ListShards", err)
			c.resync.Store(true)
		} else {
			c.synced, c.lastSync = true, now
			if clean {
				c.cleaned, c.lastCleanup = true, now
			}
		}
	}
	leases, err := c.w.cfg.store.List(c.ctx)
	if err != nil {
		c.w.cfg.logger.Warn("listing leases failed", "worker", c.w.id, "err", err)
		c.w.cfg.metrics.Error("ListLeases", err)
		return
	}
	c.take(leases, c.w.cfg.clock.Now())
	c.w.cfg.metrics.LeasesHeld(len(c.consumers))
}

// reap forgets the shard consumers that have finished.
func (c *coordinator) reap() {
	for key, sc := range c.consumers {
		select {
		case <-sc.done:
			delete(c.consumers, key)
			c.ren.remove(key)
		default:
		}
	}
}

// syncShards creates a lease for every shard ListShards returns that has
// none and is not done, and, if clean is set, deletes the leases nobody
// needs any more (see cleanup). Shards come in index order, so parents get
// their leases before their children. The leases are listed before the
// shards, which cleanup relies on.
func (c *coordinator) syncShards(clean bool, now time.Time) error {
	leases, err := c.w.cfg.store.List(c.ctx)
	if err != nil {
		return err
	}
	shards, err := c.w.listShards(c.ctx)
	if err != nil {
		return err
	}
	c.lineage = newLineage(shards)
	c.observe(leases, now)
	v := newLeaseView(leases, c.lineage)
	byKey := maps.Clone(v.leases)
	if clean {
		deleted, err := c.cleanup(v, now)
		for _, key := range deleted {
			delete(byKey, key)
		}
		if err != nil {
			return err
		}
	}
	endedNow := make(map[string]bool) // closed shards skipped at LATEST in this sync
	for _, sh := range shards {
		id := sh.ShardId
		if _, ok := byKey[id]; ok {
			continue
		}
		if v.done(id) {
			// Its lease was deleted by cleanup (or is about to be):
			// creating it again would read the shard again.
			continue
		}
		parents := shardParents(sh)
		// A child of a shard that is being read, or was, starts at its
		// beginning, so that nothing written after the reshard is lost.
		pos := c.w.cfg.position
		for _, p := range parents {
			if c.lineage.listed[p] && !endedNow[p] {
				pos = lease.TrimHorizon
			}
		}
		closed := !sh.SequenceNumberRange.EndingSequenceNumber.IsZero()
		if pos == lease.Latest && closed {
			// Nothing will ever be written after the tip of a closed shard.
			pos = lease.ShardEnd
			endedNow[id] = true
		}
		l := lease.Lease{
			Key:            id,
			Checkpoint:     lease.Checkpoint{SequenceNumber: pos},
			ParentShardIDs: parents,
			HashKeyRange: lease.HashKeyRange{
				StartingHashKey: sh.HashKeyRange.StartingHashKey.String(),
				EndingHashKey:   sh.HashKeyRange.EndingHashKey.String(),
			},
		}
		if _, err := c.w.cfg.store.CreateIfNotExists(c.ctx, l); err != nil {
			return err
		}
		byKey[id] = l
	}
	return nil
}

// observe records when this worker saw each lease's Counter or Owner
// change, and forgets the leases no longer listed.
func (c *coordinator) observe(leases []lease.Lease, now time.Time) {
	listed := make(map[string]bool, len(leases))
	for _, l := range leases {
		listed[l.Key] = true
		o, ok := c.seen[l.Key]
		if !ok || o.counter != l.Counter || o.owner != l.Owner {
			c.seen[l.Key] = observation{counter: l.Counter, owner: l.Owner, since: now}
		}
	}
	for key := range c.seen {
		if !listed[key] {
			delete(c.seen, key)
		}
	}
}

// expired reports whether l is free to take: unowned, or not renewed for
// the failover time since this worker first saw its current Counter. l
// must have been observed.
func (c *coordinator) expired(l lease.Lease, now time.Time) bool {
	return l.Owner == "" || now.Sub(c.seen[l.Key].since) >= c.w.cfg.failover
}

func (c *coordinator) take(leases []lease.Lease, now time.Time) {
	cfg := &c.w.cfg
	c.observe(leases, now)
	v := newLeaseView(leases, c.lineage)

	work := 0
	load := make(map[string][]lease.Lease) // unexpired eligible leases of other workers
	var free []lease.Lease
	for _, l := range leases {
		if !v.eligible(l) {
			continue
		}
		work++
		if _, ok := c.consumers[l.Key]; ok {
			continue
		}
		if l.Owner == c.w.id || c.expired(l, now) {
			// A lease owned by this worker id but not held is left
			// over from an earlier run of the same worker.
			free = append(free, l)
			continue
		}
		load[l.Owner] = append(load[l.Owner], l)
	}
	workers := len(load) + 1
	share := (work + workers - 1) / workers
	need := share - len(c.consumers)
	if need <= 0 {
		return
	}
	rand.Shuffle(len(free), func(i, j int) { free[i], free[j] = free[j], free[i] })
	for _, l := range free {
		if need == 0 {
			return
		}
		if c.acquire(l, false) {
			need--
		}
	}
	if len(free) > 0 || need == 0 {
		return
	}
	// Steal from the most loaded worker, if it holds more than its share.
	owners := make([]string, 0, len(load))
	for o := range load {
		owners = append(owners, o)
	}
	rand.Shuffle(len(owners), func(i, j int) { owners[i], owners[j] = owners[j], owners[i] })
	var victim string
	for _, o := range owners {
		if victim == "" || len(load[o]) > len(load[victim]) {
			victim = o
		}
	}
	if victim == "" || len(load[victim]) <= share {
		return
	}
	n := min(need, cfg.maxSteal, len(load[victim])-share)
	cands := load[victim]
	rand.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	for _, l := range cands[:n] {
		c.acquire(l, true)
	}
}

// acquire takes l and starts a shard consumer for it.
func (c *coordinator) acquire(l lease.Lease, steal bool) bool {
	taken, err := c.w.cfg.store.Take(c.ctx, l, c.w.id)
	if err != nil {
		if !errors.Is(err, lease.ErrConflict) && !errors.Is(err, lease.ErrNotFound) {
			c.w.cfg.logger.Warn("taking lease failed", "worker", c.w.id, "shard", l.Key, "err", err)
			c.w.cfg.metrics.Error("TakeLease", err)
		}
		return false
	}
	c.w.cfg.logger.Info("lease taken", "worker", c.w.id, "shard", l.Key, "from", l.Owner, "stolen", steal)
	c.w.cfg.metrics.LeaseGained(l.Key)
	if steal {
		c.w.cfg.metrics.LeaseStolen(l.Key, l.Owner)
	}
	sc := newShardConsumer(c, taken)
	c.consumers[l.Key] = sc
	c.ren.add(l.Key, sc.held)
	go sc.run()
	return true
}

// shutdown asks every shard consumer to stop after its current batch and
// waits until they have all finished (or the worker stops abruptly); the
// renewer keeps their leases meanwhile.
func (c *coordinator) shutdown() {
	for _, sc := range c.consumers {
		sc.requestStop()
	}
	for _, sc := range c.consumers {
		select {
		case <-sc.done:
		case <-c.ctx.Done():
			return
		}
	}
	c.reap()
}

// wait waits for every shard consumer to finish.
func (c *coordinator) wait() {
	for _, sc := range c.consumers {
		<-sc.done
	}
	c.consumers = nil
}

// listShards lists every shard of the stream with ListShards.
func (w *Worker) listShards(ctx context.Context) ([]freshet.Shard, error) {
	var shards []freshet.Shard
	in := &freshet.ListShardsInput{StreamName: w.stream}
	for {
		out, err := w.src.ListShards(ctx, in)
		if err != nil {
			return nil, err
		}
		shards = append(shards, out.Shards...)
		if out.NextToken == "" {
			return shards, nil
		}
		in = &freshet.ListShardsInput{NextToken: out.NextToken}
	}
}
