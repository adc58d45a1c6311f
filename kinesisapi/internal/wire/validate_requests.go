package wire

import (
	c "github.com/freshet-io/freshet/internal/constraint"
)

// This file holds the Validate method of every request: the values of its
// members, in the order of its operation's constraint table (a structure's
// presence followed by its members).

// Validate checks the request against the model's constraints for AddTagsToStream.
func (r *AddTagsToStreamRequest) Validate() error {
	return checkWith(&r.Tags, c.AddTagsToStream, str(r.StreamName), c.Map(r.Tags), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for CreateStream.
func (r *CreateStreamRequest) Validate() error {
	return checkWith(&r.Tags, c.CreateStream, str(r.StreamName), num(r.ShardCount),
		c.Struct(r.StreamModeDetails != nil), str(r.StreamModeDetails.mode()),
		c.Map(r.Tags), num(r.WarmThroughputMiBps), num(r.MaxRecordSizeInKiB))
}

// Validate checks the request against the model's constraints for DecreaseStreamRetentionPeriod.
func (r *DecreaseStreamRetentionPeriodRequest) Validate() error {
	return check(c.DecreaseStreamRetentionPeriod, str(r.StreamName), num(r.RetentionPeriodHours), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for DeleteResourcePolicy.
func (r *DeleteResourcePolicyRequest) Validate() error {
	return check(c.DeleteResourcePolicy, str(r.ResourceARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for DeleteStream.
func (r *DeleteStreamRequest) Validate() error {
	return check(c.DeleteStream, str(r.StreamName), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for DeregisterStreamConsumer.
func (r *DeregisterStreamConsumerRequest) Validate() error {
	return check(c.DeregisterStreamConsumer, str(r.StreamARN), str(r.ConsumerName), str(r.ConsumerARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for DescribeAccountSettings.
func (r *DescribeAccountSettingsRequest) Validate() error { return nil }

// Validate checks the request against the model's constraints for DescribeLimits.
func (r *DescribeLimitsRequest) Validate() error { return nil }

// Validate checks the request against the model's constraints for DescribeStream.
func (r *DescribeStreamRequest) Validate() error {
	return check(c.DescribeStream, str(r.StreamName), num(r.Limit), str(r.ExclusiveStartShardId), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for DescribeStreamConsumer.
func (r *DescribeStreamConsumerRequest) Validate() error {
	return check(c.DescribeStreamConsumer, str(r.StreamARN), str(r.ConsumerName), str(r.ConsumerARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for DescribeStreamSummary.
func (r *DescribeStreamSummaryRequest) Validate() error {
	return check(c.DescribeStreamSummary, str(r.StreamName), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for DisableEnhancedMonitoring.
func (r *DisableEnhancedMonitoringRequest) Validate() error {
	return checkWith(&r.ShardLevelMetrics, c.DisableEnhancedMonitoring, str(r.StreamName), c.Strings(r.ShardLevelMetrics), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for EnableEnhancedMonitoring.
func (r *EnableEnhancedMonitoringRequest) Validate() error {
	return checkWith(&r.ShardLevelMetrics, c.EnableEnhancedMonitoring, str(r.StreamName), c.Strings(r.ShardLevelMetrics), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for GetRecords.
func (r *GetRecordsRequest) Validate() error {
	return check(c.GetRecords, str(r.ShardIterator), num(r.Limit), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for GetResourcePolicy.
func (r *GetResourcePolicyRequest) Validate() error {
	return check(c.GetResourcePolicy, str(r.ResourceARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for GetShardIterator.
func (r *GetShardIteratorRequest) Validate() error {
	return check(c.GetShardIterator, str(r.StreamName), str(r.ShardId), str(r.ShardIteratorType),
		str(r.StartingSequenceNumber), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for IncreaseStreamRetentionPeriod.
func (r *IncreaseStreamRetentionPeriodRequest) Validate() error {
	return check(c.IncreaseStreamRetentionPeriod, str(r.StreamName), num(r.RetentionPeriodHours), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for ListShards.
func (r *ListShardsRequest) Validate() error {
	f := r.ShardFilter
	if f == nil {
		f = &ShardFilter{}
	}
	return check(c.ListShards, str(r.StreamName), str(r.NextToken), str(r.ExclusiveStartShardId), num(r.MaxResults),
		c.Struct(r.ShardFilter != nil), str(f.Type), str(f.ShardId), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for ListStreamConsumers.
func (r *ListStreamConsumersRequest) Validate() error {
	return check(c.ListStreamConsumers, str(r.StreamARN), str(r.NextToken), num(r.MaxResults), str(r.StreamId))
}

// Validate checks the request against the model's constraints for ListStreams.
func (r *ListStreamsRequest) Validate() error {
	return check(c.ListStreams, num(r.Limit), str(r.ExclusiveStartStreamName), str(r.NextToken))
}

// Validate checks the request against the model's constraints for ListTagsForResource.
func (r *ListTagsForResourceRequest) Validate() error {
	return check(c.ListTagsForResource, str(r.ResourceARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for ListTagsForStream.
func (r *ListTagsForStreamRequest) Validate() error {
	return check(c.ListTagsForStream, str(r.StreamName), str(r.ExclusiveStartTagKey), num(r.Limit), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for MergeShards.
func (r *MergeShardsRequest) Validate() error {
	return check(c.MergeShards, str(r.StreamName), str(r.ShardToMerge), str(r.AdjacentShardToMerge), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for PutRecord.
func (r *PutRecordRequest) Validate() error {
	return check(c.PutRecord, str(r.StreamName), c.Blob(r.Data), str(r.PartitionKey), str(r.ExplicitHashKey),
		str(r.SequenceNumberForOrdering), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for PutRecords.
func (r *PutRecordsRequest) Validate() error {
	return checkWith((*entries)(&r.Records), c.PutRecords, c.List(len(r.Records), r.Records != nil), str(r.StreamName), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for PutResourcePolicy.
func (r *PutResourcePolicyRequest) Validate() error {
	return check(c.PutResourcePolicy, str(r.ResourceARN), str(r.StreamId), str(r.Policy))
}

// Validate checks the request against the model's constraints for RegisterStreamConsumer.
func (r *RegisterStreamConsumerRequest) Validate() error {
	return checkWith(&r.Tags, c.RegisterStreamConsumer, str(r.StreamARN), str(r.ConsumerName), str(r.StreamId), c.Map(r.Tags))
}

// Validate checks the request against the model's constraints for RemoveTagsFromStream.
func (r *RemoveTagsFromStreamRequest) Validate() error {
	return checkWith(&r.TagKeys, c.RemoveTagsFromStream, str(r.StreamName), c.Strings(r.TagKeys), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for SplitShard.
func (r *SplitShardRequest) Validate() error {
	return check(c.SplitShard, str(r.StreamName), str(r.ShardToSplit), str(r.NewStartingHashKey), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for StartStreamEncryption.
func (r *StartStreamEncryptionRequest) Validate() error {
	return check(c.StartStreamEncryption, str(r.StreamName), str(r.EncryptionType), str(r.KeyId), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for StopStreamEncryption.
func (r *StopStreamEncryptionRequest) Validate() error {
	return check(c.StopStreamEncryption, str(r.StreamName), str(r.EncryptionType), str(r.KeyId), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for SubscribeToShard.
func (r *SubscribeToShardRequest) Validate() error {
	p := r.StartingPosition
	if p == nil {
		p = &StartingPosition{}
	}
	return check(c.SubscribeToShard, str(r.ConsumerARN), str(r.StreamId), str(r.ShardId),
		c.Struct(r.StartingPosition != nil), str(p.Type), str(p.SequenceNumber))
}

// Validate checks the request against the model's constraints for TagResource.
func (r *TagResourceRequest) Validate() error {
	return checkWith(&r.Tags, c.TagResource, c.Map(r.Tags), str(r.ResourceARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for UntagResource.
func (r *UntagResourceRequest) Validate() error {
	return checkWith(&r.TagKeys, c.UntagResource, c.Strings(r.TagKeys), str(r.ResourceARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for UpdateAccountSettings.
func (r *UpdateAccountSettingsRequest) Validate() error {
	var status *string
	if r.MinimumThroughputBillingCommitment != nil {
		status = r.MinimumThroughputBillingCommitment.Status
	}
	return check(c.UpdateAccountSettings, c.Struct(r.MinimumThroughputBillingCommitment != nil), str(status))
}

// Validate checks the request against the model's constraints for UpdateMaxRecordSize.
func (r *UpdateMaxRecordSizeRequest) Validate() error {
	return check(c.UpdateMaxRecordSize, str(r.StreamARN), str(r.StreamId), num(r.MaxRecordSizeInKiB))
}

// Validate checks the request against the model's constraints for UpdateShardCount.
func (r *UpdateShardCountRequest) Validate() error {
	return check(c.UpdateShardCount, str(r.StreamName), num(r.TargetShardCount), str(r.ScalingType), str(r.StreamARN), str(r.StreamId))
}

// Validate checks the request against the model's constraints for UpdateStreamMode.
func (r *UpdateStreamModeRequest) Validate() error {
	return check(c.UpdateStreamMode, str(r.StreamARN), str(r.StreamId),
		c.Struct(r.StreamModeDetails != nil), str(r.StreamModeDetails.mode()), num(r.WarmThroughputMiBps))
}

// Validate checks the request against the model's constraints for UpdateStreamWarmThroughput.
func (r *UpdateStreamWarmThroughputRequest) Validate() error {
	return check(c.UpdateStreamWarmThroughput, str(r.StreamARN), str(r.StreamName), str(r.StreamId), num(r.WarmThroughputMiBps))
}

// mode returns the StreamMode member of d, nil when d is.
func (d *StreamModeDetails) mode() *string {
	if d == nil {
		return nil
	}
	return d.StreamMode
}
