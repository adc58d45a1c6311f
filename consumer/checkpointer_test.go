package consumer

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
)

// newTestCheckpointer returns a Checkpointer of a lease owned by "w" in
// store.
func newTestCheckpointer(t *testing.T, store lease.Store) (*Checkpointer, *heldLease) {
	t.Helper()
	ctx := context.Background()
	_, err := store.CreateIfNotExists(ctx, lease.Lease{Key: "shard", Checkpoint: lease.Checkpoint{SequenceNumber: lease.TrimHorizon}})
	require.NoError(t, err)
	l, err := store.Get(ctx, "shard")
	require.NoError(t, err)
	l, err = store.Take(ctx, l, "w")
	require.NoError(t, err)
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

	require.NoError(t, cp.Checkpoint(ctx), "Checkpoint with nothing delivered")
	require.ErrorIs(t, cp.CheckpointAt(ctx, "100", 0), ErrInvalidCheckpoint, "checkpoint past delivery")
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
		// ErrorIs with a nil target passes only for a nil error.
		assert.ErrorIs(t, cp.CheckpointAt(ctx, c.sn, c.sub), c.want, "CheckpointAt(%s, %d)", c.sn, c.sub)
	}
	require.NoError(t, cp.Checkpoint(ctx))
	require.Equal(t, lease.Checkpoint{SequenceNumber: "200", SubSequenceNumber: 3}, cp.LastCheckpoint(), "checkpoint, want 200/3")
	cp.endShard(nil)
	require.NoError(t, cp.Checkpoint(ctx))
	stored, _ := store.Get(ctx, "shard")
	require.Equal(t, lease.ShardEnd, stored.Checkpoint.SequenceNumber, "stored checkpoint %+v, want SHARD_END", stored.Checkpoint)
	_ = h
}

func TestCheckpointerTwoPhase(t *testing.T) {
	ctx := context.Background()
	store := lease.NewMemoryStore()
	cp, _ := newTestCheckpointer(t, store)
	require.ErrorIs(t, cp.Commit(ctx), ErrInvalidCheckpoint, "Commit without Prepare")
	cp.deliver(rec("50", 0))
	require.ErrorIs(t, cp.Prepare(ctx, "60", 0), ErrInvalidCheckpoint, "Prepare past delivery")
	require.NoError(t, cp.Prepare(ctx, "50", 0))
	l, _ := store.Get(ctx, "shard")
	require.NotNil(t, l.PendingCheckpoint, "after Prepare: %+v", l)
	require.Equal(t, "50", l.PendingCheckpoint.SequenceNumber, "after Prepare: %+v", l)
	require.Equal(t, lease.TrimHorizon, l.Checkpoint.SequenceNumber, "after Prepare: %+v", l)
	require.NoError(t, cp.Commit(ctx))
	l, _ = store.Get(ctx, "shard")
	require.Nil(t, l.PendingCheckpoint, "after Commit: %+v", l)
	require.Equal(t, "50", l.Checkpoint.SequenceNumber, "after Commit: %+v", l)
}

func TestCheckpointerAfterLeaseLost(t *testing.T) {
	ctx := context.Background()
	store := lease.NewMemoryStore()
	cp, h := newTestCheckpointer(t, store)
	lost := false
	h.onLost = func() { lost = true }
	l, _ := store.Get(ctx, "shard")
	_, err := store.Take(ctx, l, "thief")
	require.NoError(t, err)
	cp.deliver(rec("10", 0))
	require.ErrorIs(t, cp.Checkpoint(ctx), ErrLeaseLost, "Checkpoint after a steal")
	assert.True(t, lost, "the loss was not reported")
	require.ErrorIs(t, cp.CheckpointAt(ctx, "10", 0), ErrLeaseLost, "second Checkpoint")
}
