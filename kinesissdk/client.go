package kinesissdk

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
)

// Client calls Kinesis through an AWS SDK client, with freshet's types. It
// is a consumer.Source and a consumer.Subscriber. It is safe for
// concurrent use, as the SDK client is.
type Client struct {
	c *kinesis.Client
}

// New returns a Client over c.
func New(c *kinesis.Client) *Client { return &Client{c: c} }

// SDK returns the AWS SDK client c was made with.
func (c *Client) SDK() *kinesis.Client { return c.c }

var (
	_ consumer.Source     = (*Client)(nil)
	_ consumer.Subscriber = (*Client)(nil)
)

// ListShards lists the shards of a stream.
func (c *Client) ListShards(ctx context.Context, in *freshet.ListShardsInput) (*freshet.ListShardsOutput, error) {
	sin := &kinesis.ListShardsInput{
		StreamName:            optional(in.StreamName),
		StreamARN:             optional(in.StreamARN),
		NextToken:             optional(in.NextToken),
		ExclusiveStartShardId: optional(in.ExclusiveStartShardId),
	}
	if in.MaxResults != 0 {
		sin.MaxResults = aws.Int32(int32(in.MaxResults))
	}
	if !in.StreamCreationTimestamp.IsZero() {
		sin.StreamCreationTimestamp = aws.Time(in.StreamCreationTimestamp)
	}
	if f := in.ShardFilter; f != nil {
		sin.ShardFilter = &types.ShardFilter{Type: types.ShardFilterType(f.Type), ShardId: optional(f.ShardId)}
		if !f.Timestamp.IsZero() {
			sin.ShardFilter.Timestamp = aws.Time(f.Timestamp)
		}
	}
	out, err := c.c.ListShards(ctx, sin)
	if err != nil {
		return nil, convertError(err)
	}
	shards := make([]freshet.Shard, len(out.Shards))
	for i, sh := range out.Shards {
		s := freshet.Shard{
			ShardId:               aws.ToString(sh.ShardId),
			ParentShardId:         aws.ToString(sh.ParentShardId),
			AdjacentParentShardId: aws.ToString(sh.AdjacentParentShardId),
		}
		if s.HashKeyRange, err = hashKeyRange(sh.HashKeyRange); err != nil {
			return nil, err
		}
		if r := sh.SequenceNumberRange; r != nil {
			if s.SequenceNumberRange.StartingSequenceNumber, err = sequenceNumber(r.StartingSequenceNumber); err != nil {
				return nil, err
			}
			if s.SequenceNumberRange.EndingSequenceNumber, err = sequenceNumber(r.EndingSequenceNumber); err != nil {
				return nil, err
			}
		}
		shards[i] = s
	}
	return &freshet.ListShardsOutput{Shards: shards, NextToken: aws.ToString(out.NextToken)}, nil
}

// GetShardIterator returns a shard iterator.
func (c *Client) GetShardIterator(ctx context.Context, in *freshet.GetShardIteratorInput) (*freshet.GetShardIteratorOutput, error) {
	sin := &kinesis.GetShardIteratorInput{
		StreamName:             optional(in.StreamName),
		StreamARN:              optional(in.StreamARN),
		ShardId:                aws.String(in.ShardId),
		ShardIteratorType:      types.ShardIteratorType(in.ShardIteratorType),
		StartingSequenceNumber: optional(in.StartingSequenceNumber),
	}
	if !in.Timestamp.IsZero() {
		sin.Timestamp = aws.Time(in.Timestamp)
	}
	out, err := c.c.GetShardIterator(ctx, sin)
	if err != nil {
		return nil, convertError(err)
	}
	return &freshet.GetShardIteratorOutput{ShardIterator: aws.ToString(out.ShardIterator)}, nil
}

// GetRecords reads records with a shard iterator.
func (c *Client) GetRecords(ctx context.Context, in *freshet.GetRecordsInput) (*freshet.GetRecordsOutput, error) {
	sin := &kinesis.GetRecordsInput{ShardIterator: aws.String(in.ShardIterator), StreamARN: optional(in.StreamARN)}
	if in.Limit != 0 {
		sin.Limit = aws.Int32(int32(in.Limit))
	}
	out, err := c.c.GetRecords(ctx, sin)
	if err != nil {
		return nil, convertError(err)
	}
	recs, err := records(out.Records)
	if err != nil {
		return nil, err
	}
	children, err := childShards(out.ChildShards)
	if err != nil {
		return nil, err
	}
	return &freshet.GetRecordsOutput{
		Records:            recs,
		NextShardIterator:  aws.ToString(out.NextShardIterator),
		MillisBehindLatest: aws.ToInt64(out.MillisBehindLatest),
		ChildShards:        children,
	}, nil
}

// PutRecord writes one record.
func (c *Client) PutRecord(ctx context.Context, in *freshet.PutRecordInput) (*freshet.PutRecordOutput, error) {
	out, err := c.c.PutRecord(ctx, &kinesis.PutRecordInput{
		StreamName:                optional(in.StreamName),
		StreamARN:                 optional(in.StreamARN),
		Data:                      in.Data,
		PartitionKey:              aws.String(in.PartitionKey),
		ExplicitHashKey:           optional(in.ExplicitHashKey),
		SequenceNumberForOrdering: optional(in.SequenceNumberForOrdering),
	})
	if err != nil {
		return nil, convertError(err)
	}
	seq, err := sequenceNumber(out.SequenceNumber)
	if err != nil {
		return nil, err
	}
	return &freshet.PutRecordOutput{ShardId: aws.ToString(out.ShardId), SequenceNumber: seq, EncryptionType: freshet.EncryptionType(out.EncryptionType)}, nil
}

// PutRecords writes up to 500 records; each may fail on its own (see
// PutRecordsOutput.FailedRecordCount).
func (c *Client) PutRecords(ctx context.Context, in *freshet.PutRecordsInput) (*freshet.PutRecordsOutput, error) {
	entries := make([]types.PutRecordsRequestEntry, len(in.Records))
	for i, r := range in.Records {
		entries[i] = types.PutRecordsRequestEntry{Data: r.Data, PartitionKey: aws.String(r.PartitionKey), ExplicitHashKey: optional(r.ExplicitHashKey)}
	}
	out, err := c.c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: optional(in.StreamName), StreamARN: optional(in.StreamARN), Records: entries})
	if err != nil {
		return nil, convertError(err)
	}
	res := &freshet.PutRecordsOutput{
		FailedRecordCount: int(aws.ToInt32(out.FailedRecordCount)),
		Records:           make([]freshet.PutRecordsResultEntry, len(out.Records)),
		EncryptionType:    freshet.EncryptionType(out.EncryptionType),
	}
	for i, r := range out.Records {
		seq, err := sequenceNumber(r.SequenceNumber)
		if err != nil {
			return nil, err
		}
		res.Records[i] = freshet.PutRecordsResultEntry{
			SequenceNumber: seq,
			ShardId:        aws.ToString(r.ShardId),
			ErrorCode:      aws.ToString(r.ErrorCode),
			ErrorMessage:   aws.ToString(r.ErrorMessage),
		}
	}
	return res, nil
}

func records(rs []types.Record) ([]freshet.Record, error) {
	out := make([]freshet.Record, len(rs))
	for i, r := range rs {
		seq, err := sequenceNumber(r.SequenceNumber)
		if err != nil {
			return nil, err
		}
		out[i] = freshet.Record{
			SequenceNumber:              seq,
			ApproximateArrivalTimestamp: aws.ToTime(r.ApproximateArrivalTimestamp),
			Data:                        r.Data,
			PartitionKey:                aws.ToString(r.PartitionKey),
			EncryptionType:              freshet.EncryptionType(r.EncryptionType),
		}
	}
	return out, nil
}

func childShards(cs []types.ChildShard) ([]freshet.ChildShard, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	out := make([]freshet.ChildShard, len(cs))
	for i, c := range cs {
		r, err := hashKeyRange(c.HashKeyRange)
		if err != nil {
			return nil, err
		}
		out[i] = freshet.ChildShard{ShardId: aws.ToString(c.ShardId), ParentShards: c.ParentShards, HashKeyRange: r}
	}
	return out, nil
}

func hashKeyRange(r *types.HashKeyRange) (freshet.HashKeyRange, error) {
	if r == nil {
		return freshet.HashKeyRange{}, nil
	}
	lo, err := freshet.ParseHashKey(aws.ToString(r.StartingHashKey))
	if err != nil {
		return freshet.HashKeyRange{}, fmt.Errorf("kinesissdk: hash key %q: %w", aws.ToString(r.StartingHashKey), err)
	}
	hi, err := freshet.ParseHashKey(aws.ToString(r.EndingHashKey))
	if err != nil {
		return freshet.HashKeyRange{}, fmt.Errorf("kinesissdk: hash key %q: %w", aws.ToString(r.EndingHashKey), err)
	}
	return freshet.HashKeyRange{StartingHashKey: lo, EndingHashKey: hi}, nil
}

// sequenceNumber parses an optional sequence number (nil or "" is the
// zero value).
func sequenceNumber(s *string) (freshet.SequenceNumber, error) {
	if s == nil || *s == "" {
		return freshet.SequenceNumber{}, nil
	}
	n, err := freshet.ParseSequenceNumber(*s)
	if err != nil {
		return freshet.SequenceNumber{}, fmt.Errorf("kinesissdk: sequence number %q: %w", *s, err)
	}
	return n, nil
}

// optional returns nil for "", as the SDK leaves absent strings nil.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
