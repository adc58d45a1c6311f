// Package testutil holds the helpers that the consumer's own tests and its
// conformance suite (consumertest) share: writing numbered records,
// resharding, and checking the lease table after cleanup. Waiting for a
// condition is internal/testsync's WaitFor.
package testutil

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"testing"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/internal/testsync"
)

// PutRange writes the records "from" to "to"-1 (their data is their number
// in decimal) with spread partition keys, 100 per PutRecords call.
func PutRange(t testing.TB, e *freshet.Engine, stream string, from, to int) {
	t.Helper()
	for i := from; i < to; i += 100 {
		var entries []freshet.PutRecordsRequestEntry
		for k := i; k < min(i+100, to); k++ {
			entries = append(entries, freshet.PutRecordsRequestEntry{PartitionKey: "pk" + strconv.Itoa(k*7919), Data: []byte(strconv.Itoa(k))})
		}
		out, err := e.PutRecords(context.Background(), &freshet.PutRecordsInput{StreamName: stream, Records: entries})
		if err != nil || out.FailedRecordCount != 0 {
			t.Fatalf("PutRecords: %v", err)
		}
	}
}

// OpenShards returns the open shards of the stream sorted by hash key.
func OpenShards(t testing.TB, e *freshet.Engine, stream string) []freshet.Shard {
	t.Helper()
	out, err := e.ListShards(context.Background(), &freshet.ListShardsInput{StreamName: stream})
	if err != nil {
		t.Fatal(err)
	}
	var open []freshet.Shard
	for _, sh := range out.Shards {
		if sh.SequenceNumberRange.EndingSequenceNumber.IsZero() {
			open = append(open, sh)
		}
	}
	sort.Slice(open, func(i, k int) bool {
		return open[i].HashKeyRange.StartingHashKey.Cmp(open[k].HashKeyRange.StartingHashKey) < 0
	})
	return open
}

// Split splits sh in the middle of its hash key range.
func Split(t testing.TB, e *freshet.Engine, stream string, sh freshet.Shard) {
	t.Helper()
	lo, _ := new(big.Int).SetString(sh.HashKeyRange.StartingHashKey.String(), 10)
	hi, _ := new(big.Int).SetString(sh.HashKeyRange.EndingHashKey.String(), 10)
	mid := new(big.Int).Rsh(new(big.Int).Add(lo, hi), 1)
	if _, err := e.SplitShard(context.Background(), &freshet.SplitShardInput{StreamName: stream, ShardToSplit: sh.ShardId, NewStartingHashKey: mid.String()}); err != nil {
		t.Fatal(err)
	}
}

// HasBegun reports whether a lease's checkpoint is past its initial
// position.
func HasBegun(cp lease.Checkpoint) bool {
	switch cp.SequenceNumber {
	case "", lease.TrimHorizon, lease.Latest, lease.AtTimestamp:
		return false
	}
	return true
}

// WaitForLeaseCleanup waits until the lease table holds only the leases of
// open shards and of closed shards with a child whose lease has not begun
// (cleanup keeps those), and returns the number of leases of closed
// shards left. This is the bound that keeps the table from growing with
// every reshard.
func WaitForLeaseCleanup(t testing.TB, e *freshet.Engine, stream string, store lease.Store) (closedLeft int) {
	t.Helper()
	var left int
	var why string
	testsync.WaitFor(t, "the lease cleanup", func() bool {
		left, why = leaseTableExcess(t, e, stream, store)
		return why == ""
	})
	return left
}

// leaseTableExcess counts the leases of closed shards that cleanup keeps,
// and describes one lease it should have deleted, if any.
func leaseTableExcess(t testing.TB, e *freshet.Engine, stream string, store lease.Store) (closedLeft int, why string) {
	t.Helper()
	out, err := e.ListShards(context.Background(), &freshet.ListShardsInput{StreamName: stream})
	if err != nil {
		t.Fatal(err)
	}
	leases, err := store.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]lease.Lease{}
	for _, l := range leases {
		byKey[l.Key] = l
	}
	open := map[string]bool{}
	unstarted := map[string]bool{} // shards with a child whose lease has not begun
	for _, sh := range out.Shards {
		open[sh.ShardId] = sh.SequenceNumberRange.EndingSequenceNumber.IsZero()
		if l, ok := byKey[sh.ShardId]; ok && !HasBegun(l.Checkpoint) {
			unstarted[sh.ParentShardId] = true
			unstarted[sh.AdjacentParentShardId] = true
		}
	}
	for _, l := range leases {
		isOpen, listed := open[l.Key]
		switch {
		case !listed:
			return 0, "lease " + l.Key + " of a shard that does not exist"
		case isOpen:
		case unstarted[l.Key]:
			closedLeft++
		default:
			return 0, fmt.Sprintf("lease %s of a closed shard at %s whose children all progressed", l.Key, l.Checkpoint.SequenceNumber)
		}
	}
	return closedLeft, ""
}
