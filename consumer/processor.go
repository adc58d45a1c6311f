package consumer

import (
	"context"
	"time"

	"github.com/freshet-io/freshet/consumer/lease"
)

// Record is one user record as a processor receives it: a Kinesis record,
// or one user record of a KPL aggregate.
type Record struct {
	// ShardID is the shard the record was read from.
	ShardID string
	// SequenceNumber is the Kinesis sequence number of the record (for a
	// de-aggregated user record, of the aggregate that carried it).
	SequenceNumber SequenceNumber
	// SubSequenceNumber is the 0-based position of a de-aggregated user
	// record within its aggregate, and 0 for ordinary records.
	SubSequenceNumber int64
	// PartitionKey is the record's partition key (for a de-aggregated
	// record, the user record's own key).
	PartitionKey string
	// ExplicitHashKey is the explicit hash key of a de-aggregated user
	// record, if it had one.
	ExplicitHashKey string
	// Data is the payload. It may share memory with the source and must
	// not be modified.
	Data []byte
	// ApproximateArrivalTimestamp is when Kinesis accepted the record.
	ApproximateArrivalTimestamp time.Time
	// Aggregated reports whether the record was de-aggregated from a KPL
	// aggregate.
	Aggregated bool
}

// Checkpoint returns the position of r, for Checkpointer.CheckpointAt.
func (r Record) Checkpoint() lease.Checkpoint {
	return lease.Checkpoint{SequenceNumber: r.SequenceNumber.String(), SubSequenceNumber: r.SubSequenceNumber}
}

// InitializeInput tells a processor which shard it processes and where.
type InitializeInput struct {
	ShardID string
	// Checkpoint is the last committed checkpoint: the processor
	// receives the records after it. It is a sentinel (TRIM_HORIZON,
	// LATEST, AT_TIMESTAMP) if the shard was never checkpointed.
	Checkpoint lease.Checkpoint
	// PendingCheckpoint is a prepared, uncommitted checkpoint left by a
	// previous owner, or nil.
	PendingCheckpoint *lease.Checkpoint
}

// ProcessRecordsInput is one batch of records of one shard.
type ProcessRecordsInput struct {
	// Records are in shard order, never empty.
	Records []Record
	// MillisBehindLatest is how far the batch is behind the tip of the
	// shard.
	MillisBehindLatest int64
	// Checkpointer checkpoints the shard.
	Checkpointer *Checkpointer
}

// RecordProcessor processes one shard for as long as the worker holds its
// lease. A Worker calls its methods from one goroutine, in this order:
// Initialize once, ProcessRecords for each batch in shard order, then
// exactly one of ShardEnded, LeaseLost and ShutdownRequested. If the
// worker is stopped abruptly (its process dies) none of the last three is
// called, which is why records are delivered at least once.
//
// The context passed to the methods is cancelled when the lease is lost;
// it is not cancelled by a graceful shutdown, so final checkpoints succeed.
type RecordProcessor interface {
	// Initialize is called before the first batch. An error stops the
	// processor; the worker retries with a new one after a pause.
	Initialize(ctx context.Context, in InitializeInput) error

	// ProcessRecords processes a batch and usually checkpoints. An error
	// makes the worker retry the shard from its last checkpoint, with a
	// new processor, after a pause.
	ProcessRecords(ctx context.Context, in ProcessRecordsInput) error

	// LeaseLost is called when another worker took the lease: the
	// processor can no longer checkpoint and should drop its state.
	LeaseLost(ctx context.Context)

	// ShardEnded is called after the last record of a closed shard. The
	// processor must call cp.Checkpoint, which records SHARD_END; until
	// it does, the children of the shard are not processed and the
	// worker retries.
	ShardEnded(ctx context.Context, cp *Checkpointer) error

	// ShutdownRequested is called when the worker shuts down gracefully,
	// after the last batch; it is the processor's chance to checkpoint
	// before the lease is handed over.
	ShutdownRequested(ctx context.Context, cp *Checkpointer) error
}

// ProcessorFactory returns a new RecordProcessor for a shard. A Worker
// calls it each time it starts processing a shard.
type ProcessorFactory func(shardID string) RecordProcessor

// RecordHandler processes one record, for HandlerFunc.
type RecordHandler func(ctx context.Context, r Record) error

// HandlerFunc returns a ProcessorFactory for the common case: fn is called
// for each record in shard order, and the shard is checkpointed after a
// batch once the checkpoint interval (WithCheckpointInterval, 5 s by
// default) has passed since its last checkpoint, and always at its end
// (SHARD_END) and at a graceful shutdown. If fn returns an error, the
// records before the failing one are checkpointed and the shard is retried
// from the failing record after a pause, so fn sees every record at least
// once. A worker that dies instead of shutting down leaves up to the
// checkpoint interval of records (and the batch in progress) past the
// last checkpoint: the next owner of the shard delivers them again.
func HandlerFunc(fn RecordHandler) ProcessorFactory {
	return func(string) RecordProcessor { return handlerProcessor{fn} }
}

type handlerProcessor struct{ fn RecordHandler }

func (handlerProcessor) Initialize(context.Context, InitializeInput) error { return nil }

func (p handlerProcessor) ProcessRecords(ctx context.Context, in ProcessRecordsInput) error {
	for i, r := range in.Records {
		if err := p.fn(ctx, r); err != nil {
			if i > 0 {
				// Best effort: a failure here only means more redelivery.
				_ = in.Checkpointer.CheckpointRecord(ctx, in.Records[i-1])
			}
			return err
		}
	}
	return in.Checkpointer.checkpointIfDue(ctx)
}

func (handlerProcessor) LeaseLost(context.Context) {}

func (handlerProcessor) ShardEnded(ctx context.Context, cp *Checkpointer) error {
	return cp.Checkpoint(ctx)
}

func (handlerProcessor) ShutdownRequested(ctx context.Context, cp *Checkpointer) error {
	return cp.Checkpoint(ctx)
}
