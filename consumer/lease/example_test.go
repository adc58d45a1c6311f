package lease_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/freshet-io/freshet/consumer/lease"
)

// The life of a lease: created for a new shard, taken by one worker, stolen
// by another, checkpointed and released on shutdown.
func Example() {
	ctx := context.Background()
	store := lease.NewMemoryStore()

	// Shard discovery creates one lease per shard. Creating twice is harmless.
	for range 2 {
		if _, err := store.CreateIfNotExists(ctx, lease.Lease{
			Key:        "shardId-000000000000",
			Checkpoint: lease.Checkpoint{SequenceNumber: lease.TrimHorizon},
		}); err != nil {
			panic(err)
		}
	}

	// Two workers race to take the unowned lease from the same read: one wins.
	l, _ := store.Get(ctx, "shardId-000000000000")
	a, errA := store.Take(ctx, l, "worker-a")
	_, errB := store.Take(ctx, l, "worker-b")
	fmt.Println(a.Owner, a.Counter, errA, errors.Is(errB, lease.ErrConflict))

	// The owner renews, then checkpoints in two phases.
	a, _ = store.Renew(ctx, a)
	next := lease.Checkpoint{SequenceNumber: "49590338271490256608559692538361571095921575989136588898", SubSequenceNumber: 2}
	a, _ = store.UpdateCheckpoint(ctx, a, a.Checkpoint, &next) // prepare
	a, _ = store.UpdateCheckpoint(ctx, a, next, nil)           // commit
	fmt.Println(a.Counter, a.Checkpoint.SubSequenceNumber, a.PendingCheckpoint == nil)

	// On graceful shutdown the owner hands the lease back.
	a, _ = store.Release(ctx, a)
	fmt.Printf("%q %d\n", a.Owner, a.Counter)
	// Output:
	// worker-a 1 <nil> true
	// 4 2 true
	// "" 5
}

func ExampleStore_UpdateCheckpoint() {
	ctx := context.Background()
	store := lease.NewMemoryStore()
	store.CreateIfNotExists(ctx, lease.Lease{Key: "shardId-000000000000"})
	l, _ := store.Get(ctx, "shardId-000000000000")
	l, _ = store.Take(ctx, l, "worker-a")

	// Monotonicity is the caller's job: check before writing.
	cp := lease.Checkpoint{SequenceNumber: "100"}
	if cp.Compare(l.Checkpoint) > 0 {
		l, _ = store.UpdateCheckpoint(ctx, l, cp, nil)
	}

	// A checkpoint from a worker that lost the lease is rejected.
	stolen, _ := store.Take(ctx, l, "worker-b")
	_, err := store.UpdateCheckpoint(ctx, l, lease.Checkpoint{SequenceNumber: "200"}, nil)
	fmt.Println(stolen.Checkpoint.SequenceNumber, errors.Is(err, lease.ErrConflict))
	// Output:
	// 100 true
}
