package kinesisapi

// Behavior: IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod
// are translated member for member and answer an empty body. The 24-8760
// hour bounds and the "not shorter/longer than the current period" rules
// are the engine's (InvalidArgumentException); the wire layer only insists
// that RetentionPeriodHours is present.

import (
	"context"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

func increaseStreamRetentionPeriod(ctx context.Context, e *freshet.Engine, r *wire.IncreaseStreamRetentionPeriodRequest) (*wire.IncreaseStreamRetentionPeriodResponse, error) {
	_, err := e.IncreaseStreamRetentionPeriod(ctx, &freshet.IncreaseStreamRetentionPeriodInput{
		StreamName:           str(r.StreamName),
		StreamARN:            str(r.StreamARN),
		RetentionPeriodHours: num(r.RetentionPeriodHours),
	})
	if err != nil {
		return nil, err
	}
	return &wire.IncreaseStreamRetentionPeriodResponse{}, nil
}

func decreaseStreamRetentionPeriod(ctx context.Context, e *freshet.Engine, r *wire.DecreaseStreamRetentionPeriodRequest) (*wire.DecreaseStreamRetentionPeriodResponse, error) {
	_, err := e.DecreaseStreamRetentionPeriod(ctx, &freshet.DecreaseStreamRetentionPeriodInput{
		StreamName:           str(r.StreamName),
		StreamARN:            str(r.StreamARN),
		RetentionPeriodHours: num(r.RetentionPeriodHours),
	})
	if err != nil {
		return nil, err
	}
	return &wire.DecreaseStreamRetentionPeriodResponse{}, nil
}
