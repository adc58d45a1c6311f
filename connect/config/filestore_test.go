package config_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect/config"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/leasetest"
)

func TestFileStoreConformance(t *testing.T) {
	leasetest.Run(t, func(t *testing.T) lease.Store {
		s, err := config.OpenFileStore(filepath.Join(t.TempDir(), "leases.json"))
		require.NoError(t, err)
		return s
	})
}

func TestFileStoreSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "leases.json")
	s, err := config.OpenFileStore(path)
	require.NoError(t, err)
	_, err = s.CreateIfNotExists(ctx, lease.Lease{Key: "shard-1", Checkpoint: lease.Checkpoint{SequenceNumber: lease.TrimHorizon}})
	require.NoError(t, err)
	l, err := s.Get(ctx, "shard-1")
	require.NoError(t, err)
	l, err = s.Take(ctx, l, "w")
	require.NoError(t, err)
	pending := lease.Checkpoint{SequenceNumber: "42", SubSequenceNumber: 1}
	_, err = s.UpdateCheckpoint(ctx, l, lease.Checkpoint{SequenceNumber: "7"}, &pending)
	require.NoError(t, err)

	s2, err := config.OpenFileStore(path)
	require.NoError(t, err)
	got, err := s2.Get(ctx, "shard-1")
	require.NoError(t, err)
	assert.Equal(t, "w", got.Owner)
	assert.Equal(t, "7", got.Checkpoint.SequenceNumber)
	require.NotNil(t, got.PendingCheckpoint)
	assert.Equal(t, pending, *got.PendingCheckpoint)
}
