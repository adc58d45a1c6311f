package wire

// This file holds the values of the model's enumerations that requests and
// responses carry. The constraints of request members (patterns, lengths,
// ranges, enumerations) are in internal/constraint, shared with the engine.

// Stream modes (StreamMode).
const (
	StreamModeProvisioned = "PROVISIONED"
	StreamModeOnDemand    = "ON_DEMAND"
)

// Stream statuses (StreamStatus).
const (
	StreamStatusCreating = "CREATING"
	StreamStatusDeleting = "DELETING"
	StreamStatusActive   = "ACTIVE"
	StreamStatusUpdating = "UPDATING"
)

// Consumer statuses (ConsumerStatus).
const (
	ConsumerStatusCreating = "CREATING"
	ConsumerStatusDeleting = "DELETING"
	ConsumerStatusActive   = "ACTIVE"
)

// Shard iterator types (ShardIteratorType), also used by StartingPosition.
const (
	ShardIteratorTypeAtSequenceNumber    = "AT_SEQUENCE_NUMBER"
	ShardIteratorTypeAfterSequenceNumber = "AFTER_SEQUENCE_NUMBER"
	ShardIteratorTypeTrimHorizon         = "TRIM_HORIZON"
	ShardIteratorTypeLatest              = "LATEST"
	ShardIteratorTypeAtTimestamp         = "AT_TIMESTAMP"
)

// ListShards filter types (ShardFilterType).
const (
	ShardFilterTypeAfterShardID    = "AFTER_SHARD_ID"
	ShardFilterTypeAtTrimHorizon   = "AT_TRIM_HORIZON"
	ShardFilterTypeFromTrimHorizon = "FROM_TRIM_HORIZON"
	ShardFilterTypeAtLatest        = "AT_LATEST"
	ShardFilterTypeAtTimestamp     = "AT_TIMESTAMP"
	ShardFilterTypeFromTimestamp   = "FROM_TIMESTAMP"
)

// Encryption types (EncryptionType).
const (
	EncryptionTypeNone = "NONE"
	EncryptionTypeKMS  = "KMS"
)

// Scaling types of UpdateShardCount (ScalingType).
const (
	ScalingTypeUniformScaling = "UNIFORM_SCALING"
)

// Shard-level metric names (MetricsName).
const (
	MetricsIncomingBytes                      = "IncomingBytes"
	MetricsIncomingRecords                    = "IncomingRecords"
	MetricsOutgoingBytes                      = "OutgoingBytes"
	MetricsOutgoingRecords                    = "OutgoingRecords"
	MetricsWriteProvisionedThroughputExceeded = "WriteProvisionedThroughputExceeded"
	MetricsReadProvisionedThroughputExceeded  = "ReadProvisionedThroughputExceeded"
	MetricsIteratorAgeMilliseconds            = "IteratorAgeMilliseconds"
	MetricsAll                                = "ALL"
)

// Statuses of the minimum throughput billing commitment. Requests may only
// use Enabled and Disabled.
const (
	CommitmentStatusEnabled                     = "ENABLED"
	CommitmentStatusDisabled                    = "DISABLED"
	CommitmentStatusEnabledUntilEarliestAllowed = "ENABLED_UNTIL_EARLIEST_ALLOWED_END"
)
