package freshet

import (
	"context"
)

// DescribeLimits: the account's shard limit and usage.

// DescribeLimitsInput is the (empty) input of DescribeLimits.
type DescribeLimitsInput struct{}

// DescribeLimitsOutput is the output of DescribeLimits.
type DescribeLimitsOutput struct {
	ShardLimit               int
	OpenShardCount           int
	OnDemandStreamCount      int
	OnDemandStreamCountLimit int
}

const onDemandStreamCountLimit = 50

// DescribeLimits reports the account's shard limit and usage.
func (e *Engine) DescribeLimits(ctx context.Context, in *DescribeLimitsInput) (*DescribeLimitsOutput, error) {
	return invoke(ctx, e, OpDescribeLimits, in, e.describeLimits)
}

// describeLimits implements DescribeLimits.
func (e *Engine) describeLimits(ctx context.Context, in *DescribeLimitsInput) (*DescribeLimitsOutput, error) {
	out := &DescribeLimitsOutput{
		ShardLimit:               e.cfg.limits.shardLimit(),
		OpenShardCount:           e.openShardCount(),
		OnDemandStreamCountLimit: onDemandStreamCountLimit,
	}
	for _, st := range e.list() {
		st.mu.Lock()
		if st.mode == StreamModeOnDemand {
			out.OnDemandStreamCount++
		}
		st.mu.Unlock()
	}
	return out, nil
}
