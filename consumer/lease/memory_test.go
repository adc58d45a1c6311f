package lease_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/leasetest"
)

func TestMemoryStore(t *testing.T) {
	leasetest.Run(t, func(*testing.T) lease.Store { return lease.NewMemoryStore() })
}

func TestMemoryStoreZeroValue(t *testing.T) {
	leasetest.Run(t, func(*testing.T) lease.Store { return new(lease.MemoryStore) })
}

func TestMemoryStoreListIsSorted(t *testing.T) {
	s := lease.NewMemoryStore()
	for _, k := range []string{"c", "a", "b"} {
		_, err := s.CreateIfNotExists(t.Context(), lease.Lease{Key: k})
		require.NoError(t, err)
	}
	ls, err := s.List(t.Context())
	require.NoError(t, err)
	var keys string
	for _, l := range ls {
		keys += l.Key
	}
	require.Equal(t, "abc", keys, "List keys")
}
