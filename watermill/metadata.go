package kinesiswm

// Metadata keys. The Subscriber sets the Metadata* keys on every message it
// delivers, replacing values of the same name carried in the envelope; the
// Publisher reads MetadataPartitionKey.
const (
	// MetadataPartitionKey is the Kinesis partition key of a record. The
	// Publisher writes a message under this key's value, if set (see
	// DefaultPartitionKey); the Subscriber sets it to the key the record was
	// written with. A message consumed and published again therefore keeps
	// its partition key, and its order relative to messages of the same key.
	MetadataPartitionKey = "kinesis_partition_key"
	// MetadataStream is the stream (topic) the message was read from.
	MetadataStream = "kinesis_stream"
	// MetadataShardID is the shard the message was read from.
	MetadataShardID = "kinesis_shard_id"
	// MetadataSequenceNumber is the record's sequence number, in decimal.
	MetadataSequenceNumber = "kinesis_sequence_number"
	// MetadataSubSequenceNumber is the position of a user record within a
	// KPL aggregate; it is set only on messages de-aggregated from one.
	MetadataSubSequenceNumber = "kinesis_sub_sequence_number"
	// MetadataArrivalTime is when Kinesis accepted the record (its
	// ApproximateArrivalTimestamp), in RFC 3339 with nanoseconds, UTC.
	MetadataArrivalTime = "kinesis_arrival_time"
	// MetadataDeliveryAttempt counts the deliveries of this record to this
	// subscription, from 1: a message redelivered after a Nack has 2, and
	// so on. It restarts at 1 when another worker takes the shard over.
	MetadataDeliveryAttempt = "kinesis_delivery_attempt"
	// MetadataRaw is "true" on a message built from a record that was not
	// an envelope (raw mode): its payload is the record data, its UUID is
	// derived from the shard and sequence number, and it has no other
	// metadata than the kinesis_* keys.
	MetadataRaw = "kinesis_raw"
	// MetadataPoisonReason is set by DeadLetterStream on the message it
	// publishes: why the message was given up on.
	MetadataPoisonReason = "kinesis_poison_reason"
)
