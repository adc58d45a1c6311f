package pglease_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/pglease"
)

func testSchema(t *testing.T, pool *pgxpool.Pool) {
	ctx := context.Background()

	t.Run("workers starting together", func(t *testing.T) {
		table := newTable()
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = pglease.New(ctx, pool, table)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
	})

	t.Run("existing table kept", func(t *testing.T) {
		table := newTable()
		s, err := pglease.New(ctx, pool, table)
		require.NoError(t, err)
		l := lease.Lease{Key: "k", Checkpoint: lease.Checkpoint{SequenceNumber: "42"}}
		_, err = s.CreateIfNotExists(ctx, l)
		require.NoError(t, err)
		s2, err := pglease.New(ctx, pool, table)
		require.NoError(t, err)
		got, err := s2.Get(ctx, "k")
		require.NoError(t, err)
		assert.Equal(t, l, got)
	})

	t.Run("WithoutCreateTable", func(t *testing.T) {
		table := newTable()
		_, err := pglease.New(ctx, pool, table, pglease.WithoutCreateTable())
		require.Error(t, err)
		assert.Contains(t, err.Error(), table)
		ddl, err := pglease.Schema(table)
		require.NoError(t, err)
		_, err = pool.Exec(ctx, ddl)
		require.NoError(t, err)
		_, err = pglease.New(ctx, pool, table, pglease.WithoutCreateTable())
		require.NoError(t, err)
	})

	t.Run("table without a column", func(t *testing.T) {
		_, err := pool.Exec(ctx, `CREATE TABLE not_leases (lease_key text PRIMARY KEY, lease_owner text)`)
		require.NoError(t, err)
		_, err = pglease.New(ctx, pool, "not_leases")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "not_leases cannot hold leases")
	})

	t.Run("schema-qualified name", func(t *testing.T) {
		_, err := pool.Exec(ctx, `CREATE SCHEMA consumers`)
		require.NoError(t, err)
		s, err := pglease.New(ctx, pool, "consumers.Orders")
		require.NoError(t, err)
		_, err = s.CreateIfNotExists(ctx, lease.Lease{Key: "k"})
		require.NoError(t, err)
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM consumers."Orders"`).Scan(&n))
		assert.Equal(t, 1, n)
	})

	t.Run("invalid names", func(t *testing.T) {
		for _, name := range []string{"", "a.b.c", ".t", "s.", "a\x00b"} {
			_, err := pglease.New(ctx, pool, name)
			assert.ErrorIs(t, err, pglease.ErrInvalidTableName, "%q", name)
			_, err = pglease.Schema(name)
			assert.ErrorIs(t, err, pglease.ErrInvalidTableName, "%q", name)
		}
		_, err := pglease.New(ctx, nil, "t")
		assert.Error(t, err)
	})
}

// The row a Store writes, column by column, for readers of the table:
// NULL owner when no worker holds the lease, NULL pending checkpoint when
// there is none, empty arrays, and the children once written.
func testStoredRow(t *testing.T, pool *pgxpool.Pool) {
	ctx := context.Background()
	table := newTable()
	s, err := pglease.New(ctx, pool, table)
	require.NoError(t, err)
	row := func() map[string]any {
		rows, err := pool.Query(ctx, `SELECT * FROM `+pgx.Identifier{table}.Sanitize())
		require.NoError(t, err)
		m, err := pgx.CollectExactlyOneRow(rows, pgx.RowToMap)
		require.NoError(t, err)
		return m
	}
	_, err = s.CreateIfNotExists(ctx, lease.Lease{
		Key:            "shardId-000000000002",
		Checkpoint:     lease.Checkpoint{SequenceNumber: lease.TrimHorizon},
		ParentShardIDs: []string{"shardId-000000000000", "shardId-000000000001"},
		HashKeyRange:   lease.HashKeyRange{StartingHashKey: "0", EndingHashKey: "340282366920938463463374607431768211455"},
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"lease_key":                              "shardId-000000000002",
		"lease_owner":                            nil,
		"lease_counter":                          int64(0),
		"checkpoint":                             "TRIM_HORIZON",
		"checkpoint_sub_sequence_number":         int64(0),
		"pending_checkpoint":                     nil,
		"pending_checkpoint_sub_sequence_number": nil,
		"owner_switches_since_checkpoint":        int64(0),
		"parent_shard_ids":                       []any{"shardId-000000000000", "shardId-000000000001"},
		"child_shard_ids":                        []any{},
		"starting_hash_key":                      "0",
		"ending_hash_key":                        "340282366920938463463374607431768211455",
	}, row())

	l, err := s.Get(ctx, "shardId-000000000002")
	require.NoError(t, err)
	l, err = s.Take(ctx, l, "worker-1")
	require.NoError(t, err)
	l, err = s.UpdateCheckpoint(ctx, l, l.Checkpoint, &lease.Checkpoint{SequenceNumber: "49590338271490256608559692538361571095921575989136588898", SubSequenceNumber: 2})
	require.NoError(t, err)
	r := row()
	assert.Equal(t, "worker-1", r["lease_owner"])
	assert.Equal(t, int64(2), r["lease_counter"])
	assert.Equal(t, "49590338271490256608559692538361571095921575989136588898", r["pending_checkpoint"])
	assert.Equal(t, int64(2), r["pending_checkpoint_sub_sequence_number"])

	l.ChildShardIDs = []string{"shardId-000000000003"}
	l, err = s.UpdateCheckpoint(ctx, l, lease.Checkpoint{SequenceNumber: lease.ShardEnd}, nil)
	require.NoError(t, err)
	_, err = s.Release(ctx, l)
	require.NoError(t, err)
	r = row()
	assert.Nil(t, r["lease_owner"])
	assert.Equal(t, "SHARD_END", r["checkpoint"])
	assert.Nil(t, r["pending_checkpoint"])
	assert.Nil(t, r["pending_checkpoint_sub_sequence_number"])
	assert.Equal(t, []any{"shardId-000000000003"}, r["child_shard_ids"])
	assert.Equal(t, int64(4), r["lease_counter"])
}
