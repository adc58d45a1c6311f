package freshet

import "time"

// Option configures an Engine. Pass options to New.
type Option func(*config)

// StateDelays are the times the engine keeps a stream or consumer in a
// transitional state before it settles, measured on the engine's clock.
// Zero (the default for every field) makes the transition instant. Real
// Kinesis takes seconds to tens of seconds; a test that wants to exercise
// waiters can ask for similar delays.
type StateDelays struct {
	// Create is how long a new stream stays CREATING before it is ACTIVE.
	Create time.Duration
	// Update is how long a stream stays UPDATING after resharding,
	// encryption, mode or record-size changes.
	Update time.Duration
	// Delete is how long a deleted stream stays DELETING before it is gone.
	Delete time.Duration
	// Consumer is how long a registered consumer stays CREATING and a
	// deregistered one DELETING.
	Consumer time.Duration
}

type config struct {
	clock           Clock
	account         string
	region          string
	partition       string
	limits          Limits
	delays          StateDelays
	reshardTiming   ReshardTiming
	iteratorTTL     time.Duration
	sweepInterval   time.Duration
	subscriptionTTL time.Duration
	heartbeat       time.Duration
	authorizer      Authorizer
	audit           func(AuditEvent)
	storage         storageConfig // data directory, sync policy, memory budget

	// accountSet and regionSet tell that WithAccount and WithRegion were
	// given: Restore requires them to match the snapshot.
	accountSet, regionSet bool
}

// newConfig returns the defaults changed by opts.
func newConfig(opts []Option) config {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

func defaultConfig() config {
	return config{
		clock:           SystemClock{},
		account:         "000000000000",
		region:          "us-east-1",
		partition:       "aws",
		limits:          NoLimits,
		iteratorTTL:     5 * time.Minute,
		sweepInterval:   time.Minute,
		subscriptionTTL: 5 * time.Minute,
		heartbeat:       5 * time.Second,
	}
}

// WithClock makes the engine read time from c. Default: SystemClock.
func WithClock(c Clock) Option {
	return func(cfg *config) { cfg.clock = c }
}

// WithAccount sets the 12-digit AWS account id that appears in ARNs and
// messages. Default: "000000000000". Given to Restore, it must name the
// snapshot's account.
func WithAccount(id string) Option {
	return func(cfg *config) {
		cfg.account = id
		cfg.accountSet = true
	}
}

// WithRegion sets the AWS region that appears in ARNs and messages.
// Default: "us-east-1". Given to Restore, it must name the snapshot's
// region.
func WithRegion(region string) Option {
	return func(cfg *config) {
		cfg.region = region
		cfg.regionSet = true
	}
}

// WithLimits sets the throughput and resource limits. Default: NoLimits.
// Pass AWSLimits for the throttling of real Kinesis.
func WithLimits(l Limits) Option {
	return func(cfg *config) { cfg.limits = l }
}

// WithShardLimit sets the account's shard limit (open shards across all
// streams), keeping the other limits; 0 means no limit. Default: 20,000.
func WithShardLimit(n int) Option {
	return func(cfg *config) { cfg.limits.ShardLimit = n }
}

// ReshardTiming is when SplitShard, MergeShards and UpdateShardCount change
// the set of open shards.
type ReshardTiming int

const (
	// ReshardAtOnce (the default) changes the shards when the call returns:
	// the children are listed and receive writes at once, and the stream
	// then reports UPDATING for StateDelays.Update.
	ReshardAtOnce ReshardTiming = iota
	// ReshardWhenUpdated is production's timing: the stream is UPDATING for
	// StateDelays.Update, during which the parents stay open, are listed
	// without their children and receive the writes; when UPDATING ends the
	// parents close and the children appear, dated then. The change is
	// applied lazily by the first operation on the stream after that time
	// (no goroutine runs it), so a Follower or Iterator blocked on a parent
	// sees it close only once a call has touched the stream. With a zero
	// Update delay it behaves as ReshardAtOnce.
	ReshardWhenUpdated
)

// WithReshardTiming sets when resharding takes effect: at once (the
// default) or, as in production, when the UPDATING phase ends (see
// ReshardWhenUpdated and StateDelays.Update), so that code handling the
// UPDATING window can be tested.
func WithReshardTiming(t ReshardTiming) Option {
	return func(cfg *config) { cfg.reshardTiming = t }
}

// WithStateDelays sets how long streams and consumers stay in CREATING,
// UPDATING and DELETING. Default: all zero (instant).
func WithStateDelays(d StateDelays) Option {
	return func(cfg *config) { cfg.delays = d }
}

// WithIteratorLifetime sets how long a shard iterator stays valid after it
// is issued. Default: 5 minutes, as in Kinesis.
func WithIteratorLifetime(d time.Duration) Option {
	return func(cfg *config) { cfg.iteratorTTL = d }
}

// WithRetentionSweep sets how often (on the engine's clock) a background
// sweep trims records older than their stream's retention period and drops
// expired shards. Reads trim lazily regardless. Zero or negative disables
// the sweep. Default: 1 minute.
func WithRetentionSweep(every time.Duration) Option {
	return func(cfg *config) { cfg.sweepInterval = every }
}

// WithSubscriptionTiming sets how long a SubscribeToShard subscription lasts
// and how often an idle subscription emits an empty heartbeat event.
// Default: 5 minutes and 5 seconds.
func WithSubscriptionTiming(lifetime, heartbeat time.Duration) Option {
	return func(cfg *config) {
		cfg.subscriptionTTL = lifetime
		cfg.heartbeat = heartbeat
	}
}
