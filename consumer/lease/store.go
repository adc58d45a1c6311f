package lease

import (
	"context"
	"errors"
)

// ErrConflict reports that a conditional update lost: the stored lease's
// Counter (or Owner) no longer matches the caller's, because another worker
// took, renewed, released or checkpointed it first. The caller should
// re-read the lease; if it was the owner, it has lost the lease.
var ErrConflict = errors.New("lease: conflict")

// ErrNotFound reports that no lease has the given key.
var ErrNotFound = errors.New("lease: not found")

// Store is a lease table. Implementations must be safe for concurrent use by
// many workers, in one process or many, and must pass leasetest.Run.
//
// Every method follows these rules:
//
//   - Conditional methods (Take, Renew, Release, UpdateCheckpoint) compare
//     the stored lease with the lease passed in and apply the change
//     atomically only if the condition holds. On success they increment
//     Counter by exactly one and return the lease as now stored. If the
//     condition fails they change nothing and return an error wrapping
//     ErrConflict.
//   - A method that needs a lease that does not exist returns an error
//     wrapping ErrNotFound.
//   - Invalid arguments (an empty key or owner) are reported as an error
//     that wraps neither ErrConflict nor ErrNotFound, and change nothing.
//   - If ctx is already done, the method changes nothing and returns an
//     error wrapping ctx.Err(). A method interrupted by ctx may or may not
//     have taken effect, as with any remote call.
//   - Reads are strongly consistent: Get and List see every mutation that
//     completed before they were called.
//   - Leases returned share no memory with the store, and the store keeps
//     no reference to its arguments.
//
// Only the fields each method names are read from its lease argument.
type Store interface {
	// CreateIfNotExists stores l if no lease with l.Key exists and reports
	// whether it did. An existing lease is left unchanged. l is stored as
	// given; a new lease normally has no Owner, Counter 0 and a sentinel
	// Checkpoint.
	CreateIfNotExists(ctx context.Context, l Lease) (bool, error)

	// Get returns the lease with the given key.
	Get(ctx context.Context, key string) (Lease, error)

	// List returns every lease, in no particular order.
	List(ctx context.Context) ([]Lease, error)

	// Take makes owner the owner of the lease with key l.Key, if its
	// Counter equals l.Counter, whoever owns it now. This is how a worker
	// takes an expired or unowned lease and how it steals one. If the
	// previous owner is neither "" nor owner, OwnerSwitchesSinceCheckpoint
	// is incremented.
	Take(ctx context.Context, l Lease, owner string) (Lease, error)

	// Renew keeps the lease with key l.Key alive, if its Owner equals
	// l.Owner and its Counter equals l.Counter. It changes only the Counter.
	Renew(ctx context.Context, l Lease) (Lease, error)

	// Release gives up the lease with key l.Key, setting its Owner to "",
	// if its Owner equals l.Owner and its Counter equals l.Counter. A
	// worker shutting down gracefully releases its leases so that others
	// can take them at once instead of waiting for them to expire.
	Release(ctx context.Context, l Lease) (Lease, error)

	// UpdateCheckpoint sets the Checkpoint and PendingCheckpoint of the
	// lease with key l.Key to cp and pending, if its Owner equals l.Owner
	// and its Counter equals l.Counter: only the current owner may
	// checkpoint. A nil pending clears PendingCheckpoint and commits cp,
	// which also resets OwnerSwitchesSinceCheckpoint to 0; a non-nil
	// pending prepares a checkpoint and leaves that count alone.
	//
	// Two-phase checkpointing is two calls: prepare with
	// UpdateCheckpoint(l, l.Checkpoint, &p), then commit with
	// UpdateCheckpoint(l2, p, nil). The store does not check that cp is
	// ahead of the stored checkpoint. If l.ChildShardIDs is not empty, it
	// is stored too (a worker names the children when it checkpoints
	// SHARD_END); an empty one leaves the stored children alone.
	UpdateCheckpoint(ctx context.Context, l Lease, cp Checkpoint, pending *Checkpoint) (Lease, error)

	// Delete removes the lease with the given key, unconditionally.
	// Deleting a lease that does not exist is not an error, so that workers
	// cleaning up finished shards need not coordinate.
	Delete(ctx context.Context, key string) error
}
