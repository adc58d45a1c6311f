package kinesisapi

// Behavior: the stream lifecycle operations (CreateStream, DeleteStream,
// DescribeStream, DescribeStreamSummary, ListStreams, UpdateStreamMode) are
// translated member for member; the engine decides everything, including
// CREATING and DELETING delays and messages. StreamId is accepted (the wire
// layer validates its pattern) and ignored, as Kinesis documents it as
// reserved. CreateStream and friends answer an empty body.

import (
	"context"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

func createStream(ctx context.Context, e *freshet.Engine, r *wire.CreateStreamRequest) (*wire.CreateStreamResponse, error) {
	_, err := e.CreateStream(ctx, &freshet.CreateStreamInput{
		StreamName:          str(r.StreamName),
		ShardCount:          num(r.ShardCount),
		StreamModeDetails:   streamModeDetails(r.StreamModeDetails),
		Tags:                r.Tags,
		MaxRecordSizeInKiB:  num(r.MaxRecordSizeInKiB),
		WarmThroughputMiBps: num(r.WarmThroughputMiBps),
	})
	if err != nil {
		return nil, err
	}
	return &wire.CreateStreamResponse{}, nil
}

func deleteStream(ctx context.Context, e *freshet.Engine, r *wire.DeleteStreamRequest) (*wire.DeleteStreamResponse, error) {
	_, err := e.DeleteStream(ctx, &freshet.DeleteStreamInput{
		StreamName:              str(r.StreamName),
		StreamARN:               str(r.StreamARN),
		EnforceConsumerDeletion: flag(r.EnforceConsumerDeletion),
	})
	if err != nil {
		return nil, err
	}
	return &wire.DeleteStreamResponse{}, nil
}

func describeStream(ctx context.Context, e *freshet.Engine, r *wire.DescribeStreamRequest) (*wire.DescribeStreamResponse, error) {
	out, err := e.DescribeStream(ctx, &freshet.DescribeStreamInput{
		StreamName:            str(r.StreamName),
		StreamARN:             str(r.StreamARN),
		Limit:                 num(r.Limit),
		ExclusiveStartShardId: str(r.ExclusiveStartShardId),
	})
	if err != nil {
		return nil, err
	}
	d := out.StreamDescription
	return &wire.DescribeStreamResponse{StreamDescription: wire.StreamDescription{
		StreamName:              d.StreamName,
		StreamARN:               d.StreamARN,
		StreamStatus:            string(d.StreamStatus),
		StreamModeDetails:       wireStreamModeDetails(d.StreamModeDetails),
		Shards:                  wireShards(d.Shards),
		HasMoreShards:           d.HasMoreShards,
		RetentionPeriodHours:    i32(d.RetentionPeriodHours),
		StreamCreationTimestamp: timestamp(d.StreamCreationTimestamp),
		EnhancedMonitoring:      wireEnhancedMonitoring(d.EnhancedMonitoring),
		EncryptionType:          optStr(string(d.EncryptionType)),
		KeyId:                   optStr(d.KeyId),
	}}, nil
}

func describeStreamSummary(ctx context.Context, e *freshet.Engine, r *wire.DescribeStreamSummaryRequest) (*wire.DescribeStreamSummaryResponse, error) {
	out, err := e.DescribeStreamSummary(ctx, &freshet.DescribeStreamSummaryInput{
		StreamName: str(r.StreamName),
		StreamARN:  str(r.StreamARN),
	})
	if err != nil {
		return nil, err
	}
	d := out.StreamDescriptionSummary
	s := wire.StreamDescriptionSummary{
		StreamName:              d.StreamName,
		StreamARN:               d.StreamARN,
		StreamStatus:            string(d.StreamStatus),
		StreamModeDetails:       wireStreamModeDetails(d.StreamModeDetails),
		RetentionPeriodHours:    i32(d.RetentionPeriodHours),
		StreamCreationTimestamp: timestamp(d.StreamCreationTimestamp),
		EnhancedMonitoring:      wireEnhancedMonitoring(d.EnhancedMonitoring),
		EncryptionType:          optStr(string(d.EncryptionType)),
		KeyId:                   optStr(d.KeyId),
		OpenShardCount:          i32(d.OpenShardCount),
		ConsumerCount:           ptr(i32(d.ConsumerCount)),
		MaxRecordSizeInKiB:      optI32(d.MaxRecordSizeInKiB),
	}
	if w := d.WarmThroughput; w != nil {
		s.WarmThroughput = &wire.WarmThroughputObject{
			TargetMiBps:  ptr(i32(w.TargetMiBps)),
			CurrentMiBps: ptr(i32(w.CurrentMiBps)),
		}
	}
	return &wire.DescribeStreamSummaryResponse{StreamDescriptionSummary: s}, nil
}

func listStreams(ctx context.Context, e *freshet.Engine, r *wire.ListStreamsRequest) (*wire.ListStreamsResponse, error) {
	out, err := e.ListStreams(ctx, &freshet.ListStreamsInput{
		Limit:                    num(r.Limit),
		ExclusiveStartStreamName: str(r.ExclusiveStartStreamName),
		NextToken:                str(r.NextToken),
	})
	if err != nil {
		return nil, err
	}
	summaries := make([]wire.StreamSummary, len(out.StreamSummaries))
	for i, s := range out.StreamSummaries {
		summaries[i] = wire.StreamSummary{
			StreamName:              s.StreamName,
			StreamARN:               s.StreamARN,
			StreamStatus:            string(s.StreamStatus),
			StreamModeDetails:       wireStreamModeDetails(s.StreamModeDetails),
			StreamCreationTimestamp: optTimestamp(s.StreamCreationTimestamp),
		}
	}
	return &wire.ListStreamsResponse{
		StreamNames:     out.StreamNames,
		HasMoreStreams:  out.HasMoreStreams,
		NextToken:       optStr(out.NextToken),
		StreamSummaries: summaries,
	}, nil
}

func updateStreamMode(ctx context.Context, e *freshet.Engine, r *wire.UpdateStreamModeRequest) (*wire.UpdateStreamModeResponse, error) {
	in := &freshet.UpdateStreamModeInput{
		StreamARN:           str(r.StreamARN),
		WarmThroughputMiBps: num(r.WarmThroughputMiBps),
	}
	if d := streamModeDetails(r.StreamModeDetails); d != nil {
		in.StreamModeDetails = *d
	}
	if _, err := e.UpdateStreamMode(ctx, in); err != nil {
		return nil, err
	}
	return &wire.UpdateStreamModeResponse{}, nil
}
