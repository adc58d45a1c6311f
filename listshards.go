package freshet

import (
	"context"
	"time"
)

// ShardFilterType selects which shards ListShards returns.
type ShardFilterType string

// Shard filter types. Times are compared with each shard's creation time
// and, for closed shards, the time it closed; the trim horizon is now
// minus the stream's retention period.
const (
	// AfterShardId lists shards whose index follows ShardFilter.ShardId.
	AfterShardId ShardFilterType = "AFTER_SHARD_ID"
	// AtTrimHorizon lists shards that were open at the trim horizon.
	AtTrimHorizon ShardFilterType = "AT_TRIM_HORIZON"
	// FromTrimHorizon lists every shard within retention (the default).
	FromTrimHorizon ShardFilterType = "FROM_TRIM_HORIZON"
	// AtLatest lists the open shards.
	AtLatest ShardFilterType = "AT_LATEST"
	// AtTimestampFilter lists shards that were open at ShardFilter.Timestamp.
	AtTimestampFilter ShardFilterType = "AT_TIMESTAMP"
	// FromTimestamp lists open shards and shards closed at or after
	// ShardFilter.Timestamp.
	FromTimestamp ShardFilterType = "FROM_TIMESTAMP"
)

const shardFilterTypes = "AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP"

// ShardFilter narrows ListShards.
type ShardFilter struct {
	Type ShardFilterType
	// ShardId goes with AFTER_SHARD_ID.
	ShardId string
	// Timestamp goes with AT_TIMESTAMP and FROM_TIMESTAMP.
	Timestamp time.Time
}

// ListShardsInput is the input of ListShards.
type ListShardsInput struct {
	// StreamName or StreamARN address the stream; NextToken replaces them.
	StreamName string
	StreamARN  string
	// NextToken continues a listing (valid 300 s); it cannot be combined
	// with a stream, ExclusiveStartShardId, ShardFilter or
	// StreamCreationTimestamp.
	NextToken string
	// ExclusiveStartShardId lists shards after this one.
	ExclusiveStartShardId string
	// MaxResults caps the page, 1 to 10000; zero means 1000.
	MaxResults int
	// StreamCreationTimestamp, when set, must match the stream's creation
	// time (it tells apart a deleted and recreated stream).
	StreamCreationTimestamp time.Time
	// ShardFilter narrows the listing; nil means FROM_TRIM_HORIZON.
	ShardFilter *ShardFilter
}

// ListShardsOutput is the output of ListShards.
type ListShardsOutput struct {
	Shards []Shard
	// NextToken is set when more shards remain.
	NextToken string
}

// ListShards lists a stream's shards in index order, with filters and
// pagination.
func (e *Engine) ListShards(ctx context.Context, in *ListShardsInput) (*ListShardsOutput, error) {
	return invoke(ctx, e, opListShards, in, e.listShards)
}

// listShards implements ListShards.
func (e *Engine) listShards(ctx context.Context, in *ListShardsInput) (*ListShardsOutput, error) {
	if err := e.before(ctx, opListShards, in.StreamName, in); err != nil {
		return nil, err
	}
	var v validator
	v.streamRef(in.StreamName, in.StreamARN)
	if in.ExclusiveStartShardId != "" {
		v.shardID("exclusiveStartShardId", in.ExclusiveStartShardId, false)
	}
	if in.MaxResults != 0 {
		v.intRange("maxResults", in.MaxResults, 1, 10000)
	}
	if in.ShardFilter != nil {
		v.enum("shardFilter.type", string(in.ShardFilter.Type), true, shardFilterTypes)
		if in.ShardFilter.ShardId != "" {
			v.shardID("shardFilter.shardId", in.ShardFilter.ShardId, false)
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	now := e.now()
	name := in.StreamName
	after := -1
	var id uint64 // the stream a NextToken was issued for
	filter := ShardFilter{Type: FromTrimHorizon}
	if in.NextToken != "" {
		switch {
		case in.StreamName != "":
			return nil, errInvalid("NextToken and StreamName cannot be provided together.")
		case in.StreamARN != "":
			return nil, errInvalid("NextToken and StreamARN cannot be provided together.")
		case in.ExclusiveStartShardId != "":
			return nil, errInvalid("NextToken and ExclusiveStartShardId cannot be provided together.")
		case in.ShardFilter != nil:
			return nil, errInvalid("NextToken and ShardFilter cannot be provided together.")
		case !in.StreamCreationTimestamp.IsZero():
			return nil, errInvalid("NextToken and StreamCreationTimestamp cannot be provided together.")
		}
		r, err := e.openPageToken(tokenListShards, in.NextToken, now)
		if err != nil {
			return nil, err
		}
		name = r.str()
		id = r.u64()
		after = int(r.i64())
		filter.Type = ShardFilterType(r.str())
		filter.Timestamp = r.time()
		if !r.done() {
			return nil, errInvalidNextToken(in.NextToken)
		}
	} else {
		if in.StreamName == "" && in.StreamARN == "" {
			return nil, errInvalid("Either NextToken or StreamName should be provided.")
		}
		if in.ExclusiveStartShardId != "" {
			if idx, ok := parseShardID(in.ExclusiveStartShardId); ok {
				after = idx
			}
		}
		if in.ShardFilter != nil {
			filter = *in.ShardFilter
		}
	}
	st, err := e.resolve(name, in.StreamARN)
	if err != nil {
		return nil, err
	}
	if in.NextToken != "" && st.id != id {
		return nil, e.errStreamNotFound(name)
	}
	if !in.StreamCreationTimestamp.IsZero() && !in.StreamCreationTimestamp.Equal(st.created) &&
		in.StreamCreationTimestamp.UnixMilli() != st.created.UnixMilli() {
		return nil, e.errStreamNotFound(st.name)
	}
	if s := st.status(now); s == StreamStatusCreating {
		return nil, st.errNotActive(s)
	}
	ret := st.retentionPeriod()
	horizon := now.Add(-ret)
	switch filter.Type {
	case AfterShardId:
		if filter.ShardId == "" && in.NextToken == "" { // a token's position already follows it
			return nil, errInvalid("ShardId must be provided for AFTER_SHARD_ID shard filter type.")
		}
		if idx, ok := parseShardID(filter.ShardId); ok {
			after = max(after, idx)
		}
	case AtTimestampFilter, FromTimestamp:
		if filter.Timestamp.IsZero() {
			return nil, errInvalid("Timestamp must be provided for %s shard filter type.", filter.Type)
		}
		if filter.Type == FromTimestamp && filter.Timestamp.Before(horizon) {
			filter.Timestamp = horizon
		}
	case AtTrimHorizon:
		filter.Timestamp = horizon
	}
	if (filter.Type == AtTrimHorizon || filter.Type == AtTimestampFilter) && filter.Timestamp.Before(st.created) {
		// Before the stream existed, its first shards are what was open.
		filter.Timestamp = st.created
	}
	limit := in.MaxResults
	if limit == 0 {
		limit = 1000
	}
	out := &ListShardsOutput{Shards: []Shard{}}
	for _, sh := range st.liveShards(now) {
		if int(sh.index) <= after || !filter.matches(sh) {
			continue
		}
		if len(out.Shards) == limit {
			var w tokenWriter
			w.time(now)
			w.str(st.name)
			w.u64(st.id)
			w.i64(int64(out.Shards[len(out.Shards)-1].index()))
			w.str(string(filter.Type))
			w.time(filter.Timestamp)
			out.NextToken = e.seal(tokenListShards, w.b)
			break
		}
		out.Shards = append(out.Shards, sh.describe())
	}
	return out, nil
}

// index returns the shard's index from its id.
func (s Shard) index() int {
	n, _ := parseShardID(s.ShardId)
	return n
}

// matches reports whether the filter selects the shard. Timestamps of
// AT_TRIM_HORIZON and FROM_TIMESTAMP were resolved by the caller.
func (f ShardFilter) matches(sh *shard) bool {
	closed, closedAt := sh.state()
	switch f.Type {
	case AtLatest:
		return !closed
	case AtTrimHorizon, AtTimestampFilter:
		return !sh.created.After(f.Timestamp) && (!closed || !closedAt.Before(f.Timestamp))
	case FromTimestamp:
		return !closed || !closedAt.Before(f.Timestamp)
	}
	return true // FROM_TRIM_HORIZON, AFTER_SHARD_ID: every live shard
}
