package metricstest

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// EnginePlace is where an engine-level metric is reported: an engine, by
// its account and region.
type EnginePlace struct {
	Account, Region string
}

// Disk is the engine of DiskTraffic.
var Disk = EnginePlace{Account: "111111111111", Region: "eu-central-1"}

// recordBytes is the size of the records of DiskTraffic: the read cache
// (1 MiB) holds the blocks of two of them, not three.
const recordBytes = 400 << 10

// DiskTraffic opens an engine with a data directory (account 111111111111,
// eu-central-1, a memory budget of 16 MiB and so a read cache of 1 MiB),
// and sends it known traffic that reads records from disk:
//
//   - stream "big" of 1 shard gets 4 records of 400 KiB; the engine is
//     closed and opened again, so that every record is on disk only;
//   - 4 GetRecords calls of 1 record from TRIM_HORIZON read the 4 blocks
//     (a record each) from the files: 4 read-cache misses; the cache holds
//     2 such blocks, so the 3rd and 4th evict one each;
//   - an AT_SEQUENCE_NUMBER iterator reads the 4th record again: a hit.
//
// The engine is closed when the test ends.
func DiskTraffic(t testing.TB) *freshet.Engine {
	t.Helper()
	ctx := context.Background()
	opts := []freshet.Option{freshet.WithDataDir(t.TempDir()), freshet.WithAccount(Disk.Account), freshet.WithRegion(Disk.Region),
		freshet.WithMaxMemory(16 << 20), freshet.WithRetentionSweep(0)}
	e, err := freshet.Open(opts...)
	require.NoError(t, err)
	CreateStream(t, e, "big", 1)
	for i := range 4 {
		_, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: "big", PartitionKey: strings.Repeat("k", i+1), Data: make([]byte, recordBytes)})
		require.NoError(t, err)
	}
	require.NoError(t, e.Close())
	e, err = freshet.Open(opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.Close() })

	it := iterator(t, e, "big", "0")
	var last freshet.Record
	for range 4 {
		out, err := e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: it, Limit: 1})
		require.NoError(t, err)
		require.Len(t, out.Records, 1)
		last, it = out.Records[0], out.NextShardIterator
	}
	at, err := e.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: "big", ShardId: "0",
		ShardIteratorType: freshet.AtSequenceNumber, StartingSequenceNumber: last.SequenceNumber.String()})
	require.NoError(t, err)
	out, err := e.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: at.ShardIterator, Limit: 1})
	require.NoError(t, err)
	require.Len(t, out.Records, 1)
	require.Equal(t, "kkkk", out.Records[0].PartitionKey)

	m := e.EngineMetrics()
	require.Greater(t, m.ReadCacheBytes, int64(2*recordBytes), "two blocks of a record each are cached")
	require.LessOrEqual(t, m.ReadCacheBytes, m.ReadCacheMaxBytes)
	return e
}

// EngineMetric is a metric of freshet.EngineMetricCatalog and the values
// it has after Traffic and DiskTraffic.
type EngineMetric struct {
	// Name, Unit and Help are the catalog's.
	Name, Unit, Help string
	// Want is its value at each engine that reports it, in the base unit.
	// Only the engine of DiskTraffic does: the engines of Traffic have no
	// data directory.
	Want map[EnginePlace]float64
}

// EngineMetrics returns every metric of freshet.EngineMetricCatalog, in
// catalog order, with its values after DiskTraffic, whose engine disk is.
// The bytes the read cache holds depend on how blocks are laid out in
// memory: their expectation is disk's own value, which DiskTraffic
// checked is between the records' size and the cache's budget.
func EngineMetrics(disk *freshet.Engine) []EngineMetric {
	values := map[string]int64{
		"read_cache.hits":      1,
		"read_cache.misses":    4,
		"read_cache.evictions": 2,
		"read_cache.bytes":     disk.EngineMetrics().ReadCacheBytes,
		"read_cache.max_bytes": 1 << 20,
	}
	var out []EngineMetric
	for _, m := range freshet.EngineMetricCatalog {
		v, ok := values[m.Name]
		if !ok {
			panic("metricstest: no expectation for engine metric " + m.Name)
		}
		out = append(out, EngineMetric{Name: m.Name, Unit: m.Unit, Help: m.Help, Want: map[EnginePlace]float64{Disk: inBaseUnit(m.Unit, v)}})
	}
	return out
}
