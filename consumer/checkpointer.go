package consumer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/freshet-io/freshet/consumer/internal/seqnum"
	"github.com/freshet-io/freshet/consumer/lease"
)

var (
	// ErrLeaseLost reports that another worker took the lease of the
	// shard: the processor can no longer checkpoint it.
	ErrLeaseLost = errors.New("consumer: lease lost")
	// ErrInvalidCheckpoint reports a checkpoint that would move backwards,
	// past the last record delivered to the processor, or that names no
	// sequence number.
	ErrInvalidCheckpoint = errors.New("consumer: invalid checkpoint")
)

// Checkpointer records how far a shard has been processed, in the lease
// table. Checkpoints are monotonic: a checkpoint before the last committed
// one, or after the last record delivered to the processor, is rejected
// with ErrInvalidCheckpoint, and one equal to the last committed one does
// nothing. After the processor's lease is lost every method returns
// ErrLeaseLost.
//
// Besides checkpointing at once, a processor can checkpoint in two phases:
// Prepare stores a pending checkpoint (which the next owner sees in
// InitializeInput.PendingCheckpoint), and Commit makes it the checkpoint.
//
// A Checkpointer is safe for concurrent use, though a processor normally
// uses it only from the calls that receive it.
type Checkpointer struct {
	shardID  string
	held     *heldLease
	interval time.Duration // WithCheckpointInterval, for checkpointIfDue

	mu        sync.Mutex
	delivered lease.Checkpoint // last record delivered; SequenceNumber "" if none
	ended     bool             // the end of the shard was delivered
	children  []string         // the child shards, written with SHARD_END
	writtenAt time.Time        // when a checkpoint was last written, or the processor started
}

func newCheckpointer(shardID string, held *heldLease, interval time.Duration) *Checkpointer {
	return &Checkpointer{shardID: shardID, held: held, interval: interval, writtenAt: held.clock.Now()}
}

// checkpointIfDue checkpoints at the last record delivered, as Checkpoint
// does, if the checkpoint interval (WithCheckpointInterval) has passed on
// the worker's clock since a checkpoint was last written or, before the
// first, since the processor started. An interval of 0 or less makes
// every call checkpoint.
func (c *Checkpointer) checkpointIfDue(ctx context.Context) error {
	if c.interval > 0 {
		c.mu.Lock()
		due := c.held.clock.Now().Sub(c.writtenAt) >= c.interval
		c.mu.Unlock()
		if !due {
			return nil
		}
	}
	return c.Checkpoint(ctx)
}

// written records that a checkpoint was written now.
func (c *Checkpointer) written() {
	now := c.held.clock.Now()
	c.mu.Lock()
	c.writtenAt = now
	c.mu.Unlock()
}

// ShardID returns the shard this Checkpointer checkpoints.
func (c *Checkpointer) ShardID() string { return c.shardID }

// LastCheckpoint returns the last committed checkpoint.
func (c *Checkpointer) LastCheckpoint() lease.Checkpoint { return c.held.get().Checkpoint }

// Checkpoint checkpoints at the last record delivered to the processor, or
// at SHARD_END once the processor has been told the shard ended. It does
// nothing if no record has been delivered yet.
func (c *Checkpointer) Checkpoint(ctx context.Context) error {
	c.mu.Lock()
	target, ended := c.delivered, c.ended
	c.mu.Unlock()
	if ended {
		target = lease.Checkpoint{SequenceNumber: lease.ShardEnd}
	}
	if target.SequenceNumber == "" {
		return nil
	}
	return c.commit(ctx, target)
}

// CheckpointAt checkpoints at the given record: the records up to and
// including (sequenceNumber, subSequenceNumber) have been processed.
func (c *Checkpointer) CheckpointAt(ctx context.Context, sequenceNumber string, subSequenceNumber int64) error {
	return c.commit(ctx, lease.Checkpoint{SequenceNumber: sequenceNumber, SubSequenceNumber: subSequenceNumber})
}

// CheckpointRecord checkpoints at r: r and the records before it have been
// processed.
func (c *Checkpointer) CheckpointRecord(ctx context.Context, r Record) error {
	return c.commit(ctx, r.Checkpoint())
}

// Prepare stores a pending checkpoint at the given record without moving
// the checkpoint; Commit commits it. Preparing again replaces it.
func (c *Checkpointer) Prepare(ctx context.Context, sequenceNumber string, subSequenceNumber int64) error {
	cp := lease.Checkpoint{SequenceNumber: sequenceNumber, SubSequenceNumber: subSequenceNumber}
	cur := c.held.get().Checkpoint
	if err := c.check(cp, cur); err != nil {
		return err
	}
	_, err := c.held.updateCheckpoint(ctx, nil, func(l lease.Lease) (lease.Checkpoint, *lease.Checkpoint, error) {
		if err := c.check(cp, l.Checkpoint); err != nil {
			return lease.Checkpoint{}, nil, err
		}
		return l.Checkpoint, &cp, nil
	})
	return err
}

// Commit makes the pending checkpoint stored by Prepare the checkpoint.
// It fails with ErrInvalidCheckpoint if there is none.
func (c *Checkpointer) Commit(ctx context.Context) error {
	_, err := c.held.updateCheckpoint(ctx, c.childrenAt, func(l lease.Lease) (lease.Checkpoint, *lease.Checkpoint, error) {
		if l.PendingCheckpoint == nil {
			return lease.Checkpoint{}, nil, fmt.Errorf("%w: no pending checkpoint", ErrInvalidCheckpoint)
		}
		cp := *l.PendingCheckpoint
		if err := c.check(cp, l.Checkpoint); err != nil {
			return lease.Checkpoint{}, nil, err
		}
		return cp, nil, nil
	})
	if err == nil {
		c.written()
	}
	return err
}

func (c *Checkpointer) commit(ctx context.Context, cp lease.Checkpoint) error {
	if err := c.check(cp, c.held.get().Checkpoint); err != nil {
		return err
	}
	if c.held.get().Checkpoint == cp && c.held.get().PendingCheckpoint == nil {
		return nil
	}
	_, err := c.held.updateCheckpoint(ctx, c.childrenAt, func(l lease.Lease) (lease.Checkpoint, *lease.Checkpoint, error) {
		return cp, nil, c.check(cp, l.Checkpoint)
	})
	if err == nil {
		c.written()
	}
	return err
}

// check reports whether cp may follow the committed checkpoint cur.
func (c *Checkpointer) check(cp, cur lease.Checkpoint) error {
	c.mu.Lock()
	delivered, ended := c.delivered, c.ended
	c.mu.Unlock()
	switch {
	case cp.SequenceNumber == lease.ShardEnd:
		if !ended {
			return fmt.Errorf("%w: shard %s has not ended", ErrInvalidCheckpoint, c.shardID)
		}
		return nil
	case !seqnum.Valid(cp.SequenceNumber) || cp.SubSequenceNumber < 0:
		return fmt.Errorf("%w: %q is not a sequence number", ErrInvalidCheckpoint, cp.SequenceNumber)
	case delivered.SequenceNumber == "" || cp.Compare(delivered) > 0:
		return fmt.Errorf("%w: %s/%d is after the last record delivered", ErrInvalidCheckpoint, cp.SequenceNumber, cp.SubSequenceNumber)
	case cp.Compare(cur) < 0:
		return fmt.Errorf("%w: %s/%d is before the checkpoint %s/%d", ErrInvalidCheckpoint, cp.SequenceNumber, cp.SubSequenceNumber, cur.SequenceNumber, cur.SubSequenceNumber)
	}
	return nil
}

// deliver records that r is about to be given to the processor.
func (c *Checkpointer) deliver(r Record) {
	c.mu.Lock()
	c.delivered = r.Checkpoint()
	c.mu.Unlock()
}

// endShard records that the processor is being told the shard ended, and
// the children to write with the SHARD_END checkpoint.
func (c *Checkpointer) endShard(children []string) {
	c.mu.Lock()
	c.ended = true
	c.children = children
	c.mu.Unlock()
}

// childrenAt returns the children to store with the checkpoint cp: the
// shard's children with SHARD_END, as the KCL writes childShardIds, and
// none otherwise.
func (c *Checkpointer) childrenAt(cp lease.Checkpoint) []string {
	if cp.SequenceNumber != lease.ShardEnd {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.children
}
