package consumertest

import (
	"context"

	"github.com/freshet-io/freshet/consumer"
)

// CheckpointAtEnds is what most record processors of tests share: nothing to do
// when a lease is lost, and a checkpoint at the end of a shard and at
// shutdown. A processor embeds it and writes Initialize and ProcessRecords.
type CheckpointAtEnds struct{}

// LeaseLost does nothing.
func (CheckpointAtEnds) LeaseLost(context.Context) {}

// ShardEnded checkpoints the end of the shard.
func (CheckpointAtEnds) ShardEnded(ctx context.Context, cp *consumer.Checkpointer) error {
	return cp.Checkpoint(ctx)
}

// ShutdownRequested checkpoints what was processed.
func (CheckpointAtEnds) ShutdownRequested(ctx context.Context, cp *consumer.Checkpointer) error {
	return cp.Checkpoint(ctx)
}
