package wire

import "github.com/freshet-io/freshet"

// This file holds the structures that requests and responses share or nest,
// following the conventions of requests.go (for structures of requests) and
// responses.go (for structures of responses).

// ChildShard is a shard created by resharding a closed shard, reported by
// GetRecords and SubscribeToShard once the caller reaches the end of its parent.
type ChildShard struct {
	ShardId      string       `json:"ShardId"`
	ParentShards []string     `json:"ParentShards"`
	HashKeyRange HashKeyRange `json:"HashKeyRange"`
}

// Consumer is a registered enhanced fan-out consumer, as returned by
// RegisterStreamConsumer and ListStreamConsumers.
type Consumer struct {
	ConsumerName              string    `json:"ConsumerName"`
	ConsumerARN               string    `json:"ConsumerARN"`
	ConsumerStatus            string    `json:"ConsumerStatus"`
	ConsumerCreationTimestamp Timestamp `json:"ConsumerCreationTimestamp"`
}

// ConsumerDescription is a consumer as returned by DescribeStreamConsumer.
type ConsumerDescription struct {
	ConsumerName              string    `json:"ConsumerName"`
	ConsumerARN               string    `json:"ConsumerARN"`
	ConsumerStatus            string    `json:"ConsumerStatus"`
	ConsumerCreationTimestamp Timestamp `json:"ConsumerCreationTimestamp"`
	StreamARN                 string    `json:"StreamARN"`
}

// EnhancedMetrics lists the shard-level metrics enabled on a stream. Its
// list is emitted even when empty: Kinesis reports a stream without
// enhanced monitoring as [{"ShardLevelMetrics":[]}].
type EnhancedMetrics struct {
	ShardLevelMetrics []string `json:"ShardLevelMetrics"`
}

// HashKeyRange is the inclusive range of hash keys of a shard, as decimal
// strings.
type HashKeyRange struct {
	StartingHashKey string `json:"StartingHashKey"`
	EndingHashKey   string `json:"EndingHashKey"`
}

// MinimumThroughputBillingCommitmentInput is the account setting requested
// by UpdateAccountSettings.
type MinimumThroughputBillingCommitmentInput struct {
	Status *string `json:"Status,omitempty"` // required; MinimumThroughputBillingCommitmentInputStatus
}

// MinimumThroughputBillingCommitmentOutput is the account setting reported
// by DescribeAccountSettings and UpdateAccountSettings.
type MinimumThroughputBillingCommitmentOutput struct {
	Status               string     `json:"Status"`
	StartedAt            *Timestamp `json:"StartedAt,omitempty"`
	EndedAt              *Timestamp `json:"EndedAt,omitempty"`
	EarliestAllowedEndAt *Timestamp `json:"EarliestAllowedEndAt,omitempty"`
}

// PutRecordsRequestEntry is one record of a PutRecords request.
type PutRecordsRequestEntry struct {
	Data            []byte  `json:"Data,omitempty"`            // required; length 0-10485760
	ExplicitHashKey *string `json:"ExplicitHashKey,omitempty"` // 0|([1-9]\d{0,38})
	PartitionKey    *string `json:"PartitionKey,omitempty"`    // required; length 1-256
}

// PutRecordsResultEntry is the result for one record of PutRecords: either
// SequenceNumber and ShardId, or ErrorCode and ErrorMessage.
type PutRecordsResultEntry struct {
	SequenceNumber *string `json:"SequenceNumber,omitempty"`
	ShardId        *string `json:"ShardId,omitempty"`
	ErrorCode      *string `json:"ErrorCode,omitempty"`
	ErrorMessage   *string `json:"ErrorMessage,omitempty"`
}

// Record is a data record as returned by GetRecords and SubscribeToShard.
type Record struct {
	SequenceNumber              string     `json:"SequenceNumber"`
	ApproximateArrivalTimestamp *Timestamp `json:"ApproximateArrivalTimestamp,omitempty"`
	Data                        []byte     `json:"Data"`
	PartitionKey                string     `json:"PartitionKey"`
	EncryptionType              *string    `json:"EncryptionType,omitempty"`

	// Sequence, when SequenceNumber is empty, is encoded in its place: a
	// server answering 10,000 records sets it rather than formatting each
	// sequence number into a string first. Decoding leaves it zero.
	Sequence freshet.SequenceNumber
}

// SequenceNumberRange is the range of sequence numbers of a shard;
// EndingSequenceNumber is set only on closed shards.
type SequenceNumberRange struct {
	StartingSequenceNumber string  `json:"StartingSequenceNumber"`
	EndingSequenceNumber   *string `json:"EndingSequenceNumber,omitempty"`
}

// Shard describes one shard, as returned by DescribeStream and ListShards.
type Shard struct {
	ShardId               string              `json:"ShardId"`
	ParentShardId         *string             `json:"ParentShardId,omitempty"`
	AdjacentParentShardId *string             `json:"AdjacentParentShardId,omitempty"`
	HashKeyRange          HashKeyRange        `json:"HashKeyRange"`
	SequenceNumberRange   SequenceNumberRange `json:"SequenceNumberRange"`
}

// ShardFilter selects the shards ListShards returns.
type ShardFilter struct {
	Type      *string    `json:"Type,omitempty"`    // required; ShardFilterType
	ShardId   *string    `json:"ShardId,omitempty"` // length 1-128; [a-zA-Z0-9_.-]+
	Timestamp *Timestamp `json:"Timestamp,omitempty"`
}

// StartingPosition is where a SubscribeToShard subscription starts.
type StartingPosition struct {
	Type           *string    `json:"Type,omitempty"`           // required; ShardIteratorType
	SequenceNumber *string    `json:"SequenceNumber,omitempty"` // 0|([1-9]\d{0,128})
	Timestamp      *Timestamp `json:"Timestamp,omitempty"`
}

// StreamDescription describes a stream, as returned by DescribeStream.
type StreamDescription struct {
	StreamName              string             `json:"StreamName"`
	StreamARN               string             `json:"StreamARN"`
	StreamStatus            string             `json:"StreamStatus"`
	StreamModeDetails       *StreamModeDetails `json:"StreamModeDetails,omitempty"`
	Shards                  []Shard            `json:"Shards"`
	HasMoreShards           bool               `json:"HasMoreShards"`
	RetentionPeriodHours    int32              `json:"RetentionPeriodHours"`
	StreamCreationTimestamp Timestamp          `json:"StreamCreationTimestamp"`
	EnhancedMonitoring      []EnhancedMetrics  `json:"EnhancedMonitoring"`
	EncryptionType          *string            `json:"EncryptionType,omitempty"`
	KeyId                   *string            `json:"KeyId,omitempty"`
}

// StreamDescriptionSummary describes a stream without its shards, as
// returned by DescribeStreamSummary.
type StreamDescriptionSummary struct {
	StreamName              string                `json:"StreamName"`
	StreamARN               string                `json:"StreamARN"`
	StreamId                *string               `json:"StreamId,omitempty"`
	StreamStatus            string                `json:"StreamStatus"`
	StreamModeDetails       *StreamModeDetails    `json:"StreamModeDetails,omitempty"`
	RetentionPeriodHours    int32                 `json:"RetentionPeriodHours"`
	StreamCreationTimestamp Timestamp             `json:"StreamCreationTimestamp"`
	EnhancedMonitoring      []EnhancedMetrics     `json:"EnhancedMonitoring"`
	EncryptionType          *string               `json:"EncryptionType,omitempty"`
	KeyId                   *string               `json:"KeyId,omitempty"`
	OpenShardCount          int32                 `json:"OpenShardCount"`
	ConsumerCount           *int32                `json:"ConsumerCount,omitempty"`
	WarmThroughput          *WarmThroughputObject `json:"WarmThroughput,omitempty"`
	MaxRecordSizeInKiB      *int32                `json:"MaxRecordSizeInKiB,omitempty"`
}

// StreamModeDetails holds the capacity mode of a stream. It appears in both
// requests and responses, so its member is a pointer.
type StreamModeDetails struct {
	StreamMode *string `json:"StreamMode,omitempty"` // required; StreamMode
}

// StreamSummary is one stream of a ListStreams response.
type StreamSummary struct {
	StreamName              string             `json:"StreamName"`
	StreamARN               string             `json:"StreamARN"`
	StreamStatus            string             `json:"StreamStatus"`
	StreamModeDetails       *StreamModeDetails `json:"StreamModeDetails,omitempty"`
	StreamCreationTimestamp *Timestamp         `json:"StreamCreationTimestamp,omitempty"`
}

// SubscribeToShardEvent is the payload of one SubscribeToShardEvent message
// of a SubscribeToShard event stream. ContinuationSequenceNumber is absent
// on the final event of a closed shard (the model marks it required, but
// clients read its absence as the end of the shard).
type SubscribeToShardEvent struct {
	Records                    []Record     `json:"Records"`
	ContinuationSequenceNumber *string      `json:"ContinuationSequenceNumber,omitempty"`
	MillisBehindLatest         int64        `json:"MillisBehindLatest"`
	ChildShards                []ChildShard `json:"ChildShards,omitempty"`
}

// Tag is a tag as returned by ListTagsForStream and ListTagsForResource.
type Tag struct {
	Key   string  `json:"Key"`
	Value *string `json:"Value,omitempty"`
}

// WarmThroughputObject is the warm throughput of an on-demand stream, in MiB/s.
type WarmThroughputObject struct {
	TargetMiBps  *int32 `json:"TargetMiBps,omitempty"`
	CurrentMiBps *int32 `json:"CurrentMiBps,omitempty"`
}

// EnhancedMonitoringResponse is the output of EnableEnhancedMonitoring and
// DisableEnhancedMonitoring (the model's EnhancedMonitoringOutput). The
// metric lists are emitted even when empty.
type EnhancedMonitoringResponse struct {
	StreamName               *string  `json:"StreamName,omitempty"`
	CurrentShardLevelMetrics []string `json:"CurrentShardLevelMetrics"`
	DesiredShardLevelMetrics []string `json:"DesiredShardLevelMetrics"`
	StreamARN                *string  `json:"StreamARN,omitempty"`
}
