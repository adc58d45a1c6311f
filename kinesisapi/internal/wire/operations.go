package wire

import "sort"

// TargetPrefix is the prefix of the X-Amz-Target header of every Kinesis
// operation: "Kinesis_20131202.PutRecords".
const TargetPrefix = "Kinesis_20131202."

// Operation describes one Kinesis operation, so that a handler can dispatch
// every operation the same way.
type Operation struct {
	// Name is the operation name, as in X-Amz-Target after TargetPrefix.
	Name string
	// NewRequest returns a new, empty request struct, a pointer such as
	// *PutRecordsRequest, ready for Decode and Validate.
	NewRequest func() Request
	// NewResponse returns a new, empty response struct, a pointer such as
	// *PutRecordsResponse.
	NewResponse func() any
	// EmptyOutput reports that the operation has no modeled output: a
	// successful call is answered with an empty body.
	EmptyOutput bool
	// EventStream reports that the operation answers with an event stream
	// (SubscribeToShard): the response body is a sequence of event-stream
	// messages, not an encoded response struct.
	EventStream bool
}

// Operations lists the 39 operations of the current Kinesis API, sorted by
// name.
var Operations = []Operation{
	{Name: "AddTagsToStream", NewRequest: func() Request { return new(AddTagsToStreamRequest) }, NewResponse: func() any { return new(AddTagsToStreamResponse) }, EmptyOutput: true},
	{Name: "CreateStream", NewRequest: func() Request { return new(CreateStreamRequest) }, NewResponse: func() any { return new(CreateStreamResponse) }, EmptyOutput: true},
	{Name: "DecreaseStreamRetentionPeriod", NewRequest: func() Request { return new(DecreaseStreamRetentionPeriodRequest) }, NewResponse: func() any { return new(DecreaseStreamRetentionPeriodResponse) }, EmptyOutput: true},
	{Name: "DeleteResourcePolicy", NewRequest: func() Request { return new(DeleteResourcePolicyRequest) }, NewResponse: func() any { return new(DeleteResourcePolicyResponse) }, EmptyOutput: true},
	{Name: "DeleteStream", NewRequest: func() Request { return new(DeleteStreamRequest) }, NewResponse: func() any { return new(DeleteStreamResponse) }, EmptyOutput: true},
	{Name: "DeregisterStreamConsumer", NewRequest: func() Request { return new(DeregisterStreamConsumerRequest) }, NewResponse: func() any { return new(DeregisterStreamConsumerResponse) }, EmptyOutput: true},
	{Name: "DescribeAccountSettings", NewRequest: func() Request { return new(DescribeAccountSettingsRequest) }, NewResponse: func() any { return new(DescribeAccountSettingsResponse) }},
	{Name: "DescribeLimits", NewRequest: func() Request { return new(DescribeLimitsRequest) }, NewResponse: func() any { return new(DescribeLimitsResponse) }},
	{Name: "DescribeStream", NewRequest: func() Request { return new(DescribeStreamRequest) }, NewResponse: func() any { return new(DescribeStreamResponse) }},
	{Name: "DescribeStreamConsumer", NewRequest: func() Request { return new(DescribeStreamConsumerRequest) }, NewResponse: func() any { return new(DescribeStreamConsumerResponse) }},
	{Name: "DescribeStreamSummary", NewRequest: func() Request { return new(DescribeStreamSummaryRequest) }, NewResponse: func() any { return new(DescribeStreamSummaryResponse) }},
	{Name: "DisableEnhancedMonitoring", NewRequest: func() Request { return new(DisableEnhancedMonitoringRequest) }, NewResponse: func() any { return new(DisableEnhancedMonitoringResponse) }},
	{Name: "EnableEnhancedMonitoring", NewRequest: func() Request { return new(EnableEnhancedMonitoringRequest) }, NewResponse: func() any { return new(EnableEnhancedMonitoringResponse) }},
	{Name: "GetRecords", NewRequest: func() Request { return new(GetRecordsRequest) }, NewResponse: func() any { return new(GetRecordsResponse) }},
	{Name: "GetResourcePolicy", NewRequest: func() Request { return new(GetResourcePolicyRequest) }, NewResponse: func() any { return new(GetResourcePolicyResponse) }},
	{Name: "GetShardIterator", NewRequest: func() Request { return new(GetShardIteratorRequest) }, NewResponse: func() any { return new(GetShardIteratorResponse) }},
	{Name: "IncreaseStreamRetentionPeriod", NewRequest: func() Request { return new(IncreaseStreamRetentionPeriodRequest) }, NewResponse: func() any { return new(IncreaseStreamRetentionPeriodResponse) }, EmptyOutput: true},
	{Name: "ListShards", NewRequest: func() Request { return new(ListShardsRequest) }, NewResponse: func() any { return new(ListShardsResponse) }},
	{Name: "ListStreamConsumers", NewRequest: func() Request { return new(ListStreamConsumersRequest) }, NewResponse: func() any { return new(ListStreamConsumersResponse) }},
	{Name: "ListStreams", NewRequest: func() Request { return new(ListStreamsRequest) }, NewResponse: func() any { return new(ListStreamsResponse) }},
	{Name: "ListTagsForResource", NewRequest: func() Request { return new(ListTagsForResourceRequest) }, NewResponse: func() any { return new(ListTagsForResourceResponse) }},
	{Name: "ListTagsForStream", NewRequest: func() Request { return new(ListTagsForStreamRequest) }, NewResponse: func() any { return new(ListTagsForStreamResponse) }},
	{Name: "MergeShards", NewRequest: func() Request { return new(MergeShardsRequest) }, NewResponse: func() any { return new(MergeShardsResponse) }, EmptyOutput: true},
	{Name: "PutRecord", NewRequest: func() Request { return new(PutRecordRequest) }, NewResponse: func() any { return new(PutRecordResponse) }},
	{Name: "PutRecords", NewRequest: func() Request { return new(PutRecordsRequest) }, NewResponse: func() any { return new(PutRecordsResponse) }},
	{Name: "PutResourcePolicy", NewRequest: func() Request { return new(PutResourcePolicyRequest) }, NewResponse: func() any { return new(PutResourcePolicyResponse) }, EmptyOutput: true},
	{Name: "RegisterStreamConsumer", NewRequest: func() Request { return new(RegisterStreamConsumerRequest) }, NewResponse: func() any { return new(RegisterStreamConsumerResponse) }},
	{Name: "RemoveTagsFromStream", NewRequest: func() Request { return new(RemoveTagsFromStreamRequest) }, NewResponse: func() any { return new(RemoveTagsFromStreamResponse) }, EmptyOutput: true},
	{Name: "SplitShard", NewRequest: func() Request { return new(SplitShardRequest) }, NewResponse: func() any { return new(SplitShardResponse) }, EmptyOutput: true},
	{Name: "StartStreamEncryption", NewRequest: func() Request { return new(StartStreamEncryptionRequest) }, NewResponse: func() any { return new(StartStreamEncryptionResponse) }, EmptyOutput: true},
	{Name: "StopStreamEncryption", NewRequest: func() Request { return new(StopStreamEncryptionRequest) }, NewResponse: func() any { return new(StopStreamEncryptionResponse) }, EmptyOutput: true},
	{Name: "SubscribeToShard", NewRequest: func() Request { return new(SubscribeToShardRequest) }, NewResponse: func() any { return new(SubscribeToShardResponse) }, EventStream: true},
	{Name: "TagResource", NewRequest: func() Request { return new(TagResourceRequest) }, NewResponse: func() any { return new(TagResourceResponse) }, EmptyOutput: true},
	{Name: "UntagResource", NewRequest: func() Request { return new(UntagResourceRequest) }, NewResponse: func() any { return new(UntagResourceResponse) }, EmptyOutput: true},
	{Name: "UpdateAccountSettings", NewRequest: func() Request { return new(UpdateAccountSettingsRequest) }, NewResponse: func() any { return new(UpdateAccountSettingsResponse) }},
	{Name: "UpdateMaxRecordSize", NewRequest: func() Request { return new(UpdateMaxRecordSizeRequest) }, NewResponse: func() any { return new(UpdateMaxRecordSizeResponse) }, EmptyOutput: true},
	{Name: "UpdateShardCount", NewRequest: func() Request { return new(UpdateShardCountRequest) }, NewResponse: func() any { return new(UpdateShardCountResponse) }},
	{Name: "UpdateStreamMode", NewRequest: func() Request { return new(UpdateStreamModeRequest) }, NewResponse: func() any { return new(UpdateStreamModeResponse) }, EmptyOutput: true},
	{Name: "UpdateStreamWarmThroughput", NewRequest: func() Request { return new(UpdateStreamWarmThroughputRequest) }, NewResponse: func() any { return new(UpdateStreamWarmThroughputResponse) }},
}

// Lookup returns the operation with the given name (case-sensitive, without
// TargetPrefix), and false if there is none.
func Lookup(name string) (Operation, bool) {
	i := sort.Search(len(Operations), func(i int) bool { return Operations[i].Name >= name })
	if i < len(Operations) && Operations[i].Name == name {
		return Operations[i], true
	}
	return Operation{}, false
}
