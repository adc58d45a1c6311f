package kinesisapi

// Behavior: the stream-addressed tag operations (AddTagsToStream,
// RemoveTagsFromStream, ListTagsForStream) and the ARN-addressed ones
// (TagResource, UntagResource, ListTagsForResource, for streams and
// consumers) are translated member for member. Listed tags always carry
// their Value, even an empty one. The 50-tags-per-resource limit and tag
// character rules are the engine's.

import (
	"context"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

func addTagsToStream(ctx context.Context, e *freshet.Engine, r *wire.AddTagsToStreamRequest) (*wire.AddTagsToStreamResponse, error) {
	_, err := e.AddTagsToStream(ctx, &freshet.AddTagsToStreamInput{
		StreamName: str(r.StreamName),
		StreamARN:  str(r.StreamARN),
		Tags:       r.Tags,
	})
	if err != nil {
		return nil, err
	}
	return &wire.AddTagsToStreamResponse{}, nil
}

func removeTagsFromStream(ctx context.Context, e *freshet.Engine, r *wire.RemoveTagsFromStreamRequest) (*wire.RemoveTagsFromStreamResponse, error) {
	_, err := e.RemoveTagsFromStream(ctx, &freshet.RemoveTagsFromStreamInput{
		StreamName: str(r.StreamName),
		StreamARN:  str(r.StreamARN),
		TagKeys:    r.TagKeys,
	})
	if err != nil {
		return nil, err
	}
	return &wire.RemoveTagsFromStreamResponse{}, nil
}

func listTagsForStream(ctx context.Context, e *freshet.Engine, r *wire.ListTagsForStreamRequest) (*wire.ListTagsForStreamResponse, error) {
	out, err := e.ListTagsForStream(ctx, &freshet.ListTagsForStreamInput{
		StreamName:           str(r.StreamName),
		StreamARN:            str(r.StreamARN),
		ExclusiveStartTagKey: str(r.ExclusiveStartTagKey),
		Limit:                num(r.Limit),
	})
	if err != nil {
		return nil, err
	}
	return &wire.ListTagsForStreamResponse{Tags: wireTags(out.Tags), HasMoreTags: out.HasMoreTags}, nil
}

func tagResource(ctx context.Context, e *freshet.Engine, r *wire.TagResourceRequest) (*wire.TagResourceResponse, error) {
	_, err := e.TagResource(ctx, &freshet.TagResourceInput{ResourceARN: str(r.ResourceARN), Tags: r.Tags})
	if err != nil {
		return nil, err
	}
	return &wire.TagResourceResponse{}, nil
}

func untagResource(ctx context.Context, e *freshet.Engine, r *wire.UntagResourceRequest) (*wire.UntagResourceResponse, error) {
	_, err := e.UntagResource(ctx, &freshet.UntagResourceInput{ResourceARN: str(r.ResourceARN), TagKeys: r.TagKeys})
	if err != nil {
		return nil, err
	}
	return &wire.UntagResourceResponse{}, nil
}

func listTagsForResource(ctx context.Context, e *freshet.Engine, r *wire.ListTagsForResourceRequest) (*wire.ListTagsForResourceResponse, error) {
	out, err := e.ListTagsForResource(ctx, &freshet.ListTagsForResourceInput{ResourceARN: str(r.ResourceARN)})
	if err != nil {
		return nil, err
	}
	return &wire.ListTagsForResourceResponse{Tags: wireTags(out.Tags)}, nil
}
