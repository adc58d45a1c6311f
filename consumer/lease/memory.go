package lease

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// MemoryStore is a Store held in memory, for workers that run in one
// process: tests, and applications that consume a freshet engine in
// process. Its state is lost when the process ends.
//
// A MemoryStore coordinates only the workers that share it, inside one
// process. It is not a lease table for workers in several processes:
// two processes that each use a MemoryStore (the consumer's default) each
// take every lease, and each processes every record of the stream. Such
// workers must share a durable Store, such as the PostgreSQL store of
// module github.com/freshet-io/freshet/consumer/lease/pglease. A consumer
// worker warns in its log when it starts with a MemoryStore.
//
// A MemoryStore is safe for concurrent use. Every method holds one mutex
// for a short, non-blocking critical section. The zero value is an empty
// store ready to use; it must not be copied after first use.
type MemoryStore struct {
	mu     sync.Mutex
	leases map[string]Lease // guarded by mu; values are never shared
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{}
}

var (
	errEmptyKey   = errors.New("lease: empty key")
	errEmptyOwner = errors.New("lease: empty owner")
)

// CreateIfNotExists implements Store.
func (s *MemoryStore) CreateIfNotExists(ctx context.Context, l Lease) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if l.Key == "" {
		return false, errEmptyKey
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.leases[l.Key]; ok {
		return false, nil
	}
	if s.leases == nil {
		s.leases = make(map[string]Lease)
	}
	s.leases[l.Key] = l.clone()
	return true, nil
}

// Get implements Store.
func (s *MemoryStore) Get(ctx context.Context, key string) (Lease, error) {
	if err := ctx.Err(); err != nil {
		return Lease{}, err
	}
	if key == "" {
		return Lease{}, errEmptyKey
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.leases[key]
	if !ok {
		return Lease{}, notFound(key)
	}
	return l.clone(), nil
}

// List implements Store. MemoryStore returns the leases sorted by Key.
func (s *MemoryStore) List(ctx context.Context) ([]Lease, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	out := make([]Lease, 0, len(s.leases))
	for _, l := range s.leases {
		out = append(out, l.clone())
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Lease) int { return cmp.Compare(a.Key, b.Key) })
	return out, nil
}

// Take implements Store.
func (s *MemoryStore) Take(ctx context.Context, l Lease, owner string) (Lease, error) {
	if err := ctx.Err(); err != nil {
		return Lease{}, err
	}
	if owner == "" {
		return Lease{}, errEmptyOwner
	}
	return s.update(ctx, l, false, func(stored *Lease) {
		if stored.Owner != "" && stored.Owner != owner {
			stored.OwnerSwitchesSinceCheckpoint++
		}
		stored.Owner = owner
	})
}

// Renew implements Store.
func (s *MemoryStore) Renew(ctx context.Context, l Lease) (Lease, error) {
	return s.update(ctx, l, true, func(*Lease) {})
}

// Release implements Store.
func (s *MemoryStore) Release(ctx context.Context, l Lease) (Lease, error) {
	return s.update(ctx, l, true, func(stored *Lease) {
		stored.Owner = ""
	})
}

// UpdateCheckpoint implements Store.
func (s *MemoryStore) UpdateCheckpoint(ctx context.Context, l Lease, cp Checkpoint, pending *Checkpoint) (Lease, error) {
	children := slices.Clone(l.ChildShardIDs)
	return s.update(ctx, l, true, func(stored *Lease) {
		stored.Checkpoint = cp
		if len(children) > 0 {
			stored.ChildShardIDs = children
		}
		if pending == nil {
			stored.PendingCheckpoint = nil
			stored.OwnerSwitchesSinceCheckpoint = 0
		} else {
			p := *pending
			stored.PendingCheckpoint = &p
		}
	})
}

// update applies change to the stored lease l.Key if its Counter (and, if
// checkOwner, its Owner) match l's, then increments the Counter.
func (s *MemoryStore) update(ctx context.Context, l Lease, checkOwner bool, change func(*Lease)) (Lease, error) {
	if err := ctx.Err(); err != nil {
		return Lease{}, err
	}
	if l.Key == "" {
		return Lease{}, errEmptyKey
	}
	if checkOwner && l.Owner == "" {
		return Lease{}, errEmptyOwner
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, ok := s.leases[l.Key]
	if !ok {
		return Lease{}, notFound(l.Key)
	}
	if stored.Counter != l.Counter || (checkOwner && stored.Owner != l.Owner) {
		return Lease{}, fmt.Errorf("%w: lease %q is at counter %d owned by %q, not %d owned by %q",
			ErrConflict, l.Key, stored.Counter, stored.Owner, l.Counter, l.Owner)
	}
	change(&stored)
	stored.Counter++
	s.leases[l.Key] = stored
	return stored.clone(), nil
}

// Delete implements Store.
func (s *MemoryStore) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if key == "" {
		return errEmptyKey
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.leases, key)
	return nil
}

func notFound(key string) error {
	return fmt.Errorf("%w: %q", ErrNotFound, key)
}
