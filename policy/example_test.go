package policy_test

import (
	"context"
	"fmt"

	"github.com/freshet-io/freshet/policy"
)

func Example() {
	s := policy.NewSet()
	err := s.SetIdentityPolicies("arn:aws:iam::123456789012:user/alice", policy.MustParse(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Effect": "Allow", "Action": ["kinesis:PutRecord*", "kinesis:Describe*"],
	     "Resource": "arn:aws:kinesis:us-east-1:123456789012:stream/orders*"},
	    {"Effect": "Deny", "Action": "kinesis:PutRecords",
	     "Resource": "arn:aws:kinesis:us-east-1:123456789012:stream/orders-archive"}
	  ]}`))
	if err != nil {
		panic(err)
	}
	const alice = "arn:aws:iam::123456789012:user/alice"
	const arn = "arn:aws:kinesis:us-east-1:123456789012:stream/"
	fmt.Println(s.Evaluate(alice, "kinesis:PutRecord", arn+"orders"))
	fmt.Println(s.Evaluate(alice, "kinesis:PutRecords", arn+"orders-archive"))
	fmt.Println(s.Evaluate(alice, "kinesis:GetRecords", arn+"orders"))
	fmt.Println(s.Authorize(context.Background(), alice, "kinesis:PutRecord", arn+"payments"))
	// Output:
	// Allow
	// ExplicitDeny
	// ImplicitDeny
	// User: arn:aws:iam::123456789012:user/alice is not authorized to perform: kinesis:PutRecord on resource: arn:aws:kinesis:us-east-1:123456789012:stream/payments because no identity-based policy allows the kinesis:PutRecord action
}

func ExampleParse() {
	_, err := policy.Parse([]byte(`{"Statement": [{"Effect": "Allow", "Action": "kinesis:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}`))
	fmt.Println(err)
	// Output:
	// policy: Statement[0].Condition: conditions are not supported
}

func ExampleSet_SetResourcePolicy() {
	s := policy.NewSet()
	stream := "arn:aws:kinesis:us-east-1:123456789012:stream/shared"
	doc, err := policy.Parse([]byte(`{
	  "Version": "2012-10-17",
	  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"},
	                 "Action": ["kinesis:GetRecords", "kinesis:GetShardIterator"]}]}`))
	if err != nil {
		panic(err)
	}
	if err := s.SetResourcePolicy(stream, doc); err != nil {
		panic(err)
	}
	fmt.Println(s.Evaluate("arn:aws:iam::111122223333:role/analytics", "kinesis:GetRecords", stream))
	fmt.Println(s.Evaluate("arn:aws:iam::444455556666:role/analytics", "kinesis:GetRecords", stream))
	// Output:
	// Allow
	// ImplicitDeny
}
