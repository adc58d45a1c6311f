package connect

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Policy says what happens to an item that cannot be transformed, or that
// still cannot be stored once its retries are spent (or at once, for a
// Failure marked Permanent). Make one with Block, Drop or DeadLetterTo.
type Policy struct {
	kind policyKind
	dl   DeadLetter
}

type policyKind int

const (
	policyBlock policyKind = iota
	policyDrop
	policyDeadLetter
)

// Block is the default policy: the shard stops at the first item that
// fails. Nothing at or after that record is checkpointed, the shard keeps
// its lease (so no other worker of the connector runs into the same item)
// and reads no further, and the failure is logged, given to the function
// set with WithOnBlock, shown in Stats and returned by Run when the
// pipeline stops. The other shards go on. Restarting the connector retries
// the shard from its checkpoint.
func Block() Policy { return Policy{kind: policyBlock} }

// Drop skips failed items: they are logged, counted in Stats.Dropped and
// checkpointed past. Choose it only where losing records is acceptable.
func Drop() Policy { return Policy{kind: policyDrop} }

// DeadLetterTo writes failed items, as the original records with the
// reason, to dl (an S3 prefix with s3sink.NewDeadLetter, another stream
// with streamsink.NewDeadLetter) before checkpointing past them. A
// dead-letter write is retried like an emit; if it still fails, the shard
// blocks.
func DeadLetterTo(dl DeadLetter) Policy {
	if dl == nil {
		panic("connect: DeadLetterTo(nil)")
	}
	return Policy{kind: policyDeadLetter, dl: dl}
}

// String names the policy: "block", "drop" or "dead-letter".
func (p Policy) String() string {
	switch p.kind {
	case policyDrop:
		return "drop"
	case policyDeadLetter:
		return "dead-letter"
	}
	return "block"
}

// Stage says where in the pipeline an item failed.
type Stage string

// The stages at which an item can fail.
const (
	StageTransform  Stage = "transform"
	StageEmit       Stage = "emit"
	StageDeadLetter Stage = "dead-letter"
)

// Letter is a record that failed, as a DeadLetter stores it: the original
// record (its data unchanged, base64 in JSON), where it came from, and why
// it failed.
type Letter struct {
	StreamName        string    `json:"streamName"`
	ShardID           string    `json:"shardId"`
	SequenceNumber    string    `json:"sequenceNumber"`
	SubSequenceNumber int64     `json:"subSequenceNumber"`
	PartitionKey      string    `json:"partitionKey"`
	ArrivalTime       time.Time `json:"approximateArrivalTimestamp"`
	Data              []byte    `json:"data"`
	Stage             Stage     `json:"stage"`
	Reason            string    `json:"reason"`
}

// DeadLetter stores the records that failed. WriteLetters is called with
// the letters of one shard, in stream order, and reports the letters it
// could not store, as Emitter.Emit does; the pipeline retries them. It
// must be safe for concurrent use, and writing the same letters twice
// should overwrite rather than duplicate where the store allows it.
type DeadLetter interface {
	WriteLetters(ctx context.Context, letters []Letter) ([]Failure, error)
}

// ErrBlocked is matched (errors.Is) by every *BlockedError.
var ErrBlocked = errors.New("connect: shard blocked")

// BlockedError reports a shard stopped by the Block policy (or by a
// dead-letter write that kept failing): the record at which it stopped and
// why.
type BlockedError struct {
	ShardID           string
	SequenceNumber    string
	SubSequenceNumber int64
	Stage             Stage
	// Err is the reason the item failed.
	Err error
}

func (e *BlockedError) Error() string {
	return fmt.Sprintf("connect: shard %s blocked at record %s/%d (%s): %v",
		e.ShardID, e.SequenceNumber, e.SubSequenceNumber, e.Stage, e.Err)
}

// Unwrap returns the reason.
func (e *BlockedError) Unwrap() error { return e.Err }

// Is reports whether target is ErrBlocked.
func (e *BlockedError) Is(target error) bool { return target == ErrBlocked }
