package freshet

import (
	"context"
	"reflect"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The engine-level catalog covers every numeric field of EngineMetrics
// exactly once, under distinct names.
func TestEngineMetricCatalogCoversEveryField(t *testing.T) {
	var m EngineMetrics
	fields := map[int64]string{}
	v := reflect.ValueOf(&m).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Type() == reflect.TypeFor[int64]() {
			f.SetInt(int64(i + 1))
			fields[int64(i+1)] = v.Type().Field(i).Name
		}
	}
	seen, names := map[string]bool{}, map[string]bool{}
	for _, info := range EngineMetricCatalog {
		require.NotNil(t, info.Value, info.Name)
		field, ok := fields[info.Value(&m)]
		require.True(t, ok, "%s reads no field", info.Name)
		assert.False(t, seen[field], "%s reads %s, read by another entry too", info.Name, field)
		seen[field] = true
		assert.False(t, names[info.Name], "two entries named %s", info.Name)
		names[info.Name] = true
		assert.NotEmpty(t, info.Help, info.Name)
		assert.NotEqual(t, MetricLatency, info.Kind, info.Name)
	}
	for _, f := range fields {
		assert.True(t, seen[f], "EngineMetrics.%s is in no catalog entry", f)
	}
}

// The read cache's metrics: zero and no data directory for an engine
// without one; with one, reads of records on disk count a miss per block
// read from the files and a hit per block found in the cache, the cache
// evicts within its budget, and deleting the stream empties it.
func TestEngineMetricsReadCache(t *testing.T) {
	ctx := context.Background()
	mem := New()
	defer mem.Close()
	require.Equal(t, EngineMetrics{}, mem.EngineMetrics())

	clk := NewManualClock(testEpoch)
	dir := t.TempDir()
	e := openDir(t, dir, clk)
	mustCreate(t, e, "s", 1)
	for i := range 40 {
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: strconv.Itoa(i), Data: make([]byte, 100<<10)})
		require.NoError(t, err)
	}
	require.NoError(t, e.Close())
	// Reopened, every record is on disk only; a 1 MiB read cache holds
	// about 9 blocks of one 100 KiB record each.
	e = openDir(t, dir, clk, WithMaxMemory(16<<20))
	m := e.EngineMetrics()
	require.Equal(t, EngineMetrics{DataDir: true, ReadCacheMaxBytes: 1 << 20}, m)

	require.Len(t, readAll(t, e, "s", shardID(0), 1), 40)
	m = e.EngineMetrics()
	require.Equal(t, int64(40), m.ReadCacheMisses, "a block per record, each read once")
	require.Zero(t, m.ReadCacheHits)
	require.Positive(t, m.ReadCacheBytes)
	require.LessOrEqual(t, m.ReadCacheBytes, m.ReadCacheMaxBytes)
	held := int64(e.store.cache.Stats().Blocks)
	require.Greater(t, held, int64(5))
	require.Equal(t, 40-held, m.ReadCacheEvictions, "all but the blocks held were evicted")

	// The last record again: a hit.
	last := readAll(t, e, "s", shardID(0), 1)[39]
	it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: shardID(0),
		ShardIteratorType: AtSequenceNumber, StartingSequenceNumber: last.SequenceNumber.String()})
	require.NoError(t, err)
	before := e.EngineMetrics()
	out, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it.ShardIterator, Limit: 1})
	require.NoError(t, err)
	require.Len(t, out.Records, 1)
	after := e.EngineMetrics()
	require.Equal(t, before.ReadCacheHits+1, after.ReadCacheHits)
	require.Equal(t, before.ReadCacheMisses, after.ReadCacheMisses)

	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	require.NoError(t, err)
	require.Zero(t, e.EngineMetrics().ReadCacheBytes, "the deleted stream's blocks left the cache")
}
