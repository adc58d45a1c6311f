package freshet

import (
	"context"
	"github.com/freshet-io/freshet/internal/constraint"
	"time"
)

const (
	minRetentionHours = 24
	maxRetentionHours = 8760
)

// IncreaseStreamRetentionPeriodInput is the input of
// IncreaseStreamRetentionPeriod.
type IncreaseStreamRetentionPeriodInput struct {
	StreamName string
	StreamARN  string
	// RetentionPeriodHours is the new retention, 24 to 8760 hours, not
	// shorter than the current one.
	RetentionPeriodHours int
}

// IncreaseStreamRetentionPeriodOutput is the (empty) output of
// IncreaseStreamRetentionPeriod.
type IncreaseStreamRetentionPeriodOutput struct{}

// IncreaseStreamRetentionPeriod lengthens how long records are kept.
// Records already trimmed stay gone.
func (e *Engine) IncreaseStreamRetentionPeriod(ctx context.Context, in *IncreaseStreamRetentionPeriodInput) (*IncreaseStreamRetentionPeriodOutput, error) {
	return invoke(ctx, e, OpIncreaseStreamRetentionPeriod, in, e.increaseStreamRetentionPeriod)
}

// increaseStreamRetentionPeriod implements IncreaseStreamRetentionPeriod.
func (e *Engine) increaseStreamRetentionPeriod(ctx context.Context, in *IncreaseStreamRetentionPeriodInput) (*IncreaseStreamRetentionPeriodOutput, error) {
	if err := e.changeRetention(ctx, OpIncreaseStreamRetentionPeriod, in.StreamName, in.StreamARN, in.RetentionPeriodHours, in); err != nil {
		return nil, err
	}
	return &IncreaseStreamRetentionPeriodOutput{}, nil
}

// DecreaseStreamRetentionPeriodInput is the input of
// DecreaseStreamRetentionPeriod.
type DecreaseStreamRetentionPeriodInput struct {
	StreamName string
	StreamARN  string
	// RetentionPeriodHours is the new retention, 24 to 8760 hours, not
	// longer than the current one.
	RetentionPeriodHours int
}

// DecreaseStreamRetentionPeriodOutput is the (empty) output of
// DecreaseStreamRetentionPeriod.
type DecreaseStreamRetentionPeriodOutput struct{}

// DecreaseStreamRetentionPeriod shortens how long records are kept;
// records older than the new period become unreadable at once.
func (e *Engine) DecreaseStreamRetentionPeriod(ctx context.Context, in *DecreaseStreamRetentionPeriodInput) (*DecreaseStreamRetentionPeriodOutput, error) {
	return invoke(ctx, e, OpDecreaseStreamRetentionPeriod, in, e.decreaseStreamRetentionPeriod)
}

// decreaseStreamRetentionPeriod implements DecreaseStreamRetentionPeriod.
func (e *Engine) decreaseStreamRetentionPeriod(ctx context.Context, in *DecreaseStreamRetentionPeriodInput) (*DecreaseStreamRetentionPeriodOutput, error) {
	if err := e.changeRetention(ctx, OpDecreaseStreamRetentionPeriod, in.StreamName, in.StreamARN, in.RetentionPeriodHours, in); err != nil {
		return nil, err
	}
	return &DecreaseStreamRetentionPeriodOutput{}, nil
}

func (e *Engine) changeRetention(ctx context.Context, op Operation, name, arn string, hours int, in any) error {
	if err := validateRetention(constraint.Operations[string(op)], name, arn, hours); err != nil {
		return err
	}
	if hours < minRetentionHours {
		return errInvalid("Minimum allowed retention period is %d hours. Requested retention period (%d hours) is too short.", minRetentionHours, hours)
	}
	if hours > maxRetentionHours {
		return errInvalid("Maximum allowed retention period is %d hours. Requested retention period (%d hours) is too long.", maxRetentionHours, hours)
	}
	st, err := e.resolve(name, arn)
	if err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.requireActive(e.now()); err != nil {
		return err
	}
	cur := int(st.retentionPeriod() / time.Hour)
	increase := op == OpIncreaseStreamRetentionPeriod
	switch {
	case increase && hours < cur:
		return errInvalid("Requested retention period (%d hours) for stream %s can not be shorter than existing retention period (%d hours). Use DecreaseRetentionPeriod API.", hours, st.name, cur)
	case !increase && hours > cur:
		return errInvalid("Requested retention period (%d hours) for stream %s can not be longer than existing retention period (%d hours). Use IncreaseRetentionPeriod API.", hours, st.name, cur)
	}
	// Trim under the current period first: records and shards that have
	// aged out stay gone whatever the new period (reads trim lazily, so an
	// increase would otherwise resurrect them).
	trimShards(st.shards, e.now(), st.retentionPeriod())
	st.retention.Store(int64(time.Duration(hours) * time.Hour))
	return nil
}

// ApplyRetention trims, in every stream, the records older than the
// stream's retention period and drops closed shards whose retention has
// passed, as the periodic sweep does. Reads trim lazily anyway; this frees
// the memory now. Useful with a ManualClock.
func (e *Engine) ApplyRetention() {
	now := e.now()
	for _, st := range e.list() {
		if st.status(now) == streamGone {
			e.removeStream(st)
			continue
		}
		st.applyRetention(now)
	}
}

// applyRetention trims one stream.
func (st *Stream) applyRetention(now time.Time) {
	st.mu.Lock()
	shards := append([]*shard(nil), st.shards...)
	st.mu.Unlock()
	trimShards(shards, now, st.retentionPeriod())
}

// trimShards trims records older than ret and drops expired shards.
func trimShards(shards []*shard, now time.Time, ret time.Duration) {
	horizon := now.Add(-ret).UnixMilli()
	for _, sh := range shards {
		if sh.expired(now, ret) {
			sh.drop()
			continue
		}
		sh.mu.Lock()
		if !sh.gone {
			sh.trimLocked(horizon)
		}
		sh.mu.Unlock()
		sh.removeExpiredSegments()
	}
}
