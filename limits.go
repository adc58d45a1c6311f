package freshet

import (
	"math"
	"time"

	"golang.org/x/time/rate"
)

// Limits are the throughput and resource limits the engine enforces. A zero
// field means "no limit", as zero means "absent" everywhere in freshet's API
// (in an operation's input, an absent member gets the Kinesis default; in
// Limits and options, an absent limit does not apply). Like Kinesis, the engine never delays
// a call to stay under a limit: an over-limit call fails at once with
// ProvisionedThroughputExceededException (or LimitExceededException), and
// the caller backs off. Rate decisions are token buckets
// (golang.org/x/time/rate) read at the engine clock's time, so a test on a
// ManualClock sees exact, repeatable throttling.
type Limits struct {
	// ShardWriteBytesPerSecond caps data plus partition-key bytes written
	// to one shard per second (Kinesis: 1 MiB).
	ShardWriteBytesPerSecond int
	// ShardWriteRecordsPerSecond caps records written to one shard per
	// second (Kinesis: 1,000).
	ShardWriteRecordsPerSecond int
	// ShardReadCallsPerSecond caps GetRecords calls per shard per second
	// (Kinesis: 5).
	ShardReadCallsPerSecond int
	// ShardReadBytesPerSecond caps bytes returned by GetRecords per shard
	// per second (Kinesis: 2 MiB). A call may return more than one
	// second's worth (up to 10 MiB); the shard then stays throttled until
	// the debt is paid back, so a 10 MiB read blocks reads for about 5 s.
	ShardReadBytesPerSecond int
	// ShardIteratorCallsPerSecond caps GetShardIterator calls per shard per
	// second (Kinesis: 5).
	ShardIteratorCallsPerSecond int
	// SubscribeCallsPerSecond caps SubscribeToShard calls per consumer and
	// shard per second (Kinesis: 1); over it, LimitExceededException.
	SubscribeCallsPerSecond int
	// ShardLimit caps open shards across the account (Kinesis: 20,000 in
	// the large regions; NoLimits and AWSLimits keep it).
	ShardLimit int
	// ConsumersPerStream caps registered enhanced fan-out consumers per
	// stream (Kinesis: 20; NoLimits and AWSLimits keep it).
	ConsumersPerStream int
}

// AWSLimits are the default limits of real Kinesis Data Streams for a
// provisioned stream in a large region.
var AWSLimits = Limits{
	ShardWriteBytesPerSecond:    1 << 20,
	ShardWriteRecordsPerSecond:  1000,
	ShardReadCallsPerSecond:     5,
	ShardReadBytesPerSecond:     2 << 20,
	ShardIteratorCallsPerSecond: 5,
	SubscribeCallsPerSecond:     1,
	ShardLimit:                  20000,
	ConsumersPerStream:          20,
}

// NoLimits turns every throughput limit off, as an in-process event bus
// wants; it keeps the resource limits of Kinesis (20,000 shards per
// account, 20 consumers per stream). It is the default.
var NoLimits = Limits{
	ShardLimit:         20000,
	ConsumersPerStream: 20,
}

// unlimited is what DescribeLimits reports as the shard limit of an engine
// without one.
const unlimited = math.MaxInt32

const (
	// maxGetRecordsBytes is the most one GetRecords call returns.
	maxGetRecordsBytes = 10 << 20
	// maxPutRecordsBytes is the most one PutRecords request may carry.
	maxPutRecordsBytes = 10 << 20
)

// shardLimit returns the account's shard limit, unlimited if none.
func (l Limits) shardLimit() int {
	if l.ShardLimit <= 0 {
		return unlimited
	}
	return l.ShardLimit
}

// consumersPerStream returns the consumer limit of a stream, unlimited if
// none.
func (l Limits) consumersPerStream() int {
	if l.ConsumersPerStream <= 0 {
		return unlimited
	}
	return l.ConsumersPerStream
}

// throttled reports whether any per-shard throughput limit is set.
func (l Limits) throttled() bool {
	return l.ShardWriteBytesPerSecond > 0 || l.ShardWriteRecordsPerSecond > 0 ||
		l.ShardReadCallsPerSecond > 0 || l.ShardReadBytesPerSecond > 0 ||
		l.ShardIteratorCallsPerSecond > 0
}

// shardLimiter holds the token buckets of one shard. A nil bucket is
// unlimited. Its methods are called with the shard's lock held.
type shardLimiter struct {
	writeBytes   *rate.Limiter
	writeRecords *rate.Limiter
	readCalls    *rate.Limiter
	readBytes    *rate.Limiter
	iterators    *rate.Limiter
}

func newBucket(perSecond, burst int) *rate.Limiter {
	if perSecond <= 0 {
		return nil
	}
	return rate.NewLimiter(rate.Limit(perSecond), burst)
}

// newShardLimiter returns nil when no per-shard limit is set, so the hot
// path pays a single nil check.
func newShardLimiter(l Limits) *shardLimiter {
	if !l.throttled() {
		return nil
	}
	return &shardLimiter{
		writeBytes:   newBucket(l.ShardWriteBytesPerSecond, l.ShardWriteBytesPerSecond),
		writeRecords: newBucket(l.ShardWriteRecordsPerSecond, l.ShardWriteRecordsPerSecond),
		readCalls:    newBucket(l.ShardReadCallsPerSecond, l.ShardReadCallsPerSecond),
		readBytes:    newBucket(l.ShardReadBytesPerSecond, l.ShardReadBytesPerSecond),
		iterators:    newBucket(l.ShardIteratorCallsPerSecond, l.ShardIteratorCallsPerSecond),
	}
}

// allowWrite takes one record of n bytes from the write buckets, or reports
// false and takes nothing.
func (l *shardLimiter) allowWrite(now time.Time, n int) bool {
	if l == nil {
		return true
	}
	// A record above one second's budget (streams may allow records of up
	// to 10 MiB) needs the whole budget and leaves the bucket in debt.
	if l.writeBytes != nil && l.writeBytes.TokensAt(now) < float64(min(n, l.writeBytes.Burst())) {
		return false
	}
	if l.writeRecords != nil && l.writeRecords.TokensAt(now) < 1 {
		return false
	}
	if l.writeBytes != nil {
		for burst := l.writeBytes.Burst(); n > 0; n -= burst {
			l.writeBytes.ReserveN(now, min(n, burst))
		}
	}
	if l.writeRecords != nil {
		l.writeRecords.AllowN(now, 1)
	}
	return true
}

// allowRead takes one GetRecords call, or reports false. A shard whose read
// bytes are in debt (see ShardReadBytesPerSecond) is throttled too.
func (l *shardLimiter) allowRead(now time.Time) bool {
	if l == nil {
		return true
	}
	if l.readBytes != nil && l.readBytes.TokensAt(now) <= 0 {
		return false
	}
	return l.readCalls == nil || l.readCalls.AllowN(now, 1)
}

// chargeRead records n bytes returned by a GetRecords call. The bucket may
// go into debt: reservations larger than the burst are taken in
// burst-sized pieces, each of which the limiter grants on credit.
func (l *shardLimiter) chargeRead(now time.Time, n int) {
	if l == nil || l.readBytes == nil {
		return
	}
	burst := l.readBytes.Burst()
	for n > 0 {
		k := min(n, burst)
		l.readBytes.ReserveN(now, k)
		n -= k
	}
}

// allowIterator takes one GetShardIterator call, or reports false.
func (l *shardLimiter) allowIterator(now time.Time) bool {
	return l == nil || l.iterators == nil || l.iterators.AllowN(now, 1)
}
