package constraint

import "math"

// Member is one member of an operation's input in a constraint table.
type Member struct {
	// Path is the member's lowerCamelCase path: "streamName",
	// "streamModeDetails.streamMode" for a member of a structure, or
	// "partitionKey" for a member of a list entry (the Checker prefixes
	// "records.N.member.").
	Path string
	// Shape is the member's constraints.
	Shape *Shape
	// Required reports that the model requires the member.
	Required bool
	// Fields are the members of a structure (KindStruct) or of each entry
	// of a list of structures (KindList).
	Fields []Member

	// kind is Shape.Kind, and fieldValues the number of values of a
	// structure's members, kept here for the Checker's loop.
	kind        Kind
	fieldValues int
	// plain marks a blob, or a string without enumeration and of minimum
	// length 0 or 1, which is valid when its byte length is within
	// [lo, hi] and match (if any) accepts it: see quick.
	plain  bool
	lo, hi int64
	match  func(string) bool
}

// member returns a member of the table, with its quick check prepared.
func member(path string, s *Shape, required bool, fields ...Member) Member {
	m := Member{Path: path, Shape: s, Required: required, Fields: fields, kind: s.Kind}
	if s.Kind == KindStruct {
		m.fieldValues = countValues(fields)
	}
	hi := int64(s.MaxLen)
	if hi == 0 {
		hi = math.MaxInt64
	}
	switch {
	case s.Kind == KindBlob:
		m.plain, m.lo, m.hi = true, int64(s.MinLen), hi
	case s.Kind == KindString && len(s.Enum) == 0 && s.MinLen <= 1:
		m.plain, m.lo, m.hi, m.match = true, int64(s.MinLen), hi, s.Match
	}
	return m
}

// Operation is the constraint table of one operation's input: its members
// in the order Kinesis reports their violations (the model's member
// order). The engine and the wire server both check their requests
// against these tables.
type Operation struct {
	// Name is the operation's name, such as "PutRecord".
	Name string
	// Members are the input's members that carry a constraint.
	Members []Member
	// values is how many Values Check takes: one per member, and for a
	// structure one for the structure followed by its members'.
	values int
}

func countValues(ms []Member) int {
	n := 0
	for _, m := range ms {
		n++
		if m.Shape.Kind == KindStruct {
			n += countValues(m.Fields)
		}
	}
	return n
}

func operation(name string, ms ...Member) *Operation {
	composite := 0
	for _, m := range ms {
		switch m.Shape.Kind {
		case KindStrings, KindMap, KindList:
			composite++
		}
	}
	if composite > 1 {
		panic("constraint: " + name + " has more than one list or map member")
	}
	return &Operation{Name: name, Members: ms, values: countValues(ms)}
}

func opt(path string, s *Shape) Member { return member(path, s, false) }
func req(path string, s *Shape) Member { return member(path, s, true) }

// structure is a nested structure; its fields' paths are prefixed with its
// own.
func structure(path string, required bool, fields ...Member) Member {
	for i := range fields {
		fields[i].Path = path + "." + fields[i].Path
	}
	return member(path, Structure, required, fields...)
}

// Members shared by many operations.
var (
	streamName  = opt("streamName", StreamName)
	streamARN   = opt("streamARN", StreamARN)
	streamID    = opt("streamId", StreamID)
	resourceARN = req("resourceARN", ResourceARN)

	consumerRef        = []Member{streamARN, opt("consumerName", ConsumerName), opt("consumerARN", ConsumerARN), streamID}
	enhancedMonitoring = []Member{streamName, req("shardLevelMetrics", MetricsNames), streamARN, streamID}
	streamEncryption   = []Member{streamName, req("encryptionType", EncryptionType), req("keyId", KeyID), streamARN, streamID}
)

// The constraint table of every operation.
var (
	AddTagsToStream = operation("AddTagsToStream",
		streamName, req("tags", TagMap), streamARN, streamID)
	CreateStream = operation("CreateStream",
		req("streamName", StreamName), opt("shardCount", PositiveInteger),
		structure("streamModeDetails", false, req("streamMode", StreamMode)),
		opt("tags", TagMap), opt("warmThroughputMiBps", NaturalInteger), opt("maxRecordSizeInKiB", MaxRecordSizeInKiB))
	DecreaseStreamRetentionPeriod = operation("DecreaseStreamRetentionPeriod",
		streamName, req("retentionPeriodHours", RetentionPeriodHours), streamARN, streamID)
	DeleteResourcePolicy     = operation("DeleteResourcePolicy", resourceARN, streamID)
	DeleteStream             = operation("DeleteStream", streamName, streamARN, streamID)
	DeregisterStreamConsumer = operation("DeregisterStreamConsumer", consumerRef...)
	DescribeAccountSettings  = operation("DescribeAccountSettings")
	DescribeLimits           = operation("DescribeLimits")
	DescribeStream           = operation("DescribeStream",
		streamName, opt("limit", DescribeStreamLimit), opt("exclusiveStartShardId", ShardID), streamARN, streamID)
	DescribeStreamConsumer    = operation("DescribeStreamConsumer", consumerRef...)
	DescribeStreamSummary     = operation("DescribeStreamSummary", streamName, streamARN, streamID)
	DisableEnhancedMonitoring = operation("DisableEnhancedMonitoring", enhancedMonitoring...)
	EnableEnhancedMonitoring  = operation("EnableEnhancedMonitoring", enhancedMonitoring...)
	GetRecords                = operation("GetRecords",
		req("shardIterator", ShardIterator), opt("limit", GetRecordsLimit), streamARN, streamID)
	GetResourcePolicy = operation("GetResourcePolicy", resourceARN, streamID)
	GetShardIterator  = operation("GetShardIterator",
		streamName, req("shardId", ShardID), req("shardIteratorType", ShardIteratorType),
		opt("startingSequenceNumber", SequenceNumber), streamARN, streamID)
	IncreaseStreamRetentionPeriod = operation("IncreaseStreamRetentionPeriod",
		streamName, req("retentionPeriodHours", RetentionPeriodHours), streamARN, streamID)
	ListShards = operation("ListShards",
		streamName, opt("nextToken", NextToken), opt("exclusiveStartShardId", ShardID), opt("maxResults", ListShardsLimit),
		structure("shardFilter", false, req("type", ShardFilterType), opt("shardId", ShardID)),
		streamARN, streamID)
	ListStreamConsumers = operation("ListStreamConsumers",
		req("streamARN", StreamARN), opt("nextToken", NextToken), opt("maxResults", ListStreamConsumersMax), streamID)
	ListStreams = operation("ListStreams",
		opt("limit", ListStreamsLimit), opt("exclusiveStartStreamName", StreamName), opt("nextToken", NextToken))
	ListTagsForResource = operation("ListTagsForResource", resourceARN, streamID)
	ListTagsForStream   = operation("ListTagsForStream",
		streamName, opt("exclusiveStartTagKey", TagKey), opt("limit", ListTagsForStreamLimit), streamARN, streamID)
	MergeShards = operation("MergeShards",
		streamName, req("shardToMerge", ShardID), req("adjacentShardToMerge", ShardID), streamARN, streamID)
	PutRecord = operation("PutRecord",
		streamName, req("data", Data), req("partitionKey", PartitionKey), opt("explicitHashKey", HashKey),
		opt("sequenceNumberForOrdering", SequenceNumber), streamARN, streamID)
	PutRecords = operation("PutRecords",
		member("records", PutRecordsList, true, PutRecordsEntry...),
		streamName, streamARN, streamID)
	PutResourcePolicy      = operation("PutResourcePolicy", resourceARN, streamID, req("policy", Policy))
	RegisterStreamConsumer = operation("RegisterStreamConsumer",
		req("streamARN", StreamARN), req("consumerName", ConsumerName), streamID, opt("tags", TagMap))
	RemoveTagsFromStream = operation("RemoveTagsFromStream",
		streamName, req("tagKeys", TagKeys), streamARN, streamID)
	SplitShard = operation("SplitShard",
		streamName, req("shardToSplit", ShardID), req("newStartingHashKey", HashKey), streamARN, streamID)
	StartStreamEncryption = operation("StartStreamEncryption", streamEncryption...)
	StopStreamEncryption  = operation("StopStreamEncryption", streamEncryption...)
	SubscribeToShard      = operation("SubscribeToShard",
		req("consumerARN", ConsumerARN), streamID, req("shardId", ShardID),
		structure("startingPosition", true, req("type", ShardIteratorType), opt("sequenceNumber", SequenceNumber)))
	TagResource           = operation("TagResource", req("tags", TagMap), resourceARN, streamID)
	UntagResource         = operation("UntagResource", req("tagKeys", TagKeys), resourceARN, streamID)
	UpdateAccountSettings = operation("UpdateAccountSettings",
		structure("minimumThroughputBillingCommitment", true, req("status", CommitmentStatus)))
	UpdateMaxRecordSize = operation("UpdateMaxRecordSize",
		streamARN, streamID, req("maxRecordSizeInKiB", MaxRecordSizeInKiB))
	UpdateShardCount = operation("UpdateShardCount",
		streamName, req("targetShardCount", PositiveInteger), req("scalingType", ScalingType), streamARN, streamID)
	UpdateStreamMode = operation("UpdateStreamMode",
		req("streamARN", StreamARN), streamID, structure("streamModeDetails", true, req("streamMode", StreamMode)),
		opt("warmThroughputMiBps", NaturalInteger))
	UpdateStreamWarmThroughput = operation("UpdateStreamWarmThroughput",
		streamARN, streamName, streamID, req("warmThroughputMiBps", NaturalInteger))
)

// PutRecordsEntry are the members of a PutRecords entry, in the order
// Kinesis reports them; PutRecords' Entries return their values in this
// order.
var PutRecordsEntry = []Member{
	req("data", Data), opt("explicitHashKey", HashKey), req("partitionKey", PartitionKey),
}

// ShardIteratorTypeMember is the shardIteratorType member of
// GetShardIterator, which the engine's Go-native readers check too.
var ShardIteratorTypeMember = &GetShardIterator.Members[2]

// Operations lists the constraint table of every operation, by name.
var Operations = map[string]*Operation{}

func init() {
	for _, op := range []*Operation{
		AddTagsToStream, CreateStream, DecreaseStreamRetentionPeriod, DeleteResourcePolicy, DeleteStream,
		DeregisterStreamConsumer, DescribeAccountSettings, DescribeLimits, DescribeStream, DescribeStreamConsumer,
		DescribeStreamSummary, DisableEnhancedMonitoring, EnableEnhancedMonitoring, GetRecords, GetResourcePolicy,
		GetShardIterator, IncreaseStreamRetentionPeriod, ListShards, ListStreamConsumers, ListStreams,
		ListTagsForResource, ListTagsForStream, MergeShards, PutRecord, PutRecords, PutResourcePolicy,
		RegisterStreamConsumer, RemoveTagsFromStream, SplitShard, StartStreamEncryption, StopStreamEncryption,
		SubscribeToShard, TagResource, UntagResource, UpdateAccountSettings, UpdateMaxRecordSize,
		UpdateShardCount, UpdateStreamMode, UpdateStreamWarmThroughput,
	} {
		Operations[op.Name] = op
	}
}

// The data and partitionKey members of PutRecord.
var (
	putRecordData = &PutRecord.Members[1]
	putRecordKey  = &PutRecord.Members[2]
)

// ValidRecord reports whether a record of this partition key and this
// length of data meets PutRecord's constraints, for the engine's Go-native
// writers, which check nothing else of a valid record.
func ValidRecord(partitionKey string, dataLen int) bool {
	d, k := Value{set: true, n: int64(dataLen)}, String(partitionKey)
	return (putRecordData.quick(d) || putRecordData.Valid(d)) && (putRecordKey.quick(k) || putRecordKey.Valid(k))
}
