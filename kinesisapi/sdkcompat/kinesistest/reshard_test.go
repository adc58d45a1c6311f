package kinesistest_test

import (
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet-io/freshet/kinesistest"
)

// TestReshardingLineage splits a shard and merges its children, reading
// every shard through GetRecords as a consumer following the lineage would:
// at the end of a closed shard, no NextShardIterator and the children in
// ChildShards.
func TestReshardingLineage(t *testing.T) {
	srv := kinesistest.NewServer(t)
	c, _ := newClient(srv)
	ctx := testContext(t)
	createStream(t, c, "lineage", 1)
	putRecords(t, c, "lineage", "parent", 3)

	const half = "170141183460469231731687303715884105728" // 2^127
	_, err := c.SplitShard(ctx, &kinesis.SplitShardInput{
		StreamName:         aws.String("lineage"),
		ShardToSplit:       aws.String("shardId-000000000000"),
		NewStartingHashKey: aws.String(half),
	})
	require.NoError(t, err)
	putRecords(t, c, "lineage", "child", 8)

	data, last := readShard(t, c, "lineage", "shardId-000000000000")
	assert.Equal(t, []string{"parent-0", "parent-1", "parent-2"}, data, "parent shard")
	checkEnd(t, last, []childShard{
		{"shardId-000000000001", []string{"shardId-000000000000"}, "0", "170141183460469231731687303715884105727"},
		{"shardId-000000000002", []string{"shardId-000000000000"}, half, "340282366920938463463374607431768211455"},
	})

	var childData []string
	for _, id := range []string{"shardId-000000000001", "shardId-000000000002"} {
		d, out := readShard(t, c, "lineage", id)
		assert.NotNil(t, out.NextShardIterator, "open shard %s: want an iterator", id)
		assert.Empty(t, out.ChildShards, "open shard %s: want no children", id)
		childData = append(childData, d...)
	}
	sort.Strings(childData)
	assert.Equal(t, []string{"child-0", "child-1", "child-2", "child-3", "child-4", "child-5", "child-6", "child-7"}, childData, "children")

	_, err = c.MergeShards(ctx, &kinesis.MergeShardsInput{
		StreamName:           aws.String("lineage"),
		ShardToMerge:         aws.String("shardId-000000000001"),
		AdjacentShardToMerge: aws.String("shardId-000000000002"),
	})
	require.NoError(t, err)
	merged := []childShard{{"shardId-000000000003", []string{"shardId-000000000001", "shardId-000000000002"}, "0", "340282366920938463463374607431768211455"}}
	for _, id := range []string{"shardId-000000000001", "shardId-000000000002"} {
		_, last := readShard(t, c, "lineage", id)
		checkEnd(t, last, merged)
	}

	// The shard list tells the same lineage.
	ls, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("lineage")})
	require.NoError(t, err)
	require.Equal(t, 4, len(ls.Shards), "ListShards: number of shards")
	for i, s := range ls.Shards {
		closed := s.SequenceNumberRange.EndingSequenceNumber != nil
		assert.Equal(t, i < 3, closed, "%s: closed", aws.ToString(s.ShardId))
	}
	assert.Equal(t, "shardId-000000000000", aws.ToString(ls.Shards[1].ParentShardId), "shard 1 ParentShardId")
	assert.Equal(t, "shardId-000000000001", aws.ToString(ls.Shards[3].ParentShardId), "shard 3 ParentShardId")
	assert.Equal(t, "shardId-000000000002", aws.ToString(ls.Shards[3].AdjacentParentShardId), "shard 3 AdjacentParentShardId")
	open, err := c.ListShards(ctx, &kinesis.ListShardsInput{
		StreamName:  aws.String("lineage"),
		ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest},
	})
	require.NoError(t, err)
	if assert.Equal(t, 1, len(open.Shards), "AT_LATEST: number of shards, want only shardId-000000000003") {
		assert.Equal(t, "shardId-000000000003", aws.ToString(open.Shards[0].ShardId), "AT_LATEST")
	}
}

type childShard struct {
	id         string
	parents    []string
	start, end string
}

// checkEnd checks the GetRecords response at the end of a closed shard.
func checkEnd(t *testing.T, out *kinesis.GetRecordsOutput, want []childShard) {
	t.Helper()
	assert.Nil(t, out.NextShardIterator, "NextShardIterator at the end of a closed shard = %q, want nil", aws.ToString(out.NextShardIterator))
	var got []childShard
	for _, cs := range out.ChildShards {
		got = append(got, childShard{
			id:      aws.ToString(cs.ShardId),
			parents: cs.ParentShards,
			start:   aws.ToString(cs.HashKeyRange.StartingHashKey),
			end:     aws.ToString(cs.HashKeyRange.EndingHashKey),
		})
	}
	// EqualFunc, not assert.Equal: a nil and an empty parent list are equal.
	assert.True(t, slices.EqualFunc(got, want, func(a, b childShard) bool {
		return a.id == b.id && slices.Equal(a.parents, b.parents) && a.start == b.start && a.end == b.end
	}), "ChildShards = %+v, want %+v", got, want)
}
