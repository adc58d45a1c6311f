package policy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// Decision is the outcome of evaluating a request against a Set.
type Decision int

const (
	// ImplicitDeny means no applicable statement allows the request.
	ImplicitDeny Decision = iota
	// Allow means an applicable statement allows the request and none
	// denies it.
	Allow
	// ExplicitDeny means an applicable statement denies the request. It
	// wins over any Allow.
	ExplicitDeny
)

// String returns "ImplicitDeny", "Allow" or "ExplicitDeny".
func (d Decision) String() string {
	switch d {
	case ImplicitDeny:
		return "ImplicitDeny"
	case Allow:
		return "Allow"
	case ExplicitDeny:
		return "ExplicitDeny"
	}
	return fmt.Sprintf("Decision(%d)", int(d))
}

// Set holds the identity-based policies of principals and the
// resource-based policies of resources, and evaluates requests against
// them as IAM does within a single account.
//
// A request by principal P for action A on resource R is evaluated over the
// identity policies of P, the identity policies of "*" and the resource
// policy attached to R (exact ARN). An applicable Deny statement yields
// ExplicitDeny; otherwise an applicable Allow statement yields Allow;
// otherwise the result is ImplicitDeny. In particular an empty Set denies
// everything: install a Set as the authorizer only when policies are
// configured.
//
// The zero value is an empty Set ready to use. A Set is safe for concurrent
// use: evaluation reads an immutable snapshot without locking, and every
// update installs a new snapshot atomically, so an evaluation sees either
// all of an update or none of it. Updates copy the snapshot's maps, so they
// cost time proportional to the number of principals and resources; reads
// cost nothing beyond the statements they evaluate.
type Set struct {
	mu    sync.Mutex // serializes writers
	state atomic.Pointer[setState]
}

// setState is an immutable snapshot of a Set's policies.
type setState struct {
	identity map[string][]*Document
	resource map[string]*Document
}

var emptyState = &setState{}

// NewSet returns an empty Set, which denies every request.
func NewSet() *Set { return &Set{} }

func (s *Set) load() *setState {
	if st := s.state.Load(); st != nil {
		return st
	}
	return emptyState
}

// update applies f to a copy of the current snapshot and installs it.
func (s *Set) update(f func(next *setState)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.load()
	next := &setState{
		identity: make(map[string][]*Document, len(cur.identity)+1),
		resource: make(map[string]*Document, len(cur.resource)+1),
	}
	for k, v := range cur.identity {
		next.identity[k] = v
	}
	for k, v := range cur.resource {
		next.resource[k] = v
	}
	f(next)
	s.state.Store(next)
}

// SetIdentityPolicies replaces the identity-based policies of principal, an
// IAM ARN such as "arn:aws:iam::123456789012:user/alice", or "*" for
// policies that apply to every principal. Passing no documents removes
// them. Every document must be of Kind IdentityPolicy; otherwise nothing
// changes and an error is returned.
func (s *Set) SetIdentityPolicies(principal string, docs ...*Document) error {
	if err := validatePrincipalKey(principal); err != nil {
		return err
	}
	for i, d := range docs {
		if err := checkKind(d, IdentityPolicy); err != nil {
			return fmt.Errorf("policy: identity policy %d of %s: %w", i, principal, err)
		}
	}
	docs = append([]*Document(nil), docs...)
	s.update(func(next *setState) {
		if len(docs) == 0 {
			delete(next.identity, principal)
		} else {
			next.identity[principal] = docs
		}
	})
	return nil
}

// SetResourcePolicy attaches doc, which must be of Kind ResourcePolicy, to
// the resource with ARN resourceARN (a stream or consumer ARN), replacing
// any previous policy; a nil doc removes it. This is the backing of
// PutResourcePolicy and DeleteResourcePolicy. On error nothing changes.
func (s *Set) SetResourcePolicy(resourceARN string, doc *Document) error {
	if err := validateResourceKey(resourceARN); err != nil {
		return err
	}
	if doc != nil {
		if err := checkKind(doc, ResourcePolicy); err != nil {
			return fmt.Errorf("policy: resource policy of %s: %w", resourceARN, err)
		}
	}
	s.update(func(next *setState) {
		if doc == nil {
			delete(next.resource, resourceARN)
		} else {
			next.resource[resourceARN] = doc
		}
	})
	return nil
}

// Replace atomically replaces every policy of s with those of c; a nil c
// clears s. c is validated first, and on error s is left unchanged.
func (s *Set) Replace(c *Config) error {
	next := &setState{
		identity: make(map[string][]*Document),
		resource: make(map[string]*Document),
	}
	if c != nil {
		if err := c.validate(); err != nil {
			return err
		}
		for k, v := range c.Principals {
			if len(v) > 0 {
				next.identity[k] = append([]*Document(nil), v...)
			}
		}
		for k, v := range c.Resources {
			if v != nil {
				next.resource[k] = v
			}
		}
	}
	s.mu.Lock()
	s.state.Store(next)
	s.mu.Unlock()
	return nil
}

// IdentityPolicies returns the identity-based policies set for principal
// (not including those of "*"), or nil.
func (s *Set) IdentityPolicies(principal string) []*Document {
	return append([]*Document(nil), s.load().identity[principal]...)
}

// ResourcePolicy returns the policy attached to resourceARN, or nil. This is
// the backing of GetResourcePolicy.
func (s *Set) ResourcePolicy(resourceARN string) *Document {
	return s.load().resource[resourceARN]
}

// Evaluate decides whether principal may perform action (such as
// "kinesis:PutRecord", matched case-insensitively) on resource (an ARN,
// matched case-sensitively). See the Set documentation for the rules.
func (s *Set) Evaluate(principal, action, resource string) Decision {
	d, _ := s.evaluate(principal, action, resource)
	return d
}

// evaluate returns the decision and, for ExplicitDeny, the kind of policy
// holding the denying statement.
func (s *Set) evaluate(principal, action, resource string) (Decision, Kind) {
	st := s.load()
	action = lowerASCII(action)
	allowed := false
	for _, key := range [2]string{principal, "*"} {
		for _, d := range st.identity[key] {
			allows, denies := d.decide(principal, action, resource)
			if denies {
				return ExplicitDeny, IdentityPolicy
			}
			allowed = allowed || allows
		}
		if principal == "*" {
			break
		}
	}
	if d := st.resource[resource]; d != nil {
		allows, denies := d.decide(principal, action, resource)
		if denies {
			return ExplicitDeny, ResourcePolicy
		}
		allowed = allowed || allows
	}
	if allowed {
		return Allow, 0
	}
	return ImplicitDeny, 0
}

// decide reports whether a statement of d that covers the request allows
// it and whether one denies it (then allows is meaningless). The action
// must already be folded to lower case.
func (d *Document) decide(principal, action, resource string) (allows, denies bool) {
	for i := range d.statements {
		stmt := &d.statements[i]
		if !stmt.appliesTo(principal, action, resource) {
			continue
		}
		if stmt.deny {
			return false, true
		}
		allows = true
	}
	return allows, false
}

// appliesTo reports whether the statement covers the request. The action
// must already be folded to lower case. A statement without Resource (only
// possible in resource policies) covers the resource it is attached to.
func (st *statement) appliesTo(principal, action, resource string) bool {
	if matchAny(st.actions, action) == st.notAction {
		return false
	}
	if st.resources != nil && matchAny(st.resources, resource) == st.notResource {
		return false
	}
	if st.principals != nil && st.principals.names(principal) == st.principals.not {
		return false
	}
	return true
}

// Authorize returns nil if Evaluate allows the request and a *DeniedError
// otherwise. It has the signature of the engine's authorizer hook; ctx is
// not used.
func (s *Set) Authorize(ctx context.Context, principal, action, resource string) error {
	d, kind := s.evaluate(principal, action, resource)
	if d == Allow {
		return nil
	}
	return &DeniedError{
		Principal:      principal,
		Action:         action,
		Resource:       resource,
		Explicit:       d == ExplicitDeny,
		ResourcePolicy: kind == ResourcePolicy,
	}
}

// DeniedError is the error Authorize returns for a denied request. Its
// message is worded as AWS words the AccessDeniedException message.
type DeniedError struct {
	// Principal, Action and Resource describe the denied request.
	Principal, Action, Resource string
	// Explicit is true when a Deny statement matched, false when nothing
	// allowed the request.
	Explicit bool
	// ResourcePolicy is true when the explicit Deny came from the
	// resource's resource-based policy rather than an identity-based one.
	ResourcePolicy bool
}

// Error returns the AWS message, for an implicit deny
//
//	User: P is not authorized to perform: A on resource: R because no identity-based policy allows the A action
//
// and for an explicit deny
//
//	User: P is not authorized to perform: A on resource: R with an explicit deny in an identity-based policy
//
// (or "in a resource-based policy"). An empty principal is written as
// "anonymous", as AWS does.
func (e *DeniedError) Error() string {
	p := e.Principal
	if p == "" {
		p = "anonymous"
	}
	msg := "User: " + p + " is not authorized to perform: " + e.Action + " on resource: " + e.Resource
	if !e.Explicit {
		return msg + " because no identity-based policy allows the " + e.Action + " action"
	}
	if e.ResourcePolicy {
		return msg + " with an explicit deny in a resource-based policy"
	}
	return msg + " with an explicit deny in an identity-based policy"
}

// ErrorCode returns "AccessDeniedException", the Kinesis exception name,
// so that wire layers can map the error without importing this package.
func (e *DeniedError) ErrorCode() string { return "AccessDeniedException" }

func checkKind(d *Document, want Kind) error {
	if d == nil {
		return errors.New("nil document")
	}
	if d.kind != want {
		if want == ResourcePolicy {
			return errors.New("document is not a resource-based policy: its statements have no Principal")
		}
		return errors.New("document is not an identity-based policy: its statements have a Principal")
	}
	return nil
}

func validatePrincipalKey(p string) error {
	if p == "*" || (strings.HasPrefix(p, "arn:") && strings.Count(p, ":") >= 5 && !strings.ContainsAny(p, "*?")) {
		return nil
	}
	return fmt.Errorf(`policy: principal %q must be "*" or an IAM ARN without wildcards`, p)
}

func validateResourceKey(r string) error {
	if strings.HasPrefix(r, "arn:") && strings.Count(r, ":") >= 5 && !strings.ContainsAny(r, "*?") {
		return nil
	}
	return fmt.Errorf("policy: resource %q must be an ARN without wildcards", r)
}

// PutResourcePolicy parses doc and attaches it to resourceARN. With
// DeleteResourcePolicy it makes a Set a freshet.ResourcePolicyStore, so an
// engine whose authorizer is a Set keeps it in step with the
// PutResourcePolicy and DeleteResourcePolicy operations.
func (s *Set) PutResourcePolicy(resourceARN, doc string) error {
	d, err := Parse([]byte(doc))
	if err != nil {
		return err
	}
	return s.SetResourcePolicy(resourceARN, d)
}

// DeleteResourcePolicy removes the policy attached to resourceARN, if any.
func (s *Set) DeleteResourcePolicy(resourceARN string) {
	_ = s.SetResourcePolicy(resourceARN, nil) // only a malformed key fails, and then nothing is attached
}
