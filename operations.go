package freshet

// The names of the Kinesis operations, as they appear in interceptor Calls,
// audit events and IAM actions ("kinesis:" + name).
const (
	opAddTagsToStream               = "AddTagsToStream"
	opCreateStream                  = "CreateStream"
	opDecreaseStreamRetentionPeriod = "DecreaseStreamRetentionPeriod"
	opDeleteResourcePolicy          = "DeleteResourcePolicy"
	opDeleteStream                  = "DeleteStream"
	opDeregisterStreamConsumer      = "DeregisterStreamConsumer"
	opDescribeAccountSettings       = "DescribeAccountSettings"
	opDescribeLimits                = "DescribeLimits"
	opDescribeStream                = "DescribeStream"
	opDescribeStreamConsumer        = "DescribeStreamConsumer"
	opDescribeStreamSummary         = "DescribeStreamSummary"
	opDisableEnhancedMonitoring     = "DisableEnhancedMonitoring"
	opEnableEnhancedMonitoring      = "EnableEnhancedMonitoring"
	opGetRecords                    = "GetRecords"
	opGetResourcePolicy             = "GetResourcePolicy"
	opGetShardIterator              = "GetShardIterator"
	opIncreaseStreamRetentionPeriod = "IncreaseStreamRetentionPeriod"
	opListShards                    = "ListShards"
	opListStreamConsumers           = "ListStreamConsumers"
	opListStreams                   = "ListStreams"
	opListTagsForResource           = "ListTagsForResource"
	opListTagsForStream             = "ListTagsForStream"
	opMergeShards                   = "MergeShards"
	opPutRecord                     = "PutRecord"
	opPutRecords                    = "PutRecords"
	opPutResourcePolicy             = "PutResourcePolicy"
	opRegisterStreamConsumer        = "RegisterStreamConsumer"
	opRemoveTagsFromStream          = "RemoveTagsFromStream"
	opSplitShard                    = "SplitShard"
	opStartStreamEncryption         = "StartStreamEncryption"
	opStopStreamEncryption          = "StopStreamEncryption"
	opSubscribeToShard              = "SubscribeToShard"
	opTagResource                   = "TagResource"
	opUntagResource                 = "UntagResource"
	opUpdateAccountSettings         = "UpdateAccountSettings"
	opUpdateMaxRecordSize           = "UpdateMaxRecordSize"
	opUpdateShardCount              = "UpdateShardCount"
	opUpdateStreamMode              = "UpdateStreamMode"
	opUpdateStreamWarmThroughput    = "UpdateStreamWarmThroughput"
)

// Operations lists the names of the 39 Kinesis operations the engine
// implements, in alphabetical order.
var Operations = []string{
	opAddTagsToStream,
	opCreateStream,
	opDecreaseStreamRetentionPeriod,
	opDeleteResourcePolicy,
	opDeleteStream,
	opDeregisterStreamConsumer,
	opDescribeAccountSettings,
	opDescribeLimits,
	opDescribeStream,
	opDescribeStreamConsumer,
	opDescribeStreamSummary,
	opDisableEnhancedMonitoring,
	opEnableEnhancedMonitoring,
	opGetRecords,
	opGetResourcePolicy,
	opGetShardIterator,
	opIncreaseStreamRetentionPeriod,
	opListShards,
	opListStreamConsumers,
	opListStreams,
	opListTagsForResource,
	opListTagsForStream,
	opMergeShards,
	opPutRecord,
	opPutRecords,
	opPutResourcePolicy,
	opRegisterStreamConsumer,
	opRemoveTagsFromStream,
	opSplitShard,
	opStartStreamEncryption,
	opStopStreamEncryption,
	opSubscribeToShard,
	opTagResource,
	opUntagResource,
	opUpdateAccountSettings,
	opUpdateMaxRecordSize,
	opUpdateShardCount,
	opUpdateStreamMode,
	opUpdateStreamWarmThroughput,
}
