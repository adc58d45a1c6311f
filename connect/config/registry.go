package config

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"sync"

	"github.com/freshet-io/freshet/consumer/lease"
)

// OpenLeaseStore opens a lease store from the lease_store object of the
// configuration (settings is the whole object, with its "type"). The
// function returned, if not nil, is called when the pipeline has stopped.
type OpenLeaseStore func(ctx context.Context, settings json.RawMessage) (lease.Store, func() error, error)

var registry struct {
	mu     sync.Mutex
	stores map[string]OpenLeaseStore
}

// RegisterLeaseStore makes lease_store.type name open stores with open. It
// is how a program adds a lease store of its own to the command: register
// it before Run. Registering a
// name twice replaces it; the built-in names ("memory", "file",
// "postgres", "dynamodb") cannot be replaced.
func RegisterLeaseStore(name string, open OpenLeaseStore) {
	if builtinLeaseStore(name) {
		panic("config: lease store " + name + " is built in")
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.stores == nil {
		registry.stores = map[string]OpenLeaseStore{}
	}
	registry.stores[name] = open
}

func leaseStore(name string) (OpenLeaseStore, bool) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	o, ok := registry.stores[name]
	return o, ok
}

func registeredNames() string {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	var names []string
	for n := range registry.stores {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	return ", " + strings.Join(names, ", ")
}
