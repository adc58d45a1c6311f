package kinesissdk

import (
	"context"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
)

// SubscribeToShard starts an enhanced fan-out subscription.
//
// Each subscription is made on a client of its own, made with kinesis.New
// from the wrapped client's options: the event streams of one client share
// an event-stream decoder and its payload buffer (aws-sdk-go-v2
// service/kinesis v1.56.13, smithy-go v1.28.9) without synchronization, so
// concurrent subscriptions on one client, one per shard, would race and
// could mix up each other's records. A new client costs microseconds, once
// per subscription (at most every 5 minutes per shard).
func (c *Client) SubscribeToShard(ctx context.Context, in *freshet.SubscribeToShardInput) (consumer.EventStream, error) {
	pos := &types.StartingPosition{
		Type:           types.ShardIteratorType(in.StartingPosition.Type),
		SequenceNumber: optional(in.StartingPosition.SequenceNumber),
	}
	if !in.StartingPosition.Timestamp.IsZero() {
		pos.Timestamp = aws.Time(in.StartingPosition.Timestamp)
	}
	client := kinesis.New(c.c.Options())
	out, err := client.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{
		ConsumerARN:      aws.String(in.ConsumerARN),
		ShardId:          aws.String(in.ShardId),
		StartingPosition: pos,
	})
	if err != nil {
		return nil, convertError(err)
	}
	return &eventStream{es: out.GetStream()}, nil
}

type eventStream struct {
	es *kinesis.SubscribeToShardEventStream
}

func (s *eventStream) Next(ctx context.Context) (*freshet.SubscribeToShardEvent, error) {
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case ev, ok := <-s.es.Events():
			if !ok {
				if err := s.es.Err(); err != nil {
					return nil, convertError(err)
				}
				return nil, io.EOF
			}
			e, ok := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
			if !ok {
				continue // unknown union members are skipped
			}
			return event(&e.Value)
		}
	}
}

func (s *eventStream) Close() error { return s.es.Close() }

func event(e *types.SubscribeToShardEvent) (*freshet.SubscribeToShardEvent, error) {
	recs, err := records(e.Records)
	if err != nil {
		return nil, err
	}
	cont, err := sequenceNumber(e.ContinuationSequenceNumber)
	if err != nil {
		return nil, err
	}
	children, err := childShards(e.ChildShards)
	if err != nil {
		return nil, err
	}
	return &freshet.SubscribeToShardEvent{
		Records:                    recs,
		ContinuationSequenceNumber: cont,
		MillisBehindLatest:         aws.ToInt64(e.MillisBehindLatest),
		ChildShards:                children,
	}, nil
}
