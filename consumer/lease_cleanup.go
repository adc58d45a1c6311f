package consumer

import (
	"time"

	"github.com/freshet-io/freshet/consumer/lease"
)

// cleanup deletes the leases that no worker needs any more, as the KCL's
// LeaseCleanupManager does, so that the lease table holds the leases of
// open shards and of few closed ones instead of growing with every
// reshard. It runs within a shard sync, every WithLeaseCleanupInterval,
// on the leases that sync listed before calling ListShards (v, built on
// the lineage of that call).
//
// Behavior:
//   - The lease of a shard that ListShards no longer returns is deleted,
//     whatever its checkpoint: the shard has expired (its retention passed
//     after it closed) and whatever of it was not read is gone; its
//     children do not wait for it (see "Parent before child" in
//     lineage.go). As the leases were listed before the shards, a lease seen
//     belongs to a shard that existed when ListShards was called, so only
//     expiry can hide it. Nothing is deleted when ListShards returns no
//     shard at all.
//   - The lease of a shard that is done (at SHARD_END) is deleted once
//     every child shard has progressed: its lease has a checkpoint past
//     its initial position, or has itself been deleted after its own
//     children progressed. Until then a child may still need the parent's
//     lease as evidence that it may start. Once every child has
//     progressed, each of them is evidence that the parent is done, so the
//     deletion changes no decision of the parent-before-child rule, and
//     shard sync does not create the lease again.
//   - A done lease that a live worker holds (one that renewed it within
//     the failover time, by this worker's observation) is left for a later
//     cleanup: the worker that read the shard to its end releases it right
//     after its final checkpoint, and deleting it earlier would make that
//     worker report a lost lease.
//
// Delete is unconditional and idempotent, so workers need not agree on
// who cleans up: each does, on its own interval. It returns the keys it
// deleted.
func (c *coordinator) cleanup(v *leaseView, now time.Time) ([]string, error) {
	if len(v.g.listed) == 0 {
		return nil, nil
	}
	var deleted []string
	for _, l := range v.leases {
		var why string
		switch {
		case !v.g.listed[l.Key]:
			why = "expired"
		case c.finished(v, l, now):
			why = "finished"
		default:
			continue
		}
		if err := c.w.cfg.store.Delete(c.ctx, l.Key); err != nil {
			return deleted, err
		}
		c.w.cfg.logger.Info("deleted the lease of a "+why+" shard", "worker", c.w.id, "shard", l.Key,
			"checkpoint", l.Checkpoint.SequenceNumber)
		deleted = append(deleted, l.Key)
	}
	return deleted, nil
}

// finished reports whether the lease l may be deleted because its shard is
// done, every child has progressed, and no live worker holds it.
func (c *coordinator) finished(v *leaseView, l lease.Lease, now time.Time) bool {
	children := v.g.children[l.Key]
	if len(children) == 0 || !v.done(l.Key) || c.heldByLiveWorker(l, now) {
		// A done shard is closed, so the ListShards that followed the
		// listing of its lease returned its children; none means
		// something is amiss, and keeping a lease is always safe.
		return false
	}
	for _, ch := range children {
		if !v.progressed(ch) {
			return false
		}
	}
	return true
}

// heldByLiveWorker reports whether a worker holds l and renews it: this
// worker if a shard consumer of it runs, another if its Counter changed
// within the failover time. A lease owned by this worker's id that no
// shard consumer holds is left over from an earlier run.
func (c *coordinator) heldByLiveWorker(l lease.Lease, now time.Time) bool {
	switch l.Owner {
	case "":
		return false
	case c.w.id:
		_, ok := c.consumers[l.Key]
		return ok
	}
	return !c.expired(l, now)
}
