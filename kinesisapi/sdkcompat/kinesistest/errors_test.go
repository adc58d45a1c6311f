package kinesistest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesistest"
)

// TestTypedErrors checks that the SDK decodes each Kinesis exception into
// its typed error, with the message Kinesis words.
func TestTypedErrors(t *testing.T) {
	srv := kinesistest.NewServer(t, kinesistest.WithEngineOptions(freshet.WithShardLimit(10)))
	c, _ := newClient(srv, noRetries)
	arn := createStream(t, c, "s", 2)
	putRecords(t, c, "s", "r", 1)

	expiredIterator := func(ctx context.Context) error {
		it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
			StreamName:        aws.String("s"),
			ShardId:           aws.String("shardId-000000000000"),
			ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
		})
		if err != nil {
			return err
		}
		srv.Engine.ExpireIterators()
		_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
		return err
	}

	tests := []struct {
		name string
		call func(context.Context) error
		as   func(error) bool // errors.As with the expected type
		code string
		msg  string // the exact message, or a prefix ending in "..."
	}{
		{
			name: "ResourceNotFound",
			call: func(ctx context.Context) error {
				_, err := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("nope")})
				return err
			},
			as:   isA[*types.ResourceNotFoundException],
			code: "ResourceNotFoundException",
			msg:  "Stream nope under account 000000000000 not found.",
		},
		{
			name: "ResourceInUse",
			call: func(ctx context.Context) error {
				_, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)})
				return err
			},
			as:   isA[*types.ResourceInUseException],
			code: "ResourceInUseException",
			msg:  "Stream s under account 000000000000 already exists.",
		},
		{
			name: "InvalidArgument",
			call: func(ctx context.Context) error {
				_, err := c.MergeShards(ctx, &kinesis.MergeShardsInput{
					StreamName:           aws.String("s"),
					ShardToMerge:         aws.String("shardId-000000000001"),
					AdjacentShardToMerge: aws.String("shardId-000000000000"),
				})
				return err
			},
			as:   isA[*types.InvalidArgumentException],
			code: "InvalidArgumentException",
			msg:  "Shards shardId-000000000001 and shardId-000000000000 in stream s under account 000000000000 are not an adjacent pair of shards eligible for merging...",
		},
		{
			name: "InvalidArgument retention",
			call: func(ctx context.Context) error {
				_, err := c.DecreaseStreamRetentionPeriod(ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(12)})
				return err
			},
			as:   isA[*types.InvalidArgumentException],
			code: "InvalidArgumentException",
			msg:  "Minimum allowed retention period is 24 hours. Requested retention period (12 hours) is too short.",
		},
		{
			name: "ExpiredIterator",
			call: expiredIterator,
			as:   isA[*types.ExpiredIteratorException],
			code: "ExpiredIteratorException",
			msg:  "Iterator expired...",
		},
		{
			name: "LimitExceeded",
			call: func(ctx context.Context) error {
				_, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("big"), ShardCount: aws.Int32(9)})
				return err
			},
			as:   isA[*types.LimitExceededException],
			code: "LimitExceededException",
			msg:  "This request would exceed the shard limit for the account 000000000000 in us-east-1...",
		},
		{
			name: "Validation",
			call: func(ctx context.Context) error {
				_, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s"), MaxResults: aws.Int32(20000)})
				return err
			},
			as:   isA[smithy.APIError],
			code: "ValidationException",
			msg:  "1 validation error detected: Value '20000' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10000",
		},
		{
			name: "ResourceNotFound consumer",
			call: func(ctx context.Context) error {
				_, err := c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{StreamARN: aws.String(arn), ConsumerName: aws.String("ghost")})
				return err
			},
			as:   isA[*types.ResourceNotFoundException],
			code: "ResourceNotFoundException",
			msg:  "Consumer ghost under stream s under account 000000000000 not found.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(testContext(t))
			require.Error(t, err)
			assert.True(t, tt.as(err), "error %T (%v) is not the expected type", errors.Unwrap(err), err)
			var apiErr smithy.APIError
			require.ErrorAs(t, err, &apiErr, "%v is not a smithy.APIError", err)
			assert.Equal(t, tt.code, apiErr.ErrorCode(), "ErrorCode")
			if prefix, ok := strings.CutSuffix(tt.msg, "..."); ok {
				assert.True(t, strings.HasPrefix(apiErr.ErrorMessage(), prefix), "ErrorMessage = %q, want it to start with %q", apiErr.ErrorMessage(), prefix)
			} else {
				assert.Equal(t, tt.msg, apiErr.ErrorMessage(), "ErrorMessage")
			}
		})
	}
}

// isA reports whether err is, or wraps, an error of type T.
func isA[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

// TestInjectedErrors fails calls through the engine's fault injection and
// checks the typed errors and HTTP statuses the SDK sees.
func TestInjectedErrors(t *testing.T) {
	srv := kinesistest.NewServer(t)
	c, rec := newClient(srv, noRetries)
	createStream(t, c, "s", 1)
	ctx := testContext(t)

	tests := []struct {
		fault  error
		as     func(error) bool
		status int
	}{
		{freshet.ErrKMSThrottling, isA[*types.KMSThrottlingException], 400},
		{freshet.ErrKMSNotFound, isA[*types.KMSNotFoundException], 400},
		{freshet.ErrAccessDenied, isA[*types.AccessDeniedException], 400},
		{freshet.ErrInternalFailure, isA[*types.InternalFailureException], 500},
		{freshet.ErrServiceUnavailable, isA[smithy.APIError], 503},
	}
	for _, tt := range tests {
		code := tt.fault.(*freshet.Error).Code
		t.Run(code, func(t *testing.T) {
			remove := srv.Engine.InjectFault(freshet.Fault{Operation: "PutRecord", Times: 1, Err: tt.fault})
			defer remove()
			before := rec.count("PutRecord", tt.status)
			_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")})
			assert.True(t, tt.as(err), "PutRecord with %s injected: %T %v", code, errors.Unwrap(err), err)
			assert.Equal(t, code, errorCode(err), "ErrorCode")
			assert.Equal(t, 1, rec.count("PutRecord", tt.status)-before, "PutRecord answers with HTTP %d", tt.status)
		})
	}
}

// TestExpiredNextToken moves a ManualClock past the 300 s life of a
// ListShards token.
func TestExpiredNextToken(t *testing.T) {
	clock := freshet.NewManualClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := kinesistest.NewServer(t, kinesistest.WithEngineOptions(freshet.WithClock(clock)))
	c, _ := newClient(srv, noRetries)
	ctx := testContext(t)
	createStream(t, c, "s", 3)

	page, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s"), MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	require.NotNil(t, page.NextToken, "no NextToken with MaxResults 1 of 3 shards")
	clock.Advance(301 * time.Second)
	_, err = c.ListShards(ctx, &kinesis.ListShardsInput{NextToken: page.NextToken})
	var expired *types.ExpiredNextTokenException
	require.ErrorAs(t, err, &expired, "ListShards with a 301 s old token, want ExpiredNextTokenException")
	assert.NotEmpty(t, expired.ErrorMessage(), "ExpiredNextTokenException without a message")
}
