package kinesiswm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/freshet-io/freshet"
)

// RecordPutter writes records, as the Kinesis PutRecords operation, in
// freshet's types. A *freshet.Engine satisfies it (in process, no HTTP), and
// so does a *kinesissdk.Client (an AWS SDK client of freshet serve or of
// real Kinesis).
type RecordPutter interface {
	PutRecords(ctx context.Context, in *freshet.PutRecordsInput) (*freshet.PutRecordsOutput, error)
}

// An in-process engine is a RecordPutter.
var _ RecordPutter = (*freshet.Engine)(nil)

// ErrPublisherClosed is returned by Publish after Close.
var ErrPublisherClosed = errors.New("kinesiswm: publisher closed")

// Limits of one PutRecords call.
const (
	// MaxBatchRecords is the most records one PutRecords call takes.
	MaxBatchRecords = 500
	// MaxBatchBytes is the most bytes (data and partition keys) the
	// Publisher puts in one PutRecords call: the 5 MiB request limit of
	// Kinesis.
	MaxBatchBytes = 5 << 20
)

// PartitionKeyFunc returns the partition key under which msg is written to
// the stream topic. Kinesis routes records by the MD5 hash of their key, and
// keeps the records of one key in order.
type PartitionKeyFunc func(topic string, msg *message.Message) (string, error)

// DefaultPartitionKey is the default PartitionKeyFunc: the message's
// MetadataPartitionKey ("kinesis_partition_key") if set, else its UUID.
// Messages with distinct UUIDs therefore spread evenly over the shards;
// set the metadata key to keep related messages in one shard, in order.
func DefaultPartitionKey(_ string, msg *message.Message) (string, error) {
	if k := msg.Metadata.Get(MetadataPartitionKey); k != "" {
		return k, nil
	}
	if msg.UUID == "" {
		return "", errors.New("kinesiswm: message has neither a UUID nor a partition key")
	}
	return msg.UUID, nil
}

// PublisherConfig configures a Publisher. Only Client is required.
type PublisherConfig struct {
	// Client writes the records: a *freshet.Engine or a
	// *kinesissdk.Client.
	Client RecordPutter

	// PartitionKey picks each message's partition key. Default:
	// DefaultPartitionKey.
	PartitionKey PartitionKeyFunc

	// Raw writes only each message's payload as the record data, without
	// the envelope, for consumers that are not Watermill subscribers. The
	// UUID and metadata are then lost. Default: false (envelope).
	Raw bool

	// MaxBatchRecords caps the records of one PutRecords call, 1 to 500.
	// Default: 500.
	MaxBatchRecords int

	// MaxRetries caps how many times records that failed (throttled,
	// or an internal failure) are put again, each time after a pause of
	// RetryBackoff; a call that fails as a whole with a retryable error
	// (throttling, internal failure, service unavailable) counts the same.
	// Default: 10. A negative value means no retry.
	MaxRetries int
	// RetryBackoff sets the pauses between retries. Default: 100 ms,
	// doubling up to 5 s.
	RetryBackoff Backoff

	// AutoCreate, if set, creates each stream the first time it is
	// published to, with AutoCreateShards shards, and waits until it is
	// ACTIVE. A *freshet.Engine is a StreamCreator. Default: nil (streams
	// must exist).
	AutoCreate StreamCreator
	// AutoCreateShards is the shard count of streams made by AutoCreate.
	// Default: 1.
	AutoCreateShards int

	// Clock times the retry pauses. Default: freshet.SystemClock.
	Clock freshet.Clock
	// Logger receives the publisher's logs. Default: watermill.NopLogger.
	Logger watermill.LoggerAdapter
}

func (c *PublisherConfig) setDefaults() error {
	if c.Client == nil {
		return errors.New("kinesiswm: PublisherConfig.Client is required")
	}
	if c.PartitionKey == nil {
		c.PartitionKey = DefaultPartitionKey
	}
	if c.MaxBatchRecords <= 0 || c.MaxBatchRecords > MaxBatchRecords {
		c.MaxBatchRecords = MaxBatchRecords
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 10
	}
	c.MaxRetries = max(c.MaxRetries, 0)
	c.RetryBackoff = c.RetryBackoff.withDefaults(100*time.Millisecond, 5*time.Second)
	if c.Clock == nil {
		c.Clock = freshet.SystemClock{}
	}
	if c.Logger == nil {
		c.Logger = watermill.NopLogger{}
	}
	return nil
}

// Publisher is a Watermill message.Publisher that writes messages to Kinesis
// streams: the topic is the stream name. Each message becomes one record,
// in the envelope format (see MarshalEnvelope) or, in raw mode, its payload
// alone. Messages are written with PutRecords, up to 500 per call; records
// that fail are put again with backoff.
//
// Publish returns once every message is written. Within one Publish call,
// messages of one partition key are written in order, except that a record
// put again after a failure lands after the records that succeeded: when
// strict order matters under throttling, publish one message at a time.
//
// A Publisher is safe for concurrent use.
type Publisher struct {
	cfg     PublisherConfig
	streams *streamMaker

	mu       sync.RWMutex
	closed   bool
	inflight sync.WaitGroup
}

// NewPublisher returns a Publisher.
func NewPublisher(cfg PublisherConfig) (*Publisher, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	return &Publisher{cfg: cfg, streams: newStreamMaker(cfg.AutoCreate, cfg.AutoCreateShards, cfg.Clock)}, nil
}

// Publish writes msgs to the stream named topic, in order, and returns when
// all are written. On error, some messages may have been written: Watermill
// publishing is at least once.
func (p *Publisher) Publish(topic string, msgs ...*message.Message) error {
	p.mu.RLock()
	if p.closed {
		p.mu.RUnlock()
		return ErrPublisherClosed
	}
	p.inflight.Add(1)
	p.mu.RUnlock()
	defer p.inflight.Done()

	if len(msgs) == 0 {
		return nil
	}
	ctx := context.Background()
	if err := p.streams.ensure(ctx, topic); err != nil {
		return err
	}
	entries := make([]freshet.PutRecordsRequestEntry, len(msgs))
	for i, msg := range msgs {
		key, err := p.cfg.PartitionKey(topic, msg)
		if err != nil {
			return fmt.Errorf("kinesiswm: partition key of message %s: %w", msg.UUID, err)
		}
		data := msg.Payload
		if !p.cfg.Raw {
			data = MarshalEnvelope(msg)
		}
		entries[i] = freshet.PutRecordsRequestEntry{Data: data, PartitionKey: key}
	}
	for start := 0; start < len(entries); {
		end, size := start, 0
		for end < len(entries) && end-start < p.cfg.MaxBatchRecords {
			n := len(entries[end].Data) + len(entries[end].PartitionKey)
			if end > start && size+n > MaxBatchBytes {
				break
			}
			size += n
			end++
		}
		if err := p.put(ctx, topic, entries[start:end]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// put writes one batch, putting failed records again until none fails or
// the retries are spent.
func (p *Publisher) put(ctx context.Context, topic string, entries []freshet.PutRecordsRequestEntry) error {
	for attempt := 0; ; attempt++ {
		out, err := p.cfg.Client.PutRecords(ctx, &freshet.PutRecordsInput{StreamName: topic, Records: entries})
		var failed []freshet.PutRecordsRequestEntry
		var lastFailure string
		switch {
		case err != nil && !retryable(errorCode(err)):
			return fmt.Errorf("kinesiswm: PutRecords to %s: %w", topic, err)
		case err != nil:
			failed, lastFailure = entries, err.Error()
		case out.FailedRecordCount > 0:
			if len(out.Records) != len(entries) {
				return fmt.Errorf("kinesiswm: PutRecords to %s answered %d results for %d records", topic, len(out.Records), len(entries))
			}
			for i, r := range out.Records {
				if r.ErrorCode == "" {
					continue
				}
				if !retryable(r.ErrorCode) {
					return fmt.Errorf("kinesiswm: PutRecords to %s: record %d failed: %s: %s", topic, i, r.ErrorCode, r.ErrorMessage)
				}
				failed = append(failed, entries[i])
				lastFailure = r.ErrorCode + ": " + r.ErrorMessage
			}
		}
		if len(failed) == 0 {
			return nil
		}
		if attempt >= p.cfg.MaxRetries {
			return fmt.Errorf("kinesiswm: PutRecords to %s: %d records still failing after %d retries, last: %s", topic, len(failed), attempt, lastFailure)
		}
		pause := p.cfg.RetryBackoff.pause(attempt + 1)
		p.cfg.Logger.Debug("Retrying failed records", watermill.LogFields{"topic": topic, "records": len(failed), "pause": pause.String(), "error": lastFailure})
		if err := sleep(ctx, p.cfg.Clock, pause, nil); err != nil {
			return err
		}
		entries = failed
	}
}

// Close stops accepting messages and waits for the Publish calls in
// progress to return. It is idempotent.
func (p *Publisher) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.inflight.Wait()
	return nil
}

// errorCode returns the Kinesis error code of err: the Code of a
// *freshet.Error (kinesissdk's errors carry one too), or "".
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

// retryable reports whether a Kinesis error code is worth a retry.
func retryable(code string) bool {
	switch code {
	case "ProvisionedThroughputExceededException", "LimitExceededException",
		"KMSThrottlingException", "InternalFailure", "InternalFailureException",
		"ServiceUnavailable", "ThrottlingException":
		return true
	}
	return false
}
