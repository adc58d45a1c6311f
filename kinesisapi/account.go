package kinesisapi

// Behavior: the account-wide operations (DescribeLimits,
// DescribeAccountSettings, UpdateAccountSettings) and the resource policy
// operations (PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy)
// are translated member for member. Each (account, region) pair has its own
// engine, so limits and settings are per account and region. Policies are
// evaluated by the engine's authorizer when it evaluates them (package
// policy's Set does); GetResourcePolicy on a resource without one returns
// "{}".

import (
	"context"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

func describeLimits(ctx context.Context, e *freshet.Engine, _ *wire.DescribeLimitsRequest) (*wire.DescribeLimitsResponse, error) {
	out, err := e.DescribeLimits(ctx, &freshet.DescribeLimitsInput{})
	if err != nil {
		return nil, err
	}
	return &wire.DescribeLimitsResponse{
		ShardLimit:               i32(out.ShardLimit),
		OpenShardCount:           i32(out.OpenShardCount),
		OnDemandStreamCount:      i32(out.OnDemandStreamCount),
		OnDemandStreamCountLimit: i32(out.OnDemandStreamCountLimit),
	}, nil
}

func describeAccountSettings(ctx context.Context, e *freshet.Engine, _ *wire.DescribeAccountSettingsRequest) (*wire.DescribeAccountSettingsResponse, error) {
	out, err := e.DescribeAccountSettings(ctx, &freshet.DescribeAccountSettingsInput{})
	if err != nil {
		return nil, err
	}
	return &wire.DescribeAccountSettingsResponse{MinimumThroughputBillingCommitment: wireCommitment(out)}, nil
}

func updateAccountSettings(ctx context.Context, e *freshet.Engine, r *wire.UpdateAccountSettingsRequest) (*wire.UpdateAccountSettingsResponse, error) {
	in := &freshet.UpdateAccountSettingsInput{}
	if c := r.MinimumThroughputBillingCommitment; c != nil {
		in.MinimumThroughputBillingCommitment.Status = str(c.Status)
	}
	out, err := e.UpdateAccountSettings(ctx, in)
	if err != nil {
		return nil, err
	}
	return &wire.UpdateAccountSettingsResponse{MinimumThroughputBillingCommitment: wireCommitment(out)}, nil
}

// wireCommitment converts the account's billing commitment; nil when the
// engine reports none.
func wireCommitment(out *freshet.AccountSettingsOutput) *wire.MinimumThroughputBillingCommitmentOutput {
	c := out.MinimumThroughputBillingCommitment
	if c.Status == "" {
		return nil
	}
	return &wire.MinimumThroughputBillingCommitmentOutput{
		Status:               c.Status,
		StartedAt:            optTimestamp(c.StartedAt),
		EndedAt:              optTimestamp(c.EndedAt),
		EarliestAllowedEndAt: optTimestamp(c.EarliestAllowedEndAt),
	}
}

func putResourcePolicy(ctx context.Context, e *freshet.Engine, r *wire.PutResourcePolicyRequest) (*wire.PutResourcePolicyResponse, error) {
	_, err := e.PutResourcePolicy(ctx, &freshet.PutResourcePolicyInput{ResourceARN: str(r.ResourceARN), Policy: str(r.Policy)})
	if err != nil {
		return nil, err
	}
	return &wire.PutResourcePolicyResponse{}, nil
}

func getResourcePolicy(ctx context.Context, e *freshet.Engine, r *wire.GetResourcePolicyRequest) (*wire.GetResourcePolicyResponse, error) {
	out, err := e.GetResourcePolicy(ctx, &freshet.GetResourcePolicyInput{ResourceARN: str(r.ResourceARN)})
	if err != nil {
		return nil, err
	}
	return &wire.GetResourcePolicyResponse{Policy: out.Policy}, nil
}

func deleteResourcePolicy(ctx context.Context, e *freshet.Engine, r *wire.DeleteResourcePolicyRequest) (*wire.DeleteResourcePolicyResponse, error) {
	_, err := e.DeleteResourcePolicy(ctx, &freshet.DeleteResourcePolicyInput{ResourceARN: str(r.ResourceARN)})
	if err != nil {
		return nil, err
	}
	return &wire.DeleteResourcePolicyResponse{}, nil
}
