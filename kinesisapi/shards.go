package kinesisapi

// Behavior: ListShards, SplitShard, MergeShards and UpdateShardCount are
// translated member for member. Shard ids, hash keys and sequence numbers
// travel as decimal strings in both directions; the engine parses and
// normalizes the incoming ones ("shardId-1" is "shardId-000000000001") and
// words every error. ListShards' NextToken is the engine's opaque token.

import (
	"context"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

func listShards(ctx context.Context, e *freshet.Engine, r *wire.ListShardsRequest) (*wire.ListShardsResponse, error) {
	in := &freshet.ListShardsInput{
		StreamName:              str(r.StreamName),
		StreamARN:               str(r.StreamARN),
		NextToken:               str(r.NextToken),
		ExclusiveStartShardId:   str(r.ExclusiveStartShardId),
		MaxResults:              num(r.MaxResults),
		StreamCreationTimestamp: timeOf(r.StreamCreationTimestamp),
	}
	if f := r.ShardFilter; f != nil {
		in.ShardFilter = &freshet.ShardFilter{
			Type:      freshet.ShardFilterType(str(f.Type)),
			ShardId:   str(f.ShardId),
			Timestamp: timeOf(f.Timestamp),
		}
	}
	out, err := e.ListShards(ctx, in)
	if err != nil {
		return nil, err
	}
	return &wire.ListShardsResponse{
		Shards:    wireShards(out.Shards),
		NextToken: optStr(out.NextToken),
	}, nil
}

func splitShard(ctx context.Context, e *freshet.Engine, r *wire.SplitShardRequest) (*wire.SplitShardResponse, error) {
	_, err := e.SplitShard(ctx, &freshet.SplitShardInput{
		StreamName:         str(r.StreamName),
		StreamARN:          str(r.StreamARN),
		ShardToSplit:       str(r.ShardToSplit),
		NewStartingHashKey: str(r.NewStartingHashKey),
	})
	if err != nil {
		return nil, err
	}
	return &wire.SplitShardResponse{}, nil
}

func mergeShards(ctx context.Context, e *freshet.Engine, r *wire.MergeShardsRequest) (*wire.MergeShardsResponse, error) {
	_, err := e.MergeShards(ctx, &freshet.MergeShardsInput{
		StreamName:           str(r.StreamName),
		StreamARN:            str(r.StreamARN),
		ShardToMerge:         str(r.ShardToMerge),
		AdjacentShardToMerge: str(r.AdjacentShardToMerge),
	})
	if err != nil {
		return nil, err
	}
	return &wire.MergeShardsResponse{}, nil
}

func updateShardCount(ctx context.Context, e *freshet.Engine, r *wire.UpdateShardCountRequest) (*wire.UpdateShardCountResponse, error) {
	out, err := e.UpdateShardCount(ctx, &freshet.UpdateShardCountInput{
		StreamName:       str(r.StreamName),
		StreamARN:        str(r.StreamARN),
		TargetShardCount: num(r.TargetShardCount),
		ScalingType:      freshet.ScalingType(str(r.ScalingType)),
	})
	if err != nil {
		return nil, err
	}
	return &wire.UpdateShardCountResponse{
		StreamName:        optStr(out.StreamName),
		CurrentShardCount: ptr(i32(out.CurrentShardCount)),
		TargetShardCount:  ptr(i32(out.TargetShardCount)),
		StreamARN:         optStr(out.StreamARN),
	}, nil
}
