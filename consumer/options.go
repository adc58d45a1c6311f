package consumer

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
)

// Option configures a Worker. Pass options to New.
type Option func(*config)

type config struct {
	workerID           string
	store              lease.Store
	clock              freshet.Clock
	failover           time.Duration
	renew              time.Duration
	shardSync          time.Duration
	cleanup            time.Duration
	maxSteal           int
	position           string
	timestamp          time.Time
	maxRecords         int
	idle               time.Duration
	prefetch           int
	consumerARN        string
	subscriber         Subscriber
	filterHashRange    bool
	backoff, maxPause  time.Duration
	checkpointInterval time.Duration
	metrics            Metrics
	logger             *slog.Logger
	loggerSet          bool // WithLogger was given
}

func defaultConfig() config {
	return config{
		clock:              freshet.SystemClock{},
		failover:           10 * time.Second,
		shardSync:          time.Minute,
		cleanup:            time.Minute,
		maxSteal:           1,
		position:           lease.Latest,
		maxRecords:         10000,
		idle:               time.Second,
		prefetch:           3,
		filterHashRange:    true,
		backoff:            100 * time.Millisecond,
		maxPause:           10 * time.Second,
		checkpointInterval: DefaultCheckpointInterval,
		metrics:            NopMetrics{},
		logger:             slog.New(slog.DiscardHandler),
	}
}

// WithWorkerID names the worker in the lease table. Workers sharing a
// store must have distinct ids. Default: the host name, the process id and
// a random suffix.
func WithWorkerID(id string) Option { return func(c *config) { c.workerID = id } }

// WithLeaseStore sets the lease table shared by the workers of one
// application and stream. Default: a new lease.MemoryStore, which suits a
// single worker, or workers in one process given the same MemoryStore.
// Workers in different processes must share a durable store (such as the
// PostgreSQL store of module consumer/lease/pglease): with a MemoryStore
// each process takes every lease and processes every record.
func WithLeaseStore(s lease.Store) Option { return func(c *config) { c.store = s } }

// WithClock sets the clock used for lease expiry, renewal, idle waits and
// retry pauses. Default: freshet.SystemClock.
func WithClock(clk freshet.Clock) Option { return func(c *config) { c.clock = clk } }

// WithFailoverTime sets how long a lease may go without renewal before
// other workers take it. Leases are renewed every third of it, unless
// WithRenewInterval says otherwise. Default: 10 s.
func WithFailoverTime(d time.Duration) Option { return func(c *config) { c.failover = d } }

// WithRenewInterval sets how often the worker renews its leases and looks
// for leases to take. Default: a third of the failover time.
func WithRenewInterval(d time.Duration) Option { return func(c *config) { c.renew = d } }

// WithShardSyncInterval sets how often the worker lists the stream's
// shards with ListShards to create leases for new ones. Children of a shard
// that this worker read to its end are added at once, without waiting.
// Default: 1 minute.
func WithShardSyncInterval(d time.Duration) Option { return func(c *config) { c.shardSync = d } }

// WithLeaseCleanupInterval sets how often the worker deletes the leases no
// worker needs any more: those of shards read to their end (SHARD_END)
// whose every child shard has progressed past its initial position, and
// those of shards that have expired (ListShards no longer returns them).
// Each cleanup lists the shards. A duration of 0 or less cleans up in every
// lease cycle. Default: 1 minute, as the KCL's leaseCleanupIntervalMillis.
func WithLeaseCleanupInterval(d time.Duration) Option { return func(c *config) { c.cleanup = d } }

// WithMaxLeasesToStealAtOneTime caps how many leases the worker steals
// from an overloaded worker per lease cycle. Default: 1.
func WithMaxLeasesToStealAtOneTime(n int) Option { return func(c *config) { c.maxSteal = n } }

// WithInitialPosition sets where the worker starts reading shards that have
// no checkpoint: lease.TrimHorizon or lease.Latest (WithInitialTimestamp
// sets lease.AtTimestamp). Children of resharded
// shards are always read from their start. Default: lease.Latest, as in
// the KCL.
func WithInitialPosition(pos string) Option { return func(c *config) { c.position = pos } }

// WithInitialTimestamp makes the worker start reading shards that have no
// checkpoint at the first record written at or after t (AT_TIMESTAMP).
func WithInitialTimestamp(t time.Time) Option {
	return func(c *config) { c.position, c.timestamp = lease.AtTimestamp, t }
}

// WithMaxRecords caps the records one GetRecords call returns (the Limit),
// 1 to 10000. Default: 10000.
func WithMaxRecords(n int) Option { return func(c *config) { c.maxRecords = n } }

// WithIdleTimeBetweenReads sets how long the worker waits after a
// GetRecords call that returned no records. Default: 1 s.
func WithIdleTimeBetweenReads(d time.Duration) Option { return func(c *config) { c.idle = d } }

// WithMaxPrefetchBatches caps how many batches per shard are read ahead of
// the processor. Reading stops while that many wait, so a slow processor
// holds memory bounded by n batches of MaxRecords. Default: 3.
func WithMaxPrefetchBatches(n int) Option { return func(c *config) { c.prefetch = n } }

// WithEnhancedFanOut makes the worker read with SubscribeToShard as the
// registered consumer consumerARN instead of polling GetRecords. sub is the
// Subscriber to use; if nil, the Source itself must implement Subscriber
// (as the kinesissdk adapter does) or be a *freshet.Engine. Default:
// polling.
func WithEnhancedFanOut(consumerARN string, sub Subscriber) Option {
	return func(c *config) { c.consumerARN, c.subscriber = consumerARN, sub }
}

// WithHashRangeFilter says whether user records de-aggregated from a KPL
// aggregate are dropped when their hash key lies outside the shard's hash
// key range, as the KCL does (see package kpl). Default: true.
func WithHashRangeFilter(on bool) Option { return func(c *config) { c.filterHashRange = on } }

// WithRetryBackoff sets the first and the longest pause before retrying a
// throttled or failed call; pauses double in between. Defaults: 100 ms and
// 10 s.
func WithRetryBackoff(first, max time.Duration) Option {
	return func(c *config) { c.backoff, c.maxPause = first, max }
}

// DefaultCheckpointInterval is the checkpoint interval of HandlerFunc
// and Consume when WithCheckpointInterval is not given.
const DefaultCheckpointInterval = 5 * time.Second

// WithCheckpointInterval sets how often the processors of HandlerFunc (and
// so Consume) checkpoint: after a batch, only if d has passed on the
// worker's clock (WithClock) since the shard's last checkpoint, or since
// its processor started. They always checkpoint when the shard ends
// (SHARD_END, so that its children can start) and at a graceful shutdown,
// so a worker that stops cleanly hands over its shards with nothing to
// deliver again. A checkpoint cannot be written once the lease is lost.
//
// The interval trades throughput and lease-table writes for redelivery.
// Each checkpoint is a conditional write to the lease store that the
// shard's processing waits for (records keep being read ahead meanwhile):
// with one every 100 ms or less often, leases in DynamoDB (measured with
// dynalite) cost the consumer no measurable throughput, while one per
// batch costs it most (see the stores' BenchmarkConsumer). A
// checkpoint that fails fails the batch, and the shard is retried from its
// last checkpoint. In exchange, when a worker dies without shutting down
// its successor reads the shard again from the last checkpoint: up to d of
// records (plus the batch in progress) are delivered a second time. A
// shard that goes quiet keeps its last records uncheckpointed until its
// next batch, its end or a shutdown. A d of 0 or less checkpoints after
// every batch.
//
// Processors of your own ProcessorFactory checkpoint when they call their
// Checkpointer; this option does not change them. Default:
// DefaultCheckpointInterval (5 s).
func WithCheckpointInterval(d time.Duration) Option {
	return func(c *config) { c.checkpointInterval = d }
}

// WithMetrics sets the receiver of the worker's measurements. Default:
// NopMetrics.
func WithMetrics(m Metrics) Option { return func(c *config) { c.metrics = m } }

// WithLogger sets the logger. Default: a logger that discards everything,
// except for one warning: a worker that keeps its leases in a
// lease.MemoryStore while reading through a Source other than an
// in-process *freshet.Engine writes at start, through slog.Default, that
// other processes will process the same records.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger, c.loggerSet = l, true } }

func defaultWorkerID() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}
