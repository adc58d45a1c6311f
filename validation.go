package freshet

import (
	c "github.com/freshet-io/freshet/internal/constraint"
)

// Violation is one failed model constraint of a request, as listed in a
// Kinesis ValidationException.
type Violation struct {
	// Value is the offending value as Kinesis renders it (strings verbatim,
	// numbers in decimal). Null marks a missing required member.
	Value string
	// Null reports that the member was missing; Value is then ignored.
	Null bool
	// Path is the lowerCamelCase member path, such as "shardCount" or
	// "records.1.member.partitionKey".
	Path string
	// Constraint is the violated constraint, such as
	// "Member must have value greater than or equal to 1".
	Constraint string
}

// String renders the violation as Kinesis does:
// "Value '0' at 'shardCount' failed to satisfy constraint: ...".
func (v Violation) String() string { return c.Violation(v).String() }

// NewValidationError returns a ValidationException listing the violations
// in Kinesis' format: "2 validation errors detected: Value ...; Value ...".
// Like Kinesis, it lists at most the first 10 violations and counts only
// those listed. It returns nil when there are no violations.
func NewValidationError(vs ...Violation) *Error {
	if len(vs) == 0 {
		return nil
	}
	cvs := make([]c.Violation, min(len(vs), c.MaxListed))
	for i := range cvs {
		cvs[i] = c.Violation(vs[i])
	}
	return &Error{Code: codeValidation, Message: c.Message(cvs)}
}

// The engine checks its inputs against the constraint tables of
// internal/constraint, the tables the wire server checks its requests
// against, so that an input fails here with the message a request with the
// same members gets on the wire. The methods below give the values of each
// input's members in table order. A member holding its zero value is
// absent (so an empty required string is "null"), except where zero is a
// value a caller means: Data (a nil slice is empty data), and the required
// WarmThroughputMiBps of UpdateStreamWarmThroughput. Members the engine's
// inputs do not have (StreamId) are absent.

// validate checks vals against op and returns the ValidationException, or
// a nil error (not a nil *Error).
func validate(op *c.Operation, vals ...c.Value) error {
	return validateWith(nil, op, vals...)
}

// validateWith is validate for an operation with a list or map member,
// whose contents ext holds (see constraint.Checker.Check).
func validateWith(ext any, op *c.Operation, vals ...c.Value) error {
	var ch c.Checker
	ch.Check(op, ext, vals)
	if ch.Failed() {
		return &Error{Code: codeValidation, Message: ch.Message()}
	}
	return nil
}

// str is a string member: absent when empty.
func str[S ~string](s S) c.Value { return c.String(string(s)) }

// num is an integer member: absent when zero.
func num(n int) c.Value { return c.Int(n) }

var absent = c.Absent

func (in *AddTagsToStreamInput) validate() error {
	return validateWith(&in.Tags, c.AddTagsToStream, str(in.StreamName), c.Map(in.Tags), str(in.StreamARN), absent)
}

func (in *CreateStreamInput) validate() error {
	var mode StreamMode
	if in.StreamModeDetails != nil {
		mode = in.StreamModeDetails.StreamMode
	}
	return validateWith(&in.Tags, c.CreateStream, str(in.StreamName), num(in.ShardCount),
		c.Struct(in.StreamModeDetails != nil), str(mode),
		c.Map(in.Tags), num(in.WarmThroughputMiBps), num(in.MaxRecordSizeInKiB))
}

// validateRetention checks DecreaseStreamRetentionPeriod and
// IncreaseStreamRetentionPeriod, whose members are the same.
func validateRetention(op *c.Operation, name, arn string, hours int) error {
	return validate(op, str(name), num(hours), str(arn), absent)
}

func (in *DeleteResourcePolicyInput) validate() error {
	return validate(c.DeleteResourcePolicy, str(in.ResourceARN), absent)
}

func (in *DeleteStreamInput) validate() error {
	return validate(c.DeleteStream, str(in.StreamName), str(in.StreamARN), absent)
}

// validateConsumerRef checks DescribeStreamConsumer and
// DeregisterStreamConsumer, whose members are the same.
func validateConsumerRef(op *c.Operation, streamARN, name, arn string) error {
	return validate(op, str(streamARN), str(name), str(arn), absent)
}

func (in *DescribeStreamInput) validate() error {
	return validate(c.DescribeStream, str(in.StreamName), num(in.Limit), str(in.ExclusiveStartShardId), str(in.StreamARN), absent)
}

func (in *DescribeStreamSummaryInput) validate() error {
	return validate(c.DescribeStreamSummary, str(in.StreamName), str(in.StreamARN), absent)
}

// validateMonitoring checks EnableEnhancedMonitoring and
// DisableEnhancedMonitoring, whose members are the same.
func validateMonitoring(op *c.Operation, name, arn string, metrics []string) error {
	return validateWith(&metrics, op, str(name), c.Strings(metrics), str(arn), absent)
}

func (in *GetRecordsInput) validate() error {
	return validate(c.GetRecords, str(in.ShardIterator), num(in.Limit), str(in.StreamARN), absent)
}

func (in *GetResourcePolicyInput) validate() error {
	return validate(c.GetResourcePolicy, str(in.ResourceARN), absent)
}

func (in *GetShardIteratorInput) validate() error {
	return validate(c.GetShardIterator, str(in.StreamName), str(in.ShardId), str(in.ShardIteratorType),
		str(in.StartingSequenceNumber), str(in.StreamARN), absent)
}

func (in *ListShardsInput) validate() error {
	f := in.ShardFilter
	if f == nil {
		f = &ShardFilter{}
	}
	return validate(c.ListShards, str(in.StreamName), str(in.NextToken), str(in.ExclusiveStartShardId), num(in.MaxResults),
		c.Struct(in.ShardFilter != nil), str(f.Type), str(f.ShardId), str(in.StreamARN), absent)
}

func (in *ListStreamConsumersInput) validate() error {
	return validate(c.ListStreamConsumers, str(in.StreamARN), str(in.NextToken), num(in.MaxResults), absent)
}

func (in *ListStreamsInput) validate() error {
	return validate(c.ListStreams, num(in.Limit), str(in.ExclusiveStartStreamName), str(in.NextToken))
}

func (in *ListTagsForResourceInput) validate() error {
	return validate(c.ListTagsForResource, str(in.ResourceARN), absent)
}

func (in *ListTagsForStreamInput) validate() error {
	return validate(c.ListTagsForStream, str(in.StreamName), str(in.ExclusiveStartTagKey), num(in.Limit), str(in.StreamARN), absent)
}

func (in *MergeShardsInput) validate() error {
	return validate(c.MergeShards, str(in.StreamName), str(in.ShardToMerge), str(in.AdjacentShardToMerge), str(in.StreamARN), absent)
}

// validate checks PutRecord's members. A valid input, the common case of
// the in-process write path, is accepted by the members' quick checks
// without walking the table; any doubt walks it.
func (in *PutRecordInput) validate() error {
	if m := c.PutRecord.Members; m[0].Quick(str(in.StreamName)) && m[1].Quick(c.BlobValue(in.Data)) && m[2].Quick(str(in.PartitionKey)) &&
		m[3].Quick(str(in.ExplicitHashKey)) && m[4].Quick(str(in.SequenceNumberForOrdering)) && m[5].Quick(str(in.StreamARN)) {
		return nil
	}
	return validate(c.PutRecord, str(in.StreamName), c.BlobValue(in.Data), str(in.PartitionKey), str(in.ExplicitHashKey),
		str(in.SequenceNumberForOrdering), str(in.StreamARN), absent)
}

// validate checks PutRecords' members. As for PutRecord, a valid input is
// accepted by the members' quick checks, entry by entry, without walking
// the table; any doubt walks it.
func (in *PutRecordsInput) validate() error {
	if in.quickValid() {
		return nil
	}
	return validateWith((*putEntries)(&in.Records), c.PutRecords, c.List(len(in.Records), in.Records != nil), str(in.StreamName), str(in.StreamARN), absent)
}

// quickValid reports that the members' quick checks accept in (false
// means "not known").
func (in *PutRecordsInput) quickValid() bool {
	n := len(in.Records)
	m := c.PutRecords.Members
	if n < c.PutRecordsList.MinLen || n > c.PutRecordsList.MaxLen ||
		!m[1].Quick(str(in.StreamName)) || !m[2].Quick(str(in.StreamARN)) || !m[3].Quick(absent) {
		return false
	}
	e := c.PutRecordsEntry
	for i := range in.Records {
		r := &in.Records[i]
		if !e[0].Quick(c.BlobValue(r.Data)) || !e[1].Quick(str(r.ExplicitHashKey)) || !e[2].Quick(str(r.PartitionKey)) {
			return false
		}
	}
	return true
}

// putEntries are PutRecords' entries as the checker walks them.
type putEntries []PutRecordsRequestEntry

func (l *putEntries) Len() int { return len(*l) }

// Field returns the value of member j of entry i, in the order of
// constraint.PutRecordsEntry: data, explicitHashKey, partitionKey.
func (l *putEntries) Field(i, j int) c.Value {
	e := &(*l)[i]
	switch j {
	case 0:
		return c.BlobValue(e.Data)
	case 1:
		return str(e.ExplicitHashKey)
	default:
		return str(e.PartitionKey)
	}
}

func (in *PutResourcePolicyInput) validate() error {
	return validate(c.PutResourcePolicy, str(in.ResourceARN), absent, str(in.Policy))
}

func (in *RegisterStreamConsumerInput) validate() error {
	return validateWith(&in.Tags, c.RegisterStreamConsumer, str(in.StreamARN), str(in.ConsumerName), absent, c.Map(in.Tags))
}

func (in *RemoveTagsFromStreamInput) validate() error {
	return validateWith(&in.TagKeys, c.RemoveTagsFromStream, str(in.StreamName), c.Strings(in.TagKeys), str(in.StreamARN), absent)
}

func (in *SplitShardInput) validate() error {
	return validate(c.SplitShard, str(in.StreamName), str(in.ShardToSplit), str(in.NewStartingHashKey), str(in.StreamARN), absent)
}

// validateEncryption checks StartStreamEncryption and StopStreamEncryption,
// whose members are the same.
func validateEncryption(op *c.Operation, name, arn string, typ EncryptionType, keyID string) error {
	return validate(op, str(name), str(typ), str(keyID), str(arn), absent)
}

func (in *SubscribeToShardInput) validate() error {
	p := &in.StartingPosition
	return validate(c.SubscribeToShard, str(in.ConsumerARN), absent, str(in.ShardId),
		c.Struct(true), str(p.Type), str(p.SequenceNumber))
}

func (in *TagResourceInput) validate() error {
	return validateWith(&in.Tags, c.TagResource, c.Map(in.Tags), str(in.ResourceARN), absent)
}

func (in *UntagResourceInput) validate() error {
	return validateWith(&in.TagKeys, c.UntagResource, c.Strings(in.TagKeys), str(in.ResourceARN), absent)
}

func (in *UpdateAccountSettingsInput) validate() error {
	return validate(c.UpdateAccountSettings, c.Struct(true), str(in.MinimumThroughputBillingCommitment.Status))
}

// validate checks UpdateMaxRecordSize's members; StreamName, which the
// engine accepts besides the model's StreamARN, has no model constraint.
func (in *UpdateMaxRecordSizeInput) validate() error {
	return validate(c.UpdateMaxRecordSize, str(in.StreamARN), absent, num(in.MaxRecordSizeInKiB))
}

func (in *UpdateShardCountInput) validate() error {
	return validate(c.UpdateShardCount, str(in.StreamName), num(in.TargetShardCount), str(in.ScalingType), str(in.StreamARN), absent)
}

func (in *UpdateStreamModeInput) validate() error {
	return validate(c.UpdateStreamMode, str(in.StreamARN), absent,
		c.Struct(true), str(in.StreamModeDetails.StreamMode), num(in.WarmThroughputMiBps))
}

func (in *UpdateStreamWarmThroughputInput) validate() error {
	return validate(c.UpdateStreamWarmThroughput, str(in.StreamARN), str(in.StreamName), absent, c.IntValue(in.WarmThroughputMiBps))
}

// validateIteratorType checks the type of a Go-native reader's starting
// position as GetShardIterator checks its shardIteratorType.
func validateIteratorType(t ShardIteratorType) error {
	var ch c.Checker
	v := str(t)
	ch.CheckMember(c.ShardIteratorTypeMember, v)
	if msg := ch.Message(); msg != "" {
		return &Error{Code: codeValidation, Message: msg}
	}
	return nil
}

// isName reports whether s matches the model's pattern of names,
// [a-zA-Z0-9_.-]+.
func isName(s string) bool { return c.IsName(s) }
