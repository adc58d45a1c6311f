package kinesisapi

import (
	"context"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// opFunc runs one unary operation: it translates the decoded, validated
// wire request into the engine's input, calls the engine, and translates
// its output back into a wire response.
type opFunc func(ctx context.Context, e *freshet.Engine, req wire.Request) (any, error)

// unary adapts a typed operation function to an opFunc.
func unary[Req wire.Request, Resp any](fn func(context.Context, *freshet.Engine, Req) (Resp, error)) opFunc {
	return func(ctx context.Context, e *freshet.Engine, req wire.Request) (any, error) {
		return fn(ctx, e, req.(Req))
	}
}

// operations maps every unary operation to its translation. SubscribeToShard,
// the one event-stream operation, is served by call.subscribe.
var operations = map[string]opFunc{
	// Stream lifecycle (streams.go)
	"CreateStream":          unary(createStream),
	"DeleteStream":          unary(deleteStream),
	"DescribeStream":        unary(describeStream),
	"DescribeStreamSummary": unary(describeStreamSummary),
	"ListStreams":           unary(listStreams),
	"UpdateStreamMode":      unary(updateStreamMode),
	// Shards and resharding (shards.go)
	"ListShards":       unary(listShards),
	"SplitShard":       unary(splitShard),
	"MergeShards":      unary(mergeShards),
	"UpdateShardCount": unary(updateShardCount),
	// Data plane (records.go)
	"PutRecord":        unary(putRecord),
	"PutRecords":       unary(putRecords),
	"GetShardIterator": unary(getShardIterator),
	"GetRecords":       unary(getRecords),
	// Retention (retention.go)
	"IncreaseStreamRetentionPeriod": unary(increaseStreamRetentionPeriod),
	"DecreaseStreamRetentionPeriod": unary(decreaseStreamRetentionPeriod),
	// Tags (tags.go)
	"AddTagsToStream":      unary(addTagsToStream),
	"RemoveTagsFromStream": unary(removeTagsFromStream),
	"ListTagsForStream":    unary(listTagsForStream),
	"TagResource":          unary(tagResource),
	"UntagResource":        unary(untagResource),
	"ListTagsForResource":  unary(listTagsForResource),
	// Enhanced fan-out consumers (consumers.go)
	"RegisterStreamConsumer":   unary(registerStreamConsumer),
	"DeregisterStreamConsumer": unary(deregisterStreamConsumer),
	"DescribeStreamConsumer":   unary(describeStreamConsumer),
	"ListStreamConsumers":      unary(listStreamConsumers),
	// Stream settings: encryption, monitoring, record size, warm throughput
	// (settings.go)
	"StartStreamEncryption":      unary(startStreamEncryption),
	"StopStreamEncryption":       unary(stopStreamEncryption),
	"EnableEnhancedMonitoring":   unary(enableEnhancedMonitoring),
	"DisableEnhancedMonitoring":  unary(disableEnhancedMonitoring),
	"UpdateMaxRecordSize":        unary(updateMaxRecordSize),
	"UpdateStreamWarmThroughput": unary(updateStreamWarmThroughput),
	// Account, limits and resource policies (account.go)
	"DescribeLimits":          unary(describeLimits),
	"DescribeAccountSettings": unary(describeAccountSettings),
	"UpdateAccountSettings":   unary(updateAccountSettings),
	"PutResourcePolicy":       unary(putResourcePolicy),
	"GetResourcePolicy":       unary(getResourcePolicy),
	"DeleteResourcePolicy":    unary(deleteResourcePolicy),
}

// Request members are pointers, nil when absent; the engine's inputs use
// zero values for absent. Validate has already refused explicit values out
// of the model's ranges (Limit 0, for one), so a pointer maps directly to
// its value.

// str returns *p, or "" when p is nil.
func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// num returns *p as an int, or 0 when p is nil.
func num(p *int32) int {
	if p == nil {
		return 0
	}
	return int(*p)
}

// flag returns *p, or false when p is nil.
func flag(p *bool) bool {
	return p != nil && *p
}

// timeOf returns the instant of p, or the zero time when p is nil.
func timeOf(p *wire.Timestamp) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.Time
}

// Output members that are optional in the model are omitted when the
// engine leaves them at their zero value.

// optStr returns a pointer to s, or nil when s is empty.
func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T {
	return &v
}

// i32 converts an engine count to the wire's Integer.
func i32(n int) int32 {
	return int32(n)
}

// optI32 returns a pointer to n as an Integer, or nil when n is zero.
func optI32(n int) *int32 {
	if n == 0 {
		return nil
	}
	return ptr(int32(n))
}

// timestamp converts an engine time to the wire's millisecond timestamp.
func timestamp(t time.Time) wire.Timestamp {
	return wire.NewTimestamp(t)
}

// optTimestamp is timestamp, or nil for the zero time.
func optTimestamp(t time.Time) *wire.Timestamp {
	if t.IsZero() {
		return nil
	}
	return ptr(wire.NewTimestamp(t))
}

// streamModeDetails converts a request's StreamModeDetails; nil stays nil.
func streamModeDetails(d *wire.StreamModeDetails) *freshet.StreamModeDetails {
	if d == nil {
		return nil
	}
	return &freshet.StreamModeDetails{StreamMode: freshet.StreamMode(str(d.StreamMode))}
}

// wireStreamModeDetails converts a stream's mode for a response.
func wireStreamModeDetails(d freshet.StreamModeDetails) *wire.StreamModeDetails {
	if d.StreamMode == "" {
		return nil
	}
	return &wire.StreamModeDetails{StreamMode: ptr(string(d.StreamMode))}
}

// wireShards converts shard descriptions.
func wireShards(shards []freshet.Shard) []wire.Shard {
	out := make([]wire.Shard, len(shards))
	for i, s := range shards {
		out[i] = wire.Shard{
			ShardId:               s.ShardId,
			ParentShardId:         optStr(s.ParentShardId),
			AdjacentParentShardId: optStr(s.AdjacentParentShardId),
			HashKeyRange:          wireHashKeyRange(s.HashKeyRange),
			SequenceNumberRange: wire.SequenceNumberRange{
				StartingSequenceNumber: s.SequenceNumberRange.StartingSequenceNumber.String(),
				EndingSequenceNumber:   optSequenceNumber(s.SequenceNumberRange.EndingSequenceNumber),
			},
		}
	}
	return out
}

// wireHashKeyRange converts a hash-key range to decimal strings.
func wireHashKeyRange(r freshet.HashKeyRange) wire.HashKeyRange {
	return wire.HashKeyRange{
		StartingHashKey: r.StartingHashKey.String(),
		EndingHashKey:   r.EndingHashKey.String(),
	}
}

// optSequenceNumber returns the decimal form of sn, or nil for the zero
// sequence number.
func optSequenceNumber(sn freshet.SequenceNumber) *string {
	if sn.IsZero() {
		return nil
	}
	return ptr(sn.String())
}

// wireEnhancedMonitoring converts a stream's enhanced monitoring settings.
func wireEnhancedMonitoring(ms []freshet.EnhancedMetrics) []wire.EnhancedMetrics {
	out := make([]wire.EnhancedMetrics, len(ms))
	for i, m := range ms {
		out[i] = wire.EnhancedMetrics{ShardLevelMetrics: m.ShardLevelMetrics}
	}
	return out
}

// wireRecords converts records for GetRecords and SubscribeToShard. The
// records' Data share the engine's storage; encoding copies them.
func wireRecords(recs []freshet.Record) []wire.Record {
	out := make([]wire.Record, len(recs))
	// The records of one PutRecords call share their arrival time: a run
	// of equal timestamps points at one, and the timestamps of a response
	// are allocated together (an append that moves them leaves the earlier
	// records pointing at the old array, which stays valid).
	var stamps []wire.Timestamp
	for i, r := range recs {
		out[i] = wire.Record{
			Sequence:       r.SequenceNumber, // formatted straight into the response
			Data:           r.Data,
			PartitionKey:   r.PartitionKey,
			EncryptionType: optStr(string(r.EncryptionType)),
		}
		if !r.ApproximateArrivalTimestamp.IsZero() {
			ts := wire.NewTimestamp(r.ApproximateArrivalTimestamp)
			if len(stamps) == 0 || !stamps[len(stamps)-1].Equal(ts.Time) {
				if stamps == nil {
					stamps = make([]wire.Timestamp, 0, 16)
				}
				stamps = append(stamps, ts)
			}
			out[i].ApproximateArrivalTimestamp = &stamps[len(stamps)-1]
		}
		if out[i].Data == nil {
			out[i].Data = []byte{}
		}
	}
	return out
}

// wireChildShards converts the children of a closed shard; nil stays nil.
func wireChildShards(cs []freshet.ChildShard) []wire.ChildShard {
	if cs == nil {
		return nil
	}
	out := make([]wire.ChildShard, len(cs))
	for i, c := range cs {
		out[i] = wire.ChildShard{
			ShardId:      c.ShardId,
			ParentShards: c.ParentShards,
			HashKeyRange: wireHashKeyRange(c.HashKeyRange),
		}
	}
	return out
}

// wireTags converts a tag list; every tag carries its value, even empty.
func wireTags(tags []freshet.Tag) []wire.Tag {
	out := make([]wire.Tag, len(tags))
	for i, t := range tags {
		out[i] = wire.Tag{Key: t.Key, Value: ptr(t.Value)}
	}
	return out
}

// startingPosition converts a SubscribeToShard starting position.
func startingPosition(p *wire.StartingPosition) freshet.StartingPosition {
	if p == nil {
		return freshet.StartingPosition{}
	}
	return freshet.StartingPosition{
		Type:           freshet.ShardIteratorType(str(p.Type)),
		SequenceNumber: str(p.SequenceNumber),
		Timestamp:      timeOf(p.Timestamp),
	}
}
