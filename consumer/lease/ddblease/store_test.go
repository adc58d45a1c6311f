package ddblease_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/ddblease"
	"github.com/freshet-io/freshet/consumer/lease/leasetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	leasetest.Run(t, func(t *testing.T) lease.Store {
		s, _ := e.store(t)
		return s
	})
}

func TestConformanceMultiStream(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := ddblease.StreamIdentifier{AccountID: "123456789012", StreamName: "orders", CreationEpoch: 1700000000}
	leasetest.Run(t, func(t *testing.T) lease.Store {
		s, _ := e.store(t, ddblease.WithMultiStream(id))
		return s
	})
}

// List reads every page of the Scan.
func TestListPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	st, _ := e.store(t, ddblease.WithScanLimit(2))
	want := map[string]bool{}
	for i := range 7 {
		key := fmt.Sprintf("shardId-%012d", i)
		want[key] = true
		_, err := st.CreateIfNotExists(ctx, lease.Lease{Key: key, Checkpoint: lease.Checkpoint{SequenceNumber: lease.TrimHorizon}})
		require.NoError(t, err)
	}
	ls, err := st.List(ctx)
	require.NoError(t, err)
	got := map[string]bool{}
	for _, l := range ls {
		got[l.Key] = true
	}
	require.Len(t, ls, 7)
	require.Equal(t, want, got)
}
