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
	"slices"
	"sync"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/internal/readbuf"
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

func putRecords(ctx context.Context, e *freshet.Engine, r *wire.PutRecordsRequest) (*wire.PutRecordsOutput, error) {
	buf := engineEntries.Get().(*[]freshet.PutRecordsRequestEntry)
	entries := slices.Grow((*buf)[:0], len(r.Records))[:len(r.Records)]
	for i, rec := range r.Records {
		entries[i] = freshet.PutRecordsRequestEntry{
			Data:            rec.Data,
			PartitionKey:    str(rec.PartitionKey),
			ExplicitHashKey: str(rec.ExplicitHashKey),
		}
	}
	// The results go into a recycled list (recycleResults), which the
	// context lends the engine.
	results := resultLists.Get().(*[]freshet.PutRecordsResultEntry)
	out, err := e.PutRecords(readbuf.With(ctx, results), &freshet.PutRecordsInput{
		StreamName: str(r.StreamName),
		StreamARN:  str(r.StreamARN),
		Records:    entries,
	})
	// The engine has copied the entries' data and keys.
	clear(entries)
	*buf = entries
	engineEntries.Put(buf)
	if err != nil {
		resultLists.Put(results)
		return nil, err
	}
	// Encoded straight from the engine's output (as putRecordsResponse,
	// in the tests, converts it).
	return (*wire.PutRecordsOutput)(out), nil
}

// engineEntries holds the lists of entries putRecords hands the engine,
// reused from one call to the next.
var engineEntries = sync.Pool{New: func() any { return new([]freshet.PutRecordsRequestEntry) }}

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

func getRecords(ctx context.Context, e *freshet.Engine, r *wire.GetRecordsRequest) (*wire.GetRecordsOutput, error) {
	// The records go into a recycled list (recycleRecords), which the
	// context lends the engine.
	recs := recordLists.Get().(*[]freshet.Record)
	out, err := e.GetRecords(readbuf.With(ctx, recs), &freshet.GetRecordsInput{
		ShardIterator: str(r.ShardIterator),
		Limit:         num(r.Limit),
		StreamARN:     str(r.StreamARN),
	})
	if err != nil {
		recordLists.Put(recs)
		return nil, err
	}
	// Encoded straight from the engine's records (as getRecordsResponse,
	// in the tests, converts them).
	return (*wire.GetRecordsOutput)(out), nil
}

// recordLists holds the lists of records GetRecords fills: without them a
// read of 10,000 records allocates and zeroes a megabyte each time.
var recordLists = sync.Pool{New: func() any { return new([]freshet.Record) }}

// maxRecycledRecords is the largest list recordLists keeps: GetRecords'
// largest Limit.
const maxRecycledRecords = 10000

// recycleRecords returns the records of a GetRecords output to
// recordLists once the response is encoded. The engine's output belongs
// to its caller, whether it filled the lent list or allocated another.
func recycleRecords(recs []freshet.Record) {
	if cap(recs) == 0 || cap(recs) > maxRecycledRecords {
		return
	}
	clear(recs) // no reference into the shard's storage outlives the call
	recs = recs[:0]
	recordLists.Put(&recs)
}

// resultLists holds the lists of results PutRecords fills.
var resultLists = sync.Pool{New: func() any { return new([]freshet.PutRecordsResultEntry) }}

// maxRecycledResults is the largest list resultLists keeps: PutRecords'
// largest number of entries.
const maxRecycledResults = 500

// recycleResults returns the results of a PutRecords output to resultLists
// once the response is encoded, as recycleRecords does records.
func recycleResults(results []freshet.PutRecordsResultEntry) {
	if cap(results) == 0 || cap(results) > maxRecycledResults {
		return
	}
	clear(results)
	results = results[:0]
	resultLists.Put(&results)
}
