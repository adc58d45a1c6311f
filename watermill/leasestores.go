package kinesiswm

import (
	"context"
	"sync"

	"github.com/freshet-io/freshet/consumer/lease"
)

// LeaseStoreFunc returns the lease table of a consumer group reading a
// stream. Every call with the same group and stream must return the same
// table (the same lease.Store, or stores backed by one durable table): the
// workers of a group split the stream's shards through it. A consumer group
// is what the Kinesis Client Library calls an application, and its lease
// table is the KCL's, one per application and stream.
type LeaseStoreFunc func(ctx context.Context, group, stream string) (lease.Store, error)

// MemoryLeaseStores hands out one in-memory lease table per consumer group
// and stream. Subscribers that share a MemoryLeaseStores (through
// SubscriberConfig.LeaseStores) share consumer groups within one process;
// groups that span processes need a durable lease.Store.
type MemoryLeaseStores struct {
	mu     sync.Mutex
	stores map[[2]string]*lease.MemoryStore
}

// NewMemoryLeaseStores returns an empty set of lease tables.
func NewMemoryLeaseStores() *MemoryLeaseStores {
	return &MemoryLeaseStores{stores: map[[2]string]*lease.MemoryStore{}}
}

// Store returns the table of group and stream, creating it on first use.
// It is a LeaseStoreFunc.
func (m *MemoryLeaseStores) Store(_ context.Context, group, stream string) (lease.Store, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [2]string{group, stream}
	s, ok := m.stores[k]
	if !ok {
		s = lease.NewMemoryStore()
		m.stores[k] = s
	}
	return s, nil
}
