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
// is how a program adds the DynamoDB or PostgreSQL lease stores (in modules
// of their own) to the command: register them before Run. Registering a
// name twice replaces it; "memory" and "file" cannot be replaced.
func RegisterLeaseStore(name string, open OpenLeaseStore) {
	if name == "memory" || name == "file" {
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
		return "; postgres and dynamodb need RegisterLeaseStore"
	}
	return ", " + strings.Join(names, ", ")
}
