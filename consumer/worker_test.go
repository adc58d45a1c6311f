package consumer

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
)

func newEngine(t testing.TB, stream string, shards int, opts ...freshet.Option) *freshet.Engine {
	t.Helper()
	e := freshet.New(opts...)
	t.Cleanup(func() { e.Close() })
	_, err := e.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: stream, ShardCount: shards})
	require.NoError(t, err)
	return e
}

// slowProcessor blocks in its first ProcessRecords until released, and
// records its lifecycle.
type slowProcessor struct {
	entered, release chan struct{}
	first            sync.Once
	shutdown         atomic.Bool
	last             atomic.Value // string: last sequence number processed
}

func (p *slowProcessor) Initialize(context.Context, InitializeInput) error { return nil }

func (p *slowProcessor) ProcessRecords(ctx context.Context, in ProcessRecordsInput) error {
	// The first batch waits for the test to see it (a send that gave up
	// when the test was not receiving yet would let the whole stream
	// through and leave the test waiting), then until the test releases it.
	p.first.Do(func() {
		p.entered <- struct{}{}
		<-p.release
	})
	p.last.Store(in.Records[len(in.Records)-1].SequenceNumber.String())
	return nil // no checkpoint: ShutdownRequested writes it
}

func (p *slowProcessor) LeaseLost(context.Context) {}

func (p *slowProcessor) ShardEnded(ctx context.Context, cp *Checkpointer) error {
	return cp.Checkpoint(ctx)
}

func (p *slowProcessor) ShutdownRequested(ctx context.Context, cp *Checkpointer) error {
	p.shutdown.Store(true)
	return cp.Checkpoint(ctx)
}

// Cancelling Run's context waits for the batch in progress, then
// ShutdownRequested writes the final checkpoint and the lease is released.
func TestShutdownWaitsForLastBatchAndFinalCheckpoint(t *testing.T) {
	for _, how := range []string{"cancel", "Shutdown"} {
		t.Run(how, func(t *testing.T) {
			e := newEngine(t, "s", 1)
			putOrdered(t, e, "s", 0, 10)
			store := lease.NewMemoryStore()
			p := &slowProcessor{entered: make(chan struct{}), release: make(chan struct{})}
			w := New(e, "s", func(string) RecordProcessor { return p }, fast(WithLeaseStore(store))...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ran := make(chan error, 1)
			go func() { ran <- w.Run(ctx) }()
			<-p.entered
			stopped := make(chan error, 1)
			if how == "cancel" {
				cancel()
				go func() { stopped <- <-ran }()
			} else {
				go func() { stopped <- w.Shutdown(context.Background()) }()
			}
			// An empty buffered channel: nothing has stopped yet.
			require.Empty(t, stopped, "the worker stopped during a batch")
			close(p.release)
			require.NoError(t, <-stopped)
			if how == "Shutdown" {
				require.NoError(t, <-ran)
			}
			assert.True(t, p.shutdown.Load(), "ShutdownRequested was not called")
			l, err := store.Get(context.Background(), "shardId-000000000000")
			require.NoError(t, err)
			assert.Empty(t, l.Owner, "lease after shutdown: owner %q, checkpoint %s; want released at %s", l.Owner, l.Checkpoint.SequenceNumber, p.last.Load())
			assert.Equal(t, p.last.Load(), l.Checkpoint.SequenceNumber, "lease after shutdown: owner %q, checkpoint %s; want released at %s", l.Owner, l.Checkpoint.SequenceNumber, p.last.Load())
		})
	}
}

func TestRunTwice(t *testing.T) {
	e := newEngine(t, "s", 1)
	w := New(e, "s", HandlerFunc(noop))
	require.NoError(t, w.Shutdown(context.Background()))
	require.NoError(t, w.Run(context.Background()))
	err := w.Run(context.Background())
	require.Same(t, ErrWorkerStarted, err, "second Run: %v, want ErrWorkerStarted", err)
}

func TestConsume(t *testing.T) {
	e := newEngine(t, "s", 2)
	putOrdered(t, e, "s", 0, 5)
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int64
	err := Consume(ctx, e, "s", func(ctx context.Context, r Record) error {
		if n.Add(1) == 5 {
			cancel()
		}
		return nil
	}, fast()...)
	require.NoError(t, err, "Consume: %v after %d records", err, n.Load())
	require.Equal(t, int64(5), n.Load(), "Consume: %v after %d records", err, n.Load())
}
