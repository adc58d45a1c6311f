package consumer

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkpointWatch is a HandlerFunc handler that records, for each record,
// the shard's checkpoint in the lease table as the record is handled. A
// record of batch k sees what batch k-1 left, since a processor
// checkpoints between its batches.
type checkpointWatch struct {
	store lease.Store
	shard string

	mu   sync.Mutex
	data []string // the records' data, in order
	seen []string // the committed checkpoint when each was handled
	seqs []string // the records' sequence numbers
}

func (w *checkpointWatch) handle(ctx context.Context, r Record) error {
	l, err := w.store.Get(ctx, w.shard)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.data = append(w.data, string(r.Data))
	w.seen = append(w.seen, l.Checkpoint.SequenceNumber)
	w.seqs = append(w.seqs, r.SequenceNumber.String())
	return nil
}

func (w *checkpointWatch) len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.data)
}

// at returns the sequence number of the i-th record handled and the
// checkpoint seen then.
func (w *checkpointWatch) at(i int) (seq, seen string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seqs[i], w.seen[i]
}

// checkpoint returns the shard's checkpoint in the lease table, or "" if
// it has no lease yet.
func (w *checkpointWatch) checkpoint(t *testing.T) string {
	t.Helper()
	l, err := w.store.Get(context.Background(), w.shard)
	if errors.Is(err, lease.ErrNotFound) {
		return ""
	}
	require.NoError(t, err)
	return l.Checkpoint.SequenceNumber
}

// checkpointIntervalWorker runs a HandlerFunc worker on a 1-shard stream
// with the clock clk, batches of 3 records, and opts.
func checkpointIntervalWorker(t *testing.T, clk *freshet.ManualClock, opts ...Option) (*freshet.Engine, *checkpointWatch, *Worker) {
	t.Helper()
	e := newEngine(t, "s", 1)
	store := lease.NewMemoryStore()
	watch := &checkpointWatch{store: store, shard: openShards(t, e, "s")[0].ShardId}
	w := New(e, "s", HandlerFunc(watch.handle), append([]Option{
		WithClock(clk), WithLeaseStore(store), WithInitialPosition(lease.TrimHorizon), WithMaxRecords(3),
		WithIdleTimeBetweenReads(time.Second), WithFailoverTime(time.Hour), WithShardSyncInterval(time.Hour),
	}, opts...)...)
	return e, watch, w
}

// With the default interval, HandlerFunc writes no checkpoint until the
// interval has passed on the worker's clock, then one after the next
// batch, none again until the interval has passed once more, and a final
// one at shutdown.
func TestHandlerFuncCheckpointsAtTheInterval(t *testing.T) {
	clk := freshet.NewManualClock(time.Unix(1_700_000_000, 0))
	e, watch, w := checkpointIntervalWorker(t, clk)
	putOrdered(t, e, "s", 0, 10) // batches of 3, 3, 3 and 1
	stop := start(t, w)
	defer stop()
	waitFor(t, "the first 10 records", func() bool { return watch.len() == 10 })
	for i := range 10 {
		_, seen := watch.at(i)
		assert.Equal(t, lease.TrimHorizon, seen, "checkpoint seen by record %d, before the interval passed", i)
	}

	// The interval passes: the next batch is checkpointed.
	putOrdered(t, e, "s", 10, 12)
	clk.Advance(DefaultCheckpointInterval)
	waitFor(t, "the checkpoint after the interval", func() bool {
		return watch.len() == 12 && watch.checkpoint(t) != lease.TrimHorizon
	})
	last, _ := watch.at(11)
	assert.Equal(t, last, watch.checkpoint(t), "checkpoint after the interval")

	// Less than the interval later: batches are processed, not
	// checkpointed (a record of the last batch sees the one before).
	putOrdered(t, e, "s", 12, 16) // batches of 3 and 1
	clk.Advance(DefaultCheckpointInterval / 2)
	waitFor(t, "the next 4 records", func() bool { return watch.len() == 16 })
	_, seen := watch.at(15)
	assert.Equal(t, last, seen, "checkpoint seen by the last batch, before the interval passed again")

	// Shutdown writes the final checkpoint, at the last record.
	stop()
	final, _ := watch.at(15)
	assert.Equal(t, final, watch.checkpoint(t), "checkpoint after shutdown")
}

// A checkpoint interval of 0 checkpoints after every batch: each batch
// sees the previous one's last record as the checkpoint.
func TestHandlerFuncCheckpointsEveryBatchWithIntervalZero(t *testing.T) {
	clk := freshet.NewManualClock(time.Unix(1_700_000_000, 0))
	e, watch, w := checkpointIntervalWorker(t, clk, WithCheckpointInterval(0))
	putOrdered(t, e, "s", 0, 9)
	stop := start(t, w)
	defer stop()
	waitFor(t, "every record", func() bool { return watch.len() == 9 })
	waitFor(t, "the checkpoint of the last batch", func() bool {
		last, _ := watch.at(8)
		return watch.checkpoint(t) == last
	})
	for i := 3; i < 9; i++ {
		_, seen := watch.at(i)
		prev, _ := watch.at(i - i%3 - 1)
		assert.Equal(t, prev, seen, "record %d sees the last record of the batch before it", i)
	}
}

// However long the interval, the end of a shard is checkpointed at
// SHARD_END, at once, so that its children start.
func TestHandlerFuncCheckpointsShardEndBeforeTheInterval(t *testing.T) {
	clk := freshet.NewManualClock(time.Unix(1_700_000_000, 0))
	e, watch, w := checkpointIntervalWorker(t, clk, WithCheckpointInterval(time.Hour))
	putOrdered(t, e, "s", 0, 5)
	parent := openShards(t, e, "s")[0]
	split(t, e, "s", parent)
	children := childrenOf(t, e, "s", parent.ShardId)
	putInto(t, e, "s", children[0], "5")
	stop := start(t, w)
	defer stop()
	waitFor(t, "the parent checkpointed at SHARD_END and the child's record", func() bool {
		return watch.checkpoint(t) == lease.ShardEnd && watch.len() == 6
	})
	watch.mu.Lock()
	defer watch.mu.Unlock()
	for i, d := range watch.data {
		assert.Equal(t, strconv.Itoa(i), d, "record %d", i)
	}
}
