package ddblease_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/consumer/lease"
	"github.com/freshet-io/freshet/consumer/lease/ddblease"
)

func s(v string) types.AttributeValue     { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue     { return &types.AttributeValueMemberN{Value: v} }
func ss(v ...string) types.AttributeValue { return &types.AttributeValueMemberSS{Value: v} }

// validItem is a lease item as a KCL worker writes it.
func validItem(key string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"leaseKey":                     s(key),
		"leaseOwner":                   s("java-worker"),
		"leaseCounter":                 n("12"),
		"checkpoint":                   s(seq1),
		"checkpointSubSequenceNumber":  n("0"),
		"ownerSwitchesSinceCheckpoint": n("0"),
		"parentShardId":                ss("shardId-000000000000"),
	}
}

// A corrupt lease item is reported by Get and List with an error naming
// the item and the attribute, and no write of the store changes it.
func TestCorruptLease(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tests := []struct {
		name   string
		attr   string
		change func(map[string]types.AttributeValue)
	}{
		{"counter of type S", "leaseCounter", func(m map[string]types.AttributeValue) { m["leaseCounter"] = s("12") }},
		{"counter not an integer", "leaseCounter", func(m map[string]types.AttributeValue) { m["leaseCounter"] = n("1.5") }},
		{"counter missing", "leaseCounter", func(m map[string]types.AttributeValue) { delete(m, "leaseCounter") }},
		{"owner of type N", "leaseOwner", func(m map[string]types.AttributeValue) { m["leaseOwner"] = n("7") }},
		{"unknown checkpoint sentinel", "checkpoint", func(m map[string]types.AttributeValue) { m["checkpoint"] = s("TRIM_HORIZONTAL") }},
		{"checkpoint of type N", "checkpoint", func(m map[string]types.AttributeValue) { m["checkpoint"] = n("5") }},
		{"pending checkpoint garbage", "pendingCheckpoint", func(m map[string]types.AttributeValue) { m["pendingCheckpoint"] = s("soon") }},
		{"parents of type S", "parentShardId", func(m map[string]types.AttributeValue) { m["parentShardId"] = s("shardId-000000000000") }},
		{"children of type L", "childShardIds", func(m map[string]types.AttributeValue) {
			m["childShardIds"] = &types.AttributeValueMemberL{Value: []types.AttributeValue{s("shardId-000000000001")}}
		}},
		{"sub-sequence number of type S", "checkpointSubSequenceNumber", func(m map[string]types.AttributeValue) { m["checkpointSubSequenceNumber"] = s("0") }},
		{"multi-stream lease in a single-stream table", "streamName", func(m map[string]types.AttributeValue) { m["streamName"] = s("123456789012:orders:1700000000") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, table := e.store(t)
			item := validItem("shardId-000000000001")
			tt.change(item)
			e.put(t, table, item)
			_, err := st.CreateIfNotExists(ctx, lease.Lease{Key: "shardId-000000000002", Checkpoint: lease.Checkpoint{SequenceNumber: lease.TrimHorizon}})
			require.NoError(t, err)

			_, err = st.List(ctx)
			var ce *ddblease.CorruptLeaseError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, "shardId-000000000001", ce.Key)
			assert.Equal(t, tt.attr, ce.Attribute)
			assert.ErrorIs(t, err, ddblease.ErrCorruptLease)
			assert.Contains(t, err.Error(), `"shardId-000000000001"`)
			_, err = st.Get(ctx, "shardId-000000000001")
			require.ErrorAs(t, err, &ce)

			// What a worker might pass, had it read the item as the KCL
			// wrote it: no conditional write goes through blindly.
			l := lease.Lease{Key: "shardId-000000000001", Owner: "java-worker", Counter: 12}
			_, _ = st.Take(ctx, l, "go-worker")
			_, _ = st.Renew(ctx, l)
			_, _ = st.UpdateCheckpoint(ctx, l, lease.Checkpoint{SequenceNumber: lease.ShardEnd}, nil)
			_, _ = st.Release(ctx, l)
			created, err := st.CreateIfNotExists(ctx, lease.Lease{Key: "shardId-000000000001", Checkpoint: lease.Checkpoint{SequenceNumber: lease.TrimHorizon}})
			require.NoError(t, err)
			assert.False(t, created)
			if tt.attr == "leaseCounter" || tt.attr == "leaseOwner" || tt.attr == "streamName" {
				// The condition on counter and owner cannot hold, or the
				// owner cannot be read: the item is exactly as it was.
				assert.Equal(t, attrs(item), attrs(e.raw(t, table, "shardId-000000000001")))
			}
		})
	}
}

// Items whose entityType says they are not leases (KCL 3.x keeps worker
// metrics and coordinator state in lease tables) are invisible and never
// written.
func TestOtherEntitiesAreIgnored(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	st, table := e.store(t)
	other := map[string]types.AttributeValue{
		"leaseKey":     s("shardId-000000000009"),
		"entityType":   s("WORKER_METRICS"),
		"leaseCounter": n("3"),
		"leaseOwner":   s("w"),
		"checkpoint":   s("not a checkpoint"),
	}
	e.put(t, table, other)
	// A lease with entityType LEASE is a lease.
	withType := validItem("shardId-000000000001")
	withType["entityType"] = s("LEASE")
	e.put(t, table, withType)

	ls, err := st.List(ctx)
	require.NoError(t, err)
	require.Len(t, ls, 1)
	assert.Equal(t, "shardId-000000000001", ls[0].Key)

	key := "shardId-000000000009"
	l := lease.Lease{Key: key, Owner: "w", Counter: 3}
	_, err = st.Get(ctx, key)
	assert.ErrorIs(t, err, lease.ErrNotFound)
	for name, call := range map[string]func() error{
		"Take":    func() error { _, err := st.Take(ctx, l, "x"); return err },
		"Renew":   func() error { _, err := st.Renew(ctx, l); return err },
		"Release": func() error { _, err := st.Release(ctx, l); return err },
		"UpdateCheckpoint": func() error {
			_, err := st.UpdateCheckpoint(ctx, l, lease.Checkpoint{SequenceNumber: "1"}, nil)
			return err
		},
	} {
		assert.ErrorIs(t, call(), lease.ErrNotFound, name)
	}
	require.NoError(t, st.Delete(ctx, key))
	created, err := st.CreateIfNotExists(ctx, lease.Lease{Key: key})
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, attrs(other), attrs(e.raw(t, table, key)))

	// The lease with entityType LEASE is written like any other.
	got, err := st.Take(ctx, ls[0], "go-worker")
	require.NoError(t, err)
	assert.Equal(t, "go-worker", got.Owner)
	assert.Equal(t, "S LEASE", attrs(e.raw(t, table, "shardId-000000000001"))["entityType"])
}

// Old KCL 2.x releases wrote the children as childShardId.
func TestLegacyChildShardID(t *testing.T) {
	e := newEnv(t)
	st, table := e.store(t)
	item := validItem("shardId-000000000001")
	item["childShardId"] = ss("shardId-000000000003", "shardId-000000000002")
	e.put(t, table, item)
	l, err := st.Get(context.Background(), "shardId-000000000001")
	require.NoError(t, err)
	assert.Equal(t, []string{"shardId-000000000002", "shardId-000000000003"}, l.ChildShardIDs)
	assert.Equal(t, lease.Lease{
		Key:            "shardId-000000000001",
		Owner:          "java-worker",
		Counter:        12,
		Checkpoint:     lease.Checkpoint{SequenceNumber: seq1},
		ParentShardIDs: []string{"shardId-000000000000"},
		ChildShardIDs:  []string{"shardId-000000000002", "shardId-000000000003"},
	}, l)
}

// The store refuses to write what it could not read back.
func TestInvalidCheckpointsAreNotWritten(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	st, _ := e.store(t)
	_, err := st.CreateIfNotExists(ctx, lease.Lease{Key: "a", Checkpoint: lease.Checkpoint{SequenceNumber: "soon"}})
	require.Error(t, err)
	assert.False(t, errors.Is(err, lease.ErrConflict) || errors.Is(err, lease.ErrNotFound))
	_, err = st.Get(ctx, "a")
	assert.ErrorIs(t, err, lease.ErrNotFound)

	_, err = st.CreateIfNotExists(ctx, lease.Lease{Key: "b", Checkpoint: lease.Checkpoint{SequenceNumber: lease.TrimHorizon}})
	require.NoError(t, err)
	l, err := st.Get(ctx, "b")
	require.NoError(t, err)
	l, err = st.Take(ctx, l, "w")
	require.NoError(t, err)
	_, err = st.UpdateCheckpoint(ctx, l, lease.Checkpoint{SequenceNumber: "12a"}, nil)
	require.Error(t, err)
	_, err = st.UpdateCheckpoint(ctx, l, l.Checkpoint, &lease.Checkpoint{SequenceNumber: ""})
	require.Error(t, err)
	got, err := st.Get(ctx, "b")
	require.NoError(t, err)
	assert.Equal(t, l, got)
}
