package consumer

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/freshet-io/freshet/consumer/lease"
)

// heldLease is a lease this worker holds. It serializes the mutations of
// the lease (renew, checkpoint, release), as the lease.Store contract
// requires, and always keeps the lease returned by the last one.
type heldLease struct {
	store  lease.Store
	clock  interface{ Now() time.Time }
	onLost func() // called once, when the lease is found lost

	mu        sync.Mutex
	l         lease.Lease
	renewedAt time.Time // when a mutation last succeeded, which renews the lease
	lost      bool
	released  bool
}

func (h *heldLease) get() lease.Lease {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.l
}

func (h *heldLease) isLost() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lost
}

// mutate applies one store mutation under the lock. An ErrConflict or
// ErrNotFound means another worker took the lease: h is marked lost and
// ErrLeaseLost returned.
func (h *heldLease) mutate(fn func(l lease.Lease) (lease.Lease, error)) error {
	h.mu.Lock()
	if h.lost || h.released {
		h.mu.Unlock()
		return ErrLeaseLost
	}
	l, err := fn(h.l)
	if err == nil {
		if l.Counter != h.l.Counter {
			h.renewedAt = h.clock.Now()
		}
		h.l = l
		h.mu.Unlock()
		return nil
	}
	lost := errors.Is(err, lease.ErrConflict) || errors.Is(err, lease.ErrNotFound)
	if lost {
		h.lost = true
	}
	h.mu.Unlock()
	if lost {
		h.onLost()
		return ErrLeaseLost
	}
	return err
}

func (h *heldLease) renew(ctx context.Context) error {
	return h.mutate(func(l lease.Lease) (lease.Lease, error) {
		return h.store.Renew(ctx, l)
	})
}

// updateCheckpoint stores the checkpoint and pending checkpoint that fn
// computes from the current lease, and the child shards that children (if
// not nil) names for that checkpoint.
func (h *heldLease) updateCheckpoint(ctx context.Context, children func(lease.Checkpoint) []string,
	fn func(l lease.Lease) (lease.Checkpoint, *lease.Checkpoint, error)) (lease.Lease, error) {
	var out lease.Lease
	err := h.mutate(func(l lease.Lease) (lease.Lease, error) {
		cp, pending, err := fn(l)
		if err != nil {
			return l, err
		}
		if children != nil {
			if ids := children(cp); len(ids) > 0 {
				l.ChildShardIDs = ids
			}
		}
		out, err = h.store.UpdateCheckpoint(ctx, l, cp, pending)
		return out, err
	})
	return out, err
}

// expireIfStale marks the lease lost if no mutation has succeeded for the
// failover time: other workers consider it expired and may have taken it,
// so this worker must stop processing the shard.
func (h *heldLease) expireIfStale(failover time.Duration) bool {
	h.mu.Lock()
	stale := !h.lost && !h.released && h.clock.Now().Sub(h.renewedAt) >= failover
	if stale {
		h.lost = true
	}
	h.mu.Unlock()
	if stale {
		h.onLost()
	}
	return stale
}

// release gives the lease up. Afterwards every mutation fails.
func (h *heldLease) release(ctx context.Context) error {
	err := h.mutate(func(l lease.Lease) (lease.Lease, error) {
		return h.store.Release(ctx, l)
	})
	h.mu.Lock()
	h.released = true
	h.mu.Unlock()
	return err
}
