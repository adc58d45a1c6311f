package wire

import (
	"regexp"

	"github.com/freshet-io/freshet/internal/constraint"
)

// This file holds the constraints of the model's named shapes that appear in
// requests, as the validators in validate_requests.go check them.

// stringShape is the constraints of a string shape. Zero values mean "no
// constraint" (maxLen 0 means no maximum).
type stringShape struct {
	minLen, maxLen int
	// pattern is matched against the whole value; patternText is how the
	// model prints it in ValidationException messages.
	pattern     *regexp.Regexp
	patternText string
	// match, when set, is pattern matching hand-written: the same answers
	// for the patterns of request members that come in every record.
	match func(string) bool
	// enum lists the allowed values in the order Kinesis prints them.
	enum []string
}

// intShape is the range of an integer shape.
type intShape struct {
	min, max       int64
	hasMin, hasMax bool
}

// lengthShape is the length range of a blob, list or map shape.
type lengthShape struct {
	minLen, maxLen int
}

// pattern returns a stringShape field pair for a model pattern, anchored as
// Coral anchors it.
func pattern(p string) (*regexp.Regexp, string) {
	return regexp.MustCompile(`^(?:` + p + `)$`), p
}

func patternShape(minLen, maxLen int, p string) stringShape {
	re, text := pattern(p)
	return stringShape{minLen: minLen, maxLen: maxLen, pattern: re, patternText: text, match: fastMatchers[p]}
}

// fastMatchers match the patterns of names, decimal numbers and ARNs
// without regexp.
var fastMatchers = map[string]func(string) bool{
	constraint.PatternStreamARN:   constraint.MatchStreamARN,
	constraint.PatternResourceARN: constraint.MatchResourceARN,
	constraint.PatternConsumerARN: constraint.MatchConsumerARN,
	`[a-zA-Z0-9_.-]+`:             isName,
	`0|([1-9]\d{0,38})`:           func(s string) bool { return isDecimal(s, 39) },
	`0|([1-9]\d{0,128})`:          func(s string) bool { return isDecimal(s, 129) },
}

// isName matches [a-zA-Z0-9_.-]+.
func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return s != ""
}

// isDecimal matches 0|([1-9]\d{0,max-1}): a canonical decimal of at most
// max digits.
func isDecimal(s string, max int) bool {
	if s == "0" {
		return true
	}
	if s == "" || len(s) > max || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// matches reports whether v matches the pattern of s.
func (s stringShape) matches(v string) bool {
	if s.match != nil {
		return s.match(v)
	}
	return s.pattern.MatchString(v)
}

func enumShape(values ...string) stringShape {
	return stringShape{enum: values}
}

func minInt(n int64) intShape        { return intShape{min: n, hasMin: true} }
func rangeInt(lo, hi int64) intShape { return intShape{min: lo, max: hi, hasMin: true, hasMax: true} }

// Shapes of request members, named after the model's shapes.
var (
	streamNameShape     = patternShape(1, 128, `[a-zA-Z0-9_.-]+`)
	streamARNShape      = patternShape(1, 2048, `arn:aws.*:kinesis:.*:\d{12}:stream/\S+`)
	streamIdShape       = patternShape(1, 24, `[a-z0-9]{20}-[a-z0-9]{3}`)
	resourceARNShape    = patternShape(1, 2048, `arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+`)
	consumerNameShape   = patternShape(1, 128, `[a-zA-Z0-9_.-]+`)
	consumerARNShape    = patternShape(1, 2048, `^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+$`)
	shardIdShape        = patternShape(1, 128, `[a-zA-Z0-9_.-]+`)
	hashKeyShape        = patternShape(0, 0, `0|([1-9]\d{0,38})`)
	sequenceNumberShape = patternShape(0, 0, `0|([1-9]\d{0,128})`)
	partitionKeyShape   = stringShape{minLen: 1, maxLen: 256}
	shardIteratorShape  = stringShape{minLen: 1, maxLen: 512}
	nextTokenShape      = stringShape{minLen: 1, maxLen: 1048576}
	keyIdShape          = stringShape{minLen: 1, maxLen: 2048}
	tagKeyShape         = stringShape{minLen: 1, maxLen: 128}
	tagValueShape       = stringShape{minLen: 0, maxLen: 256}
	policyShape         = stringShape{}

	streamModeShape = enumShape(StreamModeProvisioned, StreamModeOnDemand)
	// ShardIteratorType is printed in the order production Kinesis prints
	// it, not in model order.
	shardIteratorTypeShape = enumShape(ShardIteratorTypeAfterSequenceNumber, ShardIteratorTypeLatest,
		ShardIteratorTypeAtTimestamp, ShardIteratorTypeAtSequenceNumber, ShardIteratorTypeTrimHorizon)
	shardFilterTypeShape = enumShape(ShardFilterTypeAfterShardID, ShardFilterTypeAtTrimHorizon,
		ShardFilterTypeFromTrimHorizon, ShardFilterTypeAtLatest, ShardFilterTypeAtTimestamp,
		ShardFilterTypeFromTimestamp)
	encryptionTypeShape = enumShape(EncryptionTypeNone, EncryptionTypeKMS)
	scalingTypeShape    = enumShape(ScalingTypeUniformScaling)
	metricsNameShape    = enumShape(MetricsIncomingBytes, MetricsIncomingRecords, MetricsOutgoingBytes,
		MetricsOutgoingRecords, MetricsWriteProvisionedThroughputExceeded,
		MetricsReadProvisionedThroughputExceeded, MetricsIteratorAgeMilliseconds, MetricsAll)
	minimumThroughputBillingCommitmentInputStatusShape = enumShape(CommitmentStatusEnabled, CommitmentStatusDisabled)

	positiveIntegerObjectShape         = minInt(1)
	naturalIntegerObjectShape          = minInt(0)
	maxRecordSizeInKiBShape            = rangeInt(1024, 10240)
	describeStreamInputLimitShape      = rangeInt(1, 10000)
	getRecordsInputLimitShape          = rangeInt(1, 10000)
	listShardsInputLimitShape          = rangeInt(1, 10000)
	listStreamConsumersInputLimitShape = rangeInt(1, 10000)
	listStreamsInputLimitShape         = rangeInt(1, 10000)
	listTagsForStreamInputLimitShape   = rangeInt(1, 50)

	dataShape                       = lengthShape{minLen: 0, maxLen: 10485760}
	metricsNameListShape            = lengthShape{minLen: 1, maxLen: 7}
	tagKeyListShape                 = lengthShape{minLen: 1, maxLen: 50}
	tagMapShape                     = lengthShape{minLen: 1, maxLen: 200}
	putRecordsRequestEntryListShape = lengthShape{minLen: 1, maxLen: 500}
)

// Stream modes (StreamMode).
const (
	StreamModeProvisioned = "PROVISIONED"
	StreamModeOnDemand    = "ON_DEMAND"
)

// Stream statuses (StreamStatus).
const (
	StreamStatusCreating = "CREATING"
	StreamStatusDeleting = "DELETING"
	StreamStatusActive   = "ACTIVE"
	StreamStatusUpdating = "UPDATING"
)

// Consumer statuses (ConsumerStatus).
const (
	ConsumerStatusCreating = "CREATING"
	ConsumerStatusDeleting = "DELETING"
	ConsumerStatusActive   = "ACTIVE"
)

// Shard iterator types (ShardIteratorType), also used by StartingPosition.
const (
	ShardIteratorTypeAtSequenceNumber    = "AT_SEQUENCE_NUMBER"
	ShardIteratorTypeAfterSequenceNumber = "AFTER_SEQUENCE_NUMBER"
	ShardIteratorTypeTrimHorizon         = "TRIM_HORIZON"
	ShardIteratorTypeLatest              = "LATEST"
	ShardIteratorTypeAtTimestamp         = "AT_TIMESTAMP"
)

// ListShards filter types (ShardFilterType).
const (
	ShardFilterTypeAfterShardID    = "AFTER_SHARD_ID"
	ShardFilterTypeAtTrimHorizon   = "AT_TRIM_HORIZON"
	ShardFilterTypeFromTrimHorizon = "FROM_TRIM_HORIZON"
	ShardFilterTypeAtLatest        = "AT_LATEST"
	ShardFilterTypeAtTimestamp     = "AT_TIMESTAMP"
	ShardFilterTypeFromTimestamp   = "FROM_TIMESTAMP"
)

// Encryption types (EncryptionType).
const (
	EncryptionTypeNone = "NONE"
	EncryptionTypeKMS  = "KMS"
)

// Scaling types of UpdateShardCount (ScalingType).
const (
	ScalingTypeUniformScaling = "UNIFORM_SCALING"
)

// Shard-level metric names (MetricsName).
const (
	MetricsIncomingBytes                      = "IncomingBytes"
	MetricsIncomingRecords                    = "IncomingRecords"
	MetricsOutgoingBytes                      = "OutgoingBytes"
	MetricsOutgoingRecords                    = "OutgoingRecords"
	MetricsWriteProvisionedThroughputExceeded = "WriteProvisionedThroughputExceeded"
	MetricsReadProvisionedThroughputExceeded  = "ReadProvisionedThroughputExceeded"
	MetricsIteratorAgeMilliseconds            = "IteratorAgeMilliseconds"
	MetricsAll                                = "ALL"
)

// Statuses of the minimum throughput billing commitment. Requests may only
// use Enabled and Disabled.
const (
	CommitmentStatusEnabled                     = "ENABLED"
	CommitmentStatusDisabled                    = "DISABLED"
	CommitmentStatusEnabledUntilEarliestAllowed = "ENABLED_UNTIL_EARLIEST_ALLOWED_END"
)
