package freshet

import (
	"context"
	"testing"
)

// TestPutRecordsFaultOverSeveralShards: a whole-call throughput fault on
// a PutRecords call whose entries route to several shards names no shard;
// one whose entries all route to one shard names it.
func TestPutRecordsFaultOverSeveralShards(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 2)
	defer e.InjectFault(Fault{Err: ErrProvisionedThroughputExceeded})()

	_, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: []PutRecordsRequestEntry{
		{PartitionKey: "k", ExplicitHashKey: "0"}, {PartitionKey: "k", ExplicitHashKey: rsMaxKey},
	}})
	rsErr(t, err, ErrProvisionedThroughputExceeded, "Rate exceeded for stream s under account "+rsAccount+".")

	_, err = e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: []PutRecordsRequestEntry{
		{PartitionKey: "k", ExplicitHashKey: rsMaxKey}, {PartitionKey: "j", ExplicitHashKey: rsMaxKey},
	}})
	rsErr(t, err, ErrProvisionedThroughputExceeded, "Rate exceeded for shard shardId-000000000001 in stream s under account "+rsAccount+".")
}
