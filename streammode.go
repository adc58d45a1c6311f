package freshet

import (
	"context"
)

// UpdateStreamMode: a stream's capacity mode, PROVISIONED or ON_DEMAND.

// UpdateStreamModeInput is the input of UpdateStreamMode.
type UpdateStreamModeInput struct {
	// StreamARN is required.
	StreamARN         string
	StreamModeDetails StreamModeDetails
	// WarmThroughputMiBps may accompany a switch to ON_DEMAND.
	WarmThroughputMiBps int
}

// UpdateStreamModeOutput is the (empty) output of UpdateStreamMode.
type UpdateStreamModeOutput struct{}

// UpdateStreamMode switches a stream between PROVISIONED and ON_DEMAND.
// The shards are kept as they are; freshet does not auto-scale on-demand
// streams.
func (e *Engine) UpdateStreamMode(ctx context.Context, in *UpdateStreamModeInput) (*UpdateStreamModeOutput, error) {
	return invoke(ctx, e, OpUpdateStreamMode, in, e.updateStreamMode)
}

// updateStreamMode implements UpdateStreamMode.
func (e *Engine) updateStreamMode(ctx context.Context, in *UpdateStreamModeInput) (*UpdateStreamModeOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, err := e.resolve("", in.StreamARN)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	now := e.now()
	if err := st.requireActive(now); err != nil {
		return nil, err
	}
	mode := in.StreamModeDetails.StreamMode
	if mode == st.mode {
		return nil, errInvalid("Stream %s under account %s is already in %s mode.", st.name, e.cfg.account, mode)
	}
	if mode == StreamModeProvisioned && in.WarmThroughputMiBps != 0 {
		return nil, errInvalid("WarmThroughputMiBps is only supported for streams in ON_DEMAND mode")
	}
	if in.WarmThroughputMiBps != 0 && !e.account.committed(now) {
		return nil, errNoCommitment(e.cfg.account)
	}
	st.mode = mode
	st.warmMiBps = in.WarmThroughputMiBps
	st.setPhase(StreamStatusUpdating, now, e.cfg.delays.Update)
	return &UpdateStreamModeOutput{}, nil
}
