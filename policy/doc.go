// Package policy implements IAM-style access control for freshet: parsing
// of IAM policy documents and their evaluation for Kinesis requests, as an
// authorizer the engine and the wire server consult before every
// operation with (principal, action, resource).
//
// # Model
//
// A Set holds identity-based policies, attached to principals (IAM ARNs
// such as "arn:aws:iam::123456789012:user/alice", or "*" for everyone), and
// resource-based policies, attached to stream and consumer ARNs (the
// backing of PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy).
// A request is evaluated as IAM evaluates a request within one account:
//
//  1. A Deny statement in any applicable policy wins: ExplicitDeny.
//  2. Otherwise, an Allow statement in an identity policy of the principal
//     (or of "*") or in the resource's policy allows it: Allow.
//  3. Otherwise the request is denied: ImplicitDeny.
//
// An empty Set therefore denies everything; install one as the authorizer
// only when policies are configured. Set.Authorize returns a *DeniedError
// whose message is AWS's AccessDeniedException text:
//
//	User: arn:aws:iam::123456789012:user/bob is not authorized to perform: kinesis:PutRecord on resource: arn:aws:kinesis:us-east-1:123456789012:stream/orders because no identity-based policy allows the kinesis:PutRecord action
//
// # Supported IAM subset
//
//   - Version "2012-10-17" or "2008-10-17" (or absent), Id, and Statement as
//     one object or an array of objects.
//   - Statement keys Sid, Effect ("Allow" or "Deny", required), exactly one
//     of Action or NotAction, and Resource or NotResource (exactly one in
//     identity policies; at most one in resource policies, where an absent
//     Resource means the resource the policy is attached to). Values are a
//     string or a non-empty array of strings.
//   - Actions are "*" or "service:Action", matched case-insensitively;
//     resources are "*" or ARNs, matched case-sensitively. Both may use the
//     wildcards '*' (any run of characters, including none) and '?' (exactly
//     one character). Matching is bytewise (ARNs and action names are ASCII)
//     and takes time proportional to at most len(pattern)*len(subject),
//     never exponential; it cannot panic.
//   - Principal and NotPrincipal (resource policies only, required in every
//     statement of one): "*", {"AWS": "*"}, {"AWS": ARN or [ARN, ...]} with
//     exact ARNs, 12-digit account ids ("123456789012" is
//     "arn:aws:iam::123456789012:root") and account root ARNs, which match
//     every principal whose ARN carries that account id, and
//     {"Service": "firehose.amazonaws.com"}, matched exactly.
//
// A document is an identity policy if no statement has a Principal and a
// resource policy if every statement has one; Parse rejects mixtures.
// Identity policies are looked up by the exact principal string (plus
// those of "*"); there are no groups, and roles are not inferred from
// session ARNs.
//
// # Not supported
//
// Condition is rejected at parse time ("conditions are not supported"):
// freshet has no request context (source IP, secure transport, tags) to
// evaluate it against, and silently ignoring a condition would widen an
// Allow or narrow a Deny. Also absent: policy variables such as
// ${aws:username} (matched literally), permission boundaries, service
// control policies, session policies, cross-account evaluation (a resource
// policy suffices on its own, as within one account), mapping of
// assumed-role session ARNs to their roles, and principal types other than
// AWS and Service. A resource policy applies only to the exact ARN it is
// attached to: a stream's policy does not cover its consumers. Sids are not
// required to be unique.
//
// One deliberate simplification: an account principal ("123456789012" or
// "arn:aws:iam::123456789012:root") matches every principal of that
// account, in Principal and NotPrincipal alike, and a resource policy's
// Allow suffices on its own. In AWS an account principal delegates to the
// account, whose identity policies must then also allow the request.
//
// # Strictness
//
// Parse, ParseConfig and LoadFile reject any document they do not fully
// understand, with an error naming the JSON path: unknown keys, duplicate
// keys (which encoding/json would resolve silently by keeping the last),
// wrong types, empty lists, invalid Effect, Version, action, resource or
// principal values, and documents larger than MaxDocumentSize. Nothing is
// ever half-applied: a Set changes only after the whole input is valid, and
// every change is installed atomically.
//
// # Configuration file
//
// ParseConfig and LoadFile read a JSON object with two optional keys:
// "principals" maps principal ARNs (or "*") to one policy document or an
// array of them, and "resources" maps resource ARNs to one resource policy.
// No other keys are allowed.
//
//	{
//	  "principals": {
//	    "arn:aws:iam::123456789012:user/alice": [
//	      {"Version": "2012-10-17", "Statement": [
//	        {"Effect": "Allow", "Action": "kinesis:*",
//	         "Resource": "arn:aws:kinesis:us-east-1:123456789012:stream/orders*"}]}
//	    ],
//	    "*": {"Statement": {"Effect": "Allow", "Action": "kinesis:List*", "Resource": "*"}}
//	  },
//	  "resources": {
//	    "arn:aws:kinesis:us-east-1:123456789012:stream/orders": {
//	      "Version": "2012-10-17",
//	      "Statement": [{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::123456789012:user/mallory"},
//	                     "Action": "kinesis:*"}]
//	    }
//	  }
//	}
//
// Install it with Set.Replace, which swaps every policy of the Set at once.
package policy
