package consumer

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/freshet-io/freshet"
)

// lagMetrics records the last and the largest MillisBehindLatest of each
// shard.
type lagMetrics struct {
	NopMetrics
	mu        sync.Mutex
	last, max map[string]int64
}

func (m *lagMetrics) MillisBehindLatest(shardID string, millis int64) {
	m.mu.Lock()
	m.last[shardID] = millis
	m.max[shardID] = max(m.max[shardID], millis)
	m.mu.Unlock()
}

func (m *lagMetrics) get(shardID string) (last, max int64, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	last, ok = m.last[shardID]
	return last, m.max[shardID], ok
}

// MillisBehindLatest is reported per shard after each read: behind while
// the reader has records to catch up with, 0 at the tip.
func TestMillisBehindLatestMetric(t *testing.T) {
	clk := freshet.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e := newEngine(t, "s", 2, freshet.WithClock(clk))
	putRange(t, e, "s", 0, 40)
	clk.Advance(time.Minute) // the records are a minute old
	m := &lagMetrics{last: map[string]int64{}, max: map[string]int64{}}
	var c collector
	// One record per read: every read but the last is behind.
	start(t, New(e, "s", HandlerFunc(c.handle), fast(WithMetrics(m), WithMaxRecords(1))...))
	waitFor(t, "every record", func() bool { return c.len() == 40 })
	for _, sh := range []string{"shardId-000000000000", "shardId-000000000001"} {
		waitFor(t, "the lag of "+sh+" at the tip", func() bool {
			last, _, ok := m.get(sh)
			return ok && last == 0
		})
		_, most, _ := m.get(sh)
		assert.GreaterOrEqual(t, most, time.Minute.Milliseconds(), "%s: largest MillisBehindLatest %d, want at least a minute", sh, most)
	}
}
