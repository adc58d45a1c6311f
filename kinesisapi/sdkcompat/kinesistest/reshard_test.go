package kinesistest_test

import (
	"slices"
	"sort"
	"testing"

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
	if _, err := c.SplitShard(ctx, &kinesis.SplitShardInput{
		StreamName:         aws.String("lineage"),
		ShardToSplit:       aws.String("shardId-000000000000"),
		NewStartingHashKey: aws.String(half),
	}); err != nil {
		t.Fatal(err)
	}
	putRecords(t, c, "lineage", "child", 8)

	data, last := readShard(t, c, "lineage", "shardId-000000000000")
	if !slices.Equal(data, []string{"parent-0", "parent-1", "parent-2"}) {
		t.Errorf("parent shard holds %q", data)
	}
	checkEnd(t, last, []childShard{
		{"shardId-000000000001", []string{"shardId-000000000000"}, "0", "170141183460469231731687303715884105727"},
		{"shardId-000000000002", []string{"shardId-000000000000"}, half, "340282366920938463463374607431768211455"},
	})

	var childData []string
	for _, id := range []string{"shardId-000000000001", "shardId-000000000002"} {
		d, out := readShard(t, c, "lineage", id)
		if out.NextShardIterator == nil || len(out.ChildShards) != 0 {
			t.Errorf("open shard %s: NextShardIterator %v, ChildShards %v; want an iterator and no children", id, out.NextShardIterator, out.ChildShards)
		}
		childData = append(childData, d...)
	}
	sort.Strings(childData)
	if want := []string{"child-0", "child-1", "child-2", "child-3", "child-4", "child-5", "child-6", "child-7"}; !slices.Equal(childData, want) {
		t.Errorf("children hold %q, want %q", childData, want)
	}

	if _, err := c.MergeShards(ctx, &kinesis.MergeShardsInput{
		StreamName:           aws.String("lineage"),
		ShardToMerge:         aws.String("shardId-000000000001"),
		AdjacentShardToMerge: aws.String("shardId-000000000002"),
	}); err != nil {
		t.Fatal(err)
	}
	merged := []childShard{{"shardId-000000000003", []string{"shardId-000000000001", "shardId-000000000002"}, "0", "340282366920938463463374607431768211455"}}
	for _, id := range []string{"shardId-000000000001", "shardId-000000000002"} {
		_, last := readShard(t, c, "lineage", id)
		checkEnd(t, last, merged)
	}

	// The shard list tells the same lineage.
	ls, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("lineage")})
	if err != nil {
		t.Fatal(err)
	}
	if len(ls.Shards) != 4 {
		t.Fatalf("ListShards lists %d shards, want 4", len(ls.Shards))
	}
	for i, s := range ls.Shards {
		closed := s.SequenceNumberRange.EndingSequenceNumber != nil
		if wantClosed := i < 3; closed != wantClosed {
			t.Errorf("%s: closed = %v, want %v", aws.ToString(s.ShardId), closed, wantClosed)
		}
	}
	if p := aws.ToString(ls.Shards[1].ParentShardId); p != "shardId-000000000000" {
		t.Errorf("shard 1 ParentShardId = %q", p)
	}
	if s := ls.Shards[3]; aws.ToString(s.ParentShardId) != "shardId-000000000001" || aws.ToString(s.AdjacentParentShardId) != "shardId-000000000002" {
		t.Errorf("shard 3 parents = %q, %q", aws.ToString(s.ParentShardId), aws.ToString(s.AdjacentParentShardId))
	}
	open, err := c.ListShards(ctx, &kinesis.ListShardsInput{
		StreamName:  aws.String("lineage"),
		ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(open.Shards) != 1 || aws.ToString(open.Shards[0].ShardId) != "shardId-000000000003" {
		t.Errorf("AT_LATEST lists %d shards, want only shardId-000000000003", len(open.Shards))
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
	if out.NextShardIterator != nil {
		t.Errorf("NextShardIterator at the end of a closed shard = %q, want nil", aws.ToString(out.NextShardIterator))
	}
	var got []childShard
	for _, cs := range out.ChildShards {
		got = append(got, childShard{
			id:      aws.ToString(cs.ShardId),
			parents: cs.ParentShards,
			start:   aws.ToString(cs.HashKeyRange.StartingHashKey),
			end:     aws.ToString(cs.HashKeyRange.EndingHashKey),
		})
	}
	if !slices.EqualFunc(got, want, func(a, b childShard) bool {
		return a.id == b.id && slices.Equal(a.parents, b.parents) && a.start == b.start && a.end == b.end
	}) {
		t.Errorf("ChildShards = %+v, want %+v", got, want)
	}
}
