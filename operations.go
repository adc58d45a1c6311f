package freshet

import "slices"

// Operation is the name of a Kinesis operation, as it appears in
// interceptor Calls, Faults, audit events and IAM actions ("kinesis:" +
// name). The constants below are the 39 operations of the API; use them
// rather than strings, which the compiler cannot check.
type Operation string

// The operations of the Kinesis API.
const (
	OpAddTagsToStream               Operation = "AddTagsToStream"
	OpCreateStream                  Operation = "CreateStream"
	OpDecreaseStreamRetentionPeriod Operation = "DecreaseStreamRetentionPeriod"
	OpDeleteResourcePolicy          Operation = "DeleteResourcePolicy"
	OpDeleteStream                  Operation = "DeleteStream"
	OpDeregisterStreamConsumer      Operation = "DeregisterStreamConsumer"
	OpDescribeAccountSettings       Operation = "DescribeAccountSettings"
	OpDescribeLimits                Operation = "DescribeLimits"
	OpDescribeStream                Operation = "DescribeStream"
	OpDescribeStreamConsumer        Operation = "DescribeStreamConsumer"
	OpDescribeStreamSummary         Operation = "DescribeStreamSummary"
	OpDisableEnhancedMonitoring     Operation = "DisableEnhancedMonitoring"
	OpEnableEnhancedMonitoring      Operation = "EnableEnhancedMonitoring"
	OpGetRecords                    Operation = "GetRecords"
	OpGetResourcePolicy             Operation = "GetResourcePolicy"
	OpGetShardIterator              Operation = "GetShardIterator"
	OpIncreaseStreamRetentionPeriod Operation = "IncreaseStreamRetentionPeriod"
	OpListShards                    Operation = "ListShards"
	OpListStreamConsumers           Operation = "ListStreamConsumers"
	OpListStreams                   Operation = "ListStreams"
	OpListTagsForResource           Operation = "ListTagsForResource"
	OpListTagsForStream             Operation = "ListTagsForStream"
	OpMergeShards                   Operation = "MergeShards"
	OpPutRecord                     Operation = "PutRecord"
	OpPutRecords                    Operation = "PutRecords"
	OpPutResourcePolicy             Operation = "PutResourcePolicy"
	OpRegisterStreamConsumer        Operation = "RegisterStreamConsumer"
	OpRemoveTagsFromStream          Operation = "RemoveTagsFromStream"
	OpSplitShard                    Operation = "SplitShard"
	OpStartStreamEncryption         Operation = "StartStreamEncryption"
	OpStopStreamEncryption          Operation = "StopStreamEncryption"
	OpSubscribeToShard              Operation = "SubscribeToShard"
	OpTagResource                   Operation = "TagResource"
	OpUntagResource                 Operation = "UntagResource"
	OpUpdateAccountSettings         Operation = "UpdateAccountSettings"
	OpUpdateMaxRecordSize           Operation = "UpdateMaxRecordSize"
	OpUpdateShardCount              Operation = "UpdateShardCount"
	OpUpdateStreamMode              Operation = "UpdateStreamMode"
	OpUpdateStreamWarmThroughput    Operation = "UpdateStreamWarmThroughput"
)

// Operations lists the 39 Kinesis operations the engine implements, in
// alphabetical order.
var Operations = []Operation{
	OpAddTagsToStream,
	OpCreateStream,
	OpDecreaseStreamRetentionPeriod,
	OpDeleteResourcePolicy,
	OpDeleteStream,
	OpDeregisterStreamConsumer,
	OpDescribeAccountSettings,
	OpDescribeLimits,
	OpDescribeStream,
	OpDescribeStreamConsumer,
	OpDescribeStreamSummary,
	OpDisableEnhancedMonitoring,
	OpEnableEnhancedMonitoring,
	OpGetRecords,
	OpGetResourcePolicy,
	OpGetShardIterator,
	OpIncreaseStreamRetentionPeriod,
	OpListShards,
	OpListStreamConsumers,
	OpListStreams,
	OpListTagsForResource,
	OpListTagsForStream,
	OpMergeShards,
	OpPutRecord,
	OpPutRecords,
	OpPutResourcePolicy,
	OpRegisterStreamConsumer,
	OpRemoveTagsFromStream,
	OpSplitShard,
	OpStartStreamEncryption,
	OpStopStreamEncryption,
	OpSubscribeToShard,
	OpTagResource,
	OpUntagResource,
	OpUpdateAccountSettings,
	OpUpdateMaxRecordSize,
	OpUpdateShardCount,
	OpUpdateStreamMode,
	OpUpdateStreamWarmThroughput,
}

// Known reports whether o is one of the operations of the API.
func (o Operation) Known() bool {
	return slices.Contains(Operations, o)
}
