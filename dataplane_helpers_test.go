package freshet

import (
	"context"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Helpers of the data-plane tests (hash keys, sequence numbers, PutRecord(s),
// GetShardIterator, GetRecords, tokens). They carry a dp prefix so that they
// never collide with the package's shared helpers.

// dpEpoch is where the data-plane tests' ManualClocks start: the time of
// a production ExpiredIteratorException example, Thu Jan 22 01:22:02 UTC 2015.
var dpEpoch = time.Date(2015, 1, 22, 1, 22, 2, 0, time.UTC)

// dpAccount is the engine's default account.
const dpAccount = "000000000000"

// dpTwo128 is 2^128, one past the largest hash key.
var dpTwo128 = new(big.Int).Lsh(big.NewInt(1), 128)

// dpEngine returns an engine on a ManualClock at dpEpoch, without the
// background retention sweep (only the test moves state), closed when the
// test ends.
func dpEngine(t testing.TB, opts ...Option) (*Engine, *ManualClock) {
	t.Helper()
	clk := NewManualClock(dpEpoch)
	e := New(append([]Option{WithClock(clk), WithRetentionSweep(0)}, opts...)...)
	t.Cleanup(func() { _ = e.Close() })
	return e, clk
}

// dpCreate creates a PROVISIONED stream of n shards.
func dpCreate(t testing.TB, e *Engine, name string, n int) {
	t.Helper()
	_, err := e.CreateStream(context.Background(), &CreateStreamInput{StreamName: name, ShardCount: n})
	require.NoError(t, err)
}

// dpPut writes one record and returns its output.
func dpPut(t testing.TB, e *Engine, stream, key string, data []byte) *PutRecordOutput {
	t.Helper()
	out, err := e.PutRecord(context.Background(), &PutRecordInput{StreamName: stream, PartitionKey: key, Data: data})
	require.NoError(t, err)
	return out
}

// dpPutHash writes one record with an explicit hash key.
func dpPutHash(t testing.TB, e *Engine, stream string, k HashKey, data []byte) *PutRecordOutput {
	t.Helper()
	out, err := e.PutRecord(context.Background(), &PutRecordInput{
		StreamName: stream, PartitionKey: "k", ExplicitHashKey: k.String(), Data: data,
	})
	require.NoError(t, err)
	return out
}

// dpIter returns a shard iterator of the given type (sn for AT_/AFTER_).
func dpIter(t testing.TB, e *Engine, stream, shard string, typ ShardIteratorType, sn string) string {
	t.Helper()
	out, err := e.GetShardIterator(context.Background(), &GetShardIteratorInput{
		StreamName: stream, ShardId: shard, ShardIteratorType: typ, StartingSequenceNumber: sn,
	})
	require.NoError(t, err)
	require.NotEmpty(t, out.ShardIterator)
	return out.ShardIterator
}

// dpIterAt returns an AT_TIMESTAMP shard iterator.
func dpIterAt(t testing.TB, e *Engine, stream, shard string, ts time.Time) string {
	t.Helper()
	out, err := e.GetShardIterator(context.Background(), &GetShardIteratorInput{
		StreamName: stream, ShardId: shard, ShardIteratorType: AtTimestamp, Timestamp: ts,
	})
	require.NoError(t, err)
	return out.ShardIterator
}

// dpGet calls GetRecords and fails the test on error.
func dpGet(t testing.TB, e *Engine, it string, limit int) *GetRecordsOutput {
	t.Helper()
	out, err := e.GetRecords(context.Background(), &GetRecordsInput{ShardIterator: it, Limit: limit})
	require.NoError(t, err)
	return out
}

// dpDrain reads from it until a response is empty (the reader is at the
// tip) or has no NextShardIterator (the end of a closed shard) and returns
// every record read, in order.
func dpDrain(t testing.TB, e *Engine, it string, limit int) []Record {
	t.Helper()
	var all []Record
	for range 100000 {
		out := dpGet(t, e, it, limit)
		all = append(all, out.Records...)
		if out.NextShardIterator == "" || len(out.Records) == 0 {
			return all
		}
		it = out.NextShardIterator
	}
	t.Fatal("dpDrain: no end in sight")
	return nil
}

// dpReadShard reads a whole shard from TRIM_HORIZON.
func dpReadShard(t testing.TB, e *Engine, stream, shard string) []Record {
	t.Helper()
	return dpDrain(t, e, dpIter(t, e, stream, shard, TrimHorizon, ""), 0)
}

// dpShards returns a stream's shards (open and closed).
func dpShards(t testing.TB, e *Engine, stream string) []Shard {
	t.Helper()
	out, err := e.DescribeStream(context.Background(), &DescribeStreamInput{StreamName: stream})
	require.NoError(t, err)
	return out.StreamDescription.Shards
}

// dpRequireErr checks that err is a Kinesis *Error with the given code and
// exactly the given message.
func dpRequireErr(t testing.TB, err error, code, message string) {
	t.Helper()
	require.Error(t, err)
	var kerr *Error
	require.True(t, errors.As(err, &kerr), "want *Error, got %T: %v", err, err)
	require.Equal(t, code, kerr.Code, "code of %q", kerr.Message)
	require.Equal(t, message, kerr.Message)
}

// dpBig converts a hash key to a big.Int.
func dpBig(k HashKey) *big.Int {
	b := new(big.Int).SetUint64(k.hi)
	b.Lsh(b, 64)
	return b.Or(b, new(big.Int).SetUint64(k.lo))
}

// dpBigSN converts a sequence number to a big.Int.
func dpBigSN(s SequenceNumber) *big.Int {
	b := new(big.Int).SetUint64(s.top)
	b.Lsh(b, 64)
	b.Or(b, new(big.Int).SetUint64(s.hi))
	b.Lsh(b, 64)
	return b.Or(b, new(big.Int).SetUint64(s.lo))
}

// dpFromBig converts a big.Int in [0, 2^128) to a hash key.
func dpFromBig(b *big.Int) HashKey {
	lo := new(big.Int).And(b, new(big.Int).SetUint64(^uint64(0)))
	hi := new(big.Int).Rsh(b, 64)
	return HashKey{hi: hi.Uint64(), lo: lo.Uint64()}
}

// dpBigOf parses a decimal into a big.Int.
func dpBigOf(t testing.TB, s string) *big.Int {
	t.Helper()
	b, ok := new(big.Int).SetString(s, 10)
	require.True(t, ok, s)
	return b
}
