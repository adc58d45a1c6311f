package lease_test

import (
	"testing"

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
		if _, err := s.CreateIfNotExists(t.Context(), lease.Lease{Key: k}); err != nil {
			t.Fatal(err)
		}
	}
	ls, err := s.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var keys string
	for _, l := range ls {
		keys += l.Key
	}
	if keys != "abc" {
		t.Fatalf("List keys = %q, want abc", keys)
	}
}
