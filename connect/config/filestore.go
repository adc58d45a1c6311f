package config

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/freshet-io/freshet/consumer/lease"
)

// FileStore is a lease.Store kept in a JSON file, for a connector that
// runs as one process: its checkpoints survive a restart (or a crash)
// without a database. Every mutation rewrites the file atomically
// (temporary file, fsync, rename) before it returns. Processes must not
// share one file: use a DynamoDB or PostgreSQL lease store to spread a
// connector over several.
type FileStore struct {
	path string
	mu   sync.Mutex // serializes mutations with their saves
	mem  *lease.MemoryStore
}

var _ lease.Store = (*FileStore)(nil)

// OpenFileStore opens the lease file at path, creating an empty table if
// it does not exist.
func OpenFileStore(path string) (*FileStore, error) {
	s := &FileStore{path: path, mem: lease.NewMemoryStore()}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	var leases []lease.Lease
	if err := json.Unmarshal(b, &leases); err != nil {
		return nil, fmt.Errorf("config: lease file %s: %w", path, err)
	}
	for _, l := range leases {
		if _, err := s.mem.CreateIfNotExists(context.Background(), l); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *FileStore) save() error {
	leases, err := s.mem.List(context.Background())
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(leases, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), filepath.Base(s.path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.path)
}

// mutate runs a mutation of the in-memory table and saves it. A failed
// save is returned as an error: the mutation is then in memory only, as
// with a remote store whose answer was lost.
func (s *FileStore) mutate(fn func() (lease.Lease, error)) (lease.Lease, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := fn()
	if err != nil {
		return l, err
	}
	if err := s.save(); err != nil {
		return lease.Lease{}, fmt.Errorf("config: saving the lease file: %w", err)
	}
	return l, nil
}

// CreateIfNotExists implements lease.Store.
func (s *FileStore) CreateIfNotExists(ctx context.Context, l lease.Lease) (bool, error) {
	var created bool
	_, err := s.mutate(func() (lease.Lease, error) {
		var err error
		created, err = s.mem.CreateIfNotExists(ctx, l)
		return lease.Lease{}, err
	})
	return created, err
}

// Get implements lease.Store.
func (s *FileStore) Get(ctx context.Context, key string) (lease.Lease, error) {
	return s.mem.Get(ctx, key)
}

// List implements lease.Store.
func (s *FileStore) List(ctx context.Context) ([]lease.Lease, error) { return s.mem.List(ctx) }

// Take implements lease.Store.
func (s *FileStore) Take(ctx context.Context, l lease.Lease, owner string) (lease.Lease, error) {
	return s.mutate(func() (lease.Lease, error) { return s.mem.Take(ctx, l, owner) })
}

// Renew implements lease.Store. A renewal changes only the counter, which
// matters to no other process, so it is not written to the file.
func (s *FileStore) Renew(ctx context.Context, l lease.Lease) (lease.Lease, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mem.Renew(ctx, l)
}

// Release implements lease.Store.
func (s *FileStore) Release(ctx context.Context, l lease.Lease) (lease.Lease, error) {
	return s.mutate(func() (lease.Lease, error) { return s.mem.Release(ctx, l) })
}

// UpdateCheckpoint implements lease.Store.
func (s *FileStore) UpdateCheckpoint(ctx context.Context, l lease.Lease, cp lease.Checkpoint, pending *lease.Checkpoint) (lease.Lease, error) {
	return s.mutate(func() (lease.Lease, error) { return s.mem.UpdateCheckpoint(ctx, l, cp, pending) })
}

// Delete implements lease.Store.
func (s *FileStore) Delete(ctx context.Context, key string) error {
	_, err := s.mutate(func() (lease.Lease, error) { return lease.Lease{}, s.mem.Delete(ctx, key) })
	return err
}
