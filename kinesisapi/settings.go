package kinesisapi

// Behavior: the per-stream settings (StartStreamEncryption,
// StopStreamEncryption, EnableEnhancedMonitoring,
// DisableEnhancedMonitoring, UpdateMaxRecordSize,
// UpdateStreamWarmThroughput) are translated member for member. The engine
// records encryption without performing it, reports enhanced monitoring
// without producing metrics, and answers the UPDATING transitions; see
// DEVIATIONS.md.

import (
	"context"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

func startStreamEncryption(ctx context.Context, e *freshet.Engine, r *wire.StartStreamEncryptionRequest) (*wire.StartStreamEncryptionResponse, error) {
	_, err := e.StartStreamEncryption(ctx, &freshet.StartStreamEncryptionInput{
		StreamName:     str(r.StreamName),
		StreamARN:      str(r.StreamARN),
		EncryptionType: freshet.EncryptionType(str(r.EncryptionType)),
		KeyId:          str(r.KeyId),
	})
	if err != nil {
		return nil, err
	}
	return &wire.StartStreamEncryptionResponse{}, nil
}

func stopStreamEncryption(ctx context.Context, e *freshet.Engine, r *wire.StopStreamEncryptionRequest) (*wire.StopStreamEncryptionResponse, error) {
	_, err := e.StopStreamEncryption(ctx, &freshet.StopStreamEncryptionInput{
		StreamName:     str(r.StreamName),
		StreamARN:      str(r.StreamARN),
		EncryptionType: freshet.EncryptionType(str(r.EncryptionType)),
		KeyId:          str(r.KeyId),
	})
	if err != nil {
		return nil, err
	}
	return &wire.StopStreamEncryptionResponse{}, nil
}

func enableEnhancedMonitoring(ctx context.Context, e *freshet.Engine, r *wire.EnableEnhancedMonitoringRequest) (*wire.EnableEnhancedMonitoringResponse, error) {
	out, err := e.EnableEnhancedMonitoring(ctx, &freshet.EnableEnhancedMonitoringInput{
		StreamName:        str(r.StreamName),
		StreamARN:         str(r.StreamARN),
		ShardLevelMetrics: r.ShardLevelMetrics,
	})
	if err != nil {
		return nil, err
	}
	return wireEnhancedMonitoringOutput(out), nil
}

func disableEnhancedMonitoring(ctx context.Context, e *freshet.Engine, r *wire.DisableEnhancedMonitoringRequest) (*wire.DisableEnhancedMonitoringResponse, error) {
	out, err := e.DisableEnhancedMonitoring(ctx, &freshet.DisableEnhancedMonitoringInput{
		StreamName:        str(r.StreamName),
		StreamARN:         str(r.StreamARN),
		ShardLevelMetrics: r.ShardLevelMetrics,
	})
	if err != nil {
		return nil, err
	}
	return wireEnhancedMonitoringOutput(out), nil
}

// wireEnhancedMonitoringOutput converts the output of Enable- and
// DisableEnhancedMonitoring.
func wireEnhancedMonitoringOutput(out *freshet.EnhancedMonitoringOutput) *wire.EnhancedMonitoringResponse {
	return &wire.EnhancedMonitoringResponse{
		StreamName:               optStr(out.StreamName),
		CurrentShardLevelMetrics: out.CurrentShardLevelMetrics,
		DesiredShardLevelMetrics: out.DesiredShardLevelMetrics,
		StreamARN:                optStr(out.StreamARN),
	}
}

func updateMaxRecordSize(ctx context.Context, e *freshet.Engine, r *wire.UpdateMaxRecordSizeRequest) (*wire.UpdateMaxRecordSizeResponse, error) {
	_, err := e.UpdateMaxRecordSize(ctx, &freshet.UpdateMaxRecordSizeInput{
		StreamARN:          str(r.StreamARN),
		MaxRecordSizeInKiB: num(r.MaxRecordSizeInKiB),
	})
	if err != nil {
		return nil, err
	}
	return &wire.UpdateMaxRecordSizeResponse{}, nil
}

func updateStreamWarmThroughput(ctx context.Context, e *freshet.Engine, r *wire.UpdateStreamWarmThroughputRequest) (*wire.UpdateStreamWarmThroughputResponse, error) {
	out, err := e.UpdateStreamWarmThroughput(ctx, &freshet.UpdateStreamWarmThroughputInput{
		StreamName:          str(r.StreamName),
		StreamARN:           str(r.StreamARN),
		WarmThroughputMiBps: num(r.WarmThroughputMiBps),
	})
	if err != nil {
		return nil, err
	}
	return &wire.UpdateStreamWarmThroughputResponse{
		StreamARN:  optStr(out.StreamARN),
		StreamName: optStr(out.StreamName),
		WarmThroughput: &wire.WarmThroughputObject{
			TargetMiBps:  ptr(i32(out.WarmThroughput.TargetMiBps)),
			CurrentMiBps: ptr(i32(out.WarmThroughput.CurrentMiBps)),
		},
	}, nil
}
