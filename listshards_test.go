package freshet

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Times of the resharded stream built by newReshardedStream.
var (
	lsT0 = testEpoch                    // created with shards 0 and 1 (whose creation is a second earlier)
	lsT1 = testEpoch.Add(1 * time.Hour) // shard 0 split into 2 and 3
	lsT2 = testEpoch.Add(2 * time.Hour) // shards 3 and 1 merged into 4
	lsT3 = testEpoch.Add(3 * time.Hour) // now
)

// newReshardedStream returns an engine whose stream "s" was created at lsT0
// with 2 shards, had shard 0 split at lsT1 (children 2 and 3) and shards 3
// and 1 merged at lsT2 (child 4). The clock reads lsT3. Open: 2 and 4.
func newReshardedStream(t *testing.T) (*Engine, *ManualClock) {
	t.Helper()
	ctx := context.Background()
	e, clk := newClockEngine(t)
	mustCreate(t, e, "s", 2)
	clk.Set(lsT1)
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "85070591730234615865843651857942052864"})
	require.NoError(t, err)
	clk.Set(lsT2)
	_, err = e.MergeShards(ctx, &MergeShardsInput{StreamName: "s", ShardToMerge: "shardId-000000000003", AdjacentShardToMerge: "shardId-000000000001"})
	require.NoError(t, err)
	clk.Set(lsT3)
	return e, clk
}

func listShardIDs(t *testing.T, e *Engine, in *ListShardsInput) []string {
	t.Helper()
	out, err := e.ListShards(context.Background(), in)
	require.NoError(t, err)
	require.Empty(t, out.NextToken)
	return shardIDsOf(out.Shards)
}

func TestListShardsFilters(t *testing.T) {
	e, _ := newReshardedStream(t)
	min := func(m int) time.Time { return lsT0.Add(time.Duration(m) * time.Minute) }
	tests := []struct {
		name   string
		filter *ShardFilter
		want   []string
	}{
		{"no filter", nil, wantIDs(0, 1, 2, 3, 4)},
		{"FROM_TRIM_HORIZON", &ShardFilter{Type: FromTrimHorizon}, wantIDs(0, 1, 2, 3, 4)},
		{"AT_LATEST", &ShardFilter{Type: AtLatest}, wantIDs(2, 4)},
		{"AT_TRIM_HORIZON before the stream", &ShardFilter{Type: AtTrimHorizon}, wantIDs(0, 1)},
		{"AFTER_SHARD_ID 1", &ShardFilter{Type: AfterShardId, ShardId: "shardId-000000000001"}, wantIDs(2, 3, 4)},
		{"AFTER_SHARD_ID normalized", &ShardFilter{Type: AfterShardId, ShardId: "3"}, wantIDs(4)},
		{"AFTER_SHARD_ID last", &ShardFilter{Type: AfterShardId, ShardId: "shardId-000000000004"}, []string{}},
		{"AT_TIMESTAMP before the stream", &ShardFilter{Type: AtTimestampFilter, Timestamp: lsT0.Add(-time.Hour)}, wantIDs(0, 1)},
		{"AT_TIMESTAMP T0+30m", &ShardFilter{Type: AtTimestampFilter, Timestamp: min(30)}, wantIDs(0, 1)},
		{"AT_TIMESTAMP at the split", &ShardFilter{Type: AtTimestampFilter, Timestamp: lsT1}, wantIDs(0, 1, 2, 3)},
		{"AT_TIMESTAMP T0+90m", &ShardFilter{Type: AtTimestampFilter, Timestamp: min(90)}, wantIDs(1, 2, 3)},
		{"AT_TIMESTAMP at the merge", &ShardFilter{Type: AtTimestampFilter, Timestamp: lsT2}, wantIDs(1, 2, 3, 4)},
		{"AT_TIMESTAMP T0+150m", &ShardFilter{Type: AtTimestampFilter, Timestamp: min(150)}, wantIDs(2, 4)},
		{"FROM_TIMESTAMP T0+30m", &ShardFilter{Type: FromTimestamp, Timestamp: min(30)}, wantIDs(0, 1, 2, 3, 4)},
		{"FROM_TIMESTAMP T0+90m", &ShardFilter{Type: FromTimestamp, Timestamp: min(90)}, wantIDs(1, 2, 3, 4)},
		{"FROM_TIMESTAMP T0+150m", &ShardFilter{Type: FromTimestamp, Timestamp: min(150)}, wantIDs(2, 4)},
		{"FROM_TIMESTAMP now", &ShardFilter{Type: FromTimestamp, Timestamp: lsT3}, wantIDs(2, 4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, listShardIDs(t, e, &ListShardsInput{StreamName: "s", ShardFilter: tt.filter}))
		})
	}

	// Shard details match DescribeStream's.
	out, err := e.ListShards(context.Background(), &ListShardsInput{StreamARN: arnOf("s")})
	require.NoError(t, err)
	require.Equal(t, mustDescribe(t, e, "s").Shards, out.Shards)
	require.Equal(t, "shardId-000000000003", out.Shards[4].ParentShardId)
	require.Equal(t, "shardId-000000000001", out.Shards[4].AdjacentParentShardId)

	// ExclusiveStartShardId combines with a filter.
	require.Equal(t, wantIDs(4), listShardIDs(t, e, &ListShardsInput{StreamName: "s", ExclusiveStartShardId: "shardId-000000000002", ShardFilter: &ShardFilter{Type: AtLatest}}))
	require.Equal(t, wantIDs(3, 4), listShardIDs(t, e, &ListShardsInput{StreamName: "s", ExclusiveStartShardId: "shardId-000000000002"}))
	require.Equal(t, wantIDs(4), listShardIDs(t, e, &ListShardsInput{StreamName: "s", ExclusiveStartShardId: "shardId-000000000001",
		ShardFilter: &ShardFilter{Type: AfterShardId, ShardId: "shardId-000000000003"}}))
}

func TestListShardsClosedShardsExpire(t *testing.T) {
	ctx := context.Background()
	e, clk := newReshardedStream(t)

	clk.Set(lsT1.Add(24*time.Hour - time.Second))
	require.Equal(t, wantIDs(0, 1, 2, 3, 4), listShardIDs(t, e, &ListShardsInput{StreamName: "s"}))

	clk.Set(lsT1.Add(24 * time.Hour)) // shard 0 closed 24 h ago
	require.Equal(t, wantIDs(1, 2, 3, 4), listShardIDs(t, e, &ListShardsInput{StreamName: "s"}))
	require.Equal(t, wantIDs(1, 2, 3, 4), shardIDsOf(mustDescribe(t, e, "s").Shards))
	require.Equal(t, wantIDs(1, 2, 3), listShardIDs(t, e, &ListShardsInput{StreamName: "s", ShardFilter: &ShardFilter{Type: AtTrimHorizon}}))
	require.Equal(t, wantIDs(1, 2, 3, 4), listShardIDs(t, e, &ListShardsInput{StreamName: "s",
		ShardFilter: &ShardFilter{Type: FromTimestamp, Timestamp: lsT0}}), "a timestamp before the trim horizon is the trim horizon")
	require.Equal(t, wantIDs(1, 2, 3), listShardIDs(t, e, &ListShardsInput{StreamName: "s",
		ShardFilter: &ShardFilter{Type: AtTimestampFilter, Timestamp: lsT1}}), "shard 0 was open at lsT1 but expired")
	_, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "shardId-000000000000", ShardIteratorType: TrimHorizon})
	requireKinesisError(t, err, ErrResourceNotFound, "Shard shardId-000000000000 in stream s under account 000000000000 does not exist")

	clk.Set(lsT2.Add(24*time.Hour + time.Minute))
	require.Equal(t, wantIDs(2, 4), listShardIDs(t, e, &ListShardsInput{StreamName: "s"}))
	require.Equal(t, wantIDs(2, 4), listShardIDs(t, e, &ListShardsInput{StreamName: "s", ShardFilter: &ShardFilter{Type: AtTrimHorizon}}))
	require.Equal(t, 2, mustSummary(t, e, "s").OpenShardCount)

	// ApplyRetention drops them for good; nothing changes in the listing.
	e.ApplyRetention()
	require.Equal(t, wantIDs(2, 4), shardIDsOf(mustDescribe(t, e, "s").Shards))
}

func TestListShardsRetentionKeepsClosedShards(t *testing.T) {
	ctx := context.Background()
	e, clk := newReshardedStream(t)
	_, err := e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "s", RetentionPeriodHours: 48})
	require.NoError(t, err)
	clk.Set(lsT2.Add(24 * time.Hour))
	require.Equal(t, wantIDs(0, 1, 2, 3, 4), listShardIDs(t, e, &ListShardsInput{StreamName: "s"}))
	clk.Set(lsT1.Add(48 * time.Hour))
	require.Equal(t, wantIDs(1, 2, 3, 4), listShardIDs(t, e, &ListShardsInput{StreamName: "s"}))
	// Decreasing retention hides closed shards at once.
	_, err = e.DecreaseStreamRetentionPeriod(ctx, &DecreaseStreamRetentionPeriodInput{StreamName: "s", RetentionPeriodHours: 24})
	require.NoError(t, err)
	require.Equal(t, wantIDs(2, 4), listShardIDs(t, e, &ListShardsInput{StreamName: "s"}))
}

func TestListShardsPagination(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t)
	mustCreate(t, e, "s", 10)
	var got []string
	var sizes []int
	in := &ListShardsInput{StreamName: "s", MaxResults: 3}
	for {
		out, err := e.ListShards(ctx, in)
		require.NoError(t, err)
		got = append(got, shardIDsOf(out.Shards)...)
		sizes = append(sizes, len(out.Shards))
		if out.NextToken == "" {
			break
		}
		clk.Advance(time.Minute)
		in = &ListShardsInput{NextToken: out.NextToken, MaxResults: 3}
	}
	require.Equal(t, []int{3, 3, 3, 1}, sizes)
	require.Equal(t, wantIDs(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), got)

	out, err := e.ListShards(ctx, &ListShardsInput{StreamName: "s", MaxResults: 10})
	require.NoError(t, err)
	require.Len(t, out.Shards, 10)
	require.Empty(t, out.NextToken, "exactly MaxResults left: no token")

	// A token may come with a different MaxResults.
	out, err = e.ListShards(ctx, &ListShardsInput{StreamName: "s", MaxResults: 2})
	require.NoError(t, err)
	out, err = e.ListShards(ctx, &ListShardsInput{NextToken: out.NextToken, MaxResults: 5})
	require.NoError(t, err)
	require.Equal(t, wantIDs(2, 3, 4, 5, 6), shardIDsOf(out.Shards))
	out, err = e.ListShards(ctx, &ListShardsInput{NextToken: out.NextToken})
	require.NoError(t, err)
	require.Equal(t, wantIDs(7, 8, 9), shardIDsOf(out.Shards))
	require.Empty(t, out.NextToken)

	// The token carries the ExclusiveStartShardId position.
	out, err = e.ListShards(ctx, &ListShardsInput{StreamName: "s", ExclusiveStartShardId: "shardId-000000000006", MaxResults: 1})
	require.NoError(t, err)
	require.Equal(t, wantIDs(7), shardIDsOf(out.Shards))
	out, err = e.ListShards(ctx, &ListShardsInput{NextToken: out.NextToken})
	require.NoError(t, err)
	require.Equal(t, wantIDs(8, 9), shardIDsOf(out.Shards))
}

func TestListShardsPaginationKeepsFilter(t *testing.T) {
	ctx := context.Background()
	e, _ := newReshardedStream(t)
	tests := []struct {
		filter *ShardFilter
		want   []string
	}{
		{&ShardFilter{Type: AtLatest}, wantIDs(2, 4)},
		{&ShardFilter{Type: AtTimestampFilter, Timestamp: lsT0.Add(90 * time.Minute)}, wantIDs(1, 2, 3)},
		{&ShardFilter{Type: FromTimestamp, Timestamp: lsT0.Add(90 * time.Minute)}, wantIDs(1, 2, 3, 4)},
		{&ShardFilter{Type: AtTrimHorizon}, wantIDs(0, 1)},
		{&ShardFilter{Type: AfterShardId, ShardId: "shardId-000000000000"}, wantIDs(1, 2, 3, 4)},
	}
	for _, tt := range tests {
		t.Run(string(tt.filter.Type), func(t *testing.T) {
			var got []string
			in := &ListShardsInput{StreamName: "s", ShardFilter: tt.filter, MaxResults: 1}
			for range 10 {
				out, err := e.ListShards(ctx, in)
				require.NoError(t, err)
				require.LessOrEqual(t, len(out.Shards), 1)
				got = append(got, shardIDsOf(out.Shards)...)
				if out.NextToken == "" {
					break
				}
				in = &ListShardsInput{NextToken: out.NextToken, MaxResults: 1}
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestListShardsDefaultPageSize(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1005)
	out, err := e.ListShards(ctx, &ListShardsInput{StreamName: "s"})
	require.NoError(t, err)
	require.Len(t, out.Shards, 1000, "default MaxResults is 1000")
	require.NotEmpty(t, out.NextToken)
	out, err = e.ListShards(ctx, &ListShardsInput{NextToken: out.NextToken})
	require.NoError(t, err)
	require.Equal(t, wantIDs(1000, 1001, 1002, 1003, 1004), shardIDsOf(out.Shards))
	out, err = e.ListShards(ctx, &ListShardsInput{StreamName: "s", MaxResults: 10000})
	require.NoError(t, err)
	require.Len(t, out.Shards, 1005)
	require.Empty(t, out.NextToken)
}

func TestListShardsNextTokenExpiry(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t)
	mustCreate(t, e, "s", 3)
	out, err := e.ListShards(ctx, &ListShardsInput{StreamName: "s", MaxResults: 1})
	require.NoError(t, err)
	tok := out.NextToken
	clk.Advance(300 * time.Second)
	out, err = e.ListShards(ctx, &ListShardsInput{NextToken: tok})
	require.NoError(t, err)
	require.Equal(t, wantIDs(1, 2), shardIDsOf(out.Shards))
	clk.Advance(time.Second)
	_, err = e.ListShards(ctx, &ListShardsInput{NextToken: tok})
	requireKinesisError(t, err, ErrExpiredNextToken, "The token has expired. NextToken was issued at Fri Mar 14 09:26:53 UTC 2025 and is only valid for 300 seconds.")
	var kerr *Error
	require.ErrorAs(t, err, &kerr)
	require.False(t, kerr.Retryable())
}

func TestListShardsNextTokenOfRecreatedStream(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t)
	mustCreate(t, e, "s", 3)
	out, err := e.ListShards(ctx, &ListShardsInput{StreamName: "s", MaxResults: 1})
	require.NoError(t, err)
	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	require.NoError(t, err)
	_, err = e.ListShards(ctx, &ListShardsInput{NextToken: out.NextToken})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("s"))
	clk.Advance(time.Second)
	mustCreate(t, e, "s", 3)
	_, err = e.ListShards(ctx, &ListShardsInput{NextToken: out.NextToken})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("s"))

	// StreamCreationTimestamp tells the two streams apart.
	_, err = e.ListShards(ctx, &ListShardsInput{StreamName: "s", StreamCreationTimestamp: testEpoch})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("s"))
	require.Equal(t, wantIDs(0, 1, 2), listShardIDs(t, e, &ListShardsInput{StreamName: "s", StreamCreationTimestamp: testEpoch.Add(time.Second)}))
}

func TestListShardsParameterErrors(t *testing.T) {
	ctx := context.Background()
	e, _ := newClockEngine(t)
	mustCreate(t, e, "s", 3)
	out, err := e.ListShards(ctx, &ListShardsInput{StreamName: "s", MaxResults: 1})
	require.NoError(t, err)
	tok := out.NextToken
	require.NotEmpty(t, tok)

	tests := []struct {
		name string
		in   ListShardsInput
		want *Error
		msg  string
	}{
		{"nothing", ListShardsInput{}, ErrInvalidArgument, "Either NextToken or StreamName should be provided."},
		{"only MaxResults", ListShardsInput{MaxResults: 5}, ErrInvalidArgument, "Either NextToken or StreamName should be provided."},
		{"token and name", ListShardsInput{NextToken: tok, StreamName: "s"}, ErrInvalidArgument, "NextToken and StreamName cannot be provided together."},
		{"token and ARN", ListShardsInput{NextToken: tok, StreamARN: arnOf("s")}, ErrInvalidArgument, "NextToken and StreamARN cannot be provided together."},
		{"token and start id", ListShardsInput{NextToken: tok, ExclusiveStartShardId: "shardId-000000000000"}, ErrInvalidArgument,
			"NextToken and ExclusiveStartShardId cannot be provided together."},
		{"token and filter", ListShardsInput{NextToken: tok, ShardFilter: &ShardFilter{Type: AtLatest}}, ErrInvalidArgument,
			"NextToken and ShardFilter cannot be provided together."},
		{"token and creation time", ListShardsInput{NextToken: tok, StreamCreationTimestamp: testEpoch}, ErrInvalidArgument,
			"NextToken and StreamCreationTimestamp cannot be provided together."},
		{"tampered token", ListShardsInput{NextToken: "A" + tok[1:]}, ErrInvalidArgument, "Invalid NextToken."},
		{"garbage token", ListShardsInput{NextToken: "!!!"}, ErrInvalidArgument, "Invalid NextToken."},
		{"AFTER_SHARD_ID without ShardId", ListShardsInput{StreamName: "s", ShardFilter: &ShardFilter{Type: AfterShardId}}, ErrInvalidArgument,
			"ShardId must be provided for AFTER_SHARD_ID shard filter type."},
		{"AT_TIMESTAMP without Timestamp", ListShardsInput{StreamName: "s", ShardFilter: &ShardFilter{Type: AtTimestampFilter}}, ErrInvalidArgument,
			"Timestamp must be provided for AT_TIMESTAMP shard filter type."},
		{"FROM_TIMESTAMP without Timestamp", ListShardsInput{StreamName: "s", ShardFilter: &ShardFilter{Type: FromTimestamp}}, ErrInvalidArgument,
			"Timestamp must be provided for FROM_TIMESTAMP shard filter type."},
		{"unknown filter", ListShardsInput{StreamName: "s", ShardFilter: &ShardFilter{Type: "AT_SOME_POINT"}}, ErrValidation, validationMessage(
			"Value 'AT_SOME_POINT' at 'shardFilter.type' failed to satisfy constraint: Member must satisfy enum value set: " +
				"[AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]")},
		{"filter without type", ListShardsInput{StreamName: "s", ShardFilter: &ShardFilter{}}, ErrValidation, validationMessage(
			"Value null at 'shardFilter.type' failed to satisfy constraint: Member must not be null")},
		{"bad filter shard id", ListShardsInput{StreamName: "s", ShardFilter: &ShardFilter{Type: AfterShardId, ShardId: "shard 1"}}, ErrValidation, validationMessage(
			"Value 'shard 1' at 'shardFilter.shardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")},
		{"MaxResults too large", ListShardsInput{StreamName: "s", MaxResults: 10001}, ErrValidation, validationMessage(
			"Value '10001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10000")},
		{"MaxResults negative", ListShardsInput{StreamName: "s", MaxResults: -1}, ErrValidation, validationMessage(
			"Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1")},
		{"bad start id", ListShardsInput{StreamName: "s", ExclusiveStartShardId: "a/b"}, ErrValidation, validationMessage(
			"Value 'a/b' at 'exclusiveStartShardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")},
		{"unknown stream", ListShardsInput{StreamName: "nope"}, ErrResourceNotFound, streamNotFoundMsg("nope")},
		{"name and ARN disagree", ListShardsInput{StreamName: "x", StreamARN: arnOf("s")}, ErrInvalidArgument,
			"StreamName x and StreamARN " + arnOf("s") + " do not refer to the same stream."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.ListShards(ctx, &tt.in)
			requireKinesisError(t, err, tt.want, tt.msg)
		})
	}
	// A token of another kind is not a ListShards token.
	mustCreate(t, e, "t", 1)
	ls, err := e.ListStreams(ctx, &ListStreamsInput{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, ls.NextToken)
	_, err = e.ListShards(ctx, &ListShardsInput{NextToken: ls.NextToken})
	requireKinesisError(t, err, ErrInvalidArgument, "Invalid NextToken.")
	// MaxResults may accompany a token.
	out, err = e.ListShards(ctx, &ListShardsInput{NextToken: tok, MaxResults: 1})
	require.NoError(t, err)
	require.Equal(t, wantIDs(1), shardIDsOf(out.Shards))
}
