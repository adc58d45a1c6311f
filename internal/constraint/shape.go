package constraint

// Kind is the kind of value a Shape constrains.
type Kind uint8

// The kinds of shapes of request members.
const (
	// KindString is a string: pattern, then length (in UTF-16 code units,
	// as Java counts), then enum.
	KindString Kind = iota
	// KindInt is an integer: a range.
	KindInt
	// KindBlob is a blob: a length in bytes.
	KindBlob
	// KindStrings is a list of strings: a length, then its members
	// against Elem, reported once for the whole list.
	KindStrings
	// KindMap is a map of strings: a length, then its keys against Elem
	// and its values against MapValue, each reported once for the map.
	KindMap
	// KindStruct is a nested structure; its members follow it in the
	// operation's table (Member.Fields).
	KindStruct
	// KindList is a list of structures, such as PutRecords' records: a
	// length, then each entry's members (Member.Fields) with paths like
	// "records.1.member.partitionKey".
	KindList
)

// Shape is the constraints of one of the model's named shapes. Zero bounds
// mean "none", except that MinLen 0 and Min are checked as given when
// HasMin is set.
type Shape struct {
	// Name is the model's name of the shape.
	Name string
	// Kind is what the shape constrains.
	Kind Kind
	// MinLen and MaxLen bound the length of strings, blobs, lists and
	// maps; MaxLen 0 means no maximum.
	MinLen, MaxLen int
	// Pattern is the model's regular expression, as Kinesis prints it,
	// applied to the whole value; Match answers it without a regular
	// expression (the tests compare the two).
	Pattern string
	Match   func(string) bool
	// Enum lists the allowed values in the order Kinesis prints them.
	Enum []string
	// Min and Max bound integers when HasMin and HasMax are set.
	Min, Max       int64
	HasMin, HasMax bool
	// Elem is the shape of a list's members or a map's keys; MapValue is
	// the shape of a map's values.
	Elem, MapValue *Shape
	// Entry renders one entry of a list of structures, as Java renders an
	// object without a toString.
	Entry string
}

// Model patterns, printed as the Kinesis model prints them.
const (
	PatternName           = `[a-zA-Z0-9_.-]+`
	PatternHashKey        = `0|([1-9]\d{0,38})`
	PatternSequenceNumber = `0|([1-9]\d{0,128})`
	PatternStreamID       = `[a-z0-9]{20}-[a-z0-9]{3}`
)

// Shapes of request members, named after the model's shapes.
var (
	StreamName     = &Shape{Name: "StreamName", MinLen: 1, MaxLen: 128, Pattern: PatternName, Match: IsName}
	ConsumerName   = &Shape{Name: "ConsumerName", MinLen: 1, MaxLen: 128, Pattern: PatternName, Match: IsName}
	ShardID        = &Shape{Name: "ShardId", MinLen: 1, MaxLen: 128, Pattern: PatternName, Match: IsName}
	StreamARN      = &Shape{Name: "StreamARN", MinLen: 1, MaxLen: 2048, Pattern: PatternStreamARN, Match: MatchStreamARN}
	ResourceARN    = &Shape{Name: "ResourceARN", MinLen: 1, MaxLen: 2048, Pattern: PatternResourceARN, Match: MatchResourceARN}
	ConsumerARN    = &Shape{Name: "ConsumerARN", MinLen: 1, MaxLen: 2048, Pattern: PatternConsumerARN, Match: MatchConsumerARN}
	StreamID       = &Shape{Name: "StreamId", MinLen: 1, MaxLen: 24, Pattern: PatternStreamID, Match: isStreamID}
	HashKey        = &Shape{Name: "HashKey", Pattern: PatternHashKey, Match: IsHashKey}
	SequenceNumber = &Shape{Name: "SequenceNumber", Pattern: PatternSequenceNumber, Match: IsSequenceNumber}
	PartitionKey   = &Shape{Name: "PartitionKey", MinLen: 1, MaxLen: 256}
	ShardIterator  = &Shape{Name: "ShardIterator", MinLen: 1, MaxLen: 512}
	NextToken      = &Shape{Name: "NextToken", MinLen: 1, MaxLen: 1048576}
	KeyID          = &Shape{Name: "KeyId", MinLen: 1, MaxLen: 2048}
	TagKey         = &Shape{Name: "TagKey", MinLen: 1, MaxLen: 128}
	TagValue       = &Shape{Name: "TagValue", MinLen: 0, MaxLen: 256}
	Policy         = &Shape{Name: "Policy"}

	StreamMode = &Shape{Name: "StreamMode", Enum: []string{"PROVISIONED", "ON_DEMAND"}}
	// ShardIteratorType is printed in the order production Kinesis prints
	// it, not in model order.
	ShardIteratorType = &Shape{Name: "ShardIteratorType", Enum: []string{
		"AFTER_SEQUENCE_NUMBER", "LATEST", "AT_TIMESTAMP", "AT_SEQUENCE_NUMBER", "TRIM_HORIZON"}}
	ShardFilterType = &Shape{Name: "ShardFilterType", Enum: []string{
		"AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST", "AT_TIMESTAMP", "FROM_TIMESTAMP"}}
	EncryptionType = &Shape{Name: "EncryptionType", Enum: []string{"NONE", "KMS"}}
	ScalingType    = &Shape{Name: "ScalingType", Enum: []string{"UNIFORM_SCALING"}}
	MetricsName    = &Shape{Name: "MetricsName", Enum: []string{
		"IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
		"WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds", "ALL"}}
	CommitmentStatus = &Shape{Name: "MinimumThroughputBillingCommitmentInputStatus", Enum: []string{"ENABLED", "DISABLED"}}

	PositiveInteger        = &Shape{Name: "PositiveIntegerObject", Kind: KindInt, Min: 1, HasMin: true}
	NaturalInteger         = &Shape{Name: "NaturalIntegerObject", Kind: KindInt, Min: 0, HasMin: true}
	RetentionPeriodHours   = &Shape{Name: "RetentionPeriodHours", Kind: KindInt}
	MaxRecordSizeInKiB     = intRange("MaxRecordSizeInKiB", 1024, 10240)
	DescribeStreamLimit    = intRange("DescribeStreamInputLimit", 1, 10000)
	GetRecordsLimit        = intRange("GetRecordsInputLimit", 1, 10000)
	ListShardsLimit        = intRange("ListShardsInputLimit", 1, 10000)
	ListStreamConsumersMax = intRange("ListStreamConsumersInputLimit", 1, 10000)
	ListStreamsLimit       = intRange("ListStreamsInputLimit", 1, 10000)
	ListTagsForStreamLimit = intRange("ListTagsForStreamInputLimit", 1, 50)

	Data           = &Shape{Name: "Data", Kind: KindBlob, MinLen: 0, MaxLen: 10485760}
	MetricsNames   = &Shape{Name: "MetricsNameList", Kind: KindStrings, MinLen: 1, MaxLen: 7, Elem: MetricsName}
	TagKeys        = &Shape{Name: "TagKeyList", Kind: KindStrings, MinLen: 1, MaxLen: 50, Elem: TagKey}
	TagMap         = &Shape{Name: "TagMap", Kind: KindMap, MinLen: 1, MaxLen: 200, Elem: TagKey, MapValue: TagValue}
	PutRecordsList = &Shape{Name: "PutRecordsRequestEntryList", Kind: KindList, MinLen: 1, MaxLen: 500,
		Entry: "com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310"}
	Structure = &Shape{Name: "structure", Kind: KindStruct}
)

func intRange(name string, lo, hi int64) *Shape {
	return &Shape{Name: name, Kind: KindInt, Min: lo, Max: hi, HasMin: true, HasMax: true}
}

// MaxDataBytes is the model's maximum size of a record's data blob.
const MaxDataBytes = 10485760

// IsName reports whether s matches [a-zA-Z0-9_.-]+.
func IsName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// IsHashKey reports whether s matches 0|([1-9]\d{0,38}).
func IsHashKey(s string) bool { return IsDecimal(s, 39) }

// IsSequenceNumber reports whether s matches 0|([1-9]\d{0,128}).
func IsSequenceNumber(s string) bool { return IsDecimal(s, 129) }

// IsDecimal reports whether s matches 0|([1-9]\d{0,max-1}): a canonical
// decimal of at most max digits.
func IsDecimal(s string, max int) bool {
	if s == "" || len(s) > max || (len(s) > 1 && s[0] == '0') {
		return false
	}
	return digits(s)
}

// isStreamID reports whether s matches [a-z0-9]{20}-[a-z0-9]{3}.
func isStreamID(s string) bool {
	if len(s) != 24 || s[20] != '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; i != 20 && !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
