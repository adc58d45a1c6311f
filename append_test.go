package freshet

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Append and Put take the same records to the same shards, with the same
// sequence-number layout, as PutRecord.
func TestAppendRoutesLikePutRecord(t *testing.T) {
	for _, shards := range []int{1, 3} {
		e, _ := newClockEngine(t)
		name := "s" + itoa(shards)
		mustCreate(t, e, name, shards)
		st, err := e.Stream(name)
		require.NoError(t, err)
		for i := range 50 {
			key := "key-" + itoa(i)
			var out PutRecordOutput
			if i%2 == 0 {
				out, err = st.Append(context.Background(), key, []byte(key))
			} else {
				var p *PutRecordOutput
				p, err = st.Put(context.Background(), key, []byte(key))
				require.NotNil(t, p)
				out = *p
			}
			require.NoError(t, err)
			owner := ""
			for _, sh := range st.Shards() {
				if sh.HashKeyRange.Contains(HashPartitionKey(key)) {
					owner = sh.ShardId
				}
			}
			assert.Equal(t, owner, out.ShardId, key)
			assert.Equal(t, owner, out.SequenceNumber.ShardId())
			assert.True(t, out.SequenceNumber.Valid())
			assert.Equal(t, EncryptionNone, out.EncryptionType)
		}
	}
}

// Append follows a reshard: after a split, keys go to the child owning
// their hash key.
func TestAppendAfterSplit(t *testing.T) {
	e, _ := newClockEngine(t)
	mustCreate(t, e, "s", 1)
	st, _ := e.Stream("s")
	_, err := st.Append(context.Background(), "before", nil)
	require.NoError(t, err)
	_, err = e.SplitShard(context.Background(), &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000",
		NewStartingHashKey: "170141183460469231731687303715884105728"})
	require.NoError(t, err)
	for i := range 20 {
		key := "k" + itoa(i)
		out, err := st.Append(context.Background(), key, nil)
		require.NoError(t, err)
		want := "shardId-000000000001"
		if HashPartitionKey(key).Cmp(mustHashKey(t, "170141183460469231731687303715884105728")) >= 0 {
			want = "shardId-000000000002"
		}
		assert.Equal(t, want, out.ShardId, key)
	}
}

func mustHashKey(t testing.TB, s string) HashKey {
	t.Helper()
	k, err := ParseHashKey(s)
	require.NoError(t, err)
	return k
}

// Errors are PutRecord's, with its texts.
func TestAppendErrors(t *testing.T) {
	ctx := context.Background()
	e, _ := newClockEngine(t)
	mustCreate(t, e, "s", 1)
	st, _ := e.Stream("s")

	_, err := st.Append(ctx, "", []byte("x"))
	requireKinesisError(t, err, ErrValidation, validationMessage("Value null at 'partitionKey' failed to satisfy constraint: Member must not be null"))
	long := strings.Repeat("k", 257)
	_, err = st.Append(ctx, long, nil)
	requireKinesisError(t, err, ErrValidation, validationMessage("Value '"+long+"' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256"))
	_, err = st.Append(ctx, "k", make([]byte, 1<<20))
	requireKinesisError(t, err, ErrInvalidArgument,
		"Record size 1048577 bytes exceeds the maximum record size of 1048576 bytes for stream s under account "+testAccount+".")

	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	require.NoError(t, err)
	mustCreate(t, e, "s", 1) // a new stream of the same name: the old handle never writes to it
	_, err = st.Append(ctx, "k", nil)
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("s"))
}

// With an interceptor, Append goes through PutRecord: the interceptor sees
// the call and can fail it.
func TestAppendIsIntercepted(t *testing.T) {
	e, _ := newClockEngine(t)
	mustCreate(t, e, "s", 2)
	st, _ := e.Stream("s")
	e.InjectFault(Fault{Operation: "PutRecord", Times: 1, Err: ErrProvisionedThroughputExceeded})
	_, err := st.Append(context.Background(), "k", nil)
	require.ErrorIs(t, err, ErrProvisionedThroughputExceeded)
	_, err = st.Append(context.Background(), "k", nil)
	require.NoError(t, err)
}

// An encrypted stream reports KMS on the fast path too.
func TestAppendEncrypted(t *testing.T) {
	e, _ := newClockEngine(t)
	mustCreate(t, e, "s", 1)
	_, err := e.StartStreamEncryption(context.Background(), &StartStreamEncryptionInput{StreamName: "s", EncryptionType: EncryptionKMS, KeyId: "alias/aws/kinesis"})
	require.NoError(t, err)
	st, _ := e.Stream("s")
	out, err := st.Append(context.Background(), "k", nil)
	require.NoError(t, err)
	assert.Equal(t, EncryptionKMS, out.EncryptionType)
}

// Append allocates nothing on an engine without authorizer, audit hook or
// interceptors, beyond the shard's own storage (which grows in chunks).
func TestAppendDoesNotAllocate(t *testing.T) {
	e := newTestEngine(t, WithRetentionSweep(0))
	mustCreate(t, e, "s", 4)
	st, _ := e.Stream("s")
	data := make([]byte, 100)
	ctx := context.Background()
	for range 1000 { // past the first, small chunks
		_, _ = st.Append(ctx, "warm", data)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		_, _ = st.Append(ctx, "customer-42", data)
	})
	assert.Less(t, allocs, 0.1) // a new chunk now and then
}

// On the system clock, Append measures the latency of every 64th record of
// a shard.
func TestAppendSamplesLatencyOnSystemClock(t *testing.T) {
	e := New(WithRetentionSweep(0))
	t.Cleanup(func() { e.Close() })
	mustCreate(t, e, "s", 1)
	st, err := e.Stream("s")
	require.NoError(t, err)
	for i := range 200 {
		_, err := st.Append(context.Background(), "k", []byte{byte(i)})
		require.NoError(t, err)
	}
	require.EqualValues(t, 3, st.Metrics().PutRecordLatency.Count, "records 64, 128 and 192")
}
