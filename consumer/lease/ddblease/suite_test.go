package ddblease_test

import (
	"testing"
	"time"

	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/consumertest"
	"github.com/freshet-io/freshet/consumer/lease"
)

// The consumer's end-to-end suite with the leases in dynalite: several
// workers through splits, merges, crashes and restarts.
func TestWorkerSuite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	consumertest.RunWorkerSuite(t, consumertest.Config{
		NewStore: func(t *testing.T) lease.Store {
			s, _ := e.store(t)
			return s
		},
		// A round trip to dynalite takes a millisecond or more, a scan of
		// the table a few: a failover time that leaves the renewals room.
		Options: []consumer.Option{consumer.WithFailoverTime(600 * time.Millisecond)},
	})
}
