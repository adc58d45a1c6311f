package consumer

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/consumer/lease"
)

// logRecorder is a slog.Handler that keeps what it is given.
type logRecorder struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logRecorder) WithGroup(string) slog.Handler            { return h }
func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r.Clone())
	return nil
}

// find returns the messages at level that mention the store, each with
// its "store" attribute.
func (h *logRecorder) find(level slog.Level) map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]string{}
	for _, r := range h.recs {
		if r.Level != level {
			continue
		}
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "store" {
				out[r.Message] = a.Value.String()
			}
			return true
		})
	}
	return out
}

// otherSource is a Source that is not an in-process engine, as an AWS SDK
// client is.
type otherSource struct{ Source }

// otherStore is a lease store that is not a MemoryStore.
type otherStore struct{ *lease.MemoryStore }

// runOnce starts a worker with opts and shuts it down once it runs.
func runOnce(t *testing.T, src Source, opts ...Option) {
	t.Helper()
	w := New(src, "s", HandlerFunc(func(context.Context, Record) error { return nil }), opts...)
	started := make(chan struct{})
	w.afterCycle = func(int) {
		select {
		case <-started:
		default:
			close(started)
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- w.Run(context.Background()) }()
	<-started
	require.NoError(t, w.Shutdown(context.Background()))
	require.NoError(t, <-errc)
}

// A worker says at start which lease store it uses, and warns when the
// store cannot keep workers of other processes from processing the same
// records.
func TestWorkerLogsLeaseStore(t *testing.T) {
	e := newEngine(t, "s", 1)

	tests := []struct {
		name      string
		src       Source
		store     lease.Store
		wantStore string
		wantWarn  string // a word of the warning, "" for none
	}{
		{"in-process engine, memory store", e, nil, "*lease.MemoryStore", "this process only"},
		{"other source, memory store", otherSource{e}, lease.NewMemoryStore(), "*lease.MemoryStore", "will process the same records"},
		{"other source, other store", otherSource{e}, otherStore{lease.NewMemoryStore()}, "consumer.otherStore", ""},
		{"in-process engine, other store", e, otherStore{lease.NewMemoryStore()}, "consumer.otherStore", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &logRecorder{}
			opts := []Option{WithLogger(slog.New(h))}
			if tt.store != nil {
				opts = append(opts, WithLeaseStore(tt.store))
			}
			runOnce(t, tt.src, opts...)
			assert.Equal(t, map[string]string{"lease store": tt.wantStore}, h.find(slog.LevelInfo))
			warnings := h.find(slog.LevelWarn)
			if tt.wantWarn == "" {
				assert.Empty(t, warnings)
				return
			}
			require.Len(t, warnings, 1)
			for msg, store := range warnings {
				assert.Contains(t, msg, tt.wantWarn)
				assert.Equal(t, tt.wantStore, store)
			}
		})
	}
}

// Without a logger, the warning that other processes will process the
// same records still goes out, through slog.Default; the other messages
// do not.
func TestMemoryStoreWarningWithoutLogger(t *testing.T) {
	e := newEngine(t, "s", 1)
	h := &logRecorder{}
	prev := slog.Default()
	slog.SetDefault(slog.New(h))
	t.Cleanup(func() { slog.SetDefault(prev) })

	runOnce(t, e)
	assert.Empty(t, h.find(slog.LevelWarn), "in process, a MemoryStore is fine without a logger")

	runOnce(t, otherSource{e})
	warnings := h.find(slog.LevelWarn)
	require.Len(t, warnings, 1)
	for msg := range warnings {
		assert.True(t, strings.Contains(msg, "will process the same records"), msg)
	}
	assert.Empty(t, h.find(slog.LevelInfo))
}
