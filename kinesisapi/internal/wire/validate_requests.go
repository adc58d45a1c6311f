package wire

// This file holds the Validate method of every request, checking its
// members in model order, and the validate method of every structure that
// requests nest; path is the prefix of the nested members' paths, such as
// "streamModeDetails." or "records.1.member.".

// Validate checks the request against the model's constraints for AddTagsToStream.
func (r *AddTagsToStreamRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.tags("tags", r.Tags, required)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for CreateStream.
func (r *CreateStreamRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, required)
	c.integer("shardCount", r.ShardCount, positiveIntegerObjectShape, optional)
	if r.StreamModeDetails != nil {
		r.StreamModeDetails.validate(&c, "streamModeDetails.")
	}
	c.tags("tags", r.Tags, optional)
	c.integer("warmThroughputMiBps", r.WarmThroughputMiBps, naturalIntegerObjectShape, optional)
	c.integer("maxRecordSizeInKiB", r.MaxRecordSizeInKiB, maxRecordSizeInKiBShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for DecreaseStreamRetentionPeriod.
func (r *DecreaseStreamRetentionPeriodRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.present("retentionPeriodHours", r.RetentionPeriodHours != nil)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for DeleteResourcePolicy.
func (r *DeleteResourcePolicyRequest) Validate() error {
	var c checker
	c.str("resourceARN", r.ResourceARN, resourceARNShape, required)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for DeleteStream.
func (r *DeleteStreamRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for DeregisterStreamConsumer.
func (r *DeregisterStreamConsumerRequest) Validate() error {
	var c checker
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("consumerName", r.ConsumerName, consumerNameShape, optional)
	c.str("consumerARN", r.ConsumerARN, consumerARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for DescribeAccountSettings.
func (r *DescribeAccountSettingsRequest) Validate() error {
	return nil
}

// Validate checks the request against the model's constraints for DescribeLimits.
func (r *DescribeLimitsRequest) Validate() error {
	return nil
}

// Validate checks the request against the model's constraints for DescribeStream.
func (r *DescribeStreamRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.integer("limit", r.Limit, describeStreamInputLimitShape, optional)
	c.str("exclusiveStartShardId", r.ExclusiveStartShardId, shardIdShape, optional)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for DescribeStreamConsumer.
func (r *DescribeStreamConsumerRequest) Validate() error {
	var c checker
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("consumerName", r.ConsumerName, consumerNameShape, optional)
	c.str("consumerARN", r.ConsumerARN, consumerARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for DescribeStreamSummary.
func (r *DescribeStreamSummaryRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for DisableEnhancedMonitoring.
func (r *DisableEnhancedMonitoringRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.strs("shardLevelMetrics", r.ShardLevelMetrics, metricsNameListShape, metricsNameShape, required)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for EnableEnhancedMonitoring.
func (r *EnableEnhancedMonitoringRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.strs("shardLevelMetrics", r.ShardLevelMetrics, metricsNameListShape, metricsNameShape, required)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for GetRecords.
func (r *GetRecordsRequest) Validate() error {
	var c checker
	c.str("shardIterator", r.ShardIterator, shardIteratorShape, required)
	c.integer("limit", r.Limit, getRecordsInputLimitShape, optional)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for GetResourcePolicy.
func (r *GetResourcePolicyRequest) Validate() error {
	var c checker
	c.str("resourceARN", r.ResourceARN, resourceARNShape, required)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for GetShardIterator.
func (r *GetShardIteratorRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.str("shardId", r.ShardId, shardIdShape, required)
	c.str("shardIteratorType", r.ShardIteratorType, shardIteratorTypeShape, required)
	c.str("startingSequenceNumber", r.StartingSequenceNumber, sequenceNumberShape, optional)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for IncreaseStreamRetentionPeriod.
func (r *IncreaseStreamRetentionPeriodRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.present("retentionPeriodHours", r.RetentionPeriodHours != nil)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for ListShards.
func (r *ListShardsRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.str("nextToken", r.NextToken, nextTokenShape, optional)
	c.str("exclusiveStartShardId", r.ExclusiveStartShardId, shardIdShape, optional)
	c.integer("maxResults", r.MaxResults, listShardsInputLimitShape, optional)
	if r.ShardFilter != nil {
		r.ShardFilter.validate(&c, "shardFilter.")
	}
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for ListStreamConsumers.
func (r *ListStreamConsumersRequest) Validate() error {
	var c checker
	c.str("streamARN", r.StreamARN, streamARNShape, required)
	c.str("nextToken", r.NextToken, nextTokenShape, optional)
	c.integer("maxResults", r.MaxResults, listStreamConsumersInputLimitShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for ListStreams.
func (r *ListStreamsRequest) Validate() error {
	var c checker
	c.integer("limit", r.Limit, listStreamsInputLimitShape, optional)
	c.str("exclusiveStartStreamName", r.ExclusiveStartStreamName, streamNameShape, optional)
	c.str("nextToken", r.NextToken, nextTokenShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for ListTagsForResource.
func (r *ListTagsForResourceRequest) Validate() error {
	var c checker
	c.str("resourceARN", r.ResourceARN, resourceARNShape, required)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for ListTagsForStream.
func (r *ListTagsForStreamRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.str("exclusiveStartTagKey", r.ExclusiveStartTagKey, tagKeyShape, optional)
	c.integer("limit", r.Limit, listTagsForStreamInputLimitShape, optional)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for MergeShards.
func (r *MergeShardsRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.str("shardToMerge", r.ShardToMerge, shardIdShape, required)
	c.str("adjacentShardToMerge", r.AdjacentShardToMerge, shardIdShape, required)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for PutRecord.
func (r *PutRecordRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.blob("data", r.Data, dataShape, required)
	c.str("partitionKey", r.PartitionKey, partitionKeyShape, required)
	c.str("explicitHashKey", r.ExplicitHashKey, hashKeyShape, optional)
	c.str("sequenceNumberForOrdering", r.SequenceNumberForOrdering, sequenceNumberShape, optional)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for PutRecords.
func (r *PutRecordsRequest) Validate() error {
	var c checker
	c.records("records", r.Records, putRecordsRequestEntryListShape, required)
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for PutResourcePolicy.
func (r *PutResourcePolicyRequest) Validate() error {
	var c checker
	c.str("resourceARN", r.ResourceARN, resourceARNShape, required)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	c.str("policy", r.Policy, policyShape, required)
	return c.err()
}

// Validate checks the request against the model's constraints for RegisterStreamConsumer.
func (r *RegisterStreamConsumerRequest) Validate() error {
	var c checker
	c.str("streamARN", r.StreamARN, streamARNShape, required)
	c.str("consumerName", r.ConsumerName, consumerNameShape, required)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	c.tags("tags", r.Tags, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for RemoveTagsFromStream.
func (r *RemoveTagsFromStreamRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.strs("tagKeys", r.TagKeys, tagKeyListShape, tagKeyShape, required)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for SplitShard.
func (r *SplitShardRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.str("shardToSplit", r.ShardToSplit, shardIdShape, required)
	c.str("newStartingHashKey", r.NewStartingHashKey, hashKeyShape, required)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for StartStreamEncryption.
func (r *StartStreamEncryptionRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.str("encryptionType", r.EncryptionType, encryptionTypeShape, required)
	c.str("keyId", r.KeyId, keyIdShape, required)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for StopStreamEncryption.
func (r *StopStreamEncryptionRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.str("encryptionType", r.EncryptionType, encryptionTypeShape, required)
	c.str("keyId", r.KeyId, keyIdShape, required)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for SubscribeToShard.
func (r *SubscribeToShardRequest) Validate() error {
	var c checker
	c.str("consumerARN", r.ConsumerARN, consumerARNShape, required)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	c.str("shardId", r.ShardId, shardIdShape, required)
	if c.present("startingPosition", r.StartingPosition != nil) {
		r.StartingPosition.validate(&c, "startingPosition.")
	}
	return c.err()
}

// Validate checks the request against the model's constraints for TagResource.
func (r *TagResourceRequest) Validate() error {
	var c checker
	c.tags("tags", r.Tags, required)
	c.str("resourceARN", r.ResourceARN, resourceARNShape, required)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for UntagResource.
func (r *UntagResourceRequest) Validate() error {
	var c checker
	c.strs("tagKeys", r.TagKeys, tagKeyListShape, tagKeyShape, required)
	c.str("resourceARN", r.ResourceARN, resourceARNShape, required)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for UpdateAccountSettings.
func (r *UpdateAccountSettingsRequest) Validate() error {
	var c checker
	if c.present("minimumThroughputBillingCommitment", r.MinimumThroughputBillingCommitment != nil) {
		r.MinimumThroughputBillingCommitment.validate(&c, "minimumThroughputBillingCommitment.")
	}
	return c.err()
}

// Validate checks the request against the model's constraints for UpdateMaxRecordSize.
func (r *UpdateMaxRecordSizeRequest) Validate() error {
	var c checker
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	c.integer("maxRecordSizeInKiB", r.MaxRecordSizeInKiB, maxRecordSizeInKiBShape, required)
	return c.err()
}

// Validate checks the request against the model's constraints for UpdateShardCount.
func (r *UpdateShardCountRequest) Validate() error {
	var c checker
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.integer("targetShardCount", r.TargetShardCount, positiveIntegerObjectShape, required)
	c.str("scalingType", r.ScalingType, scalingTypeShape, required)
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for UpdateStreamMode.
func (r *UpdateStreamModeRequest) Validate() error {
	var c checker
	c.str("streamARN", r.StreamARN, streamARNShape, required)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	if c.present("streamModeDetails", r.StreamModeDetails != nil) {
		r.StreamModeDetails.validate(&c, "streamModeDetails.")
	}
	c.integer("warmThroughputMiBps", r.WarmThroughputMiBps, naturalIntegerObjectShape, optional)
	return c.err()
}

// Validate checks the request against the model's constraints for UpdateStreamWarmThroughput.
func (r *UpdateStreamWarmThroughputRequest) Validate() error {
	var c checker
	c.str("streamARN", r.StreamARN, streamARNShape, optional)
	c.str("streamName", r.StreamName, streamNameShape, optional)
	c.str("streamId", r.StreamId, streamIdShape, optional)
	c.integer("warmThroughputMiBps", r.WarmThroughputMiBps, naturalIntegerObjectShape, required)
	return c.err()
}

// validate checks the members of a nested MinimumThroughputBillingCommitmentInput.
func (s *MinimumThroughputBillingCommitmentInput) validate(c *checker, path string) {
	c.str(path+"status", s.Status, minimumThroughputBillingCommitmentInputStatusShape, required)
}

// validate checks the members of a nested PutRecordsRequestEntry.
func (s *PutRecordsRequestEntry) validate(c *checker, path string) {
	c.blob(path+"data", s.Data, dataShape, required)
	c.str(path+"explicitHashKey", s.ExplicitHashKey, hashKeyShape, optional)
	c.str(path+"partitionKey", s.PartitionKey, partitionKeyShape, required)
}

// validate checks the members of a nested ShardFilter.
func (s *ShardFilter) validate(c *checker, path string) {
	c.str(path+"type", s.Type, shardFilterTypeShape, required)
	c.str(path+"shardId", s.ShardId, shardIdShape, optional)
}

// validate checks the members of a nested StartingPosition.
func (s *StartingPosition) validate(c *checker, path string) {
	c.str(path+"type", s.Type, shardIteratorTypeShape, required)
	c.str(path+"sequenceNumber", s.SequenceNumber, sequenceNumberShape, optional)
}

// validate checks the members of a nested StreamModeDetails.
func (s *StreamModeDetails) validate(c *checker, path string) {
	c.str(path+"streamMode", s.StreamMode, streamModeShape, required)
}
