package consumer

import (
	"context"
	"errors"
	"sync"
)

// renewer renews the leases a worker holds, every renew interval, on a
// goroutine of its own, as the KCL's lease renewer does: neither record
// processing nor a slow lease cycle (a long listing of the lease table, a
// throttled ListShards, the creation of many leases) can hold a renewal
// back past the failover time. The leases are renewed concurrently, one
// goroutine each, so that one slow store call delays no other lease.
//
// A lease that cannot be renewed for the failover time (the store is
// unreachable) is given up: other workers consider it expired and may take
// it, so its shard consumer stops (see heldLease.expireIfStale).
type renewer struct {
	w *Worker

	mu   sync.Mutex
	held map[string]*heldLease // guarded by mu
}

func newRenewer(w *Worker) *renewer {
	return &renewer{w: w, held: make(map[string]*heldLease)}
}

// add starts renewing h.
func (r *renewer) add(key string, h *heldLease) {
	r.mu.Lock()
	r.held[key] = h
	r.mu.Unlock()
}

// remove stops renewing the lease key.
func (r *renewer) remove(key string) {
	r.mu.Lock()
	delete(r.held, key)
	r.mu.Unlock()
}

// loop renews every renew interval until ctx is done or stop is closed.
func (r *renewer) loop(ctx context.Context, stop <-chan struct{}) {
	cfg := &r.w.cfg
	for {
		n := r.renewAll(ctx)
		t := cfg.clock.NewTimer(cfg.renew)
		if r.w.afterRenew != nil {
			r.w.afterRenew(n)
		}
		select {
		case <-t.C():
		case <-ctx.Done():
			t.Stop()
			return
		case <-stop:
			t.Stop()
			return
		}
	}
}

// renewAll renews every lease held, concurrently, and returns how many
// there were.
func (r *renewer) renewAll(ctx context.Context) int {
	r.mu.Lock()
	held := make([]*heldLease, 0, len(r.held))
	for _, h := range r.held {
		held = append(held, h)
	}
	r.mu.Unlock()
	var wg sync.WaitGroup
	for _, h := range held {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.renew(ctx, h)
		}()
	}
	wg.Wait()
	return len(held)
}

func (r *renewer) renew(ctx context.Context, h *heldLease) {
	cfg := &r.w.cfg
	err := h.renew(ctx)
	if err == nil || errors.Is(err, ErrLeaseLost) || ctx.Err() != nil {
		return
	}
	cfg.logger.Warn("renewing lease failed", "worker", r.w.id, "shard", h.get().Key, "err", err)
	cfg.metrics.Error("RenewLease", err)
	h.expireIfStale(cfg.failover)
}
