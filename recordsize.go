package freshet

import (
	"context"
)

// UpdateMaxRecordSize: the largest record a stream accepts.

// UpdateMaxRecordSizeInput is the input of UpdateMaxRecordSize.
type UpdateMaxRecordSizeInput struct {
	StreamName string
	StreamARN  string
	// MaxRecordSizeInKiB is the new maximum, 1024 to 10240 KiB.
	MaxRecordSizeInKiB int
}

// UpdateMaxRecordSizeOutput is the (empty) output of UpdateMaxRecordSize.
type UpdateMaxRecordSizeOutput struct{}

// UpdateMaxRecordSize changes the largest record a stream accepts.
func (e *Engine) UpdateMaxRecordSize(ctx context.Context, in *UpdateMaxRecordSizeInput) (*UpdateMaxRecordSizeOutput, error) {
	return invoke(ctx, e, OpUpdateMaxRecordSize, in, e.updateMaxRecordSize)
}

// updateMaxRecordSize implements UpdateMaxRecordSize.
func (e *Engine) updateMaxRecordSize(ctx context.Context, in *UpdateMaxRecordSizeInput) (*UpdateMaxRecordSizeOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	st, err := e.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	now := e.now()
	if err := st.requireActive(now); err != nil {
		return nil, err
	}
	st.maxRecordSize.Store(int64(in.MaxRecordSizeInKiB) << 10)
	st.setPhase(StreamStatusUpdating, now, e.cfg.delays.Update)
	return &UpdateMaxRecordSizeOutput{}, nil
}
