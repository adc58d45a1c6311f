package connect

import (
	"log/slog"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
)

// BufferLimits say when a shard's buffer is flushed: when it holds
// MaxRecords items, or MaxBytes bytes of record data, or when its oldest
// item has waited MaxAge, whichever comes first. A zero field takes its
// default.
type BufferLimits struct {
	// MaxRecords is the most items in one batch. Default: 500.
	MaxRecords int
	// MaxBytes is the most record data, in bytes, in one batch (the
	// batch is flushed once it reaches this). Default: 5 MiB.
	MaxBytes int
	// MaxAge is the longest an item waits in the buffer, measured on the
	// pipeline's clock from when it entered the buffer. Default: 60 s.
	MaxAge time.Duration
}

// Backoff says how failed emits are retried: after First, then doubling
// up to Max between tries, for at most MaxElapsed in all; then the items
// still failing go to the failure policy. A zero field takes its default.
type Backoff struct {
	// First is the first pause. Default: 100 ms.
	First time.Duration
	// Max is the longest pause. Default: 30 s.
	Max time.Duration
	// MaxElapsed is how long an emit is retried before its failed items
	// go to the failure policy. Default: 5 minutes.
	MaxElapsed time.Duration
}

// Defaults of the options.
const (
	DefaultMaxRecords      = 500
	DefaultMaxBytes        = 5 << 20
	DefaultMaxAge          = time.Minute
	DefaultFirstBackoff    = 100 * time.Millisecond
	DefaultMaxBackoff      = 30 * time.Second
	DefaultMaxElapsed      = 5 * time.Minute
	DefaultShutdownTimeout = 30 * time.Second
)

// Option configures a Pipeline. Pass options to New.
type Option func(*settings)

type settings struct {
	filter          any // a Filter[T], checked by New
	limits          BufferLimits
	backoff         Backoff
	policy          Policy
	clock           freshet.Clock
	logger          *slog.Logger
	onBlock         func(*BlockedError)
	shutdownTimeout time.Duration
	consumerOpts    []consumer.Option
}

// WithFilter keeps only the items for which f returns true; the others are
// counted as filtered and checkpointed past like emitted ones. The type of
// f must match the pipeline's (New panics otherwise). Default: keep all.
func WithFilter[T any](f Filter[T]) Option {
	return func(s *settings) { s.filter = f }
}

// WithBufferLimits sets when a shard's buffer is flushed. Zero fields keep
// their defaults.
func WithBufferLimits(l BufferLimits) Option {
	return func(s *settings) { s.limits = l }
}

// WithBackoff sets how failed emits and dead-letter writes are retried.
// Zero fields keep their defaults.
func WithBackoff(b Backoff) Option {
	return func(s *settings) { s.backoff = b }
}

// WithFailurePolicy sets what happens to an item that cannot be transformed
// or stored: Block (the default), Drop or DeadLetterTo.
func WithFailurePolicy(p Policy) Option {
	return func(s *settings) { s.policy = p }
}

// WithClock sets the clock of the pipeline's own timers: the buffer's age
// limit and the pauses between retries. It does not set the consumer's
// clock (its lease timing and idle reads): pass consumer.WithClock through
// WithConsumerOptions for that. Default: freshet.SystemClock.
func WithClock(c freshet.Clock) Option {
	return func(s *settings) { s.clock = c }
}

// WithLogger sets the logger of the pipeline and, unless
// WithConsumerOptions sets another, of its consumer. Default: discard.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) { s.logger = l }
}

// WithOnBlock sets a function called once for each shard the Block policy
// stops, from the shard's goroutine; it must not block. It may cancel the
// pipeline's context to stop the whole pipeline. Default: none (the block is logged and
// reported by Run and Stats).
func WithOnBlock(fn func(*BlockedError)) Option {
	return func(s *settings) { s.onBlock = fn }
}

// WithShutdownTimeout bounds how long a graceful shutdown keeps retrying the
// final flushes. A flush still failing then is abandoned without a
// checkpoint, so its records are read again on the next start. Default:
// 30 s.
func WithShutdownTimeout(d time.Duration) Option {
	return func(s *settings) { s.shutdownTimeout = d }
}

// WithConsumerOptions passes options to the consumer.Worker that reads the
// stream: the lease store (consumer.WithLeaseStore) shared by the
// connector's processes, the worker id, the initial position, polling or
// enhanced fan-out, its clock and metrics.
func WithConsumerOptions(opts ...consumer.Option) Option {
	return func(s *settings) { s.consumerOpts = append(s.consumerOpts, opts...) }
}

func (s *settings) defaults() {
	if s.limits.MaxRecords <= 0 {
		s.limits.MaxRecords = DefaultMaxRecords
	}
	if s.limits.MaxBytes <= 0 {
		s.limits.MaxBytes = DefaultMaxBytes
	}
	if s.limits.MaxAge <= 0 {
		s.limits.MaxAge = DefaultMaxAge
	}
	if s.backoff.First <= 0 {
		s.backoff.First = DefaultFirstBackoff
	}
	if s.backoff.Max <= 0 {
		s.backoff.Max = DefaultMaxBackoff
	}
	if s.backoff.Max < s.backoff.First {
		s.backoff.Max = s.backoff.First
	}
	if s.backoff.MaxElapsed <= 0 {
		s.backoff.MaxElapsed = DefaultMaxElapsed
	}
	if s.clock == nil {
		s.clock = freshet.SystemClock{}
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.shutdownTimeout <= 0 {
		s.shutdownTimeout = DefaultShutdownTimeout
	}
}
