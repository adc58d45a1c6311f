package consumer

import (
	"context"
	"errors"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// Source is the part of the Kinesis API a Worker reads through, in the
// shape of the AWS SDK for Go v2: a *kinesis.Client satisfies it as is, and
// FromEngine adapts an in-process freshet engine without going through
// HTTP. A Worker never calls DescribeStream: it discovers shards, including
// the children of a reshard, with ListShards.
type Source interface {
	ListShards(ctx context.Context, in *kinesis.ListShardsInput, optFns ...func(*kinesis.Options)) (*kinesis.ListShardsOutput, error)
	GetShardIterator(ctx context.Context, in *kinesis.GetShardIteratorInput, optFns ...func(*kinesis.Options)) (*kinesis.GetShardIteratorOutput, error)
	GetRecords(ctx context.Context, in *kinesis.GetRecordsInput, optFns ...func(*kinesis.Options)) (*kinesis.GetRecordsOutput, error)
}

// A *kinesis.Client is a Source.
var _ Source = (*kinesis.Client)(nil)

// Subscriber is the enhanced fan-out part of the Kinesis API: it starts a
// SubscribeToShard subscription.
//
// It is a small interface of this package rather than the SDK's
// SubscribeToShard method because the SDK returns a
// *kinesis.SubscribeToShardOutput whose event stream cannot be built
// outside the SDK, so an adapter over another source could not return one.
// SDKSubscriber implements Subscriber over a *kinesis.Client, and the Source
// returned by FromEngine implements it too.
type Subscriber interface {
	// Subscribe subscribes the registered consumer consumerARN to a shard,
	// starting at pos.
	Subscribe(ctx context.Context, consumerARN, shardID string, pos types.StartingPosition) (EventStream, error)
}

// EventStream is one SubscribeToShard subscription.
type EventStream interface {
	// Next blocks until the next event arrives. It returns io.EOF when
	// the subscription ends normally (after its lifetime of 5 minutes, or
	// after the last event of a closed shard), after which the caller
	// subscribes again from the last ContinuationSequenceNumber.
	Next(ctx context.Context) (*types.SubscribeToShardEvent, error)
	// Close ends the subscription and releases its resources.
	Close() error
}

// SDKSubscriber returns a Subscriber that calls SubscribeToShard with the
// options of c.
//
// Each subscription gets a client of its own, made with kinesis.New from
// c.Options(): the event streams of one client share an event-stream
// decoder and its payload buffer (aws-sdk-go-v2 service/kinesis v1.56.13,
// smithy-go v1.28.9) without synchronization, so concurrent subscriptions
// on one client, one per shard, would race and could mix up each other's
// records. A new client costs microseconds, once per subscription (at most
// every 5 minutes per shard).
func SDKSubscriber(c *kinesis.Client) Subscriber {
	return sdkSubscriber{c}
}

type sdkSubscriber struct{ c *kinesis.Client }

func (s sdkSubscriber) Subscribe(ctx context.Context, consumerARN, shardID string, pos types.StartingPosition) (EventStream, error) {
	client := kinesis.New(s.c.Options())
	out, err := client.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{
		ConsumerARN:      &consumerARN,
		ShardId:          &shardID,
		StartingPosition: &pos,
	})
	if err != nil {
		return nil, err
	}
	return &sdkEventStream{es: out.GetStream()}, nil
}

type sdkEventStream struct {
	es *kinesis.SubscribeToShardEventStream
}

func (s *sdkEventStream) Next(ctx context.Context) (*types.SubscribeToShardEvent, error) {
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case ev, ok := <-s.es.Events():
			if !ok {
				if err := s.es.Err(); err != nil {
					return nil, err
				}
				return nil, io.EOF
			}
			if e, ok := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent); ok {
				return &e.Value, nil
			}
			// Unknown union members are skipped.
		}
	}
}

func (s *sdkEventStream) Close() error { return s.es.Close() }

// errorCode returns the Kinesis error code of err ("" if it has none), for
// errors of the AWS SDK and of FromEngine alike.
func errorCode(err error) string {
	var ae interface{ ErrorCode() string }
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// isRetryable reports whether a failed call should be retried after a
// pause: throttling, a busy subscription or a transient server error.
func isRetryable(err error) bool {
	switch errorCode(err) {
	case "ProvisionedThroughputExceededException", "LimitExceededException",
		"ResourceInUseException", "KMSThrottlingException",
		"InternalFailureException", "InternalFailure", "ServiceUnavailable",
		"ThrottlingException":
		return true
	}
	var re interface{ RetryableError() bool }
	return errors.As(err, &re) && re.RetryableError()
}

func isExpiredIterator(err error) bool {
	return errorCode(err) == "ExpiredIteratorException"
}
