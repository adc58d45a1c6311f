package connect

import (
	"context"
	"time"
)

// Entry is one item of a batch, with the position and arrival time of the
// record it was made from.
type Entry[T any] struct {
	// Item is what the Transformer made of the record.
	Item T
	// ShardID, SequenceNumber and SubSequenceNumber are the record's
	// position (SubSequenceNumber is that of a user record de-aggregated
	// from a KPL aggregate, 0 otherwise). SequenceNumber is formatted in
	// decimal only by its String method: call it only where needed.
	ShardID           string
	SequenceNumber    SequenceNumber
	SubSequenceNumber int64
	// PartitionKey is the record's partition key.
	PartitionKey string
	// ArrivalTime is the record's ApproximateArrivalTimestamp.
	ArrivalTime time.Time
	// Size is the record's data size in bytes, as counted by the buffer.
	Size int
}

// Batch is one flush of a shard's buffer: the entries in stream order.
// Emitters derive deterministic names from it (an S3 key from the shard
// and the first and last sequence numbers; a manifest row), so that a
// retry or a restart after a crash overwrites or skips instead of
// duplicating.
type Batch[T any] struct {
	// StreamName is the stream the records were read from.
	StreamName string
	// ShardID is the shard every entry comes from.
	ShardID string
	// Entries are the items, in the order of the shard.
	Entries []Entry[T]
}

// First returns the first entry (the batch is never empty).
func (b *Batch[T]) First() *Entry[T] { return &b.Entries[0] }

// Last returns the last entry (the batch is never empty).
func (b *Batch[T]) Last() *Entry[T] { return &b.Entries[len(b.Entries)-1] }

// Oldest returns the earliest arrival time of the batch's records.
func (b *Batch[T]) Oldest() time.Time {
	t := b.Entries[0].ArrivalTime
	for _, e := range b.Entries[1:] {
		if e.ArrivalTime.Before(t) {
			t = e.ArrivalTime
		}
	}
	return t
}

// Failure is an entry an Emitter could not store.
type Failure struct {
	// Index is the entry's index in the batch.
	Index int
	// Err says why.
	Err error
	// Permanent says that retrying cannot succeed (a document the store
	// rejects, say an OpenSearch mapping error): the entry goes to the
	// failure policy without being retried.
	Permanent bool
}

// Emitter stores batches. Emit stores b durably and returns the entries
// it could not store (nil when all were stored). An error means that
// nothing of the batch can be assumed stored (a store outage, say); the
// pipeline retries the whole batch. Emit is called by one goroutine per
// shard, for several shards at once, so it must be safe for concurrent
// use. Emitting the same batch twice must not duplicate data (overwrite,
// or skip what is already there): that is what makes a retry, or a
// restart after a crash, safe.
type Emitter[T any] interface {
	Emit(ctx context.Context, b *Batch[T]) ([]Failure, error)
}

// Transformer turns a record into an item. An error sends the record to
// the failure policy with the error as the reason; other records go on.
type Transformer[T any] func(r Record) (T, error)

// Filter reports whether an item is to be emitted; skipped items are
// checkpointed past like emitted ones.
type Filter[T any] func(item T) bool
