package leakcheck

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestFindReportsARunningGoroutine(t *testing.T) {
	stop := make(chan struct{})
	go func() { <-stop }()
	leaked := Find(20 * time.Millisecond)
	assert.Contains(t, leaked, "TestFindReportsARunningGoroutine", "the leaked goroutine's stack names where it was created")
	close(stop)
	assert.Empty(t, Find(5*time.Second), "the goroutine ended")
}

func TestFindWaitsForGoroutinesOnTheirWayOut(t *testing.T) {
	go func() { time.Sleep(50 * time.Millisecond) }()
	assert.Empty(t, Find(5*time.Second))
}

func TestExpected(t *testing.T) {
	assert.True(t, expected("goroutine 5 [chan receive]:\ntesting.(*T).Run(...)"))
	assert.False(t, expected("goroutine 9 [select]:\nmain.worker()"))
	assert.False(t, strings.Contains(strings.Join(others(nil), ""), "TestExpected"))
}

func parked(stop chan struct{}) { <-stop }

func TestIgnoredFunctionsAreNotReported(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	go parked(stop)
	time.Sleep(10 * time.Millisecond)
	assert.Contains(t, Find(10*time.Millisecond), "leakcheck.parked")
	assert.Empty(t, Find(10*time.Millisecond, "github.com/freshet-io/freshet/internal/leakcheck.parked"))
}
