package policy

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	acct    = "123456789012"
	region  = "arn:aws:kinesis:us-east-1:123456789012:"
	alice   = "arn:aws:iam::123456789012:user/alice"
	bob     = "arn:aws:iam::123456789012:user/bob"
	mallory = "arn:aws:iam::123456789012:user/mallory"
	reader  = "arn:aws:iam::123456789012:role/reader"
	carol   = "arn:aws:iam::111122223333:user/carol"
	dave    = "arn:aws:iam::444455556666:user/dave"

	orders         = region + "stream/orders"
	ordersEU       = region + "stream/orders-eu"
	ordersConsumer = region + "stream/orders/consumer/app:1700000000"
	payments       = region + "stream/payments"
	shared         = region + "stream/shared"
	sharedConsumer = region + "stream/shared/consumer/analytics:1700000000"
	public         = region + "stream/public"
	otherRegion    = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders"
)

// matrixSet builds the policies the allow/deny matrix runs against.
func matrixSet(t testing.TB) *Set {
	t.Helper()
	s := NewSet()
	must := func(err error) {
		t.Helper()
		require.NoError(t, err)
	}
	// alice: producer/consumer on orders* in us-east-1, never deletes.
	must(s.SetIdentityPolicies(alice, MustParse(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "ReadWriteOrders", "Effect": "Allow",
	     "Action": ["kinesis:Put*", "kinesis:Get*", "kinesis:DescribeStream", "kinesis:SubscribeToShard", "kinesis:RegisterStreamConsumer"],
	     "Resource": "arn:aws:kinesis:us-east-1:123456789012:stream/orders*"},
	    {"Effect": "Allow", "Action": "kinesis:ListStreams", "Resource": "*"},
	    {"Effect": "Deny", "Action": "kinesis:Delete*", "Resource": "*"}
	  ]}`), MustParse(`{"Statement": {"Effect": "Allow", "Action": "KINESIS:createstream", "Resource": "arn:aws:kinesis:us-east-1:123456789012:stream/orders-??"}}`)))
	// bob: everything but deletes and policy changes, only on public.
	must(s.SetIdentityPolicies(bob, MustParse(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Effect": "Allow", "NotAction": ["kinesis:Delete*", "kinesis:*ResourcePolicy"], "Resource": "*"},
	    {"Effect": "Deny", "Action": "kinesis:*", "NotResource": ["arn:aws:kinesis:us-east-1:123456789012:stream/public", "arn:aws:kinesis:us-east-1:123456789012:stream/public/*", "arn:aws:kinesis:us-east-1:123456789012:stream/shared"]}
	  ]}`)))
	// mallory: all of Kinesis, but the shared stream's policy denies her.
	must(s.SetIdentityPolicies(mallory, MustParse(`{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`)))
	// everyone: summaries of any stream.
	must(s.SetIdentityPolicies("*", MustParse(`{"Statement": [{"Effect": "Allow", "Action": "kinesis:DescribeStreamSummary", "Resource": "*"}]}`)))

	must(s.SetResourcePolicy(shared, MustParse(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "AccountReads", "Effect": "Allow", "Principal": {"AWS": "111122223333"},
	     "Action": ["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream"]},
	    {"Sid": "ReaderRole", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:role/reader"]},
	     "Action": "kinesis:*", "Resource": "arn:aws:kinesis:us-east-1:123456789012:stream/shared"},
	    {"Sid": "AnyoneLists", "Effect": "Allow", "Principal": "*", "Action": "kinesis:ListShards"},
	    {"Sid": "NoMallory", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::123456789012:user/mallory"}, "Action": "*"},
	    {"Sid": "OnlyOurAccountWrites", "Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"},
	     "Action": "kinesis:Put*"}
	  ]}`)))
	must(s.SetResourcePolicy(sharedConsumer, MustParse(`{
	  "Statement": [
	    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
	     "Action": ["kinesis:SubscribeToShard", "kinesis:DescribeStreamConsumer"]}
	  ]}`)))
	return s
}

func TestEvaluateMatrix(t *testing.T) {
	s := matrixSet(t)
	tests := []struct {
		principal, action, resource string
		want                        Decision
	}{
		// alice: identity Allow with a resource wildcard.
		{alice, "kinesis:PutRecord", orders, Allow},
		{alice, "kinesis:PutRecords", orders, Allow},
		{alice, "kinesis:PutRecords", ordersEU, Allow},
		{alice, "kinesis:GetRecords", orders, Allow},
		{alice, "kinesis:GetShardIterator", orders, Allow},
		{alice, "kinesis:DescribeStream", orders, Allow},
		{alice, "kinesis:DescribeStreamConsumer", orders, ImplicitDeny},
		{alice, "kinesis:SubscribeToShard", ordersConsumer, Allow},
		{alice, "kinesis:RegisterStreamConsumer", orders, Allow},
		{alice, "kinesis:PutRecord", payments, ImplicitDeny},
		{alice, "kinesis:PutRecord", otherRegion, ImplicitDeny},
		{alice, "kinesis:ListStreams", "*", Allow},
		{alice, "kinesis:ListStreams", region + "stream/anything", Allow},
		{alice, "kinesis:DeleteStream", orders, ExplicitDeny},
		{alice, "kinesis:DeleteResourcePolicy", orders, ExplicitDeny},
		// alice: second document, '?' wildcard and case-insensitive actions.
		{alice, "kinesis:CreateStream", region + "stream/orders-us", Allow},
		{alice, "kinesis:CreateStream", region + "stream/orders-usa", ImplicitDeny},
		{alice, "kinesis:CreateStream", region + "stream/orders-u", ImplicitDeny},
		{alice, "kinesis:CreateStream", orders, ImplicitDeny},
		{alice, "KINESIS:PUTRECORD", orders, Allow},
		{alice, "Kinesis:putRecord", orders, Allow},
		{alice, "kinesis:deletestream", orders, ExplicitDeny},
		// resources are case-sensitive.
		{alice, "kinesis:PutRecord", region + "stream/Orders", ImplicitDeny},
		{alice, "kinesis:PutRecord", "ARN:aws:kinesis:us-east-1:123456789012:stream/orders", ImplicitDeny},
		// alice is denied writes to shared by its resource policy, though
		// nothing allows her there anyway.
		{alice, "kinesis:GetRecords", shared, ImplicitDeny},
		{alice, "kinesis:ListShards", shared, Allow},
		// "*" identity policy applies to everyone, even unknown principals.
		{alice, "kinesis:DescribeStreamSummary", payments, Allow},
		{dave, "kinesis:DescribeStreamSummary", payments, Allow},
		{"", "kinesis:DescribeStreamSummary", payments, Allow},
		{dave, "kinesis:DescribeStream", payments, ImplicitDeny},
		// bob: NotAction and NotResource.
		{bob, "kinesis:PutRecord", public, Allow},
		{bob, "kinesis:CreateStream", public, Allow},
		{bob, "kinesis:SubscribeToShard", public + "/consumer/x:1", Allow},
		{bob, "kinesis:DeleteStream", public, ImplicitDeny},
		{bob, "kinesis:PutResourcePolicy", public, ImplicitDeny},
		{bob, "kinesis:GetResourcePolicy", public, ImplicitDeny},
		{bob, "kinesis:PutRecord", orders, ExplicitDeny},
		{bob, "kinesis:ListStreams", "*", ExplicitDeny},
		{bob, "kinesis:DescribeStreamSummary", orders, ExplicitDeny},
		{bob, "kinesis:PutRecord", shared, Allow}, // account root in NotPrincipal covers bob
		{bob, "s3:GetObject", orders, Allow},      // Deny covers only kinesis:*
		// mallory: identity "*" allow, beaten by the resource policy's Deny.
		{mallory, "kinesis:PutRecord", orders, Allow},
		{mallory, "kinesis:GetRecords", shared, ExplicitDeny},
		{mallory, "kinesis:ListShards", shared, ExplicitDeny},
		{mallory, "kinesis:GetRecords", sharedConsumer, Allow},
		// carol (another account): allowed by the account id principal only
		// for what the resource policy lists; denied writes by NotPrincipal.
		{carol, "kinesis:GetRecords", shared, Allow},
		{carol, "kinesis:GetShardIterator", shared, Allow},
		{carol, "kinesis:DescribeStream", shared, Allow},
		{carol, "kinesis:ListShards", shared, Allow},
		{carol, "kinesis:PutRecord", shared, ExplicitDeny},
		{carol, "kinesis:PutRecords", shared, ExplicitDeny},
		{carol, "kinesis:DeleteStream", shared, ImplicitDeny},
		{carol, "kinesis:GetRecords", orders, ImplicitDeny},
		{carol, "kinesis:SubscribeToShard", sharedConsumer, Allow},
		{carol, "kinesis:DescribeStreamConsumer", sharedConsumer, Allow},
		{carol, "kinesis:SubscribeToShard", shared, ImplicitDeny}, // stream policy does not name it
		{carol, "kinesis:SubscribeToShard", region + "stream/shared/consumer/other:1700000000", ImplicitDeny},
		// dave (a third account): only the "*" principal statement.
		{dave, "kinesis:ListShards", shared, Allow},
		{dave, "kinesis:GetRecords", shared, ImplicitDeny},
		{dave, "kinesis:PutRecord", shared, ExplicitDeny},
		{"", "kinesis:ListShards", shared, Allow},
		// reader: specific ARN principal with an explicit Resource.
		{reader, "kinesis:GetRecords", shared, Allow},
		{reader, "kinesis:PutRecord", shared, Allow},
		{reader, "kinesis:DeleteStream", shared, Allow},
		{reader, "kinesis:GetRecords", orders, ImplicitDeny},
		{reader, "kinesis:SubscribeToShard", sharedConsumer, ImplicitDeny}, // consumer policy names another account
	}

	for _, tt := range tests {
		name := fmt.Sprintf("%s/%s/%s", tt.principal, tt.action, tt.resource)
		t.Run(name, func(t *testing.T) {
			got := s.Evaluate(tt.principal, tt.action, tt.resource)
			assert.Equal(t, tt.want, got, "Evaluate = %v, want %v", got, tt.want)
			err := s.Authorize(context.Background(), tt.principal, tt.action, tt.resource)
			require.Equal(t, tt.want == Allow, err == nil, "Authorize = %v, want allowed=%v", err, tt.want == Allow)
			var de *DeniedError
			if err != nil && assert.ErrorAs(t, err, &de) {
				assert.Equal(t, tt.want == ExplicitDeny, de.Explicit, "Authorize = %#v, want Explicit=%v", err, tt.want == ExplicitDeny)
			}
		})
	}
}

func TestDeniedErrorText(t *testing.T) {
	s := matrixSet(t)
	ctx := context.Background()
	tests := []struct {
		principal, action, resource string
		want                        string
	}{
		{alice, "kinesis:PutRecord", payments,
			"User: arn:aws:iam::123456789012:user/alice is not authorized to perform: kinesis:PutRecord on resource: arn:aws:kinesis:us-east-1:123456789012:stream/payments because no identity-based policy allows the kinesis:PutRecord action"},
		{alice, "kinesis:DeleteStream", orders,
			"User: arn:aws:iam::123456789012:user/alice is not authorized to perform: kinesis:DeleteStream on resource: arn:aws:kinesis:us-east-1:123456789012:stream/orders with an explicit deny in an identity-based policy"},
		{mallory, "kinesis:GetRecords", shared,
			"User: arn:aws:iam::123456789012:user/mallory is not authorized to perform: kinesis:GetRecords on resource: arn:aws:kinesis:us-east-1:123456789012:stream/shared with an explicit deny in a resource-based policy"},
		{"", "kinesis:GetRecords", shared,
			"User: anonymous is not authorized to perform: kinesis:GetRecords on resource: arn:aws:kinesis:us-east-1:123456789012:stream/shared because no identity-based policy allows the kinesis:GetRecords action"},
	}
	for _, tt := range tests {
		err := s.Authorize(ctx, tt.principal, tt.action, tt.resource)
		assert.EqualError(t, err, tt.want, "Authorize(%s, %s, %s)", tt.principal, tt.action, tt.resource)
		var de *DeniedError
		if assert.ErrorAs(t, err, &de, "Authorize error %T does not carry AccessDeniedException", err) {
			assert.Equal(t, "AccessDeniedException", de.ErrorCode(), "Authorize error %T does not carry AccessDeniedException", err)
		}
	}
}

func TestEmptySetDeniesEverything(t *testing.T) {
	var zero Set
	for _, s := range []*Set{NewSet(), &zero} {
		got := s.Evaluate(alice, "kinesis:ListStreams", "*")
		assert.Equal(t, ImplicitDeny, got, "Evaluate on empty set = %v, want ImplicitDeny", got)
		assert.Error(t, s.Authorize(context.Background(), alice, "kinesis:ListStreams", "*"), "Authorize on empty set = nil, want denial")
	}
}

func TestSetUpdates(t *testing.T) {
	s := NewSet()
	allowAll := MustParse(`{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`)
	resPolicy := MustParse(`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kinesis:GetRecords"}}`)

	require.NoError(t, s.SetIdentityPolicies(alice, allowAll))
	got := s.Evaluate(alice, "kinesis:PutRecord", orders)
	require.Equal(t, Allow, got, "after SetIdentityPolicies: %v", got)
	docs := s.IdentityPolicies(alice)
	require.Len(t, docs, 1, "IdentityPolicies")
	require.Same(t, allowAll, docs[0], "IdentityPolicies")
	require.NoError(t, s.SetIdentityPolicies(alice))
	got = s.Evaluate(alice, "kinesis:PutRecord", orders)
	require.Equal(t, ImplicitDeny, got, "after removing identity policies: %v", got)

	require.NoError(t, s.SetResourcePolicy(orders, resPolicy))
	require.Same(t, resPolicy, s.ResourcePolicy(orders), "ResourcePolicy")
	got = s.Evaluate(bob, "kinesis:GetRecords", orders)
	require.Equal(t, Allow, got, "after SetResourcePolicy: %v", got)
	require.NoError(t, s.SetResourcePolicy(orders, nil))
	require.Nil(t, s.ResourcePolicy(orders), "SetResourcePolicy(nil) did not remove the policy")
	got = s.Evaluate(bob, "kinesis:GetRecords", orders)
	require.Equal(t, ImplicitDeny, got, "SetResourcePolicy(nil) did not remove the policy: %v", got)

	// Misuse is an error and changes nothing.
	errs := map[string]error{
		"resource doc as identity": s.SetIdentityPolicies(alice, allowAll, resPolicy),
		"nil identity doc":         s.SetIdentityPolicies(alice, nil),
		"bad principal":            s.SetIdentityPolicies("alice", allowAll),
		"wildcard principal":       s.SetIdentityPolicies("arn:aws:iam::123456789012:user/*", allowAll),
		"identity doc as resource": s.SetResourcePolicy(orders, allowAll),
		"bad resource":             s.SetResourcePolicy("orders", resPolicy),
		"wildcard resource":        s.SetResourcePolicy(region+"stream/*", resPolicy),
	}
	for name, err := range errs {
		assert.Error(t, err, name)
	}
	assert.Nil(t, s.IdentityPolicies(alice), "a rejected update changed the set")
	assert.Nil(t, s.ResourcePolicy(orders), "a rejected update changed the set")
	assert.EqualError(t, errs["resource doc as identity"], "policy: identity policy 1 of arn:aws:iam::123456789012:user/alice: document is not an identity-based policy: its statements have a Principal")
	assert.EqualError(t, errs["identity doc as resource"], "policy: resource policy of arn:aws:kinesis:us-east-1:123456789012:stream/orders: document is not a resource-based policy: its statements have no Principal")
}

// TestConcurrentSwap evaluates while writers swap policies; run with -race.
// Every evaluation must see one complete version: either the allowing
// document or the denying one, never a mixture.
func TestConcurrentSwap(t *testing.T) {
	s := NewSet()
	allow := MustParse(`{"Statement": [{"Effect": "Allow", "Action": "kinesis:*", "Resource": "*"}]}`)
	deny := MustParse(`{"Statement": [{"Effect": "Allow", "Action": "kinesis:*", "Resource": "*"}, {"Effect": "Deny", "Action": "kinesis:PutRecord", "Resource": "*"}]}`)
	res := MustParse(`{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "kinesis:GetRecords"}}`)
	require.NoError(t, s.SetIdentityPolicies(alice, allow))

	var writers, readers sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 2; w++ {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := 0; ; i++ {
				if testsync.Closed(stop) {
					return
				}
				doc := allow
				if i%2 == 0 {
					doc = deny
				}
				if !assert.NoError(t, s.SetIdentityPolicies(alice, doc)) {
					return
				}
				r := res
				if i%3 == 0 {
					r = nil
				}
				if !assert.NoError(t, s.SetResourcePolicy(orders, r)) {
					return
				}
				if i%50 == 0 && !assert.NoError(t, s.Replace(&Config{Principals: map[string][]*Document{alice: {doc}}})) {
					return
				}
			}
		}()
	}
	for r := 0; r < 4; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for i := 0; i < 2000; i++ {
				got := s.Evaluate(alice, "kinesis:DescribeStream", orders)
				if !assert.Equal(t, Allow, got, "DescribeStream = %v, want Allow in every version", got) {
					return
				}
				got = s.Evaluate(alice, "kinesis:PutRecord", orders)
				if !assert.NotEqual(t, ImplicitDeny, got, "PutRecord = %v, want Allow or ExplicitDeny", got) {
					return
				}
				_ = s.Authorize(context.Background(), alice, "kinesis:GetRecords", orders)
				_ = s.ResourcePolicy(orders)
				_ = s.IdentityPolicies(alice)
			}
		}()
	}
	readers.Wait()
	close(stop)
	writers.Wait()
}

func TestDecisionString(t *testing.T) {
	for d, want := range map[Decision]string{ImplicitDeny: "ImplicitDeny", Allow: "Allow", ExplicitDeny: "ExplicitDeny", 7: "Decision(7)"} {
		assert.Equal(t, want, d.String(), "%d.String()", int(d))
	}
}
