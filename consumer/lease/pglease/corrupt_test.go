package pglease_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/pglease"
)

// rawRow returns a row of table as text, column by column, to compare a
// row before and after calls that must not change it.
func rawRow(t *testing.T, pool *pgxpool.Pool, table, key string) string {
	t.Helper()
	var row string
	err := pool.QueryRow(context.Background(),
		`SELECT t::text FROM `+pgx.Identifier{table}.Sanitize()+` t WHERE lease_key = $1`, key).Scan(&row)
	require.NoError(t, err)
	return row
}

// A row broken by hand is reported with its key and column by every
// method that reads it, and no method overwrites it.
func testCorruptRows(t *testing.T, pool *pgxpool.Pool) {
	ctx := context.Background()
	tests := []struct {
		name, set, column string
	}{
		{"unknown checkpoint sentinel", `checkpoint = 'AT_SEQUENCE'`, "checkpoint"},
		{"sequence number with a sign", `checkpoint = '-5'`, "checkpoint"},
		{"negative sub-sequence number", `checkpoint_sub_sequence_number = -1`, "checkpoint"},
		{"unknown pending sentinel", `pending_checkpoint = 'LAST', pending_checkpoint_sub_sequence_number = 0`, "pending_checkpoint"},
		{"pending without sub-sequence number", `pending_checkpoint = '12', pending_checkpoint_sub_sequence_number = NULL`, "pending_checkpoint_sub_sequence_number"},
		{"sub-sequence number without pending", `pending_checkpoint = NULL, pending_checkpoint_sub_sequence_number = 4`, "pending_checkpoint_sub_sequence_number"},
		{"negative owner switches", `owner_switches_since_checkpoint = -2`, "owner_switches_since_checkpoint"},
		{"NULL parent", `parent_shard_ids = ARRAY['shardId-000000000000', NULL]`, "parent_shard_ids"},
		{"NULL child", `child_shard_ids = ARRAY[NULL]::text[]`, "child_shard_ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			table := newTable()
			s, err := pglease.New(ctx, pool, table)
			require.NoError(t, err)
			_, err = s.CreateIfNotExists(ctx, lease.Lease{Key: "good", Checkpoint: lease.Checkpoint{SequenceNumber: lease.TrimHorizon}})
			require.NoError(t, err)
			_, err = s.CreateIfNotExists(ctx, lease.Lease{Key: "bad", Checkpoint: lease.Checkpoint{SequenceNumber: lease.TrimHorizon}})
			require.NoError(t, err)
			l, err := s.Take(ctx, lease.Lease{Key: "bad"}, "w")
			require.NoError(t, err)
			_, err = pool.Exec(ctx, `UPDATE `+pgx.Identifier{table}.Sanitize()+` SET `+tt.set+` WHERE lease_key = 'bad'`)
			require.NoError(t, err)
			before := rawRow(t, pool, table, "bad")

			checkCorrupt := func(what string, err error) {
				t.Helper()
				var ce *pglease.CorruptLeaseError
				require.ErrorAs(t, err, &ce, what)
				assert.ErrorIs(t, err, pglease.ErrCorruptLease, what)
				assert.NotErrorIs(t, err, lease.ErrConflict, what)
				assert.Equal(t, "bad", ce.Key, what)
				assert.Equal(t, table, ce.Table, what)
				assert.Equal(t, tt.column, ce.Column, what)
				assert.Contains(t, err.Error(), `"bad"`, what)
				assert.Contains(t, err.Error(), table, what)
			}
			_, err = s.Get(ctx, "bad")
			checkCorrupt("Get", err)
			_, err = s.List(ctx)
			checkCorrupt("List", err)
			// The worker still holds the counter it had before the row
			// was broken: its conditional writes fail and change nothing.
			_, err = s.Renew(ctx, l)
			checkCorrupt("Renew", err)
			_, err = s.Take(ctx, l, "other")
			checkCorrupt("Take", err)
			_, err = s.UpdateCheckpoint(ctx, l, lease.Checkpoint{SequenceNumber: "7"}, nil)
			checkCorrupt("UpdateCheckpoint", err)
			_, err = s.Release(ctx, l)
			checkCorrupt("Release", err)
			created, err := s.CreateIfNotExists(ctx, lease.Lease{Key: "bad", Checkpoint: lease.Checkpoint{SequenceNumber: lease.Latest}})
			require.NoError(t, err)
			assert.False(t, created)
			assert.Equal(t, before, rawRow(t, pool, table, "bad"), "the corrupt row changed")

			// The other rows still work.
			good, err := s.Get(ctx, "good")
			require.NoError(t, err)
			_, err = s.Take(ctx, good, "w")
			require.NoError(t, err)
			// A row fixed by hand is a lease again.
			_, err = pool.Exec(ctx, `UPDATE `+pgx.Identifier{table}.Sanitize()+` SET checkpoint = 'TRIM_HORIZON', checkpoint_sub_sequence_number = 0,
				pending_checkpoint = NULL, pending_checkpoint_sub_sequence_number = NULL, owner_switches_since_checkpoint = 0,
				parent_shard_ids = '{}', child_shard_ids = '{}', lease_counter = lease_counter + 1 WHERE lease_key = 'bad'`)
			require.NoError(t, err)
			fixed, err := s.Get(ctx, "bad")
			require.NoError(t, err)
			_, err = s.Renew(ctx, fixed)
			require.NoError(t, err)
		})
	}
}

// The store refuses to write what it would read back as a corrupt row.
func testInvalidCheckpointsNotWritten(t *testing.T, pool *pgxpool.Pool) {
	ctx := context.Background()
	s := newStore(t, pool)
	bad := []lease.Checkpoint{
		{SequenceNumber: "12a"},
		{SequenceNumber: "LAST"},
		{SequenceNumber: "1", SubSequenceNumber: -1},
	}
	l := lease.Lease{Key: "k", Checkpoint: lease.Checkpoint{SequenceNumber: lease.TrimHorizon}}
	_, err := s.CreateIfNotExists(ctx, l)
	require.NoError(t, err)
	l, err = s.Take(ctx, l, "w")
	require.NoError(t, err)
	for _, cp := range bad {
		_, err := s.CreateIfNotExists(ctx, lease.Lease{Key: "new", Checkpoint: cp})
		assert.ErrorIs(t, err, pglease.ErrInvalidLease)
		_, err = s.UpdateCheckpoint(ctx, l, cp, nil)
		assert.ErrorIs(t, err, pglease.ErrInvalidLease)
		_, err = s.UpdateCheckpoint(ctx, l, l.Checkpoint, &cp)
		assert.ErrorIs(t, err, pglease.ErrInvalidLease)
	}
	got, err := s.Get(ctx, "k")
	require.NoError(t, err)
	assert.Equal(t, l, got)
	_, err = s.Get(ctx, "new")
	assert.True(t, errors.Is(err, lease.ErrNotFound))
}
