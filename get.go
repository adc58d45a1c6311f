package freshet

import (
	"context"
	"time"

	"github.com/freshet-io/freshet/internal/readbuf"
)

// ShardIteratorType says where reading a shard starts.
type ShardIteratorType string

// Shard iterator types.
const (
	// AtSequenceNumber starts at the record with the given sequence number.
	AtSequenceNumber ShardIteratorType = "AT_SEQUENCE_NUMBER"
	// AfterSequenceNumber starts just after the given sequence number.
	AfterSequenceNumber ShardIteratorType = "AFTER_SEQUENCE_NUMBER"
	// TrimHorizon starts at the oldest record still retained.
	TrimHorizon ShardIteratorType = "TRIM_HORIZON"
	// Latest starts after the newest record: only later records are read.
	Latest ShardIteratorType = "LATEST"
	// AtTimestamp starts at the first record that arrived at or after the
	// given time.
	AtTimestamp ShardIteratorType = "AT_TIMESTAMP"
)

// StartingPosition says where reading a shard starts, for SubscribeToShard
// and Go-native iterators.
type StartingPosition struct {
	// Type is the kind of position.
	Type ShardIteratorType
	// SequenceNumber is required for AT_ and AFTER_SEQUENCE_NUMBER.
	SequenceNumber string
	// Timestamp is required for AT_TIMESTAMP.
	Timestamp time.Time
}

// GetShardIteratorInput is the input of GetShardIterator.
type GetShardIteratorInput struct {
	StreamName string
	StreamARN  string
	// ShardId names the shard; "shardId-000000000001", "shardId-1" and "1"
	// are the same shard.
	ShardId string
	// ShardIteratorType is required.
	ShardIteratorType ShardIteratorType
	// StartingSequenceNumber goes with AT_ and AFTER_SEQUENCE_NUMBER.
	StartingSequenceNumber string
	// Timestamp goes with AT_TIMESTAMP.
	Timestamp time.Time
}

// GetShardIteratorOutput is the output of GetShardIterator.
type GetShardIteratorOutput struct {
	// ShardIterator is an opaque token for GetRecords, valid for 5 minutes.
	ShardIterator string
}

// GetShardIterator returns a shard iterator: an opaque, tamper-evident
// token of at most 512 characters that names a position in a shard and
// expires 5 minutes (of the engine's clock) after it is issued.
func (e *Engine) GetShardIterator(ctx context.Context, in *GetShardIteratorInput) (*GetShardIteratorOutput, error) {
	return invoke(ctx, e, OpGetShardIterator, in, e.getShardIterator)
}

// getShardIterator implements GetShardIterator.
func (e *Engine) getShardIterator(ctx context.Context, in *GetShardIteratorInput) (*GetShardIteratorOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	name, err := e.streamNameOf(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	idx, ok := parseShardID(in.ShardId)
	if !ok {
		return nil, errNotFound("Could not find shard %s in stream %s under account %s.", in.ShardId, name, e.cfg.account)
	}
	now := e.now()
	st := e.lookupName(name)
	if st == nil || st.status(now) == StreamStatusCreating {
		return nil, errNotFound("Shard %s in stream %s under account %s does not exist", shardID(idx), name, e.cfg.account)
	}
	sh, err := st.shardByID(in.ShardId, now)
	if err != nil {
		return nil, err
	}
	if err := e.beforeShard(ctx, OpGetShardIterator, st.name, sh.id, in); err != nil {
		return nil, err
	}
	pos, err := st.position(sh, string(OpGetShardIterator), StartingPosition{
		Type:           in.ShardIteratorType,
		SequenceNumber: in.StartingSequenceNumber,
		Timestamp:      in.Timestamp,
	}, now)
	if err != nil {
		return nil, err
	}
	sh.mu.Lock()
	ok = sh.limiter.allowIterator(now)
	sh.mu.Unlock()
	if !ok {
		return nil, e.errReadThrottled(st.name, sh.id)
	}
	return &GetShardIteratorOutput{ShardIterator: e.iteratorToken(st, sh, pos, now)}, nil
}

// position resolves a starting position to the counter of the first record
// to read. op names the operation in error messages.
func (st *Stream) position(sh *shard, op string, p StartingPosition, now time.Time) (uint64, error) {
	const both = "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber " +
		"or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified "
	acct := st.e.cfg.account
	switch p.Type {
	case AtSequenceNumber, AfterSequenceNumber:
		if p.SequenceNumber == "" {
			return 0, errInvalid("%s%s and no StartingSequenceNumber.", both, p.Type)
		}
		sn, err := ParseSequenceNumber(p.SequenceNumber)
		if err != nil || !sn.Valid() {
			return 0, errInvalid("StartingSequenceNumber %s used in %s on shard %s in stream %s under account %s is invalid.",
				p.SequenceNumber, op, sh.id, st.name, acct)
		}
		if sn.ShardIndex() != int(sh.index) {
			return 0, errInvalid("Invalid StartingSequenceNumber. It encodes %s, while it was used in a call to a shard with %s",
				sn.ShardId(), sh.id)
		}
		if sn.shardCreatedSec() != sh.createdSec {
			return 0, errInvalid("StartingSequenceNumber %s used in %s on shard %s in stream %s under account %s is invalid because it did not come from this stream.",
				p.SequenceNumber, op, sh.id, st.name, acct)
		}
		c := sn.Counter()
		if p.Type == AfterSequenceNumber {
			c++
		}
		sh.mu.Lock()
		defer sh.mu.Unlock()
		return min(c, sh.next), nil
	case TrimHorizon, Latest, AtTimestamp:
		if p.SequenceNumber != "" {
			return 0, errInvalid("%s%s and also a StartingSequenceNumber.", both, p.Type)
		}
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	switch p.Type {
	case TrimHorizon:
		return 0, nil // reads clamp to the trim horizon as it moves
	case Latest:
		return sh.next, nil
	}
	// AtTimestamp
	if p.Timestamp.IsZero() {
		return 0, errInvalid("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.")
	}
	if p.Timestamp.After(now) {
		return 0, errInvalid("The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: %d, currentTimestampInMillis: %d",
			p.Timestamp.UnixMilli(), now.UnixMilli())
	}
	sh.trimLocked(now.Add(-st.retentionPeriod()).UnixMilli())
	return sh.positionAtLocked(p.Timestamp.UnixMilli())
}

// iteratorToken encodes a shard position as a GetRecords iterator.
func (e *Engine) iteratorToken(st *Stream, sh *shard, pos uint64, now time.Time) string {
	var w tokenWriter
	w.b = make([]byte, 0, 48+len(st.name))
	w.i64(now.UnixMilli())
	w.u64(e.iteratorGen.Load())
	w.u64(st.id)
	w.u64(uint64(sh.index))
	w.u64(pos)
	w.str(st.name)
	return e.seal(tokenIterator, w.b)
}

// GetRecordsInput is the input of GetRecords.
type GetRecordsInput struct {
	// ShardIterator is required: a token from GetShardIterator or a
	// previous GetRecords.
	ShardIterator string
	// Limit caps the records returned, 1 to 10000; zero means 10000.
	Limit int
	// StreamARN, when set, must be the ARN of the iterator's stream.
	StreamARN string
}

// GetRecordsOutput is the output of GetRecords.
type GetRecordsOutput struct {
	// Records are in sequence-number order; possibly none.
	Records []Record
	// NextShardIterator continues after the last record returned. It is
	// empty once the reader has passed the end of a closed shard; then
	// ChildShards lists the shards to read next.
	NextShardIterator string
	// MillisBehindLatest is how far the response is behind the tip of the
	// shard: zero when it reached the tip.
	MillisBehindLatest int64
	// ChildShards is set at the end of a closed shard.
	ChildShards []ChildShard
}

// GetRecords reads up to Limit records (and at most 10 MiB) from the
// position of a shard iterator. At the end of a closed shard it returns no
// NextShardIterator and the shard's ChildShards.
func (e *Engine) GetRecords(ctx context.Context, in *GetRecordsInput) (*GetRecordsOutput, error) {
	return invoke(ctx, e, OpGetRecords, in, e.getRecords)
}

// getRecords implements GetRecords.
func (e *Engine) getRecords(ctx context.Context, in *GetRecordsInput) (*GetRecordsOutput, error) {
	start := time.Now()
	if err := in.validate(); err != nil {
		return nil, err
	}
	now := e.now()
	st, sh, pos, err := e.openIterator(in.ShardIterator, now)
	if err != nil {
		return nil, err
	}
	if in.StreamARN != "" && in.StreamARN != st.arn {
		return nil, errInvalid("StreamARN %s does not match the stream of the shard iterator.", in.StreamARN)
	}
	if err := e.beforeShard(ctx, OpGetRecords, st.name, sh.id, in); err != nil {
		return nil, err
	}
	sh.mu.Lock()
	ok := sh.limiter.allowRead(now)
	if !ok {
		sh.counters.readThrottled++
	}
	sh.mu.Unlock()
	if !ok {
		return nil, e.errReadThrottled(st.name, sh.id)
	}
	limit := in.Limit
	if limit == 0 {
		limit = 10000
	}
	// The wire server lends the slice the records go into (internal/readbuf).
	dst := readbuf.From[Record](ctx)
	res, err := sh.read(readGetRecords, pos, limit, maxGetRecordsBytes, now, st.retentionPeriod(), dst)
	if err != nil {
		return nil, err
	}
	if sh.limiter != nil && res.bytes > 0 {
		sh.mu.Lock()
		sh.limiter.chargeRead(now, res.bytes)
		sh.mu.Unlock()
	}
	out := &GetRecordsOutput{Records: res.records, MillisBehindLatest: res.behindMs}
	if out.Records == nil {
		out.Records = []Record{}
	}
	if res.atEnd {
		out.ChildShards = res.children
	} else {
		out.NextShardIterator = e.iteratorToken(st, sh, res.next, now)
	}
	st.counters.getRecordsLatency.observe(time.Since(start))
	return out, nil
}

// openIterator decodes and checks a shard iterator.
func (e *Engine) openIterator(tok string, now time.Time) (*Stream, *shard, uint64, error) {
	payload, ok := e.open(tokenIterator, tok)
	if !ok {
		return nil, nil, 0, errInvalid("Invalid ShardIterator.")
	}
	r := newTokenReader(payload)
	issued := r.i64()
	gen := r.u64()
	streamID := r.u64()
	idx := r.u64()
	pos := r.u64()
	name := r.str()
	if !r.done() || idx >= 1<<31 {
		return nil, nil, 0, errInvalid("Invalid ShardIterator.")
	}
	ttl := e.cfg.iteratorTTL
	if now.UnixMilli()-issued > ttl.Milliseconds() || gen != e.iteratorGen.Load() {
		// An iterator expired by ExpireIterators is reported as if its
		// lifetime had passed, so that the message agrees with itself.
		reported := now
		if end := time.UnixMilli(issued + ttl.Milliseconds() + 1); reported.Before(end) {
			reported = end
		}
		return nil, nil, 0, NewError(codeExpiredIterator,
			"Iterator expired. The iterator was created at time %s while right now it is %s which is further in the future than the tolerated delay of %d milliseconds.",
			javaDate(time.UnixMilli(issued)), javaDate(reported), ttl.Milliseconds())
	}
	id := shardID(int(idx))
	st := e.lookupName(name)
	if st == nil || st.id != streamID {
		return nil, nil, 0, errNotFound("Shard %s in stream %s under account %s does not exist", id, name, e.cfg.account)
	}
	sh, err := st.shardByID(id, now)
	if err != nil {
		return nil, nil, 0, err
	}
	return st, sh, pos, nil
}

// ExpireIterators makes every shard iterator issued so far expired, as if
// five minutes had passed for them: the next GetRecords with one fails with
// ExpiredIteratorException. For tests of iterator-renewal code.
func (e *Engine) ExpireIterators() {
	defer e.persistMetadata()
	e.iteratorGen.Add(1)
}
