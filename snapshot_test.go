package freshet

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/big"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/stretchr/testify/require"
)

// Helpers of the snapshot tests are prefixed sn.

// snDelays leave streams UPDATING and consumers CREATING for a while, so
// that snapshots hold pending transitions.
var snDelays = StateDelays{Update: 10 * time.Second, Consumer: 10 * time.Second}

// snOptions are the options of the rich engine (the clock aside); the
// restored engine gets the same ones.
func snOptions(clk Clock) []Option {
	return []Option{WithClock(clk), WithRetentionSweep(0), WithStateDelays(snDelays),
		WithAccount("123456789012"), WithRegion("eu-west-1")}
}

// snWrite returns a snapshot of e.
func snWrite(t testing.TB, e *Engine) []byte {
	t.Helper()
	var buf bytes.Buffer
	stats, err := e.WriteSnapshot(context.Background(), &buf)
	require.NoError(t, err)
	require.Equal(t, int64(buf.Len()), stats.Bytes)
	return buf.Bytes()
}

// snRestore restores a snapshot into an engine closed when the test ends.
func snRestore(t testing.TB, snap []byte, opts ...Option) *Engine {
	t.Helper()
	e, err := Restore(bytes.NewReader(snap), opts...)
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	return e
}

// snMust takes an operation's results and returns a function that fails
// the test on the error, else returns the output:
// snMust(e.ListStreams(ctx, in))(t).StreamNames.
func snMust[T any](out T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		require.NoError(t, err)
		return out
	}
}

// snRichEngine builds an engine holding a bit of everything: expired
// records and an expired shard, split and merge lineage, UpdateShardCount
// history, KMS and unencrypted records, an ON_DEMAND stream with warm
// throughput, empty and 1 MiB records, consumers with tags, resource
// policies, enhanced monitoring, a longer retention, an account
// commitment, a stream UPDATING and a consumer CREATING, and a bumped
// iterator generation.
func snRichEngine(t testing.TB) (*Engine, *ManualClock) {
	t.Helper()
	ctx := context.Background()
	clk := NewManualClock(testEpoch)
	e := newTestEngine(t, snOptions(clk)...)
	settle := func() { clk.Advance(11 * time.Second) }
	put := func(stream, key string, data []byte) {
		t.Helper()
		snMust(e.PutRecord(ctx, &PutRecordInput{StreamName: stream, PartitionKey: key, Data: data}))(t)
		clk.Advance(7 * time.Millisecond)
	}
	arn := func(name string) string { return "arn:aws:kinesis:eu-west-1:123456789012:stream/" + name }

	// "old": a split whose parent expires with its records, and children
	// holding expired and retained records.
	snMust(e.CreateStream(ctx, &CreateStreamInput{StreamName: "old", ShardCount: 1}))(t)
	for i := range 3 {
		put("old", fmt.Sprint("old-", i), []byte(fmt.Sprint("expired ", i)))
	}
	snMust(e.SplitShard(ctx, &SplitShardInput{StreamName: "old", ShardToSplit: "shardId-000000000000",
		NewStartingHashKey: "170141183460469231731687303715884105728"}))(t)
	settle()
	for i := range 4 {
		put("old", fmt.Sprint("old-", i), []byte(fmt.Sprint("expired child ", i)))
	}
	clk.Advance(25 * time.Hour)
	for i := range 4 {
		put("old", fmt.Sprint("old-", i), []byte(fmt.Sprint("kept ", i)))
	}

	snMust(e.UpdateAccountSettings(ctx, &UpdateAccountSettingsInput{
		MinimumThroughputBillingCommitment: MinimumThroughputBillingCommitment{Status: CommitmentEnabled}}))(t)

	// "orders": tags, KMS from the middle, a split then a merge.
	snMust(e.CreateStream(ctx, &CreateStreamInput{StreamName: "orders", ShardCount: 2, Tags: map[string]string{"env": "prod"}}))(t)
	for i := range 10 {
		put("orders", fmt.Sprint("k", i), []byte(fmt.Sprint("plain ", i)))
	}
	snMust(e.StartStreamEncryption(ctx, &StartStreamEncryptionInput{StreamName: "orders", EncryptionType: EncryptionKMS, KeyId: "alias/aws/kinesis"}))(t)
	settle()
	for i := range 5 {
		put("orders", fmt.Sprint("k", i), []byte(fmt.Sprint("kms ", i)))
	}
	snMust(e.SplitShard(ctx, &SplitShardInput{StreamName: "orders", ShardToSplit: "shardId-000000000000",
		NewStartingHashKey: "85070591730234615865843651857942052864"}))(t)
	settle()
	snMust(e.MergeShards(ctx, &MergeShardsInput{StreamName: "orders", ShardToMerge: "shardId-000000000003", AdjacentShardToMerge: "shardId-000000000001"}))(t)
	settle()
	for i := range 10 {
		put("orders", fmt.Sprint("k", i), []byte(fmt.Sprint("after merge ", i)))
	}
	snMust(e.EnableEnhancedMonitoring(ctx, &EnableEnhancedMonitoringInput{StreamName: "orders", ShardLevelMetrics: []string{"IncomingBytes", "IteratorAgeMilliseconds"}}))(t)
	snMust(e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "orders", RetentionPeriodHours: 48}))(t)
	snMust(e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "orders", Tags: map[string]string{"team": "data"}}))(t)
	c1 := snMust(e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arn("orders"), ConsumerName: "c1", Tags: map[string]string{"app": "billing"}}))(t)
	snMust(e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arn("orders"), ConsumerName: "c2"}))(t)
	settle()
	snMust(e.PutResourcePolicy(ctx, &PutResourcePolicyInput{ResourceARN: arn("orders"), Policy: `{"Version":"2012-10-17","Statement":[]}`}))(t)
	snMust(e.PutResourcePolicy(ctx, &PutResourcePolicyInput{ResourceARN: c1.Consumer.ConsumerARN, Policy: `{"Statement":[{"Effect":"Allow"}]}`}))(t)

	// "ondemand": warm throughput, a larger record size, empty and 1 MiB
	// records.
	snMust(e.CreateStream(ctx, &CreateStreamInput{StreamName: "ondemand", StreamModeDetails: &StreamModeDetails{StreamMode: StreamModeOnDemand},
		WarmThroughputMiBps: 100, MaxRecordSizeInKiB: 2048}))(t)
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	put("ondemand", "empty", []byte{})
	put("ondemand", "big", big)
	put("ondemand", "empty", nil)
	put("ondemand", "big", big[:1<<20-1])
	for i := range 50 {
		put("ondemand", fmt.Sprint("small-", i), []byte(strings.Repeat("x", i)))
	}

	// "scaled": UpdateShardCount history.
	snMust(e.CreateStream(ctx, &CreateStreamInput{StreamName: "scaled", ShardCount: 2}))(t)
	snMust(e.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: "scaled", TargetShardCount: 3, ScalingType: UniformScaling}))(t)
	settle()
	for i := range 30 {
		put("scaled", fmt.Sprint("s", i), []byte(fmt.Sprint("scaled ", i)))
	}

	// Pending transitions and an iterator generation.
	snMust(e.UpdateMaxRecordSize(ctx, &UpdateMaxRecordSizeInput{StreamName: "orders", MaxRecordSizeInKiB: 4096}))(t)
	snMust(e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arn("orders"), ConsumerName: "c3"}))(t)
	e.ExpireIterators()
	clk.Advance(time.Second)
	return e, clk
}

// snStreamView is everything the public API tells about a stream.
type snStreamView struct {
	Description    StreamDescription
	Summary        StreamDescriptionSummary
	Shards         []Shard
	Tags           []Tag
	Policy         string
	Consumers      []Consumer
	ConsumerDescs  []ConsumerDescription
	ConsumerTags   [][]Tag
	ConsumerPolicy []string
	Records        map[string][]Record
	Children       map[string][]ChildShard
}

// snEngineView is everything the public API tells about an engine.
type snEngineView struct {
	Account, Region string
	Streams         []StreamSummary
	Commitment      MinimumThroughputBillingCommitment
	Limits          DescribeLimitsOutput
	PerStream       map[string]snStreamView
}

// snView reads an engine through its public API.
func snView(t testing.TB, e *Engine) snEngineView {
	t.Helper()
	ctx := context.Background()
	v := snEngineView{Account: e.Account(), Region: e.Region(), PerStream: map[string]snStreamView{}}
	v.Streams = snMust(e.ListStreams(ctx, &ListStreamsInput{}))(t).StreamSummaries
	v.Commitment = snMust(e.DescribeAccountSettings(ctx, &DescribeAccountSettingsInput{}))(t).MinimumThroughputBillingCommitment
	v.Limits = *snMust(e.DescribeLimits(ctx, &DescribeLimitsInput{}))(t)
	for _, s := range v.Streams {
		name := s.StreamName
		var sv snStreamView
		sv.Description = snMust(e.DescribeStream(ctx, &DescribeStreamInput{StreamName: name}))(t).StreamDescription
		sv.Summary = snMust(e.DescribeStreamSummary(ctx, &DescribeStreamSummaryInput{StreamName: name}))(t).StreamDescriptionSummary
		sv.Shards = snMust(e.ListShards(ctx, &ListShardsInput{StreamName: name}))(t).Shards
		sv.Tags = snMust(e.ListTagsForStream(ctx, &ListTagsForStreamInput{StreamName: name}))(t).Tags
		sv.Policy = snMust(e.GetResourcePolicy(ctx, &GetResourcePolicyInput{ResourceARN: s.StreamARN}))(t).Policy
		sv.Consumers = snMust(e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: s.StreamARN}))(t).Consumers
		for _, c := range sv.Consumers {
			sv.ConsumerDescs = append(sv.ConsumerDescs, snMust(e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{ConsumerARN: c.ConsumerARN}))(t).ConsumerDescription)
			sv.ConsumerTags = append(sv.ConsumerTags, snMust(e.ListTagsForResource(ctx, &ListTagsForResourceInput{ResourceARN: c.ConsumerARN}))(t).Tags)
			sv.ConsumerPolicy = append(sv.ConsumerPolicy, snMust(e.GetResourcePolicy(ctx, &GetResourcePolicyInput{ResourceARN: c.ConsumerARN}))(t).Policy)
		}
		sv.Records, sv.Children = map[string][]Record{}, map[string][]ChildShard{}
		if s.StreamStatus != StreamStatusCreating {
			for _, sh := range sv.Shards {
				sv.Records[sh.ShardId], sv.Children[sh.ShardId] = rsReadShard(t, e, name, sh.ShardId, 7)
			}
		}
		v.PerStream[name] = sv
	}
	return v
}

func TestSnapshotRoundTrip(t *testing.T) {
	ctx := context.Background()
	e, clk := snRichEngine(t)
	snap := snWrite(t, e)
	clk2 := NewManualClock(clk.Now())
	r := snRestore(t, snap, snOptions(clk2)...)

	want := snView(t, e)
	require.Equal(t, want, snView(t, r))

	// Spot checks that the view holds what the engine was built with.
	require.Equal(t, "eu-west-1", want.Region)
	require.Len(t, want.Streams, 4)
	old := want.PerStream["old"]
	require.Equal(t, rsID(1, 2), rsIDs(old.Shards), "the expired parent is gone")
	var kept []string
	for _, id := range rsIDs(old.Shards) {
		kept = append(kept, rsData(old.Records[id])...)
	}
	sort.Strings(kept)
	require.Equal(t, []string{"kept 0", "kept 1", "kept 2", "kept 3"}, kept, "expired records are not retained")
	orders := want.PerStream["orders"]
	require.Equal(t, StreamStatusUpdating, orders.Summary.StreamStatus)
	require.Equal(t, 4096, orders.Summary.MaxRecordSizeInKiB)
	require.Equal(t, 48, orders.Summary.RetentionPeriodHours)
	require.Equal(t, EncryptionKMS, orders.Summary.EncryptionType)
	require.Equal(t, []Tag{{"env", "prod"}, {"team", "data"}}, orders.Tags)
	require.Equal(t, rsID(0, 1, 2, 3, 4), rsIDs(orders.Shards))
	require.Equal(t, ConsumerStatusCreating, orders.Consumers[2].ConsumerStatus)
	require.Equal(t, []Tag{{"app", "billing"}}, orders.ConsumerTags[0])
	require.Contains(t, orders.ConsumerPolicy[0], "Allow")
	encTypes := map[EncryptionType]int{}
	for _, recs := range orders.Records {
		for _, rec := range recs {
			encTypes[rec.EncryptionType]++
		}
	}
	require.Equal(t, map[EncryptionType]int{EncryptionNone: 10, EncryptionKMS: 15}, encTypes)
	ondemand := want.PerStream["ondemand"]
	require.Equal(t, &WarmThroughput{TargetMiBps: 100, CurrentMiBps: 100}, ondemand.Summary.WarmThroughput)
	sizes := map[int]bool{}
	for _, recs := range ondemand.Records {
		for _, rec := range recs {
			sizes[len(rec.Data)] = true
		}
	}
	require.True(t, sizes[0] && sizes[1<<20] && sizes[1<<20-1], "empty and 1 MiB records")
	require.Equal(t, CommitmentEnabled, want.Commitment.Status)

	// Pending transitions settle alike, and both engines continue alike: a
	// write gets the same sequence number in both.
	clk.Advance(11 * time.Second)
	clk2.Advance(11 * time.Second)
	require.Equal(t, snView(t, e), snView(t, r))
	for _, name := range []string{"old", "orders", "ondemand", "scaled"} {
		in := &PutRecordInput{StreamName: name, PartitionKey: "after", Data: []byte("after restore")}
		a := snMust(e.PutRecord(ctx, in))(t)
		b := snMust(r.PutRecord(ctx, in))(t)
		require.Equal(t, a, b)
	}
	open := rsOpenShards(t, r, "scaled")
	n := len(rsShards(t, r, "scaled"))
	_, err := r.SplitShard(ctx, &SplitShardInput{StreamName: "scaled", ShardToSplit: open[len(open)-1].ShardId,
		NewStartingHashKey: "300000000000000000000000000000000000000"})
	require.NoError(t, err, "resharding continues on the restored lineage")
	open = rsOpenShards(t, r, "scaled")
	require.Equal(t, rsID(n, n+1), rsIDs(open[len(open)-2:]))

	// A snapshot of the restored engine restores to the same state again.
	clk3 := NewManualClock(clk2.Now())
	r2 := snRestore(t, snWrite(t, r), snOptions(clk3)...)
	require.Equal(t, snView(t, r), snView(t, r2))
}

// TestSnapshotTokensSurvive checks that shard iterators and NextTokens
// issued before a snapshot work on the restored engine, and that sequence
// numbers continue exactly where they were.
func TestSnapshotTokensSurvive(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	for _, name := range []string{"a", "b", "c"} {
		rsCreate(t, e, name, 3)
	}
	var last [3]SequenceNumber
	for i := range 300 {
		out := rsPut(t, e, "a", fmt.Sprint("key-", i), fmt.Sprint("rec-", i))
		idx, _ := parseShardID(out.ShardId)
		last[idx] = out.SequenceNumber
		clk.Advance(time.Millisecond)
	}
	trim := map[string]string{}
	latest := map[string]string{}
	after := map[string]string{}
	want := map[string][]Record{}
	for i := range 3 {
		id := shardID(i)
		trim[id] = rsIter(t, e, "a", id, TrimHorizon)
		latest[id] = rsIter(t, e, "a", id, Latest)
		after[id] = snMust(e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "a", ShardId: id,
			ShardIteratorType: AfterSequenceNumber, StartingSequenceNumber: last[i].String()}))(t).ShardIterator
		want[id], _ = rsReadShard(t, e, "a", id, 0)
	}
	streams := snMust(e.ListStreams(ctx, &ListStreamsInput{Limit: 1}))(t)
	shards := snMust(e.ListShards(ctx, &ListShardsInput{StreamName: "a", MaxResults: 1}))(t)
	require.NotEmpty(t, streams.NextToken)
	require.NotEmpty(t, shards.NextToken)

	snap := snWrite(t, e)
	clk.Advance(time.Minute)
	r := snRestore(t, snap, WithClock(clk), WithRetentionSweep(0))

	for i := range 3 {
		id := shardID(i)
		// The same records with the same sequence numbers, through an
		// iterator issued before the snapshot and through a new one.
		got, _ := rsDrain(t, r, trim[id], 50)
		require.Equal(t, want[id], got, id)
		fresh, _ := rsReadShard(t, r, "a", id, 0)
		require.Equal(t, want[id], fresh, id)
		require.Equal(t, last[i], got[len(got)-1].SequenceNumber)
		out := snMust(r.GetRecords(ctx, &GetRecordsInput{ShardIterator: latest[id]}))(t)
		require.Empty(t, out.Records)
	}

	// A record written after the restore sorts after every restored one and
	// is the next record for iterators taken before the snapshot.
	for i := range 30 {
		put := rsPut(t, r, "a", fmt.Sprint("new-", i), fmt.Sprint("new-", i))
		idx, _ := parseShardID(put.ShardId)
		require.Equal(t, 1, put.SequenceNumber.Cmp(last[idx]), "a new record sorts after the restored ones")
		require.Equal(t, last[idx].Counter()+1, put.SequenceNumber.Counter(), "the counter continues without a gap")
		last[idx] = put.SequenceNumber
	}
	for i := range 3 {
		id := shardID(i)
		for _, it := range []string{latest[id], after[id]} {
			out := snMust(r.GetRecords(ctx, &GetRecordsInput{ShardIterator: it}))(t)
			require.NotEmpty(t, out.Records, id)
			require.True(t, strings.HasPrefix(string(out.Records[0].Data), "new-"), id)
			require.Equal(t, want[id][len(want[id])-1].SequenceNumber.Counter()+1, out.Records[0].SequenceNumber.Counter())
		}
	}

	// NextTokens continue their listings.
	more := snMust(r.ListStreams(ctx, &ListStreamsInput{NextToken: streams.NextToken}))(t)
	require.Equal(t, []string{"b", "c"}, more.StreamNames)
	moreShards := snMust(r.ListShards(ctx, &ListShardsInput{NextToken: shards.NextToken}))(t)
	require.Equal(t, rsID(1, 2), rsIDs(moreShards.Shards))

	// Iterators expire on the restored engine's clock, and ExpireIterators
	// of either engine does not reach the other.
	r.ExpireIterators()
	_, err := r.GetRecords(ctx, &GetRecordsInput{ShardIterator: trim["shardId-000000000000"]})
	require.ErrorIs(t, err, ErrExpiredIterator)
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: trim["shardId-000000000000"]})
	require.NoError(t, err)
}

// TestSnapshotUnderConcurrentWrites takes snapshots while writers write and
// a resharder splits and merges, and checks that each restores to a valid
// state: the open shards cover the hash space, lineage is whole, and each
// shard holds a gapless prefix of the records the shard finally holds.
func TestSnapshotUnderConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 4)
	rsCreate(t, e, "t", 1)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				if testsync.Closed(stop) {
					return
				}
				stream := "s"
				if i%5 == 0 {
					stream = "t"
				}
				_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: stream, PartitionKey: fmt.Sprint(w, "-", i), Data: []byte(fmt.Sprint(w, "-", i))})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			if testsync.Closed(stop) {
				return
			}
			open, err := e.ListShards(ctx, &ListShardsInput{StreamName: "s", ShardFilter: &ShardFilter{Type: AtLatest}})
			if err != nil {
				t.Error(err)
				return
			}
			sh := open.Shards
			sort.Slice(sh, func(i, j int) bool {
				return sh[i].HashKeyRange.StartingHashKey.Cmp(sh[j].HashKeyRange.StartingHashKey) < 0
			})
			if len(sh) < 6 {
				k := sh[i%len(sh)]
				mid := new(big.Int).Add(dpBig(k.HashKeyRange.StartingHashKey), dpBig(k.HashKeyRange.EndingHashKey))
				mid.Rsh(mid, 1)
				_, err = e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: k.ShardId, NewStartingHashKey: mid.String()})
			} else {
				j := i % (len(sh) - 1)
				_, err = e.MergeShards(ctx, &MergeShardsInput{StreamName: "s", ShardToMerge: sh[j].ShardId, AdjacentShardToMerge: sh[j+1].ShardId})
			}
			if err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()

	var snaps [][]byte
	for range 6 {
		time.Sleep(20 * time.Millisecond)
		snaps = append(snaps, snWrite(t, e))
	}
	close(stop)
	wg.Wait()

	final := map[string][]Record{}
	for _, name := range []string{"s", "t"} {
		for _, sh := range rsShards(t, e, name) {
			final[name+"/"+sh.ShardId], _ = rsReadShard(t, e, name, sh.ShardId, 0)
		}
	}
	for i, snap := range snaps {
		r := snRestore(t, snap, WithRetentionSweep(0))
		total := 0
		for _, name := range []string{"s", "t"} {
			all, open := rsShards(t, r, name), rsOpenShards(t, r, name)
			rsRequireCover(t, open)
			rsRequireLineage(t, all, open)
			for _, sh := range all {
				recs, _ := rsReadShard(t, r, name, sh.ShardId, 0)
				want := final[name+"/"+sh.ShardId]
				require.LessOrEqual(t, len(recs), len(want), "snapshot %d shard %s", i, sh.ShardId)
				if len(recs) > 0 {
					require.Equal(t, want[:len(recs)], recs, "snapshot %d shard %s holds a prefix", i, sh.ShardId)
				}
				for j, rec := range recs {
					require.Equal(t, uint64(j+1), rec.SequenceNumber.Counter(), "gapless from the first record")
				}
				total += len(recs)
			}
		}
		t.Logf("snapshot %d: %d bytes, %d records", i, len(snap), total)
	}
}

// snSection is a section of a snapshot, as the format tests edit them.
type snSection struct {
	kind    byte
	payload []byte
}

// snParse splits a snapshot into its sections.
func snParse(t testing.TB, snap []byte) []snSection {
	t.Helper()
	require.Equal(t, "FRESHET\x01", string(snap[:8]))
	var out []snSection
	for b := snap[8:]; len(b) > 0; {
		n := binary.BigEndian.Uint32(b[1:5])
		out = append(out, snSection{kind: b[0], payload: append([]byte(nil), b[5:5+n]...)})
		b = b[5+n+4:]
	}
	return out
}

// snAssemble builds a snapshot of sections, with good checksums.
func snAssemble(sections []snSection) []byte {
	b := []byte("FRESHET\x01")
	for _, s := range sections {
		start := len(b)
		b = append(b, s.kind)
		b = binary.BigEndian.AppendUint32(b, uint32(len(s.payload)))
		b = append(b, s.payload...)
		b = binary.BigEndian.AppendUint32(b, crc32.Checksum(b[start:], castagnoli))
	}
	return b
}

// snSmallSnapshot returns a small snapshot with a bit of everything.
func snSmallSnapshot(t testing.TB) []byte {
	t.Helper()
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 2)
	for i := range 6 {
		rsPut(t, e, "s", fmt.Sprint("k", i), fmt.Sprint("data-", i))
		clk.Advance(time.Millisecond)
	}
	snMust(e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000001", NewStartingHashKey: "255211775190703847597530955573826158592"}))(t)
	rsPutHash(t, e, "s", "200000000000000000000000000000000000000", "lower child")
	rsPutHash(t, e, "s", "300000000000000000000000000000000000000", "upper child")
	c := snMust(e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "c", Tags: map[string]string{"a": "b"}}))(t)
	snMust(e.PutResourcePolicy(ctx, &PutResourcePolicyInput{ResourceARN: c.Consumer.ConsumerARN, Policy: `{}`}))(t)
	snMust(e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "s", Tags: map[string]string{"x": "y"}}))(t)
	return snWrite(t, e)
}

// snRequireCorrupt asserts that Restore refuses snap with ErrCorruptSnapshot.
func snRequireCorrupt(t testing.TB, snap []byte, msgAndArgs ...any) {
	t.Helper()
	e, err := Restore(bytes.NewReader(snap), WithRetentionSweep(0))
	if e != nil {
		e.Close()
	}
	require.Nil(t, e, msgAndArgs...)
	require.ErrorIs(t, err, ErrCorruptSnapshot, msgAndArgs...)
}

func TestRestoreTruncated(t *testing.T) {
	snap := snSmallSnapshot(t)
	for n := range len(snap) {
		snRequireCorrupt(t, snap[:n], "truncated to %d of %d bytes", n, len(snap))
	}
	snRestore(t, snap)
}

func TestRestoreBitFlips(t *testing.T) {
	snap := snSmallSnapshot(t)
	for i := range len(snap) {
		for bit := range 8 {
			b := bytes.Clone(snap)
			b[i] ^= 1 << bit
			if i == len(snapshotMagic) { // the version byte
				_, err := Restore(bytes.NewReader(b))
				require.ErrorContains(t, err, "snapshot format version")
				continue
			}
			snRequireCorrupt(t, b, "bit %d of byte %d", bit, i)
		}
	}
}

func TestRestoreGarbage(t *testing.T) {
	for _, in := range []string{"", "FRESH", "FRESHET", "FRESHET\x01", "PK\x03\x04 not a snapshot", "FRESHET\x01E\xff\xff\xff\xff"} {
		snRequireCorrupt(t, []byte(in), "%q", in)
	}
	_, err := Restore(strings.NewReader("FRESHET\x02"))
	require.EqualError(t, err, "freshet: snapshot format version 2 is not supported (this freshet reads version 1)")
	_, err = Restore(iotestErrReader{})
	require.ErrorContains(t, err, "freshet: reading snapshot: disk on fire")
	require.NotErrorIs(t, err, ErrCorruptSnapshot)
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// TestRestoreInvariants edits sections (keeping the checksums right) into
// states the engine cannot be in, and checks that each is refused.
func TestRestoreInvariants(t *testing.T) {
	snap := snSmallSnapshot(t)
	secs := snParse(t, snap)
	kinds := ""
	for _, s := range secs {
		kinds += string(s.kind)
	}
	require.Equal(t, "ESCHRHRHRHRPZ", kinds)
	snRestore(t, snAssemble(secs))

	// pick assembles the sections at the given indices.
	pick := func(indices ...int) []byte {
		var out []snSection
		for _, i := range indices {
			out = append(out, snSection{secs[i].kind, bytes.Clone(secs[i].payload)})
		}
		return snAssemble(out)
	}
	upTo := func(from, to int) []int {
		var out []int
		for i := from; i <= to; i++ {
			out = append(out, i)
		}
		return out
	}
	all := upTo(0, len(secs)-1)
	without := func(i int) []byte { return pick(append(upTo(0, i-1), upTo(i+1, len(secs)-1)...)...) }
	// editShard rewrites the shard section at index i with f applied to
	// some of its fields.
	type shardFields struct {
		index, parent, trim, next uint64
		end                       HashKey
		closed, gone              bool
		closedAt                  time.Time
	}
	editShard := func(i int, f func(*shardFields)) []byte {
		d := &snapshotDecoder{b: secs[i].payload}
		var sf shardFields
		var w snapshotEncoder
		sf.index = d.u()
		start := d.hashKey()
		sf.end = d.hashKey()
		sf.parent = d.u()
		adjacent := d.u()
		created := d.time()
		createdSec := d.i()
		sf.trim, sf.next = d.u(), d.u()
		last := d.i()
		sf.closed = d.bool()
		sf.closedAt = d.time()
		sf.gone = d.bool()
		require.True(t, d.done())
		f(&sf)
		w.u(sf.index)
		w.hashKey(start)
		w.hashKey(sf.end)
		w.u(sf.parent)
		w.u(adjacent)
		w.time(created)
		w.i(createdSec)
		w.u(sf.trim)
		w.u(sf.next)
		w.i(last)
		w.bool(sf.closed)
		w.time(sf.closedAt)
		w.bool(sf.gone)
		secs2 := append([]snSection(nil), secs...)
		secs2[i] = snSection{sectionShard, w.b}
		return snAssemble(secs2)
	}
	// Sections: 0 E, 1 S, 2 C, 3 H0, 4 R0, 5 H1 (closed), 6 R1, 7 H2, 8 R2,
	// 9 H3, 10 R3, 11 P, 12 Z.
	cases := map[string][]byte{
		"no engine section":           without(0),
		"no end section":              without(12),
		"a records section missing":   without(4),
		"a shard missing":             without(9),
		"a consumer missing":          without(2),
		"the policy missing":          without(11),
		"two engine sections":         pick(append([]int{0}, all...)...),
		"a stream twice":              pick(append(append(upTo(0, 10), upTo(1, 10)...), 11, 12)...),
		"a records section twice":     pick(append(upTo(0, 4), upTo(4, 12)...)...),
		"records of another shard":    pick(append(append(upTo(0, 3), 6), upTo(5, 12)...)...),
		"policies before a stream":    pick(append(append([]int{0, 11}, upTo(1, 10)...), 12)...),
		"a consumer after the shards": pick(append(append([]int{0, 1}, upTo(3, 10)...), 2, 11, 12)...),
		"an unknown section":          snAssemble(append([]snSection{secs[0], {'Q', nil}}, secs[1:]...)),
		"trailing bytes in a stream": snAssemble(append([]snSection{secs[0], {sectionStream, append(bytes.Clone(secs[1].payload), 0)}},
			secs[2:]...)),
		"a gap in the open shards":    editShard(3, func(f *shardFields) { f.end.lo -= 5 }),
		"an open parent":              editShard(5, func(f *shardFields) { f.closed, f.closedAt = false, time.Time{} }),
		"a closed shard without kids": editShard(3, func(f *shardFields) { f.closed, f.closedAt = true, testEpoch }),
		"a parent in the future":      editShard(7, func(f *shardFields) { f.parent = 4 }),
		"more records than counters":  editShard(3, func(f *shardFields) { f.next-- }),
		"fewer records than counters": editShard(3, func(f *shardFields) { f.next++ }),
		"a zero trim counter":         editShard(3, func(f *shardFields) { f.trim = 0 }),
		"an expired open shard":       editShard(7, func(f *shardFields) { f.gone = true }),
		"a shard out of order":        editShard(7, func(f *shardFields) { f.index = 9 }),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			e, err := Restore(bytes.NewReader(b), WithRetentionSweep(0))
			require.Nil(t, e)
			require.ErrorIs(t, err, ErrCorruptSnapshot)
			t.Log(err)
		})
	}
}

func TestRestoreAccountAndRegion(t *testing.T) {
	e := rsEngine(t, WithAccount("111122223333"), WithRegion("ap-south-1"))
	rsCreate(t, e, "s", 1)
	snap := snWrite(t, e)

	r := snRestore(t, snap)
	require.Equal(t, "111122223333", r.Account())
	require.Equal(t, "ap-south-1", r.Region())
	require.Equal(t, "arn:aws:kinesis:ap-south-1:111122223333:stream/s", mustSummary(t, r, "s").StreamARN)
	snRestore(t, snap, WithAccount("111122223333"), WithRegion("ap-south-1"))

	_, err := Restore(bytes.NewReader(snap), WithAccount("000000000000"))
	require.EqualError(t, err, "freshet: the snapshot is of account 111122223333, but WithAccount asks for account 000000000000")
	_, err = Restore(bytes.NewReader(snap), WithRegion("us-east-1"))
	require.EqualError(t, err, "freshet: the snapshot is of region ap-south-1, but WithRegion asks for region us-east-1")
}

// TestRestoreOptionsWin checks that the options given at restore, not the
// snapshotted engine's, govern the restored engine.
func TestRestoreOptionsWin(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 2)
	rsPut(t, e, "s", "k", "v")
	snap := snWrite(t, e)

	clk2 := NewManualClock(clk.Now().Add(25 * time.Hour))
	r := snRestore(t, snap, WithClock(clk2), WithRetentionSweep(0), WithLimits(AWSLimits), WithShardLimit(1))
	require.Same(t, Clock(clk2), r.Clock())
	recs, _ := rsReadShard(t, r, "s", "shardId-000000000000", 0)
	recs2, _ := rsReadShard(t, r, "s", "shardId-000000000001", 0)
	require.Empty(t, append(recs, recs2...), "retention runs on the restore's clock")
	_, err := r.CreateStream(ctx, &CreateStreamInput{StreamName: "more", ShardCount: 1})
	require.ErrorIs(t, err, ErrLimitExceeded, "the restore's shard limit")
	require.Equal(t, 2, snMust(r.DescribeLimits(ctx, &DescribeLimitsInput{}))(t).OpenShardCount, "the restored shards are kept")
}

// snPolicyStore is an authorizer that keeps resource policies.
type snPolicyStore struct {
	mu       sync.Mutex
	policies map[string]string
	refuse   string
}

func (s *snPolicyStore) Authorize(context.Context, string, string, string) error { return nil }

func (s *snPolicyStore) PutResourcePolicy(arn, doc string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if arn == s.refuse {
		return errors.New("refused")
	}
	s.policies[arn] = doc
	return nil
}

func (s *snPolicyStore) DeleteResourcePolicy(arn string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.policies, arn)
}

func TestRestorePoliciesReachTheAuthorizer(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "a", 1)
	rsCreate(t, e, "b", 1)
	for _, s := range []string{"a", "b"} {
		snMust(e.PutResourcePolicy(ctx, &PutResourcePolicyInput{ResourceARN: arnOf(s), Policy: `{"s":"` + s + `"}`}))(t)
	}
	snap := snWrite(t, e)

	store := &snPolicyStore{policies: map[string]string{}}
	snRestore(t, snap, WithAuthorizer(store))
	require.Equal(t, map[string]string{arnOf("a"): `{"s":"a"}`, arnOf("b"): `{"s":"b"}`}, store.policies)

	store = &snPolicyStore{policies: map[string]string{}, refuse: arnOf("b")}
	r, err := Restore(bytes.NewReader(snap), WithAuthorizer(store))
	require.Nil(t, r)
	require.ErrorContains(t, err, "the authorizer refused it: refused")
	require.Empty(t, store.policies, "nothing is left behind")
}

// TestRestoreReadsExactly checks that Restore stops at the end of a
// snapshot, so snapshots can follow one another in one stream.
func TestRestoreReadsExactly(t *testing.T) {
	e1 := rsEngine(t, WithRegion("eu-west-1"))
	e2 := rsEngine(t, WithRegion("eu-west-2"))
	rsCreate(t, e1, "one", 1)
	rsCreate(t, e2, "two", 2)
	var buf bytes.Buffer
	for _, e := range []*Engine{e1, e2} {
		_, err := e.WriteSnapshot(context.Background(), &buf)
		require.NoError(t, err)
	}
	buf.WriteString("tail")
	br := bufio.NewReader(&buf)
	for _, want := range []string{"eu-west-1", "eu-west-2"} {
		r, err := Restore(br)
		require.NoError(t, err)
		require.Equal(t, want, r.Region())
		r.Close()
	}
	rest, err := io.ReadAll(br)
	require.NoError(t, err)
	require.Equal(t, "tail", string(rest))
}

func TestWriteSnapshotCancelled(t *testing.T) {
	e := rsEngine(t)
	rsCreate(t, e, "s", 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	_, err := e.WriteSnapshot(ctx, &buf)
	require.ErrorIs(t, err, context.Canceled)
	snRequireCorrupt(t, buf.Bytes())

	_, err = e.WriteSnapshot(context.Background(), snFailWriter{})
	require.ErrorContains(t, err, "freshet: writing snapshot: disk full")
}

type snFailWriter struct{}

func (snFailWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestSnapshotStats checks what WriteSnapshot reports.
func TestSnapshotStats(t *testing.T) {
	e := rsEngine(t)
	rsCreate(t, e, "a", 2)
	rsCreate(t, e, "b", 1)
	for i := range 10 {
		rsPut(t, e, "a", fmt.Sprint(i), "x")
	}
	var buf bytes.Buffer
	stats, err := e.WriteSnapshot(context.Background(), &buf)
	require.NoError(t, err)
	require.Equal(t, SnapshotStats{Streams: 2, Shards: 3, Records: 10, Bytes: int64(buf.Len())}, stats)
}

// TestSnapshotDeletedStream checks that deleted streams and the policies of
// deregistered consumers stay out of snapshots, while a stream still
// DELETING is kept with its state.
func TestSnapshotDeletedStream(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t, WithStateDelays(StateDelays{Delete: time.Minute}))
	rsCreate(t, e, "gone", 1)
	rsCreate(t, e, "kept", 1)
	snMust(e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "gone"}))(t)
	r := snRestore(t, snWrite(t, e), WithClock(NewManualClock(clk.Now())), WithRetentionSweep(0))
	require.Equal(t, StreamStatusDeleting, mustSummary(t, r, "gone").StreamStatus)

	clk.Advance(2 * time.Minute)
	clk2 := NewManualClock(clk.Now())
	r = snRestore(t, snWrite(t, e), WithClock(clk2), WithRetentionSweep(0))
	names := snMust(r.ListStreams(ctx, &ListStreamsInput{}))(t).StreamNames
	require.Equal(t, []string{"kept"}, names)
}

// snAllocated returns the bytes f allocates.
func snAllocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestSnapshotStreams checks that neither side holds a snapshot in memory:
// writing allocates a small fraction of the snapshot's size, and reading
// allocates what the input holds, not what its lengths claim.
func TestSnapshotStreams(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 2)
	data := make([]byte, 1000)
	batch := make([]PutRecordsRequestEntry, 500)
	for i := range batch {
		batch[i] = PutRecordsRequestEntry{PartitionKey: fmt.Sprint(i), Data: data}
	}
	for range 40 {
		snMust(e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: batch}))(t)
	}
	var n int64
	allocated := snAllocated(func() {
		stats, err := e.WriteSnapshot(ctx, io.Discard)
		require.NoError(t, err)
		n = stats.Bytes
	})
	require.Greater(t, n, int64(20e6))
	require.Less(t, allocated, uint64(n/10), "WriteSnapshot allocated %d bytes for a snapshot of %d", allocated, n)

	// A section claiming 16 MiB in an input of a few bytes.
	claim := []byte("FRESHET\x01E\x01\x00\x00\x00abc")
	allocated = snAllocated(func() { snRequireCorrupt(t, claim) })
	require.Less(t, allocated, uint64(1<<20), "Restore allocated %d bytes for %d of input", allocated, len(claim))
}

// snHookWriter runs hook before its first write: WriteSnapshot writes
// through a 64 KiB buffer, so with more than that in the first streams the
// hook runs while later streams are not captured yet.
type snHookWriter struct {
	w    io.Writer
	hook func()
}

func (h *snHookWriter) Write(p []byte) (int, error) {
	if f := h.hook; f != nil {
		h.hook = nil
		f()
	}
	return h.w.Write(p)
}

// TestSnapshotStreamDeletedDuringSnapshot deletes a stream after the
// snapshot started and before it was captured: the snapshot must restore,
// without the stream (whose shards were dropped) or with it whole.
func TestSnapshotStreamDeletedDuringSnapshot(t *testing.T) {
	ctx := context.Background()
	for _, delay := range []time.Duration{0, time.Second} {
		t.Run(fmt.Sprint("delete delay ", delay), func(t *testing.T) {
			e, clk := rsClockEngine(t, WithStateDelays(StateDelays{Delete: delay}))
			rsCreate(t, e, "a", 1)
			rsCreate(t, e, "b", 2)
			rsPut(t, e, "a", "k", strings.Repeat("x", 100<<10))
			var buf bytes.Buffer
			w := &snHookWriter{w: &buf, hook: func() {
				clk.Advance(time.Second)
				snMust(e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "b"}))(t)
				clk.Advance(delay)
				e.ApplyRetention() // completes a pending deletion
			}}
			_, err := e.WriteSnapshot(ctx, w)
			require.NoError(t, err)
			r := snRestore(t, buf.Bytes(), WithClock(NewManualClock(clk.Now())), WithRetentionSweep(0))
			require.Equal(t, []string{"a"}, snMust(r.ListStreams(ctx, &ListStreamsInput{}))(t).StreamNames)
		})
	}
}

// TestRestoreWarmThroughput checks that a warm throughput CreateStream
// accepts restores, even above what UpdateStreamWarmThroughput allows.
func TestRestoreWarmThroughput(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	snMust(e.UpdateAccountSettings(ctx, &UpdateAccountSettingsInput{
		MinimumThroughputBillingCommitment: MinimumThroughputBillingCommitment{Status: CommitmentEnabled}}))(t)
	snMust(e.CreateStream(ctx, &CreateStreamInput{StreamName: "warm", StreamModeDetails: &StreamModeDetails{StreamMode: StreamModeOnDemand},
		WarmThroughputMiBps: 2 * maxWarmThroughputMiBps}))(t)
	r := snRestore(t, snWrite(t, e))
	require.Equal(t, &WarmThroughput{TargetMiBps: 2 * maxWarmThroughputMiBps, CurrentMiBps: 2 * maxWarmThroughputMiBps},
		mustSummary(t, r, "warm").WarmThroughput)
}

// TestSnapshotStreamCreatedDuringSnapshot creates a stream while a snapshot
// is writing its engine section (held there by the account settings' lock):
// the stream-id counter the snapshot holds must cover every stream in it.
func TestSnapshotStreamCreatedDuringSnapshot(t *testing.T) {
	e := rsEngine(t)
	rsCreate(t, e, "a", 1)
	e.account.mu.Lock()
	done := make(chan []byte)
	go func() {
		var buf bytes.Buffer
		_, err := e.WriteSnapshot(context.Background(), &buf)
		if err != nil {
			t.Error(err)
		}
		done <- buf.Bytes()
	}()
	rsWaitFor(t, func() bool {
		buf := make([]byte, 1<<20)
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "writeEngineSection") && strings.Contains(g, "sync.(*Mutex).Lock") {
				return true
			}
		}
		return false
	})
	rsCreate(t, e, "b", 1)
	e.account.mu.Unlock()
	snRestore(t, rsRecv(t, done))
}
