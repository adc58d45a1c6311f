package kinesisapi

// Behavior: RegisterStreamConsumer, DeregisterStreamConsumer,
// DescribeStreamConsumer and ListStreamConsumers are translated member for
// member; consumer states (CREATING, ACTIVE, DELETING), the 20-consumer
// limit and the addressing rules (ConsumerARN, or StreamARN and
// ConsumerName) are the engine's. SubscribeToShard, the consumers' read
// path, lives in subscribe.go.

import (
	"context"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

func registerStreamConsumer(ctx context.Context, e *freshet.Engine, r *wire.RegisterStreamConsumerRequest) (*wire.RegisterStreamConsumerResponse, error) {
	out, err := e.RegisterStreamConsumer(ctx, &freshet.RegisterStreamConsumerInput{
		StreamARN:    str(r.StreamARN),
		ConsumerName: str(r.ConsumerName),
		Tags:         r.Tags,
	})
	if err != nil {
		return nil, err
	}
	return &wire.RegisterStreamConsumerResponse{Consumer: wireConsumer(out.Consumer)}, nil
}

func deregisterStreamConsumer(ctx context.Context, e *freshet.Engine, r *wire.DeregisterStreamConsumerRequest) (*wire.DeregisterStreamConsumerResponse, error) {
	_, err := e.DeregisterStreamConsumer(ctx, &freshet.DeregisterStreamConsumerInput{
		StreamARN:    str(r.StreamARN),
		ConsumerName: str(r.ConsumerName),
		ConsumerARN:  str(r.ConsumerARN),
	})
	if err != nil {
		return nil, err
	}
	return &wire.DeregisterStreamConsumerResponse{}, nil
}

func describeStreamConsumer(ctx context.Context, e *freshet.Engine, r *wire.DescribeStreamConsumerRequest) (*wire.DescribeStreamConsumerResponse, error) {
	out, err := e.DescribeStreamConsumer(ctx, &freshet.DescribeStreamConsumerInput{
		StreamARN:    str(r.StreamARN),
		ConsumerName: str(r.ConsumerName),
		ConsumerARN:  str(r.ConsumerARN),
	})
	if err != nil {
		return nil, err
	}
	d := out.ConsumerDescription
	return &wire.DescribeStreamConsumerResponse{ConsumerDescription: wire.ConsumerDescription{
		ConsumerName:              d.ConsumerName,
		ConsumerARN:               d.ConsumerARN,
		ConsumerStatus:            string(d.ConsumerStatus),
		ConsumerCreationTimestamp: timestamp(d.ConsumerCreationTimestamp),
		StreamARN:                 d.StreamARN,
	}}, nil
}

func listStreamConsumers(ctx context.Context, e *freshet.Engine, r *wire.ListStreamConsumersRequest) (*wire.ListStreamConsumersResponse, error) {
	out, err := e.ListStreamConsumers(ctx, &freshet.ListStreamConsumersInput{
		StreamARN:               str(r.StreamARN),
		NextToken:               str(r.NextToken),
		MaxResults:              num(r.MaxResults),
		StreamCreationTimestamp: timeOf(r.StreamCreationTimestamp),
	})
	if err != nil {
		return nil, err
	}
	consumers := make([]wire.Consumer, len(out.Consumers))
	for i, c := range out.Consumers {
		consumers[i] = wireConsumer(c)
	}
	return &wire.ListStreamConsumersResponse{Consumers: consumers, NextToken: optStr(out.NextToken)}, nil
}

// wireConsumer converts a consumer for a response.
func wireConsumer(c freshet.Consumer) wire.Consumer {
	return wire.Consumer{
		ConsumerName:              c.ConsumerName,
		ConsumerARN:               c.ConsumerARN,
		ConsumerStatus:            string(c.ConsumerStatus),
		ConsumerCreationTimestamp: timestamp(c.ConsumerCreationTimestamp),
	}
}
