package freshet

import (
	"context"

	"github.com/freshet-io/freshet/internal/constraint"
)

// EnableEnhancedMonitoring and DisableEnhancedMonitoring: which
// shard-level metrics a stream keeps.

// Shard-level metric names, in canonical order.
var shardLevelMetrics = []string{
	"IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
	"WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds",
}

// EnableEnhancedMonitoringInput is the input of EnableEnhancedMonitoring.
type EnableEnhancedMonitoringInput struct {
	StreamName string
	StreamARN  string
	// ShardLevelMetrics lists 1 to 7 metric names, or "ALL".
	ShardLevelMetrics []string
}

// DisableEnhancedMonitoringInput is the input of DisableEnhancedMonitoring.
type DisableEnhancedMonitoringInput struct {
	StreamName        string
	StreamARN         string
	ShardLevelMetrics []string
}

// EnhancedMonitoringOutput is the output of Enable- and
// DisableEnhancedMonitoring: the shard-level metrics before and after.
type EnhancedMonitoringOutput struct {
	StreamName               string
	StreamARN                string
	CurrentShardLevelMetrics []string
	DesiredShardLevelMetrics []string
}

// EnableEnhancedMonitoring turns shard-level metrics on (recorded and
// reported; see the metrics snapshot for values).
func (e *Engine) EnableEnhancedMonitoring(ctx context.Context, in *EnableEnhancedMonitoringInput) (*EnhancedMonitoringOutput, error) {
	return invoke(ctx, e, OpEnableEnhancedMonitoring, in, e.enableEnhancedMonitoring)
}

// enableEnhancedMonitoring implements EnableEnhancedMonitoring.
func (e *Engine) enableEnhancedMonitoring(ctx context.Context, in *EnableEnhancedMonitoringInput) (*EnhancedMonitoringOutput, error) {
	return e.setMonitoring(ctx, OpEnableEnhancedMonitoring, in.StreamName, in.StreamARN, in.ShardLevelMetrics, true, in)
}

// DisableEnhancedMonitoring turns shard-level metrics off.
func (e *Engine) DisableEnhancedMonitoring(ctx context.Context, in *DisableEnhancedMonitoringInput) (*EnhancedMonitoringOutput, error) {
	return invoke(ctx, e, OpDisableEnhancedMonitoring, in, e.disableEnhancedMonitoring)
}

// disableEnhancedMonitoring implements DisableEnhancedMonitoring.
func (e *Engine) disableEnhancedMonitoring(ctx context.Context, in *DisableEnhancedMonitoringInput) (*EnhancedMonitoringOutput, error) {
	return e.setMonitoring(ctx, OpDisableEnhancedMonitoring, in.StreamName, in.StreamARN, in.ShardLevelMetrics, false, in)
}

func (e *Engine) setMonitoring(ctx context.Context, op Operation, name, arn string, metrics []string, enable bool, in any) (*EnhancedMonitoringOutput, error) {
	if err := validateMonitoring(constraint.Operations[string(op)], name, arn, metrics); err != nil {
		return nil, err
	}
	st, err := e.resolve(name, arn)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.requireActive(e.now()); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, m := range st.metrics {
		set[m] = true
	}
	before := append([]string{}, st.metrics...)
	for _, m := range metrics {
		names := []string{m}
		if m == "ALL" {
			names = shardLevelMetrics
		}
		for _, n := range names {
			set[n] = enable
		}
	}
	st.metrics = st.metrics[:0:0]
	for _, m := range shardLevelMetrics {
		if set[m] {
			st.metrics = append(st.metrics, m)
		}
	}
	return &EnhancedMonitoringOutput{
		StreamName:               st.name,
		StreamARN:                st.arn,
		CurrentShardLevelMetrics: before,
		DesiredShardLevelMetrics: append([]string{}, st.metrics...),
	}, nil
}
