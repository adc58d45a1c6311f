package freshet

import (
	"context"
)

// UpdateStreamWarmThroughput: the write throughput an on-demand stream
// is kept ready for.

// UpdateStreamWarmThroughputInput is the input of UpdateStreamWarmThroughput.
type UpdateStreamWarmThroughputInput struct {
	StreamName          string
	StreamARN           string
	WarmThroughputMiBps int
}

// UpdateStreamWarmThroughputOutput is the output of
// UpdateStreamWarmThroughput.
type UpdateStreamWarmThroughputOutput struct {
	StreamName     string
	StreamARN      string
	WarmThroughput WarmThroughput
}

// maxWarmThroughputMiBps is 10 GiB/s.
const maxWarmThroughputMiBps = 10240

// UpdateStreamWarmThroughput records the warm throughput of an ON_DEMAND
// stream; the account must have the minimum throughput billing commitment
// enabled (UpdateAccountSettings).
func (e *Engine) UpdateStreamWarmThroughput(ctx context.Context, in *UpdateStreamWarmThroughputInput) (*UpdateStreamWarmThroughputOutput, error) {
	return invoke(ctx, e, OpUpdateStreamWarmThroughput, in, e.updateStreamWarmThroughput)
}

// updateStreamWarmThroughput implements UpdateStreamWarmThroughput.
func (e *Engine) updateStreamWarmThroughput(ctx context.Context, in *UpdateStreamWarmThroughputInput) (*UpdateStreamWarmThroughputOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, err := e.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	if !e.account.committed(e.now()) {
		return nil, errNoCommitment(e.cfg.account)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	now := e.now()
	if err := st.requireActive(now); err != nil {
		return nil, err
	}
	if st.mode != StreamModeOnDemand {
		return nil, errInvalid("Warm throughput is only supported for streams in ON_DEMAND mode.")
	}
	if in.WarmThroughputMiBps > maxWarmThroughputMiBps {
		return nil, errInvalid("WarmThroughputMiBps %d exceeds the maximum of %d.", in.WarmThroughputMiBps, maxWarmThroughputMiBps)
	}
	st.warmMiBps = in.WarmThroughputMiBps
	st.setPhase(StreamStatusUpdating, now, e.cfg.delays.Update)
	return &UpdateStreamWarmThroughputOutput{
		StreamName:     st.name,
		StreamARN:      st.arn,
		WarmThroughput: WarmThroughput{TargetMiBps: st.warmMiBps, CurrentMiBps: st.warmMiBps},
	}, nil
}
