package freshet

import (
	"context"
	"time"

	"github.com/freshet-io/freshet/internal/constraint"
)

// The event-bus write path
//
// Stream.Put and Stream.Append write through the handle the engine gave
// out, so they skip what PutRecord must do for a request from outside:
// validating the stream name and ARN the engine produced itself and looking
// the stream up by name. When no authorizer, audit hook or interceptor is
// configured (each of them needs the PutRecordInput that PutRecord builds),
// a write reads the clock once, routes, and appends under the shard lock:
// no allocation, no regular expression, no reflection. Anything unusual (a
// stream that is not ACTIVE, an invalid record) takes the PutRecord path,
// so errors and their texts are PutRecord's.

// Put writes one record to the stream, like PutRecord, and returns where it
// went. Append does the same without allocating its result.
func (st *Stream) Put(ctx context.Context, partitionKey string, data []byte) (*PutRecordOutput, error) {
	out, err := st.Append(ctx, partitionKey, data)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Append writes one record to the stream, like PutRecord, and returns its
// shard and sequence number as a value: on an engine without authorizer,
// audit hook or interceptors, a write allocates nothing. Data is copied.
// Records of one partition key get increasing sequence numbers in the order
// of the calls that wrote them.
func (st *Stream) Append(ctx context.Context, partitionKey string, data []byte) (PutRecordOutput, error) {
	e := st.e
	if e.cfg.authorizer != nil || e.cfg.audit != nil || e.intercept.n.Load() != 0 ||
		!validRecord(partitionKey, data) || st.phase.Load().status != StreamStatusActive {
		return st.putRecord(ctx, partitionKey, data)
	}
	// An ACTIVE stream is the one its name resolves to: a stream is
	// replaced under its name only once it is gone.
	now := e.now()
	if err := st.checkRecordSize(partitionKey, data); err != nil {
		return PutRecordOutput{}, err
	}
	flags, enc := st.encryptionFlags()
	// One write in 64 measures its latency: on the system clock, whose
	// readings carry a monotonic time, the write of every 64th record of a
	// shard, from now; on another clock, a random one, from time.Now.
	var start time.Time
	if e.wall == nil && sampleLatency() {
		start = time.Now()
	}
	r := router{partitionKey: partitionKey}
	for {
		sh := r.route(st)
		if sh == nil {
			return PutRecordOutput{}, e.errStreamNotFound(st.name)
		}
		counter, arrival, res := sh.append(partitionKey, data, now, flags, true)
		switch res {
		case appended:
			if e.wall != nil && counter&63 == 0 {
				start = now
			}
			if !start.IsZero() {
				st.counters.putRecordLatency.observe(time.Since(start))
			}
			return PutRecordOutput{
				ShardId:        sh.id,
				SequenceNumber: makeSequenceNumber(sh.createdSec, sh.index, counter, arrival/1000),
				EncryptionType: enc,
			}, nil
		case appendThrottled:
			return PutRecordOutput{}, e.errWriteThrottled(st.name, sh.id)
		case appendGone:
			return PutRecordOutput{}, e.errStreamNotFound(st.name)
		}
		// appendClosed: a reshard closed the shard; route again.
	}
}

// putRecord writes through PutRecord, for the cases Append does not handle
// itself.
func (st *Stream) putRecord(ctx context.Context, partitionKey string, data []byte) (PutRecordOutput, error) {
	if err := st.alive(); err != nil {
		return PutRecordOutput{}, err // deleted, perhaps recreated: never write to the new stream
	}
	out, err := st.e.PutRecord(ctx, &PutRecordInput{StreamName: st.name, StreamARN: st.arn, PartitionKey: partitionKey, Data: data})
	if err != nil {
		return PutRecordOutput{}, err
	}
	return *out, nil
}

// validRecord reports whether a record meets PutRecord's model constraints
// (a partition key of 1 to 256 UTF-16 code units, at most 10 MiB of data).
func validRecord(partitionKey string, data []byte) bool {
	return constraint.ValidRecord(partitionKey, len(data))
}

// router finds the open shard of a record. A stream with a single open
// shard needs no hash key to route: that shard owns the whole hash-key
// space. The MD5 hash of the partition key is computed only when there is a
// choice; keys routed recently are not hashed again (hashcache.go), and
// short ones find their shard without a search (routecache.go).
type router struct {
	partitionKey string
	key          HashKey // the explicit hash key, when hashed
	hashed       bool
}

// newRouter returns the router of a record with an optional explicit hash
// key, which it parses (InvalidArgumentException when out of range).
func newRouter(partitionKey, explicitHashKey string) (router, error) {
	r := router{partitionKey: partitionKey}
	if explicitHashKey != "" {
		k, err := routingKey(partitionKey, explicitHashKey)
		if err != nil {
			return router{}, err
		}
		r.key, r.hashed = k, true
	}
	return r, nil
}

// route returns the open shard owning the record's hash key, or nil.
func (r *router) route(st *Stream) *shard {
	rs := st.routing.Load()
	if len(rs.shards) == 1 && !r.hashed {
		return rs.shards[0]
	}
	if !r.hashed {
		return rs.routeKey(r.partitionKey)
	}
	return rs.search(r.key)
}
