// Package streamsink writes the batches of a connect.Pipeline into another
// Kinesis stream: to re-partition a stream, fan several streams into one,
// or feed a stream of transformed records.
//
// It writes with PutRecords through the small Putter interface, in
// freshet's types: a *freshet.Engine (in process) and a kinesissdk.Client
// (freshet serve or real Kinesis) both satisfy it. Each batch is sent in
// requests of at most 500 records and 5 MiB; a record that Kinesis fails
// alone (throttled, an internal failure) is reported to the pipeline as a
// connect.Failure and retried by it, alone.
//
// Kinesis has no idempotent writes: a record whose PutRecords result was
// lost (a timeout, a crash before the checkpoint) is written again, so the
// target stream receives every record at least once, as Kinesis producers
// do. Order within a partition key holds for records written in one
// PutRecords call; a record retried after a failure lands after the
// records of its call that succeeded.
package streamsink

import (
	"context"
	"errors"
	"fmt"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/internal/deadletter"
)

// Putter writes records to a stream. *freshet.Engine and
// kinesissdk.Client implement it.
type Putter interface {
	PutRecords(ctx context.Context, in *freshet.PutRecordsInput) (*freshet.PutRecordsOutput, error)
}

// Encoder returns the data of the record written for an item.
type Encoder[T any] func(item T) ([]byte, error)

// Partitioner returns the partition key, and optionally an explicit hash
// key, of the record written for an entry.
type Partitioner[T any] func(e *connect.Entry[T]) (partitionKey, explicitHashKey string)

// SourceKey is the default Partitioner: the source record's partition key,
// which keeps records of one key together and in order.
func SourceKey[T any](e *connect.Entry[T]) (string, string) { return e.PartitionKey, "" }

// Limits of PutRecords, as Kinesis documents them.
const (
	MaxRecordsPerRequest = 500
	MaxBytesPerRequest   = 5 << 20
	MaxRecordBytes       = 1 << 20
)

// Option configures an Emitter.
type Option[T any] func(*Emitter[T])

// WithPartitioner sets how records are keyed in the target stream.
// Default: SourceKey.
func WithPartitioner[T any](p Partitioner[T]) Option[T] {
	return func(e *Emitter[T]) { e.part = p }
}

// Emitter is a connect.Emitter that writes each item as a record of a
// stream. It is safe for concurrent use.
type Emitter[T any] struct {
	p      Putter
	stream string
	enc    Encoder[T]
	part   Partitioner[T]
}

// New returns an Emitter writing to stream through p, the data of each
// record made by enc.
func New[T any](p Putter, stream string, enc Encoder[T], opts ...Option[T]) *Emitter[T] {
	if p == nil || stream == "" || enc == nil {
		panic("streamsink: New needs a Putter, a stream and an Encoder")
	}
	e := &Emitter[T]{p: p, stream: stream, enc: enc, part: SourceKey[T]}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Bytes is the Encoder of items that are record data already.
func Bytes(item []byte) ([]byte, error) { return item, nil }

// Emit implements connect.Emitter. A record that cannot be encoded, is
// larger than Kinesis allows or is refused for a reason retrying cannot
// cure fails permanently; one throttled or failed internally fails to be
// retried. An error of a whole request (the stream does not exist, say)
// after some requests succeeded is reported as failures of the records of
// the failed requests, so the others are not written twice.
func (e *Emitter[T]) Emit(ctx context.Context, b *connect.Batch[T]) ([]connect.Failure, error) {
	var fails []connect.Failure
	var req []freshet.PutRecordsRequestEntry
	var idx []int
	size := 0
	sent := false
	flush := func() error {
		if len(req) == 0 {
			return nil
		}
		out, err := e.p.PutRecords(ctx, &freshet.PutRecordsInput{StreamName: e.stream, Records: req})
		if err != nil {
			if !sent {
				return err
			}
			for _, i := range idx {
				fails = append(fails, connect.Failure{Index: i, Err: err})
			}
		} else {
			sent = true
			for k, r := range out.Records {
				if r.ErrorCode != "" {
					fails = append(fails, connect.Failure{Index: idx[k], Err: &freshet.Error{Code: r.ErrorCode, Message: r.ErrorMessage}, Permanent: !retryable(r.ErrorCode)})
				}
			}
		}
		req, idx, size = req[:0:0], idx[:0:0], 0
		return nil
	}
	for i := range b.Entries {
		en := &b.Entries[i]
		data, err := e.enc(en.Item)
		if err != nil {
			fails = append(fails, connect.Failure{Index: i, Err: err, Permanent: true})
			continue
		}
		pk, ehk := e.part(en)
		n := len(data) + len(pk)
		if n > MaxRecordBytes || pk == "" || len(pk) > 256 {
			fails = append(fails, connect.Failure{Index: i, Permanent: true,
				Err: fmt.Errorf("streamsink: record of %d bytes with a partition key of %d characters cannot be written", n, len(pk))})
			continue
		}
		if len(req) == MaxRecordsPerRequest || size+n > MaxBytesPerRequest {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		req = append(req, freshet.PutRecordsRequestEntry{Data: data, PartitionKey: pk, ExplicitHashKey: ehk})
		idx = append(idx, i)
		size += n
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return fails, nil
}

// retryable reports whether a per-record PutRecords error can succeed on
// a retry: throttling or an internal failure. The other codes Kinesis
// documents for a record (the KMS errors of an encrypted stream) need an
// operator.
func retryable(code string) bool {
	switch code {
	case "ProvisionedThroughputExceededException", "InternalFailure", "InternalFailureException",
		"KMSThrottlingException", "ServiceUnavailable":
		return true
	}
	return false
}

// DeadLetter is a connect.DeadLetter that writes each failed record, as a
// JSON connect.Letter, to a stream, keyed by the original partition key.
// Letters written in a call that then failed may be written twice.
type DeadLetter struct {
	em *Emitter[connect.Letter]
}

// NewDeadLetter returns a DeadLetter writing to stream through p.
func NewDeadLetter(p Putter, stream string) *DeadLetter {
	return &DeadLetter{em: New(p, stream, func(l connect.Letter) ([]byte, error) { return marshalLetter(l) })}
}

// WriteLetters implements connect.DeadLetter.
func (d *DeadLetter) WriteLetters(ctx context.Context, letters []connect.Letter) ([]connect.Failure, error) {
	if len(letters) == 0 {
		return nil, nil
	}
	b := deadletter.Batch(letters)
	for i, e := range b.Entries {
		if e.PartitionKey == "" {
			b.Entries[i].PartitionKey = e.ShardID
		}
	}
	return d.em.Emit(ctx, b)
}

var errNoLetter = errors.New("streamsink: empty letter")

var (
	_ connect.Emitter[[]byte] = (*Emitter[[]byte])(nil)
	_ connect.DeadLetter      = (*DeadLetter)(nil)
	_ Putter                  = (*freshet.Engine)(nil)
)
