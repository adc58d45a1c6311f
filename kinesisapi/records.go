package kinesisapi

// Behavior: PutRecord, PutRecords, GetShardIterator and GetRecords are
// translated member for member. Blobs arrive decoded (base64 in JSON, byte
// strings in CBOR) and the engine copies them; sequence numbers and hash
// keys are decimal strings on the wire and freshet.SequenceNumber values
// in the engine's outputs. PutRecords' per-entry failures (throttling,
// injected faults) come from the engine's output, with FailedRecordCount.
// SequenceNumberForOrdering is passed on (the engine validates and
// otherwise ignores it); DryRun, which only aws-sdk-go-v2 knows, and
// StreamId are ignored.

import (
	"context"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

func putRecord(ctx context.Context, e *freshet.Engine, r *wire.PutRecordRequest) (*wire.PutRecordResponse, error) {
	out, err := e.PutRecord(ctx, &freshet.PutRecordInput{
		StreamName:                str(r.StreamName),
		StreamARN:                 str(r.StreamARN),
		Data:                      r.Data,
		PartitionKey:              str(r.PartitionKey),
		ExplicitHashKey:           str(r.ExplicitHashKey),
		SequenceNumberForOrdering: str(r.SequenceNumberForOrdering),
	})
	if err != nil {
		return nil, err
	}
	return &wire.PutRecordResponse{
		ShardId:        out.ShardId,
		SequenceNumber: string(out.SequenceNumber.AppendDecimal(make([]byte, 0, 64))),
		EncryptionType: optStr(string(out.EncryptionType)),
	}, nil
}

func putRecords(ctx context.Context, e *freshet.Engine, r *wire.PutRecordsRequest) (*wire.PutRecordsResponse, error) {
	entries := make([]freshet.PutRecordsRequestEntry, len(r.Records))
	for i, rec := range r.Records {
		entries[i] = freshet.PutRecordsRequestEntry{
			Data:            rec.Data,
			PartitionKey:    str(rec.PartitionKey),
			ExplicitHashKey: str(rec.ExplicitHashKey),
		}
	}
	out, err := e.PutRecords(ctx, &freshet.PutRecordsInput{
		StreamName: str(r.StreamName),
		StreamARN:  str(r.StreamARN),
		Records:    entries,
	})
	if err != nil {
		return nil, err
	}
	results := make([]wire.PutRecordsResultEntry, len(out.Records))
	// The two strings each result points to, allocated together, and the
	// digits of the sequence numbers, formatted into one string.
	strs := make([]string, 2*len(out.Records))
	digits := sequenceDigits(len(out.Records), func(i int) freshet.SequenceNumber { return out.Records[i].SequenceNumber })
	for i, res := range out.Records {
		a, b := &strs[2*i], &strs[2*i+1]
		if res.ErrorCode != "" {
			*a, *b = res.ErrorCode, res.ErrorMessage
			results[i] = wire.PutRecordsResultEntry{ErrorCode: a, ErrorMessage: b}
			continue
		}
		*a, *b = digits(i), res.ShardId
		results[i] = wire.PutRecordsResultEntry{SequenceNumber: a, ShardId: b}
	}
	return &wire.PutRecordsResponse{
		FailedRecordCount: i32(out.FailedRecordCount),
		Records:           results,
		EncryptionType:    optStr(string(out.EncryptionType)),
	}, nil
}

func getShardIterator(ctx context.Context, e *freshet.Engine, r *wire.GetShardIteratorRequest) (*wire.GetShardIteratorResponse, error) {
	out, err := e.GetShardIterator(ctx, &freshet.GetShardIteratorInput{
		StreamName:             str(r.StreamName),
		StreamARN:              str(r.StreamARN),
		ShardId:                str(r.ShardId),
		ShardIteratorType:      freshet.ShardIteratorType(str(r.ShardIteratorType)),
		StartingSequenceNumber: str(r.StartingSequenceNumber),
		Timestamp:              timeOf(r.Timestamp),
	})
	if err != nil {
		return nil, err
	}
	return &wire.GetShardIteratorResponse{ShardIterator: optStr(out.ShardIterator)}, nil
}

func getRecords(ctx context.Context, e *freshet.Engine, r *wire.GetRecordsRequest) (*wire.GetRecordsResponse, error) {
	out, err := e.GetRecords(ctx, &freshet.GetRecordsInput{
		ShardIterator: str(r.ShardIterator),
		Limit:         num(r.Limit),
		StreamARN:     str(r.StreamARN),
	})
	if err != nil {
		return nil, err
	}
	return &wire.GetRecordsResponse{
		Records:            wireRecords(out.Records),
		NextShardIterator:  optStr(out.NextShardIterator),
		MillisBehindLatest: ptr(out.MillisBehindLatest),
		ChildShards:        wireChildShards(out.ChildShards),
	}, nil
}

// sequenceDigits formats the n sequence numbers seq returns into one
// string, two allocations in all rather than one per number, and returns
// the function that gives the decimal form of the i-th ("" for a zero
// sequence number, as SequenceNumber.String).
func sequenceDigits(n int, seq func(i int) freshet.SequenceNumber) func(i int) string {
	const digitsPerNumber = 56 // the version-2 layout freshet issues
	ends := make([]int, n)
	b := make([]byte, 0, n*digitsPerNumber)
	for i := range n {
		b = seq(i).AppendDecimal(b)
		ends[i] = len(b)
	}
	all := string(b)
	return func(i int) string {
		start := 0
		if i > 0 {
			start = ends[i-1]
		}
		return all[start:ends[i]]
	}
}
