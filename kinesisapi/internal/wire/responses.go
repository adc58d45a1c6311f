package wire

// This file holds the response struct of every operation, members in model
// order. Members the model requires are plain values, always encoded (nil
// lists as []); optional members are pointers, slices or maps, omitted when
// nil. A few optional lists that Kinesis emits even when empty are encoded
// like required ones.

// AddTagsToStreamResponse is the (empty) output of AddTagsToStream.
type AddTagsToStreamResponse struct{}

// CreateStreamResponse is the (empty) output of CreateStream.
type CreateStreamResponse struct{}

// DecreaseStreamRetentionPeriodResponse is the (empty) output of DecreaseStreamRetentionPeriod.
type DecreaseStreamRetentionPeriodResponse struct{}

// DeleteResourcePolicyResponse is the (empty) output of DeleteResourcePolicy.
type DeleteResourcePolicyResponse struct{}

// DeleteStreamResponse is the (empty) output of DeleteStream.
type DeleteStreamResponse struct{}

// DeregisterStreamConsumerResponse is the (empty) output of DeregisterStreamConsumer.
type DeregisterStreamConsumerResponse struct{}

// DescribeAccountSettingsResponse is the output of DescribeAccountSettings.
type DescribeAccountSettingsResponse struct {
	MinimumThroughputBillingCommitment *MinimumThroughputBillingCommitmentOutput `json:"MinimumThroughputBillingCommitment,omitempty"`
}

// DescribeLimitsResponse is the output of DescribeLimits.
type DescribeLimitsResponse struct {
	ShardLimit               int32 `json:"ShardLimit"`
	OpenShardCount           int32 `json:"OpenShardCount"`
	OnDemandStreamCount      int32 `json:"OnDemandStreamCount"`
	OnDemandStreamCountLimit int32 `json:"OnDemandStreamCountLimit"`
}

// DescribeStreamResponse is the output of DescribeStream.
type DescribeStreamResponse struct {
	StreamDescription StreamDescription `json:"StreamDescription"`
}

// DescribeStreamConsumerResponse is the output of DescribeStreamConsumer.
type DescribeStreamConsumerResponse struct {
	ConsumerDescription ConsumerDescription `json:"ConsumerDescription"`
}

// DescribeStreamSummaryResponse is the output of DescribeStreamSummary.
type DescribeStreamSummaryResponse struct {
	StreamDescriptionSummary StreamDescriptionSummary `json:"StreamDescriptionSummary"`
}

// DisableEnhancedMonitoringResponse is the output of DisableEnhancedMonitoring.
type DisableEnhancedMonitoringResponse = EnhancedMonitoringResponse

// EnableEnhancedMonitoringResponse is the output of EnableEnhancedMonitoring.
type EnableEnhancedMonitoringResponse = EnhancedMonitoringResponse

// GetRecordsResponse is the output of GetRecords.
type GetRecordsResponse struct {
	Records            []Record     `json:"Records"`
	NextShardIterator  *string      `json:"NextShardIterator,omitempty"`
	MillisBehindLatest *int64       `json:"MillisBehindLatest,omitempty"`
	ChildShards        []ChildShard `json:"ChildShards,omitempty"`
}

// GetResourcePolicyResponse is the output of GetResourcePolicy.
type GetResourcePolicyResponse struct {
	Policy string `json:"Policy"`
}

// GetShardIteratorResponse is the output of GetShardIterator.
type GetShardIteratorResponse struct {
	ShardIterator *string `json:"ShardIterator,omitempty"`
}

// IncreaseStreamRetentionPeriodResponse is the (empty) output of IncreaseStreamRetentionPeriod.
type IncreaseStreamRetentionPeriodResponse struct{}

// ListShardsResponse is the output of ListShards.
type ListShardsResponse struct {
	Shards    []Shard `json:"Shards"`
	NextToken *string `json:"NextToken,omitempty"`
}

// ListStreamConsumersResponse is the output of ListStreamConsumers.
type ListStreamConsumersResponse struct {
	Consumers []Consumer `json:"Consumers"`
	NextToken *string    `json:"NextToken,omitempty"`
}

// ListStreamsResponse is the output of ListStreams.
type ListStreamsResponse struct {
	StreamNames     []string        `json:"StreamNames"`
	HasMoreStreams  bool            `json:"HasMoreStreams"`
	NextToken       *string         `json:"NextToken,omitempty"`
	StreamSummaries []StreamSummary `json:"StreamSummaries"`
}

// ListTagsForResourceResponse is the output of ListTagsForResource.
type ListTagsForResourceResponse struct {
	Tags []Tag `json:"Tags"`
}

// ListTagsForStreamResponse is the output of ListTagsForStream.
type ListTagsForStreamResponse struct {
	Tags        []Tag `json:"Tags"`
	HasMoreTags bool  `json:"HasMoreTags"`
}

// MergeShardsResponse is the (empty) output of MergeShards.
type MergeShardsResponse struct{}

// PutRecordResponse is the output of PutRecord.
type PutRecordResponse struct {
	ShardId        string  `json:"ShardId"`
	SequenceNumber string  `json:"SequenceNumber"`
	EncryptionType *string `json:"EncryptionType,omitempty"`
}

// PutRecordsResponse is the output of PutRecords.
type PutRecordsResponse struct {
	FailedRecordCount int32                   `json:"FailedRecordCount"`
	Records           []PutRecordsResultEntry `json:"Records"`
	EncryptionType    *string                 `json:"EncryptionType,omitempty"`
}

// PutResourcePolicyResponse is the (empty) output of PutResourcePolicy.
type PutResourcePolicyResponse struct{}

// RegisterStreamConsumerResponse is the output of RegisterStreamConsumer.
type RegisterStreamConsumerResponse struct {
	Consumer Consumer `json:"Consumer"`
}

// RemoveTagsFromStreamResponse is the (empty) output of RemoveTagsFromStream.
type RemoveTagsFromStreamResponse struct{}

// SplitShardResponse is the (empty) output of SplitShard.
type SplitShardResponse struct{}

// StartStreamEncryptionResponse is the (empty) output of StartStreamEncryption.
type StartStreamEncryptionResponse struct{}

// StopStreamEncryptionResponse is the (empty) output of StopStreamEncryption.
type StopStreamEncryptionResponse struct{}

// SubscribeToShardResponse is the output of SubscribeToShard apart from its
// event stream: it has no members, and is sent as the payload ({}) of the
// initial-response event. The events themselves are SubscribeToShardEvent.
type SubscribeToShardResponse struct{}

// TagResourceResponse is the (empty) output of TagResource.
type TagResourceResponse struct{}

// UntagResourceResponse is the (empty) output of UntagResource.
type UntagResourceResponse struct{}

// UpdateAccountSettingsResponse is the output of UpdateAccountSettings.
type UpdateAccountSettingsResponse struct {
	MinimumThroughputBillingCommitment *MinimumThroughputBillingCommitmentOutput `json:"MinimumThroughputBillingCommitment,omitempty"`
}

// UpdateMaxRecordSizeResponse is the (empty) output of UpdateMaxRecordSize.
type UpdateMaxRecordSizeResponse struct{}

// UpdateShardCountResponse is the output of UpdateShardCount.
type UpdateShardCountResponse struct {
	StreamName        *string `json:"StreamName,omitempty"`
	CurrentShardCount *int32  `json:"CurrentShardCount,omitempty"`
	TargetShardCount  *int32  `json:"TargetShardCount,omitempty"`
	StreamARN         *string `json:"StreamARN,omitempty"`
}

// UpdateStreamModeResponse is the (empty) output of UpdateStreamMode.
type UpdateStreamModeResponse struct{}

// UpdateStreamWarmThroughputResponse is the output of UpdateStreamWarmThroughput.
type UpdateStreamWarmThroughputResponse struct {
	StreamARN      *string               `json:"StreamARN,omitempty"`
	StreamName     *string               `json:"StreamName,omitempty"`
	WarmThroughput *WarmThroughputObject `json:"WarmThroughput,omitempty"`
}
