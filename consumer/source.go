package consumer

import (
	"context"
	"errors"

	"github.com/freshet-io/freshet"
)

// Source is the part of the Kinesis API a Worker reads through, in
// freshet's types. A *freshet.Engine satisfies it as is, so a worker reads
// an in-process engine with plain method calls; the adapter in the
// separate module github.com/freshet-io/freshet/kinesissdk makes an AWS
// SDK for Go v2 client (against freshet serve or real Kinesis) a Source,
// so this package never imports the AWS SDK. A Worker never calls
// DescribeStream: it discovers shards, including the children of a
// reshard, with ListShards.
//
// Errors are best returned as *freshet.Error, carrying the Kinesis
// exception name: the Worker retries throttling and transient errors and
// gets a new iterator after ExpiredIteratorException by that name.
type Source interface {
	ListShards(ctx context.Context, in *freshet.ListShardsInput) (*freshet.ListShardsOutput, error)
	GetShardIterator(ctx context.Context, in *freshet.GetShardIteratorInput) (*freshet.GetShardIteratorOutput, error)
	GetRecords(ctx context.Context, in *freshet.GetRecordsInput) (*freshet.GetRecordsOutput, error)
}

// An in-process engine is a Source.
var _ Source = (*freshet.Engine)(nil)

// Subscriber is the enhanced fan-out part of the Kinesis API: it starts a
// SubscribeToShard subscription. EngineSubscriber implements it over an
// in-process engine (a Worker over a *freshet.Engine uses it without being
// told), and the kinesissdk module over an AWS SDK client.
type Subscriber interface {
	// SubscribeToShard subscribes a registered consumer to a shard, as
	// the Kinesis operation of the same name.
	SubscribeToShard(ctx context.Context, in *freshet.SubscribeToShardInput) (EventStream, error)
}

// EventStream is one SubscribeToShard subscription. *freshet.Subscription
// implements it.
type EventStream interface {
	// Next blocks until the next event arrives. It returns io.EOF when
	// the subscription ends normally (after its lifetime of 5 minutes, or
	// after the last event of a closed shard), after which the caller
	// subscribes again from the last ContinuationSequenceNumber.
	Next(ctx context.Context) (*freshet.SubscribeToShardEvent, error)
	// Close ends the subscription and releases its resources.
	Close() error
}

// EngineSubscriber returns a Subscriber over an in-process engine's
// SubscribeToShard.
func EngineSubscriber(e *freshet.Engine) Subscriber { return engineSubscriber{e} }

type engineSubscriber struct{ e *freshet.Engine }

func (s engineSubscriber) SubscribeToShard(ctx context.Context, in *freshet.SubscribeToShardInput) (EventStream, error) {
	sub, err := s.e.SubscribeToShard(ctx, in)
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// errorCode returns the Kinesis error code of err ("" if it has none): the
// Code of a *freshet.Error, or the ErrorCode of an error that has one (the
// AWS SDK's errors do).
func errorCode(err error) string {
	var fe *freshet.Error
	if errors.As(err, &fe) {
		return fe.Code
	}
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
