package consumer

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/freshet-io/freshet"
)

// FromEngine returns a Source over an in-process engine. Its methods call
// the engine's methods of the same name directly, converting inputs,
// outputs and errors to and from the AWS SDK's types; no HTTP is involved.
// Engine errors become the SDK's typed exceptions (such as
// *types.ExpiredIteratorException), so code that inspects errors of a
// *kinesis.Client works unchanged. The Source also implements Subscriber
// over Engine.SubscribeToShard. Options passed to its methods are ignored.
//
// A Worker reading this Source by polling skips the SDK's types: it calls
// Engine.GetRecords itself and keeps sequence numbers in the engine's
// binary form until they are formatted (see SequenceNumber), which is most
// of the cost of a record otherwise. What it delivers is the same.
func FromEngine(e *freshet.Engine) Source {
	return &engineSource{e: e}
}

// engineSource implements Source and Subscriber over a freshet engine.
type engineSource struct {
	e *freshet.Engine
}

var (
	_ Source     = (*engineSource)(nil)
	_ Subscriber = (*engineSource)(nil)
)

func (s *engineSource) ListShards(ctx context.Context, in *kinesis.ListShardsInput, _ ...func(*kinesis.Options)) (*kinesis.ListShardsOutput, error) {
	fin := &freshet.ListShardsInput{
		StreamName:            deref(in.StreamName),
		StreamARN:             deref(in.StreamARN),
		NextToken:             deref(in.NextToken),
		ExclusiveStartShardId: deref(in.ExclusiveStartShardId),
		MaxResults:            int(deref(in.MaxResults)),
	}
	if in.StreamCreationTimestamp != nil {
		fin.StreamCreationTimestamp = *in.StreamCreationTimestamp
	}
	if f := in.ShardFilter; f != nil {
		fin.ShardFilter = &freshet.ShardFilter{
			Type:    freshet.ShardFilterType(f.Type),
			ShardId: deref(f.ShardId),
		}
		if f.Timestamp != nil {
			fin.ShardFilter.Timestamp = *f.Timestamp
		}
	}
	out, err := s.e.ListShards(ctx, fin)
	if err != nil {
		return nil, sdkError(err)
	}
	shards := make([]types.Shard, len(out.Shards))
	for i, sh := range out.Shards {
		shards[i] = types.Shard{
			ShardId:               ptr(sh.ShardId),
			ParentShardId:         optional(sh.ParentShardId),
			AdjacentParentShardId: optional(sh.AdjacentParentShardId),
			HashKeyRange:          sdkHashKeyRange(sh.HashKeyRange),
			SequenceNumberRange: &types.SequenceNumberRange{
				StartingSequenceNumber: ptr(sh.SequenceNumberRange.StartingSequenceNumber.String()),
				EndingSequenceNumber:   optional(sh.SequenceNumberRange.EndingSequenceNumber.String()),
			},
		}
	}
	return &kinesis.ListShardsOutput{Shards: shards, NextToken: optional(out.NextToken)}, nil
}

func (s *engineSource) GetShardIterator(ctx context.Context, in *kinesis.GetShardIteratorInput, _ ...func(*kinesis.Options)) (*kinesis.GetShardIteratorOutput, error) {
	fin := &freshet.GetShardIteratorInput{
		StreamName:             deref(in.StreamName),
		StreamARN:              deref(in.StreamARN),
		ShardId:                deref(in.ShardId),
		ShardIteratorType:      freshet.ShardIteratorType(in.ShardIteratorType),
		StartingSequenceNumber: deref(in.StartingSequenceNumber),
	}
	if in.Timestamp != nil {
		fin.Timestamp = *in.Timestamp
	}
	out, err := s.e.GetShardIterator(ctx, fin)
	if err != nil {
		return nil, sdkError(err)
	}
	return &kinesis.GetShardIteratorOutput{ShardIterator: ptr(out.ShardIterator)}, nil
}

func (s *engineSource) GetRecords(ctx context.Context, in *kinesis.GetRecordsInput, _ ...func(*kinesis.Options)) (*kinesis.GetRecordsOutput, error) {
	out, err := s.e.GetRecords(ctx, &freshet.GetRecordsInput{
		ShardIterator: deref(in.ShardIterator),
		Limit:         int(deref(in.Limit)),
		StreamARN:     deref(in.StreamARN),
	})
	if err != nil {
		return nil, sdkError(err)
	}
	return &kinesis.GetRecordsOutput{
		Records:            sdkRecords(out.Records),
		NextShardIterator:  optional(out.NextShardIterator),
		MillisBehindLatest: ptr(out.MillisBehindLatest),
		ChildShards:        sdkChildShards(out.ChildShards),
	}, nil
}

func (s *engineSource) Subscribe(ctx context.Context, consumerARN, shardID string, pos types.StartingPosition) (EventStream, error) {
	fpos := freshet.StartingPosition{
		Type:           freshet.ShardIteratorType(pos.Type),
		SequenceNumber: deref(pos.SequenceNumber),
	}
	if pos.Timestamp != nil {
		fpos.Timestamp = *pos.Timestamp
	}
	sub, err := s.e.SubscribeToShard(ctx, &freshet.SubscribeToShardInput{
		ConsumerARN:      consumerARN,
		ShardId:          shardID,
		StartingPosition: fpos,
	})
	if err != nil {
		return nil, sdkError(err)
	}
	return engineEventStream{sub}, nil
}

type engineEventStream struct{ sub *freshet.Subscription }

func (s engineEventStream) Next(ctx context.Context) (*types.SubscribeToShardEvent, error) {
	ev, err := s.sub.Next(ctx)
	if err != nil {
		return nil, sdkError(err)
	}
	return &types.SubscribeToShardEvent{
		Records:                    sdkRecords(ev.Records),
		ContinuationSequenceNumber: optional(ev.ContinuationSequenceNumber.String()),
		MillisBehindLatest:         ptr(ev.MillisBehindLatest),
		ChildShards:                sdkChildShards(ev.ChildShards),
	}, nil
}

func (s engineEventStream) Close() error { return s.sub.Close() }

// sdkRecords converts records with two allocations per batch: the SDK's
// pointers point into rs (which the caller owns) and into one slice
// holding the formatted sequence numbers.
func sdkRecords(rs []freshet.Record) []types.Record {
	if len(rs) == 0 {
		return []types.Record{}
	}
	out := make([]types.Record, len(rs))
	seqs := make([]string, len(rs))
	for i := range rs {
		r := &rs[i]
		seqs[i] = r.SequenceNumber.String()
		out[i] = types.Record{
			Data:                        r.Data,
			PartitionKey:                &r.PartitionKey,
			SequenceNumber:              &seqs[i],
			ApproximateArrivalTimestamp: &r.ApproximateArrivalTimestamp,
			EncryptionType:              types.EncryptionType(r.EncryptionType),
		}
	}
	return out
}

func sdkChildShards(cs []freshet.ChildShard) []types.ChildShard {
	if len(cs) == 0 {
		return nil
	}
	out := make([]types.ChildShard, len(cs))
	for i, c := range cs {
		out[i] = types.ChildShard{
			ShardId:      ptr(c.ShardId),
			ParentShards: append([]string(nil), c.ParentShards...),
			HashKeyRange: sdkHashKeyRange(c.HashKeyRange),
		}
	}
	return out
}

func sdkHashKeyRange(r freshet.HashKeyRange) *types.HashKeyRange {
	return &types.HashKeyRange{
		StartingHashKey: ptr(r.StartingHashKey.String()),
		EndingHashKey:   ptr(r.EndingHashKey.String()),
	}
}

// sdkError converts an engine error to the error the AWS SDK returns for
// the same exception. Other errors (context errors, freshet.ErrClosed) are
// returned unchanged.
func sdkError(err error) error {
	var fe *freshet.Error
	if !errors.As(err, &fe) {
		return err
	}
	msg := ptr(fe.Message)
	switch fe.Code {
	case "ResourceNotFoundException":
		return &types.ResourceNotFoundException{Message: msg}
	case "ResourceInUseException":
		return &types.ResourceInUseException{Message: msg}
	case "InvalidArgumentException":
		return &types.InvalidArgumentException{Message: msg}
	case "LimitExceededException":
		return &types.LimitExceededException{Message: msg}
	case "ProvisionedThroughputExceededException":
		return &types.ProvisionedThroughputExceededException{Message: msg}
	case "ExpiredIteratorException":
		return &types.ExpiredIteratorException{Message: msg}
	case "ExpiredNextTokenException":
		return &types.ExpiredNextTokenException{Message: msg}
	case "ValidationException":
		return &types.ValidationException{Message: msg}
	case "AccessDeniedException":
		return &types.AccessDeniedException{Message: msg}
	case "KMSThrottlingException":
		return &types.KMSThrottlingException{Message: msg}
	case "InternalFailureException":
		return &types.InternalFailureException{Message: msg}
	}
	fault := smithy.FaultClient
	if fe.HTTPStatus() >= 500 {
		fault = smithy.FaultServer
	}
	return &smithy.GenericAPIError{Code: fe.Code, Message: fe.Message, Fault: fault}
}

func ptr[T any](v T) *T { return &v }

// optional returns nil for "", as the SDK leaves absent strings nil.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
