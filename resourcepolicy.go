package freshet

import (
	"context"
	"encoding/json"
)

// PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy: the
// resource-based policies of streams and consumers, which an Authorizer
// evaluates (see ResourcePolicyStore).

// PutResourcePolicyInput is the input of PutResourcePolicy.
type PutResourcePolicyInput struct {
	// ResourceARN is a stream or consumer ARN.
	ResourceARN string
	// Policy is an IAM policy document (JSON).
	Policy string
}

// PutResourcePolicyOutput is the (empty) output of PutResourcePolicy.
type PutResourcePolicyOutput struct{}

// PutResourcePolicy attaches a resource policy to a stream or consumer. The
// engine checks that it is a JSON object and stores it.
func (e *Engine) PutResourcePolicy(ctx context.Context, in *PutResourcePolicyInput) (*PutResourcePolicyOutput, error) {
	return invoke(ctx, e, OpPutResourcePolicy, in, e.putResourcePolicy)
}

// putResourcePolicy implements PutResourcePolicy.
func (e *Engine) putResourcePolicy(ctx context.Context, in *PutResourcePolicyInput) (*PutResourcePolicyOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(in.Policy), &doc); err != nil {
		return nil, errInvalid("Invalid policy document: %v", err)
	}
	if _, _, err := e.resource(in.ResourceARN); err != nil {
		return nil, err
	}
	if store, ok := e.cfg.authorizer.(ResourcePolicyStore); ok {
		if err := store.PutResourcePolicy(in.ResourceARN, in.Policy); err != nil {
			return nil, errInvalid("Invalid policy document: %v", err)
		}
	}
	e.policies.Store(in.ResourceARN, in.Policy)
	return &PutResourcePolicyOutput{}, nil
}

// ResourcePolicyStore is implemented by authorizers that evaluate resource
// policies, as package policy's Set does. The engine keeps such an
// authorizer in step with PutResourcePolicy, DeleteResourcePolicy and the
// deletion of streams and consumers, and rejects (InvalidArgumentException)
// a document the store refuses.
type ResourcePolicyStore interface {
	PutResourcePolicy(resourceARN, policy string) error
	DeleteResourcePolicy(resourceARN string)
}

// deletePolicy removes a resource's policy, from the authorizer too.
func (e *Engine) deletePolicy(arn string) {
	e.policies.Delete(arn)
	if store, ok := e.cfg.authorizer.(ResourcePolicyStore); ok {
		store.DeleteResourcePolicy(arn)
	}
}

// GetResourcePolicyInput is the input of GetResourcePolicy.
type GetResourcePolicyInput struct {
	ResourceARN string
}

// GetResourcePolicyOutput is the output of GetResourcePolicy.
type GetResourcePolicyOutput struct {
	Policy string
}

// GetResourcePolicy returns a resource's policy; a resource without one
// returns "{}".
func (e *Engine) GetResourcePolicy(ctx context.Context, in *GetResourcePolicyInput) (*GetResourcePolicyOutput, error) {
	return invoke(ctx, e, OpGetResourcePolicy, in, e.getResourcePolicy)
}

// getResourcePolicy implements GetResourcePolicy.
func (e *Engine) getResourcePolicy(ctx context.Context, in *GetResourcePolicyInput) (*GetResourcePolicyOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if _, _, err := e.resource(in.ResourceARN); err != nil {
		return nil, err
	}
	p, ok := e.policies.Load(in.ResourceARN)
	if !ok {
		return &GetResourcePolicyOutput{Policy: "{}"}, nil
	}
	return &GetResourcePolicyOutput{Policy: p.(string)}, nil
}

// DeleteResourcePolicyInput is the input of DeleteResourcePolicy.
type DeleteResourcePolicyInput struct {
	ResourceARN string
}

// DeleteResourcePolicyOutput is the (empty) output of DeleteResourcePolicy.
type DeleteResourcePolicyOutput struct{}

// DeleteResourcePolicy removes a resource's policy.
func (e *Engine) DeleteResourcePolicy(ctx context.Context, in *DeleteResourcePolicyInput) (*DeleteResourcePolicyOutput, error) {
	return invoke(ctx, e, OpDeleteResourcePolicy, in, e.deleteResourcePolicy)
}

// deleteResourcePolicy implements DeleteResourcePolicy.
func (e *Engine) deleteResourcePolicy(ctx context.Context, in *DeleteResourcePolicyInput) (*DeleteResourcePolicyOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if _, _, err := e.resource(in.ResourceARN); err != nil {
		return nil, err
	}
	e.deletePolicy(in.ResourceARN)
	return &DeleteResourcePolicyOutput{}, nil
}
