package freshet

import (
	"crypto/rand"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Engine holds the Kinesis data streams of one AWS account and region, in
// memory. Its methods mirror the Kinesis API one to one (same operation,
// input and output names, same errors and messages); Stream handles and
// Iterators add blocking, Go-native reading on top.
//
// An Engine is safe for concurrent use. Data-plane calls lock only the
// shard they touch; control-plane calls lock one stream. Close it when done:
//
//	e := freshet.New()
//	defer e.Close()
type Engine struct {
	cfg  config
	key  [32]byte   // HMAC key of iterators and pagination tokens
	wall *wallClock // the system clock, cheaper; nil unless cfg.clock is SystemClock

	mu      sync.Mutex                         // serializes changes to the set of streams
	streams atomic.Pointer[map[string]*Stream] // copy-on-write; read without locks

	iteratorGen atomic.Uint64 // bumped by ExpireIterators; older iterators are expired
	streamIDs   atomic.Uint64 // source of Stream.id
	intercept   interceptors
	account     accountSettings
	policies    sync.Map // resource ARN -> policy document
	mem         memoryUsage
	store       *store // durable storage; nil without a data directory

	closeOnce sync.Once
	done      chan struct{}
	wg        sync.WaitGroup
}

// New returns an engine configured by opts. Defaults: the wall clock,
// account 000000000000, region us-east-1, NoLimits, instant state
// transitions, 5-minute iterators and a retention sweep every minute.
//
// With WithDataDir, New panics if the data directory cannot be opened:
// use Open to get the error instead.
func New(opts ...Option) *Engine {
	if cfg := newConfig(opts); cfg.storage.dataDir != "" {
		e, err := openStore(cfg)
		if err != nil {
			panic(err.Error() + " (use freshet.Open to handle this error)")
		}
		return e
	}
	e := newEngine(newConfig(opts))
	if _, err := rand.Read(e.key[:]); err != nil {
		panic("freshet: no randomness: " + err.Error())
	}
	e.start()
	return e
}

// newEngine returns an engine without streams, key or background work:
// New and Restore fill it, then start it.
func newEngine(cfg config) *Engine {
	e := &Engine{cfg: cfg, done: make(chan struct{})}
	if _, ok := cfg.clock.(SystemClock); ok {
		e.wall = newWallClock()
	}
	empty := map[string]*Stream{}
	e.streams.Store(&empty)
	return e
}

// start starts the engine's background work (the retention sweep).
func (e *Engine) start() {
	if e.cfg.sweepInterval > 0 {
		e.wg.Add(1)
		go e.sweep()
	}
}

// Close stops the engine's background work (the retention sweep) and wakes
// every blocked reader with an error. It is idempotent and safe to call
// from t.Cleanup. The engine's data stays readable; Close only ends
// goroutines.
//
// With a data directory, Close also commits the writes in flight, fsyncs
// every log, saves the metadata and releases the directory; it returns
// what failed. Writes after Close fail; records still in memory stay
// readable.
func (e *Engine) Close() error {
	var err error
	e.closeOnce.Do(func() {
		close(e.done)
		e.wg.Wait()
		if e.store != nil {
			err = e.store.close()
		}
	})
	return err
}

// Account returns the account id the engine emulates.
func (e *Engine) Account() string { return e.cfg.account }

// Region returns the region the engine emulates.
func (e *Engine) Region() string { return e.cfg.region }

// Clock returns the engine's clock.
func (e *Engine) Clock() Clock { return e.cfg.clock }

func (e *Engine) now() time.Time {
	if e.wall != nil {
		return e.wall.now()
	}
	return e.cfg.clock.Now()
}

// sweep applies retention periodically until Close.
func (e *Engine) sweep() {
	defer e.wg.Done()
	for {
		t := e.cfg.clock.NewTimer(e.cfg.sweepInterval)
		select {
		case <-e.done:
			t.Stop()
			return
		case <-t.C():
			e.ApplyRetention()
		}
	}
}

// streamARN returns the ARN of a stream of this engine.
func (e *Engine) streamARN(name string) string {
	return "arn:" + e.cfg.partition + ":kinesis:" + e.cfg.region + ":" + e.cfg.account + ":stream/" + name
}

// list returns the current streams (a snapshot; do not modify).
func (e *Engine) list() map[string]*Stream {
	return *e.streams.Load()
}

// put replaces the set of streams; the caller holds e.mu.
func (e *Engine) storeStreams(m map[string]*Stream) {
	e.streams.Store(&m)
}

// removeStream drops a stream whose deletion completed.
func (e *Engine) removeStream(st *Stream) {
	e.mu.Lock()
	defer e.mu.Unlock()
	cur := e.list()
	if cur[st.name] != st {
		return
	}
	next := make(map[string]*Stream, len(cur))
	for k, v := range cur {
		if v != st {
			next[k] = v
		}
	}
	e.storeStreams(next)
	st.dropShards()
}

// lookupName returns the live stream called name, completing a pending
// deletion if its delay has passed.
func (e *Engine) lookupName(name string) *Stream {
	return e.lookupNameAt(name, e.now())
}

// lookupNameAt is lookupName at a time the caller already read (reading
// the clock is a measurable part of a PutRecord).
func (e *Engine) lookupNameAt(name string, now time.Time) *Stream {
	st := e.list()[name]
	if st == nil {
		return nil
	}
	if st.status(now) == streamGone {
		e.removeStream(st)
		return nil
	}
	if st.pending.Load() != nil {
		st.settleReshard(now)
	}
	return st
}

// resolve finds the stream addressed by a StreamName and/or StreamARN, as
// every stream-scoped operation does.
func (e *Engine) resolve(name, arn string) (*Stream, error) {
	n, err := e.streamNameOf(name, arn)
	if err != nil {
		return nil, err
	}
	st := e.lookupName(n)
	if st == nil {
		return nil, e.errStreamNotFound(n)
	}
	return st, nil
}

// streamNameOf reconciles StreamName and StreamARN into one stream name.
func (e *Engine) streamNameOf(name, arn string) (string, error) {
	if arn == "" {
		if name == "" {
			return "", errInvalid("Either StreamName or StreamARN must be provided.")
		}
		return name, nil
	}
	arnName, ok := e.parseStreamARN(arn)
	if !ok {
		// Another account or region: Kinesis evaluates cross-account
		// access; a single-account engine has no such stream.
		n := arn
		if i := strings.LastIndex(arn, "/"); i >= 0 {
			n = arn[i+1:]
		}
		return "", e.errStreamNotFound(n)
	}
	if name != "" && name != arnName {
		return "", errInvalid("StreamName %s and StreamARN %s do not refer to the same stream.", name, arn)
	}
	return arnName, nil
}

// parseStreamARN returns the stream name of an ARN of this engine's account
// and region.
func (e *Engine) parseStreamARN(arn string) (string, bool) {
	prefix := e.streamARN("")
	if !strings.HasPrefix(arn, prefix) {
		return "", false
	}
	name := arn[len(prefix):]
	if name == "" || strings.Contains(name, "/") {
		return "", false
	}
	return name, true
}

func (e *Engine) errStreamNotFound(name string) error {
	return errNotFound("Stream %s under account %s not found.", name, e.cfg.account)
}

// openShardCount counts open shards across the account.
func (e *Engine) openShardCount() int {
	n := 0
	for _, st := range e.list() {
		n += len(st.routes())
	}
	return n
}

// checkShardLimit returns the Kinesis LimitExceededException when adding
// more open shards would exceed the account's shard limit.
func (e *Engine) checkShardLimit(more int) error {
	cur := e.openShardCount()
	limit := e.cfg.limits.shardLimit()
	if cur+more <= limit {
		return nil
	}
	return errLimit("This request would exceed the shard limit for the account %s in %s. "+
		"Current shard count for the account: %d. Limit: %d. "+
		"Number of additional shards that would have resulted from this request: %d. "+
		"Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) "+
		"for current limits and how to request higher limits.", e.cfg.account, e.cfg.region, cur, limit, more)
}
