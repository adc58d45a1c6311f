package ddblease_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/ddblease"
)

// attrs renders an item attribute by attribute as "TYPE value", sets
// sorted, for comparison with the items the KCL's lease serializer writes.
func attrs(item map[string]types.AttributeValue) map[string]string {
	out := map[string]string{}
	for name, v := range item {
		switch v := v.(type) {
		case *types.AttributeValueMemberS:
			out[name] = "S " + v.Value
		case *types.AttributeValueMemberN:
			out[name] = "N " + v.Value
		case *types.AttributeValueMemberSS:
			ss := slices.Clone(v.Value)
			slices.Sort(ss)
			out[name] = "SS " + strings.Join(ss, ",")
		default:
			out[name] = fmt.Sprintf("%T", v)
		}
	}
	return out
}

const (
	maxHashKey = "340282366920938463463374607431768211455"
	seq1       = "49590338271490256608559692538361571095921575989136588898"
	seq2       = "49590338271490256608559692538361571095921575989136588899"
)

// TestGoldenItems pins the items the store writes, attribute by attribute
// (name, DynamoDB type, value), read back raw: they are the items of the
// KCL 2.x lease serializer, so that Java KCL workers can share the table.
func TestGoldenItems(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s, table := e.store(t)
	const key = "shardId-000000000003"

	// A new lease, as a worker creates it for a child shard.
	created, err := s.CreateIfNotExists(ctx, lease.Lease{
		Key:            key,
		Checkpoint:     lease.Checkpoint{SequenceNumber: lease.TrimHorizon},
		ParentShardIDs: []string{"shardId-000000000001", "shardId-000000000000"},
		HashKeyRange:   lease.HashKeyRange{StartingHashKey: "0", EndingHashKey: maxHashKey},
	})
	require.NoError(t, err)
	require.True(t, created)
	newLease := map[string]string{
		"leaseKey":                     "S " + key,
		"leaseCounter":                 "N 0",
		"checkpoint":                   "S TRIM_HORIZON",
		"checkpointSubSequenceNumber":  "N 0",
		"ownerSwitchesSinceCheckpoint": "N 0",
		"parentShardId":                "SS shardId-000000000000,shardId-000000000001",
		"startingHashKey":              "S 0",
		"endingHashKey":                "S " + maxHashKey,
	}
	assert.Equal(t, newLease, attrs(e.raw(t, table, key)), "new lease")

	// Taken and renewed: an owner, the counter moved on twice.
	l, err := s.Get(ctx, key)
	require.NoError(t, err)
	l, err = s.Take(ctx, l, "worker-a")
	require.NoError(t, err)
	l, err = s.Renew(ctx, l)
	require.NoError(t, err)
	renewed := clone(newLease)
	renewed["leaseOwner"] = "S worker-a"
	renewed["leaseCounter"] = "N 2"
	assert.Equal(t, renewed, attrs(e.raw(t, table, key)), "renewed lease")

	// Stolen by another worker: one owner switch.
	l, err = s.Take(ctx, l, "worker-b")
	require.NoError(t, err)
	stolen := clone(renewed)
	stolen["leaseOwner"] = "S worker-b"
	stolen["leaseCounter"] = "N 3"
	stolen["ownerSwitchesSinceCheckpoint"] = "N 1"
	assert.Equal(t, stolen, attrs(e.raw(t, table, key)), "stolen lease")

	// A prepared checkpoint.
	l, err = s.UpdateCheckpoint(ctx, l, l.Checkpoint, &lease.Checkpoint{SequenceNumber: seq1, SubSequenceNumber: 4})
	require.NoError(t, err)
	prepared := clone(stolen)
	prepared["leaseCounter"] = "N 4"
	prepared["pendingCheckpoint"] = "S " + seq1
	prepared["pendingCheckpointSubSequenceNumber"] = "N 4"
	assert.Equal(t, prepared, attrs(e.raw(t, table, key)), "prepared checkpoint")

	// A checkpoint: the pending one gone, the owner switches reset.
	l, err = s.UpdateCheckpoint(ctx, l, lease.Checkpoint{SequenceNumber: seq2, SubSequenceNumber: 7}, nil)
	require.NoError(t, err)
	checkpointed := clone(stolen)
	checkpointed["leaseCounter"] = "N 5"
	checkpointed["checkpoint"] = "S " + seq2
	checkpointed["checkpointSubSequenceNumber"] = "N 7"
	checkpointed["ownerSwitchesSinceCheckpoint"] = "N 0"
	assert.Equal(t, checkpointed, attrs(e.raw(t, table, key)), "checkpoint")

	// SHARD_END with the children.
	l.ChildShardIDs = []string{"shardId-000000000005", "shardId-000000000004"}
	l, err = s.UpdateCheckpoint(ctx, l, lease.Checkpoint{SequenceNumber: lease.ShardEnd}, nil)
	require.NoError(t, err)
	ended := clone(checkpointed)
	ended["leaseCounter"] = "N 6"
	ended["checkpoint"] = "S SHARD_END"
	ended["checkpointSubSequenceNumber"] = "N 0"
	ended["childShardIds"] = "SS shardId-000000000004,shardId-000000000005"
	assert.Equal(t, ended, attrs(e.raw(t, table, key)), "SHARD_END")

	// Released (evicted): no owner.
	_, err = s.Release(ctx, l)
	require.NoError(t, err)
	released := clone(ended)
	delete(released, "leaseOwner")
	released["leaseCounter"] = "N 7"
	assert.Equal(t, released, attrs(e.raw(t, table, key)), "released lease")
}

// A multi-stream lease is keyed "account:stream:creationEpoch:shardId"
// and carries streamName and shardId.
func TestGoldenMultiStreamItem(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := ddblease.StreamIdentifier{AccountID: "123456789012", StreamName: "orders", CreationEpoch: 1700000000}
	s, table := e.store(t, ddblease.WithMultiStream(id))
	created, err := s.CreateIfNotExists(ctx, lease.Lease{
		Key:          "shardId-000000000000",
		Checkpoint:   lease.Checkpoint{SequenceNumber: lease.Latest},
		HashKeyRange: lease.HashKeyRange{StartingHashKey: "0", EndingHashKey: maxHashKey},
	})
	require.NoError(t, err)
	require.True(t, created)
	const key = "123456789012:orders:1700000000:shardId-000000000000"
	assert.Equal(t, map[string]string{
		"leaseKey":                     "S " + key,
		"streamName":                   "S 123456789012:orders:1700000000",
		"shardId":                      "S shardId-000000000000",
		"leaseCounter":                 "N 0",
		"checkpoint":                   "S LATEST",
		"checkpointSubSequenceNumber":  "N 0",
		"ownerSwitchesSinceCheckpoint": "N 0",
		"startingHashKey":              "S 0",
		"endingHashKey":                "S " + maxHashKey,
	}, attrs(e.raw(t, table, key)))

	l, err := s.Get(ctx, "shardId-000000000000")
	require.NoError(t, err)
	assert.Equal(t, "shardId-000000000000", l.Key)
	l, err = s.Take(ctx, l, "w")
	require.NoError(t, err)
	assert.Equal(t, "S w", attrs(e.raw(t, table, key))["leaseOwner"])

	// The leases of another stream of the application are not this
	// store's.
	other := ddblease.New(e.client, table, ddblease.WithMultiStream(ddblease.StreamIdentifier{AccountID: "123456789012", StreamName: "payments", CreationEpoch: 1700000001}))
	ls, err := other.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, ls)
	_, err = other.Get(ctx, "shardId-000000000000")
	assert.ErrorIs(t, err, lease.ErrNotFound)
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
