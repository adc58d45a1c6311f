package conntest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
)

// Reading makes a pipeline's consumer keep its leases in store and read
// from the start of each shard, quickly when idle; extra options follow.
func Reading(store lease.Store, extra ...consumer.Option) connect.Option {
	opts := []consumer.Option{
		consumer.WithLeaseStore(store),
		consumer.WithInitialPosition(lease.TrimHorizon),
		consumer.WithIdleTimeBetweenReads(5 * time.Millisecond),
	}
	return connect.WithConsumerOptions(append(opts, extra...)...)
}

// Start runs p until the returned function is called, or the test ends;
// the function returns Run's error, and may be called again.
func Start[T any](t testing.TB, p *connect.Pipeline[T]) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-errc
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}
