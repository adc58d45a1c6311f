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
	return invoke(ctx, e, OpListShards, in, e.listShards)
}

// listShards implements ListShards in four steps: validate the input,
// find where the listing starts (from the input or from a NextToken),
// settle the filter against the stream's retention, and list one page.
func (e *Engine) listShards(ctx context.Context, in *ListShardsInput) (*ListShardsOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	now := e.now()
	start, err := e.listShardsStart(in, now)
	if err != nil {
		return nil, err
	}
	st, err := e.resolve(start.stream, in.StreamARN)
	if err != nil {
		return nil, err
	}
	if in.NextToken != "" && st.id != start.streamID {
		return nil, e.errStreamNotFound(start.stream)
	}
	if !in.StreamCreationTimestamp.IsZero() && !in.StreamCreationTimestamp.Equal(st.created) &&
		in.StreamCreationTimestamp.UnixMilli() != st.created.UnixMilli() {
		return nil, e.errStreamNotFound(st.name)
	}
	if s := st.status(now); s == StreamStatusCreating {
		return nil, st.errNotActive(s)
	}
	if err := start.settleFilter(st, in.NextToken != "", now); err != nil {
		return nil, err
	}
	return e.listShardsPage(st, start, in.MaxResults, now), nil
}

// listStart is where a listing starts: the stream, the index after which
// shards are listed, and the filter; a NextToken carries all three.
type listStart struct {
	stream   string
	streamID uint64 // the stream a NextToken was issued for
	after    int
	filter   ShardFilter
}

// listShardsStart reads the start of a listing from a NextToken, which
// excludes every other member, or from the input.
func (e *Engine) listShardsStart(in *ListShardsInput, now time.Time) (listStart, error) {
	start := listStart{stream: in.StreamName, after: -1, filter: ShardFilter{Type: FromTrimHorizon}}
	if in.NextToken == "" {
		if in.StreamName == "" && in.StreamARN == "" {
			return start, errInvalid("Either NextToken or StreamName should be provided.")
		}
		if in.ExclusiveStartShardId != "" {
			if idx, ok := parseShardID(in.ExclusiveStartShardId); ok {
				start.after = idx
			}
		}
		if in.ShardFilter != nil {
			start.filter = *in.ShardFilter
		}
		return start, nil
	}
	switch {
	case in.StreamName != "":
		return start, errInvalid("NextToken and StreamName cannot be provided together.")
	case in.StreamARN != "":
		return start, errInvalid("NextToken and StreamARN cannot be provided together.")
	case in.ExclusiveStartShardId != "":
		return start, errInvalid("NextToken and ExclusiveStartShardId cannot be provided together.")
	case in.ShardFilter != nil:
		return start, errInvalid("NextToken and ShardFilter cannot be provided together.")
	case !in.StreamCreationTimestamp.IsZero():
		return start, errInvalid("NextToken and StreamCreationTimestamp cannot be provided together.")
	}
	r, err := e.openPageToken(tokenListShards, in.NextToken, now)
	if err != nil {
		return start, err
	}
	start.stream = r.str()
	start.streamID = r.u64()
	start.after = int(r.i64())
	start.filter.Type = ShardFilterType(r.str())
	start.filter.Timestamp = r.time()
	if !r.done() {
		return start, errInvalidNextToken(in.NextToken)
	}
	return start, nil
}

// settleFilter checks the filter's members and turns its times into
// instants of the stream: the trim horizon for AT_TRIM_HORIZON, the
// horizon at the latest for FROM_TIMESTAMP, and no earlier than the
// stream's creation (before it, its first shards are what was open).
func (start *listStart) settleFilter(st *Stream, fromToken bool, now time.Time) error {
	f := &start.filter
	horizon := now.Add(-st.retentionPeriod())
	switch f.Type {
	case AfterShardId:
		if f.ShardId == "" && !fromToken { // a token's position already follows it
			return errInvalid("ShardId must be provided for AFTER_SHARD_ID shard filter type.")
		}
		if idx, ok := parseShardID(f.ShardId); ok {
			start.after = max(start.after, idx)
		}
	case AtTimestampFilter, FromTimestamp:
		if f.Timestamp.IsZero() {
			return errInvalid("Timestamp must be provided for %s shard filter type.", f.Type)
		}
		if f.Type == FromTimestamp && f.Timestamp.Before(horizon) {
			f.Timestamp = horizon
		}
	case AtTrimHorizon:
		f.Timestamp = horizon
	}
	if (f.Type == AtTrimHorizon || f.Type == AtTimestampFilter) && f.Timestamp.Before(st.created) {
		f.Timestamp = st.created
	}
	return nil
}

// listShardsPage lists up to maxResults (default 1,000) shards after the
// start, and a NextToken when more remain.
func (e *Engine) listShardsPage(st *Stream, start listStart, maxResults int, now time.Time) *ListShardsOutput {
	limit := maxResults
	if limit == 0 {
		limit = 1000
	}
	out := &ListShardsOutput{Shards: []Shard{}}
	if st.listsNoShards(now) {
		return out // deleted while CREATING
	}
	for _, sh := range st.liveShards(now) {
		if int(sh.index) <= start.after || !start.filter.matches(sh) {
			continue
		}
		if len(out.Shards) == limit {
			var w tokenWriter
			w.time(now)
			w.str(st.name)
			w.u64(st.id)
			w.i64(int64(out.Shards[len(out.Shards)-1].index()))
			w.str(string(start.filter.Type))
			w.time(start.filter.Timestamp)
			out.NextToken = e.seal(tokenListShards, w.b)
			break
		}
		out.Shards = append(out.Shards, sh.describe())
	}
	return out
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
