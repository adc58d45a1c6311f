package freshet

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// auditLog collects audit events.
type auditLog struct {
	mu     sync.Mutex
	events []AuditEvent
}

func (l *auditLog) hook(ev AuditEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, ev)
}

func (l *auditLog) byName() map[Operation][]AuditEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := map[Operation][]AuditEvent{}
	for _, ev := range l.events {
		m[Operation(ev.EventName)] = append(m[Operation(ev.EventName)], ev)
	}
	return m
}

// TestAuditEveryOperationOnce calls every operation of the engine with an
// empty input (most fail validation) and checks that each yields exactly
// one audit event, with its error code.
func TestAuditEveryOperationOnce(t *testing.T) {
	var log auditLog
	e := New(WithAuditHook(log.hook), WithRetentionSweep(0))
	t.Cleanup(func() { e.Close() })
	ctx := context.Background()
	v := reflect.ValueOf(e)
	require.Len(t, Operations, 39)
	for _, op := range Operations {
		m := v.MethodByName(string(op))
		require.True(t, m.IsValid(), op)
		in := reflect.New(m.Type().In(1).Elem())
		res := m.Call([]reflect.Value{reflect.ValueOf(ctx), in})
		if err, _ := res[1].Interface().(error); err == nil {
			// Calls that succeed with no input at all.
			require.Contains(t, []Operation{OpDescribeLimits, OpDescribeAccountSettings, OpListStreams}, op)
		}
	}
	got := log.byName()
	for _, op := range Operations {
		require.Len(t, got[op], 1, op)
		ev := got[op][0]
		require.Equal(t, "kinesis.amazonaws.com", ev.EventSource)
		require.Equal(t, e.Region(), ev.AWSRegion)
		require.Equal(t, e.Account(), ev.RecipientAccountID)
		require.Len(t, ev.RequestID, 36)
		require.Len(t, ev.EventID, 36)
	}
	require.Len(t, log.events, len(Operations))
	require.Equal(t, codeValidation, got[OpPutRecord][0].ErrorCode)
	require.Empty(t, got[OpListStreams][0].ErrorCode)
}

// TestAuditEventContents checks the fields of events for successful and
// failed calls, and that record data never reaches the audit trail.
func TestAuditEventContents(t *testing.T) {
	var log auditLog
	clock := NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	e := New(WithAuditHook(log.hook), WithClock(clock), WithRetentionSweep(0))
	t.Cleanup(func() { e.Close() })
	ctx := ContextWithCaller(context.Background(), Caller{
		Principal:       "arn:aws:iam::000000000000:user/alice",
		AccessKeyID:     "AKIDALICE",
		SourceIPAddress: "192.0.2.7",
		UserAgent:       "test/1.0",
		RequestID:       "req-1",
	})
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 1, Tags: map[string]string{"team": "a"}})
	require.NoError(t, err)
	_, err = e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: []PutRecordsRequestEntry{
		{PartitionKey: "k1", Data: []byte("secret-payload-1")},
		{PartitionKey: "k2", Data: []byte("secret-payload-2")},
	}})
	require.NoError(t, err)
	_, err = e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "missing"})
	require.Error(t, err)

	got := log.byName()
	create := got[OpCreateStream][0]
	require.Equal(t, clock.Now(), create.EventTime)
	require.Equal(t, UserIdentity{ARN: "arn:aws:iam::000000000000:user/alice", AccessKeyID: "AKIDALICE"}, create.UserIdentity)
	require.Equal(t, "192.0.2.7", create.SourceIPAddress)
	require.Equal(t, "test/1.0", create.UserAgent)
	require.Equal(t, "req-1", create.RequestID)
	require.Equal(t, []string{"arn:aws:kinesis:us-east-1:000000000000:stream/s"}, create.Resources)
	require.Equal(t, map[string]any{"streamName": "s", "shardCount": int64(1), "tags": map[string]any{"team": "a"}}, create.RequestParameters)

	put := got[OpPutRecords][0]
	require.Equal(t, map[string]any{
		"streamName": "s",
		"records":    []any{map[string]any{"partitionKey": "k1"}, map[string]any{"partitionKey": "k2"}},
	}, put.RequestParameters)
	raw, err := json.Marshal(put)
	require.NoError(t, err)
	require.NotContains(t, string(raw), "secret-payload")
	require.Contains(t, string(raw), `"eventName":"PutRecords"`)

	missing := got[OpDescribeStream][0]
	require.Equal(t, codeResourceNotFound, missing.ErrorCode)
	require.Equal(t, "Stream missing under account 000000000000 not found.", missing.ErrorMessage)
}

// TestAuthorizer checks that the authorizer sees the principal, the
// kinesis: action and the resource ARN of every call, and that a refusal
// fails the call with AccessDeniedException before it runs.
func TestAuthorizer(t *testing.T) {
	type check struct{ principal, action, resource string }
	var mu sync.Mutex
	var seen []check
	deny := AuthorizerFunc(func(_ context.Context, principal, action, resource string) error {
		mu.Lock()
		seen = append(seen, check{principal, action, resource})
		mu.Unlock()
		if action == "kinesis:PutRecord" && principal != "arn:aws:iam::000000000000:user/writer" {
			return errors.New(AccessDeniedMessage(principal, action, resource))
		}
		return nil
	})
	e := New(WithAuthorizer(deny), WithRetentionSweep(0))
	t.Cleanup(func() { e.Close() })
	ctx := context.Background()
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 1})
	require.NoError(t, err)

	reader := ContextWithCaller(ctx, Caller{Principal: "arn:aws:iam::000000000000:user/reader"})
	_, err = e.PutRecord(reader, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("x")})
	var kerr *Error
	require.ErrorAs(t, err, &kerr)
	require.ErrorIs(t, err, ErrAccessDenied)
	require.Equal(t, "User: arn:aws:iam::000000000000:user/reader is not authorized to perform: kinesis:PutRecord "+
		"on resource: arn:aws:kinesis:us-east-1:000000000000:stream/s because no identity-based policy allows the kinesis:PutRecord action",
		kerr.Message)

	writer := ContextWithCaller(ctx, Caller{Principal: "arn:aws:iam::000000000000:user/writer"})
	_, err = e.PutRecord(writer, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("x")})
	require.NoError(t, err)
	st, _ := e.Stream("s")
	require.EqualValues(t, 1, st.Metrics().IncomingRecords, "the refused call stored nothing")

	it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "0", ShardIteratorType: TrimHorizon})
	require.NoError(t, err)
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it.ShardIterator})
	require.NoError(t, err)
	_, err = e.ListStreams(ctx, &ListStreamsInput{})
	require.NoError(t, err)
	out, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: st.ARN(), ConsumerName: "c"})
	require.NoError(t, err)
	_, err = e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{ConsumerARN: out.Consumer.ConsumerARN})
	require.NoError(t, err)

	arn := "arn:aws:kinesis:us-east-1:000000000000:stream/s"
	require.Equal(t, []check{
		{"", "kinesis:CreateStream", arn},
		{"arn:aws:iam::000000000000:user/reader", "kinesis:PutRecord", arn},
		{"arn:aws:iam::000000000000:user/writer", "kinesis:PutRecord", arn},
		{"", "kinesis:GetShardIterator", arn},
		{"", "kinesis:GetRecords", arn}, // the stream of the iterator
		{"", "kinesis:ListStreams", "*"},
		{"", "kinesis:RegisterStreamConsumer", arn},
		{"", "kinesis:DescribeStreamConsumer", out.Consumer.ConsumerARN},
	}, seen)
}

// TestAuthorizerKinesisError lets an authorizer answer with a Kinesis
// error of its own, which is returned as is.
func TestAuthorizerKinesisError(t *testing.T) {
	e := New(WithRetentionSweep(0), WithAuthorizer(AuthorizerFunc(func(context.Context, string, string, string) error {
		return NewError("UnrecognizedClientException", "The security token included in the request is invalid.")
	})))
	t.Cleanup(func() { e.Close() })
	_, err := e.ListStreams(context.Background(), &ListStreamsInput{})
	require.EqualError(t, err, "UnrecognizedClientException: The security token included in the request is invalid.")
}

func TestAccessDeniedMessageAnonymous(t *testing.T) {
	require.Equal(t, "User: anonymous is not authorized to perform: kinesis:ListStreams on resource: * because no identity-based policy allows the kinesis:ListStreams action",
		AccessDeniedMessage("", "kinesis:ListStreams", "*"))
}
