package consumer

import (
	"context"
	"errors"
	"testing"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
)

// newTestCheckpointer returns a Checkpointer of a lease owned by "w" in
// store.
func newTestCheckpointer(t *testing.T, store lease.Store) (*Checkpointer, *heldLease) {
	t.Helper()
	ctx := context.Background()
	if _, err := store.CreateIfNotExists(ctx, lease.Lease{Key: "shard", Checkpoint: lease.Checkpoint{SequenceNumber: lease.TrimHorizon}}); err != nil {
		t.Fatal(err)
	}
	l, err := store.Get(ctx, "shard")
	if err != nil {
		t.Fatal(err)
	}
	if l, err = store.Take(ctx, l, "w"); err != nil {
		t.Fatal(err)
	}
	h := &heldLease{store: store, clock: freshet.SystemClock{}, l: l, onLost: func() {}}
	return newCheckpointer("shard", h, 0), h
}

func rec(sn string, sub int64) Record {
	return Record{SequenceNumber: NewSequenceNumber(sn), SubSequenceNumber: sub}
}

func TestCheckpointerIsMonotonic(t *testing.T) {
	ctx := context.Background()
	store := lease.NewMemoryStore()
	cp, h := newTestCheckpointer(t, store)

	if err := cp.Checkpoint(ctx); err != nil {
		t.Fatalf("Checkpoint with nothing delivered: %v", err)
	}
	if err := cp.CheckpointAt(ctx, "100", 0); !errors.Is(err, ErrInvalidCheckpoint) {
		t.Fatalf("checkpoint past delivery: %v, want ErrInvalidCheckpoint", err)
	}
	cp.deliver(rec("200", 3))
	for _, c := range []struct {
		sn   string
		sub  int64
		want error
	}{
		{"100", 0, nil},
		{"99", 0, ErrInvalidCheckpoint},  // backwards
		{"100", 0, nil},                  // the same: no-op
		{"200", 4, ErrInvalidCheckpoint}, // past the last delivered sub-record
		{"200", 2, nil},
		{"200", 1, ErrInvalidCheckpoint}, // backwards within an aggregate
		{"TRIM_HORIZON", 0, ErrInvalidCheckpoint},
		{lease.ShardEnd, 0, ErrInvalidCheckpoint}, // not ended
		{"1e3", 0, ErrInvalidCheckpoint},
	} {
		if err := cp.CheckpointAt(ctx, c.sn, c.sub); !errors.Is(err, c.want) {
			t.Errorf("CheckpointAt(%s, %d) = %v, want %v", c.sn, c.sub, err, c.want)
		}
	}
	if err := cp.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if got := cp.LastCheckpoint(); got != (lease.Checkpoint{SequenceNumber: "200", SubSequenceNumber: 3}) {
		t.Fatalf("checkpoint %+v, want 200/3", got)
	}
	cp.endShard(nil)
	if err := cp.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	stored, _ := store.Get(ctx, "shard")
	if stored.Checkpoint.SequenceNumber != lease.ShardEnd {
		t.Fatalf("stored checkpoint %+v, want SHARD_END", stored.Checkpoint)
	}
	_ = h
}

func TestCheckpointerTwoPhase(t *testing.T) {
	ctx := context.Background()
	store := lease.NewMemoryStore()
	cp, _ := newTestCheckpointer(t, store)
	if err := cp.Commit(ctx); !errors.Is(err, ErrInvalidCheckpoint) {
		t.Fatalf("Commit without Prepare: %v", err)
	}
	cp.deliver(rec("50", 0))
	if err := cp.Prepare(ctx, "60", 0); !errors.Is(err, ErrInvalidCheckpoint) {
		t.Fatalf("Prepare past delivery: %v", err)
	}
	if err := cp.Prepare(ctx, "50", 0); err != nil {
		t.Fatal(err)
	}
	l, _ := store.Get(ctx, "shard")
	if l.PendingCheckpoint == nil || l.PendingCheckpoint.SequenceNumber != "50" || l.Checkpoint.SequenceNumber != lease.TrimHorizon {
		t.Fatalf("after Prepare: %+v", l)
	}
	if err := cp.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	l, _ = store.Get(ctx, "shard")
	if l.PendingCheckpoint != nil || l.Checkpoint.SequenceNumber != "50" {
		t.Fatalf("after Commit: %+v", l)
	}
}

func TestCheckpointerAfterLeaseLost(t *testing.T) {
	ctx := context.Background()
	store := lease.NewMemoryStore()
	cp, h := newTestCheckpointer(t, store)
	lost := false
	h.onLost = func() { lost = true }
	l, _ := store.Get(ctx, "shard")
	if _, err := store.Take(ctx, l, "thief"); err != nil {
		t.Fatal(err)
	}
	cp.deliver(rec("10", 0))
	if err := cp.Checkpoint(ctx); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("Checkpoint after a steal: %v, want ErrLeaseLost", err)
	}
	if !lost {
		t.Error("the loss was not reported")
	}
	if err := cp.CheckpointAt(ctx, "10", 0); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("second Checkpoint: %v, want ErrLeaseLost", err)
	}
}
