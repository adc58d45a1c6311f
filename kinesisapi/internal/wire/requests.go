package wire

// This file holds the request struct of every operation, members in model
// order. Every member is a pointer, slice or map, nil when absent (or null);
// the comments give the model's constraints, which Validate checks. Enum
// members are strings; their values are the constants of shapes.go.

// AddTagsToStreamRequest is the input of AddTagsToStream.
type AddTagsToStreamRequest struct {
	StreamName *string           `json:"StreamName,omitempty"` // length 1-128; [a-zA-Z0-9_.-]+
	Tags       map[string]string `json:"Tags,omitempty"`       // required; length 1-200
	StreamARN  *string           `json:"StreamARN,omitempty"`  // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId   *string           `json:"StreamId,omitempty"`   // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// CreateStreamRequest is the input of CreateStream.
type CreateStreamRequest struct {
	StreamName          *string            `json:"StreamName,omitempty"` // required; length 1-128; [a-zA-Z0-9_.-]+
	ShardCount          *int32             `json:"ShardCount,omitempty"` // >= 1
	StreamModeDetails   *StreamModeDetails `json:"StreamModeDetails,omitempty"`
	Tags                map[string]string  `json:"Tags,omitempty"`                // length 1-200
	WarmThroughputMiBps *int32             `json:"WarmThroughputMiBps,omitempty"` // >= 0
	MaxRecordSizeInKiB  *int32             `json:"MaxRecordSizeInKiB,omitempty"`  // 1024-10240
}

// DecreaseStreamRetentionPeriodRequest is the input of DecreaseStreamRetentionPeriod.
type DecreaseStreamRetentionPeriodRequest struct {
	StreamName           *string `json:"StreamName,omitempty"`           // length 1-128; [a-zA-Z0-9_.-]+
	RetentionPeriodHours *int32  `json:"RetentionPeriodHours,omitempty"` // required
	StreamARN            *string `json:"StreamARN,omitempty"`            // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId             *string `json:"StreamId,omitempty"`             // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// DeleteResourcePolicyRequest is the input of DeleteResourcePolicy.
type DeleteResourcePolicyRequest struct {
	ResourceARN *string `json:"ResourceARN,omitempty"` // required; length 1-2048; arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+
	StreamId    *string `json:"StreamId,omitempty"`    // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// DeleteStreamRequest is the input of DeleteStream.
type DeleteStreamRequest struct {
	StreamName              *string `json:"StreamName,omitempty"` // length 1-128; [a-zA-Z0-9_.-]+
	EnforceConsumerDeletion *bool   `json:"EnforceConsumerDeletion,omitempty"`
	StreamARN               *string `json:"StreamARN,omitempty"` // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId                *string `json:"StreamId,omitempty"`  // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// DeregisterStreamConsumerRequest is the input of DeregisterStreamConsumer.
type DeregisterStreamConsumerRequest struct {
	StreamARN    *string `json:"StreamARN,omitempty"`    // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	ConsumerName *string `json:"ConsumerName,omitempty"` // length 1-128; [a-zA-Z0-9_.-]+
	ConsumerARN  *string `json:"ConsumerARN,omitempty"`  // length 1-2048; ^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+
	StreamId     *string `json:"StreamId,omitempty"`     // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// DescribeAccountSettingsRequest is the input of DescribeAccountSettings.
type DescribeAccountSettingsRequest struct{}

// DescribeLimitsRequest is the input of DescribeLimits.
type DescribeLimitsRequest struct{}

// DescribeStreamRequest is the input of DescribeStream.
type DescribeStreamRequest struct {
	StreamName            *string `json:"StreamName,omitempty"`            // length 1-128; [a-zA-Z0-9_.-]+
	Limit                 *int32  `json:"Limit,omitempty"`                 // 1-10000
	ExclusiveStartShardId *string `json:"ExclusiveStartShardId,omitempty"` // length 1-128; [a-zA-Z0-9_.-]+
	StreamARN             *string `json:"StreamARN,omitempty"`             // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId              *string `json:"StreamId,omitempty"`              // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// DescribeStreamConsumerRequest is the input of DescribeStreamConsumer.
type DescribeStreamConsumerRequest struct {
	StreamARN    *string `json:"StreamARN,omitempty"`    // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	ConsumerName *string `json:"ConsumerName,omitempty"` // length 1-128; [a-zA-Z0-9_.-]+
	ConsumerARN  *string `json:"ConsumerARN,omitempty"`  // length 1-2048; ^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+
	StreamId     *string `json:"StreamId,omitempty"`     // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// DescribeStreamSummaryRequest is the input of DescribeStreamSummary.
type DescribeStreamSummaryRequest struct {
	StreamName *string `json:"StreamName,omitempty"` // length 1-128; [a-zA-Z0-9_.-]+
	StreamARN  *string `json:"StreamARN,omitempty"`  // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId   *string `json:"StreamId,omitempty"`   // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// DisableEnhancedMonitoringRequest is the input of DisableEnhancedMonitoring.
type DisableEnhancedMonitoringRequest struct {
	StreamName        *string  `json:"StreamName,omitempty"`        // length 1-128; [a-zA-Z0-9_.-]+
	ShardLevelMetrics []string `json:"ShardLevelMetrics,omitempty"` // required; length 1-7
	StreamARN         *string  `json:"StreamARN,omitempty"`         // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId          *string  `json:"StreamId,omitempty"`          // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// EnableEnhancedMonitoringRequest is the input of EnableEnhancedMonitoring.
type EnableEnhancedMonitoringRequest struct {
	StreamName        *string  `json:"StreamName,omitempty"`        // length 1-128; [a-zA-Z0-9_.-]+
	ShardLevelMetrics []string `json:"ShardLevelMetrics,omitempty"` // required; length 1-7
	StreamARN         *string  `json:"StreamARN,omitempty"`         // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId          *string  `json:"StreamId,omitempty"`          // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// GetRecordsRequest is the input of GetRecords.
type GetRecordsRequest struct {
	ShardIterator *string `json:"ShardIterator,omitempty"` // required; length 1-512
	Limit         *int32  `json:"Limit,omitempty"`         // 1-10000
	StreamARN     *string `json:"StreamARN,omitempty"`     // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId      *string `json:"StreamId,omitempty"`      // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
	DryRun        *bool   `json:"DryRun,omitempty"`        // aws-sdk-go-v2 only, not in the published model
}

// GetResourcePolicyRequest is the input of GetResourcePolicy.
type GetResourcePolicyRequest struct {
	ResourceARN *string `json:"ResourceARN,omitempty"` // required; length 1-2048; arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+
	StreamId    *string `json:"StreamId,omitempty"`    // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// GetShardIteratorRequest is the input of GetShardIterator.
type GetShardIteratorRequest struct {
	StreamName             *string    `json:"StreamName,omitempty"`             // length 1-128; [a-zA-Z0-9_.-]+
	ShardId                *string    `json:"ShardId,omitempty"`                // required; length 1-128; [a-zA-Z0-9_.-]+
	ShardIteratorType      *string    `json:"ShardIteratorType,omitempty"`      // required; ShardIteratorType
	StartingSequenceNumber *string    `json:"StartingSequenceNumber,omitempty"` // 0|([1-9]\d{0,128})
	Timestamp              *Timestamp `json:"Timestamp,omitempty"`
	StreamARN              *string    `json:"StreamARN,omitempty"` // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId               *string    `json:"StreamId,omitempty"`  // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
	DryRun                 *bool      `json:"DryRun,omitempty"`    // aws-sdk-go-v2 only, not in the published model
}

// IncreaseStreamRetentionPeriodRequest is the input of IncreaseStreamRetentionPeriod.
type IncreaseStreamRetentionPeriodRequest struct {
	StreamName           *string `json:"StreamName,omitempty"`           // length 1-128; [a-zA-Z0-9_.-]+
	RetentionPeriodHours *int32  `json:"RetentionPeriodHours,omitempty"` // required
	StreamARN            *string `json:"StreamARN,omitempty"`            // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId             *string `json:"StreamId,omitempty"`             // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// ListShardsRequest is the input of ListShards.
type ListShardsRequest struct {
	StreamName              *string      `json:"StreamName,omitempty"`            // length 1-128; [a-zA-Z0-9_.-]+
	NextToken               *string      `json:"NextToken,omitempty"`             // length 1-1048576
	ExclusiveStartShardId   *string      `json:"ExclusiveStartShardId,omitempty"` // length 1-128; [a-zA-Z0-9_.-]+
	MaxResults              *int32       `json:"MaxResults,omitempty"`            // 1-10000
	StreamCreationTimestamp *Timestamp   `json:"StreamCreationTimestamp,omitempty"`
	ShardFilter             *ShardFilter `json:"ShardFilter,omitempty"`
	StreamARN               *string      `json:"StreamARN,omitempty"` // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId                *string      `json:"StreamId,omitempty"`  // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// ListStreamConsumersRequest is the input of ListStreamConsumers.
type ListStreamConsumersRequest struct {
	StreamARN               *string    `json:"StreamARN,omitempty"`  // required; length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	NextToken               *string    `json:"NextToken,omitempty"`  // length 1-1048576
	MaxResults              *int32     `json:"MaxResults,omitempty"` // 1-10000
	StreamCreationTimestamp *Timestamp `json:"StreamCreationTimestamp,omitempty"`
	StreamId                *string    `json:"StreamId,omitempty"` // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// ListStreamsRequest is the input of ListStreams.
type ListStreamsRequest struct {
	Limit                    *int32  `json:"Limit,omitempty"`                    // 1-10000
	ExclusiveStartStreamName *string `json:"ExclusiveStartStreamName,omitempty"` // length 1-128; [a-zA-Z0-9_.-]+
	NextToken                *string `json:"NextToken,omitempty"`                // length 1-1048576
}

// ListTagsForResourceRequest is the input of ListTagsForResource.
type ListTagsForResourceRequest struct {
	ResourceARN *string `json:"ResourceARN,omitempty"` // required; length 1-2048; arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+
	StreamId    *string `json:"StreamId,omitempty"`    // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// ListTagsForStreamRequest is the input of ListTagsForStream.
type ListTagsForStreamRequest struct {
	StreamName           *string `json:"StreamName,omitempty"`           // length 1-128; [a-zA-Z0-9_.-]+
	ExclusiveStartTagKey *string `json:"ExclusiveStartTagKey,omitempty"` // length 1-128
	Limit                *int32  `json:"Limit,omitempty"`                // 1-50
	StreamARN            *string `json:"StreamARN,omitempty"`            // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId             *string `json:"StreamId,omitempty"`             // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// MergeShardsRequest is the input of MergeShards.
type MergeShardsRequest struct {
	StreamName           *string `json:"StreamName,omitempty"`           // length 1-128; [a-zA-Z0-9_.-]+
	ShardToMerge         *string `json:"ShardToMerge,omitempty"`         // required; length 1-128; [a-zA-Z0-9_.-]+
	AdjacentShardToMerge *string `json:"AdjacentShardToMerge,omitempty"` // required; length 1-128; [a-zA-Z0-9_.-]+
	StreamARN            *string `json:"StreamARN,omitempty"`            // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId             *string `json:"StreamId,omitempty"`             // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// PutRecordRequest is the input of PutRecord.
type PutRecordRequest struct {
	StreamName                *string `json:"StreamName,omitempty"`                // length 1-128; [a-zA-Z0-9_.-]+
	Data                      []byte  `json:"Data,omitempty"`                      // required; length 0-10485760
	PartitionKey              *string `json:"PartitionKey,omitempty"`              // required; length 1-256
	ExplicitHashKey           *string `json:"ExplicitHashKey,omitempty"`           // 0|([1-9]\d{0,38})
	SequenceNumberForOrdering *string `json:"SequenceNumberForOrdering,omitempty"` // 0|([1-9]\d{0,128})
	StreamARN                 *string `json:"StreamARN,omitempty"`                 // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId                  *string `json:"StreamId,omitempty"`                  // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
	DryRun                    *bool   `json:"DryRun,omitempty"`                    // aws-sdk-go-v2 only, not in the published model
}

// PutRecordsRequest is the input of PutRecords.
type PutRecordsRequest struct {
	Records    []PutRecordsRequestEntry `json:"Records,omitempty"`    // required; length 1-500
	StreamName *string                  `json:"StreamName,omitempty"` // length 1-128; [a-zA-Z0-9_.-]+
	StreamARN  *string                  `json:"StreamARN,omitempty"`  // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId   *string                  `json:"StreamId,omitempty"`   // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
	DryRun     *bool                    `json:"DryRun,omitempty"`     // aws-sdk-go-v2 only, not in the published model
}

// PutResourcePolicyRequest is the input of PutResourcePolicy.
type PutResourcePolicyRequest struct {
	ResourceARN *string `json:"ResourceARN,omitempty"` // required; length 1-2048; arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+
	StreamId    *string `json:"StreamId,omitempty"`    // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
	Policy      *string `json:"Policy,omitempty"`      // required
}

// RegisterStreamConsumerRequest is the input of RegisterStreamConsumer.
type RegisterStreamConsumerRequest struct {
	StreamARN    *string           `json:"StreamARN,omitempty"`    // required; length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	ConsumerName *string           `json:"ConsumerName,omitempty"` // required; length 1-128; [a-zA-Z0-9_.-]+
	StreamId     *string           `json:"StreamId,omitempty"`     // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
	Tags         map[string]string `json:"Tags,omitempty"`         // length 1-200
}

// RemoveTagsFromStreamRequest is the input of RemoveTagsFromStream.
type RemoveTagsFromStreamRequest struct {
	StreamName *string  `json:"StreamName,omitempty"` // length 1-128; [a-zA-Z0-9_.-]+
	TagKeys    []string `json:"TagKeys,omitempty"`    // required; length 1-50
	StreamARN  *string  `json:"StreamARN,omitempty"`  // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId   *string  `json:"StreamId,omitempty"`   // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// SplitShardRequest is the input of SplitShard.
type SplitShardRequest struct {
	StreamName         *string `json:"StreamName,omitempty"`         // length 1-128; [a-zA-Z0-9_.-]+
	ShardToSplit       *string `json:"ShardToSplit,omitempty"`       // required; length 1-128; [a-zA-Z0-9_.-]+
	NewStartingHashKey *string `json:"NewStartingHashKey,omitempty"` // required; 0|([1-9]\d{0,38})
	StreamARN          *string `json:"StreamARN,omitempty"`          // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId           *string `json:"StreamId,omitempty"`           // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// StartStreamEncryptionRequest is the input of StartStreamEncryption.
type StartStreamEncryptionRequest struct {
	StreamName     *string `json:"StreamName,omitempty"`     // length 1-128; [a-zA-Z0-9_.-]+
	EncryptionType *string `json:"EncryptionType,omitempty"` // required; EncryptionType
	KeyId          *string `json:"KeyId,omitempty"`          // required; length 1-2048
	StreamARN      *string `json:"StreamARN,omitempty"`      // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId       *string `json:"StreamId,omitempty"`       // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// StopStreamEncryptionRequest is the input of StopStreamEncryption.
type StopStreamEncryptionRequest struct {
	StreamName     *string `json:"StreamName,omitempty"`     // length 1-128; [a-zA-Z0-9_.-]+
	EncryptionType *string `json:"EncryptionType,omitempty"` // required; EncryptionType
	KeyId          *string `json:"KeyId,omitempty"`          // required; length 1-2048
	StreamARN      *string `json:"StreamARN,omitempty"`      // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId       *string `json:"StreamId,omitempty"`       // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// SubscribeToShardRequest is the input of SubscribeToShard.
type SubscribeToShardRequest struct {
	ConsumerARN      *string           `json:"ConsumerARN,omitempty"`      // required; length 1-2048; ^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+
	StreamId         *string           `json:"StreamId,omitempty"`         // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
	ShardId          *string           `json:"ShardId,omitempty"`          // required; length 1-128; [a-zA-Z0-9_.-]+
	StartingPosition *StartingPosition `json:"StartingPosition,omitempty"` // required
	DryRun           *bool             `json:"DryRun,omitempty"`           // aws-sdk-go-v2 only, not in the published model
}

// TagResourceRequest is the input of TagResource.
type TagResourceRequest struct {
	Tags        map[string]string `json:"Tags,omitempty"`        // required; length 1-200
	ResourceARN *string           `json:"ResourceARN,omitempty"` // required; length 1-2048; arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+
	StreamId    *string           `json:"StreamId,omitempty"`    // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// UntagResourceRequest is the input of UntagResource.
type UntagResourceRequest struct {
	TagKeys     []string `json:"TagKeys,omitempty"`     // required; length 1-50
	ResourceARN *string  `json:"ResourceARN,omitempty"` // required; length 1-2048; arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+
	StreamId    *string  `json:"StreamId,omitempty"`    // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// UpdateAccountSettingsRequest is the input of UpdateAccountSettings.
type UpdateAccountSettingsRequest struct {
	MinimumThroughputBillingCommitment *MinimumThroughputBillingCommitmentInput `json:"MinimumThroughputBillingCommitment,omitempty"` // required
}

// UpdateMaxRecordSizeRequest is the input of UpdateMaxRecordSize.
type UpdateMaxRecordSizeRequest struct {
	StreamARN          *string `json:"StreamARN,omitempty"`          // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId           *string `json:"StreamId,omitempty"`           // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
	MaxRecordSizeInKiB *int32  `json:"MaxRecordSizeInKiB,omitempty"` // required; 1024-10240
}

// UpdateShardCountRequest is the input of UpdateShardCount.
type UpdateShardCountRequest struct {
	StreamName       *string `json:"StreamName,omitempty"`       // length 1-128; [a-zA-Z0-9_.-]+
	TargetShardCount *int32  `json:"TargetShardCount,omitempty"` // required; >= 1
	ScalingType      *string `json:"ScalingType,omitempty"`      // required; ScalingType
	StreamARN        *string `json:"StreamARN,omitempty"`        // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId         *string `json:"StreamId,omitempty"`         // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
}

// UpdateStreamModeRequest is the input of UpdateStreamMode.
type UpdateStreamModeRequest struct {
	StreamARN           *string            `json:"StreamARN,omitempty"`           // required; length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamId            *string            `json:"StreamId,omitempty"`            // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
	StreamModeDetails   *StreamModeDetails `json:"StreamModeDetails,omitempty"`   // required
	WarmThroughputMiBps *int32             `json:"WarmThroughputMiBps,omitempty"` // >= 0
}

// UpdateStreamWarmThroughputRequest is the input of UpdateStreamWarmThroughput.
type UpdateStreamWarmThroughputRequest struct {
	StreamARN           *string `json:"StreamARN,omitempty"`           // length 1-2048; arn:aws.*:kinesis:.*:\d{12}:stream/\S+
	StreamName          *string `json:"StreamName,omitempty"`          // length 1-128; [a-zA-Z0-9_.-]+
	StreamId            *string `json:"StreamId,omitempty"`            // length 1-24; [a-z0-9]{20}-[a-z0-9]{3}
	WarmThroughputMiBps *int32  `json:"WarmThroughputMiBps,omitempty"` // required; >= 0
}
