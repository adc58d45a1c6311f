package ddblease_test

import (
	"testing"

	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/ddblease"
	"github.com/freshet-io/freshet/consumer/lease/leasetest"
)

func TestConformance(t *testing.T) {
	e := newEnv(t)
	leasetest.Run(t, func(t *testing.T) lease.Store {
		s, _ := e.store(t)
		return s
	})
}

func TestConformanceMultiStream(t *testing.T) {
	e := newEnv(t)
	id := ddblease.StreamIdentifier{AccountID: "123456789012", StreamName: "orders", CreationEpoch: 1700000000}
	leasetest.Run(t, func(t *testing.T) lease.Store {
		s, _ := e.store(t, ddblease.WithMultiStream(id))
		return s
	})
}
