package policy_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/policy"
)

// TestEngineAuthorization runs a Set as the engine's authorizer: identity
// policies, a resource policy installed with PutResourcePolicy (and
// removed with DeleteResourcePolicy), explicit denies, and AWS's message.
func TestEngineAuthorization(t *testing.T) {
	const (
		alice  = "arn:aws:iam::000000000000:user/alice"
		bob    = "arn:aws:iam::000000000000:user/bob"
		admin  = "arn:aws:iam::000000000000:user/admin"
		stream = "arn:aws:kinesis:us-east-1:000000000000:stream/orders"
	)
	set := policy.NewSet()
	require.NoError(t, set.SetIdentityPolicies(admin, policy.MustParse(`{"Statement":{"Effect":"Allow","Action":"kinesis:*","Resource":"*"}}`)))
	require.NoError(t, set.SetIdentityPolicies(alice, policy.MustParse(`{"Statement":[
		{"Effect":"Allow","Action":["kinesis:PutRecord","kinesis:PutRecords","kinesis:Describe*"],"Resource":"arn:aws:kinesis:*:*:stream/orders"},
		{"Effect":"Deny","Action":"kinesis:PutRecords","Resource":"*"}]}`)))
	e := freshet.New(freshet.WithAuthorizer(set), freshet.WithRetentionSweep(0))
	t.Cleanup(func() { e.Close() })
	as := func(p string) context.Context {
		return freshet.ContextWithCaller(context.Background(), freshet.Caller{Principal: p})
	}
	_, err := e.CreateStream(as(admin), &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 1})
	require.NoError(t, err)
	put := func(p string) error {
		_, err := e.PutRecord(as(p), &freshet.PutRecordInput{StreamName: "orders", PartitionKey: "k", Data: []byte("x")})
		return err
	}
	denied := func(t *testing.T, err error, msg string) {
		t.Helper()
		var kerr *freshet.Error
		require.ErrorAs(t, err, &kerr)
		require.Equal(t, "AccessDeniedException", kerr.Code)
		require.Equal(t, msg, kerr.Message)
	}

	// The matrix: operation x principal.
	for _, c := range []struct {
		principal string
		call      func(ctx context.Context) error
		allowed   bool
	}{
		{alice, func(ctx context.Context) error { return put(alice) }, true},
		{alice, func(ctx context.Context) error {
			_, err := e.DescribeStreamSummary(ctx, &freshet.DescribeStreamSummaryInput{StreamName: "orders"})
			return err
		}, true},
		{alice, func(ctx context.Context) error {
			_, err := e.PutRecords(ctx, &freshet.PutRecordsInput{StreamName: "orders", Records: []freshet.PutRecordsRequestEntry{{PartitionKey: "k"}}})
			return err
		}, false},
		{alice, func(ctx context.Context) error {
			_, err := e.DeleteStream(ctx, &freshet.DeleteStreamInput{StreamName: "orders"})
			return err
		}, false},
		{alice, func(ctx context.Context) error {
			_, err := e.ListStreams(ctx, &freshet.ListStreamsInput{})
			return err
		}, false},
		{bob, func(ctx context.Context) error { return put(bob) }, false},
		{"", func(ctx context.Context) error { return put("") }, false},
		{admin, func(ctx context.Context) error { return put(admin) }, true},
	} {
		err := c.call(as(c.principal))
		if c.allowed {
			require.NoError(t, err, c.principal)
		} else {
			require.ErrorIs(t, err, freshet.ErrAccessDenied, c.principal)
		}
	}
	denied(t, put(bob), "User: "+bob+" is not authorized to perform: kinesis:PutRecord on resource: "+stream+
		" because no identity-based policy allows the kinesis:PutRecord action")
	_, err = e.PutRecords(as(alice), &freshet.PutRecordsInput{StreamName: "orders", Records: []freshet.PutRecordsRequestEntry{{PartitionKey: "k"}}})
	denied(t, err, "User: "+alice+" is not authorized to perform: kinesis:PutRecords on resource: "+stream+
		" with an explicit deny in an identity-based policy")

	// A resource policy attached through the API lets bob write.
	_, err = e.PutResourcePolicy(as(admin), &freshet.PutResourcePolicyInput{ResourceARN: stream,
		Policy: `{"Statement":{"Effect":"Allow","Principal":{"AWS":"` + bob + `"},"Action":"kinesis:PutRecord"}}`})
	require.NoError(t, err)
	require.NoError(t, put(bob))
	got, err := e.GetResourcePolicy(as(admin), &freshet.GetResourcePolicyInput{ResourceARN: stream})
	require.NoError(t, err)
	require.Contains(t, got.Policy, bob)
	_, err = e.DeleteResourcePolicy(as(admin), &freshet.DeleteResourcePolicyInput{ResourceARN: stream})
	require.NoError(t, err)
	require.ErrorIs(t, put(bob), freshet.ErrAccessDenied)

	// A malformed document is refused whole, and nothing is attached.
	_, err = e.PutResourcePolicy(as(admin), &freshet.PutResourcePolicyInput{ResourceARN: stream,
		Policy: `{"Statement":{"Effect":"Allow","Principal":"*","Action":"kinesis:*","Condition":{}}}`})
	require.ErrorIs(t, err, freshet.ErrInvalidArgument)
	require.ErrorIs(t, put(bob), freshet.ErrAccessDenied)
}
