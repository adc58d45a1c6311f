package freshet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/freshet-io/freshet/internal/wal"
	"github.com/stretchr/testify/require"
)

// openDir opens an engine on dir with a ManualClock at clk's time (the
// clock carries over restarts) and no background sweep; the test closes
// it unless it crashes it first.
func openDir(t testing.TB, dir string, clk *ManualClock, opts ...Option) *Engine {
	t.Helper()
	all := append([]Option{WithDataDir(dir), WithClock(clk), WithRetentionSweep(0)}, opts...)
	e, err := Open(all...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// crash stops an engine as a SIGKILL would, as far as the files go:
// nothing more is written, synced or saved.
func crash(e *Engine) { e.abandon() }

// readAll reads a shard from TRIM_HORIZON to its tip with GetRecords.
func readAll(t testing.TB, e *Engine, stream, shard string, limit int) []Record {
	t.Helper()
	ctx := context.Background()
	it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: stream, ShardId: shard, ShardIteratorType: TrimHorizon})
	require.NoError(t, err)
	return drain(t, e, it.ShardIterator, limit)
}

// drain reads from an iterator until it reaches the tip.
func drain(t testing.TB, e *Engine, it string, limit int) []Record {
	t.Helper()
	var out []Record
	for {
		res, err := e.GetRecords(context.Background(), &GetRecordsInput{ShardIterator: it, Limit: limit})
		require.NoError(t, err)
		out = append(out, res.Records...)
		if len(res.Records) == 0 || res.MillisBehindLatest == 0 && len(res.Records) < limit {
			if len(res.Records) == 0 {
				return out
			}
		}
		if res.NextShardIterator == "" {
			return out
		}
		it = res.NextShardIterator
	}
}

func TestDataDirKeepsRecordsAcrossACrash(t *testing.T) {
	for _, policy := range []SyncPolicy{SyncBatch, SyncAlways, SyncInterval(time.Millisecond), SyncNone} {
		t.Run(policy.String(), func(t *testing.T) {
			dir := t.TempDir()
			clk := NewManualClock(testEpoch)
			ctx := context.Background()
			e := openDir(t, dir, clk, WithSync(policy))
			mustCreate(t, e, "s", 2)
			var sent []*PutRecordOutput
			for i := range 50 {
				out, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: strconv.Itoa(i), Data: []byte(fmt.Sprint("r", i))})
				require.NoError(t, err)
				sent = append(sent, out)
				clk.Advance(time.Millisecond)
			}
			batch := &PutRecordsInput{StreamName: "s"}
			for i := range 20 {
				batch.Records = append(batch.Records, PutRecordsRequestEntry{PartitionKey: "b" + strconv.Itoa(i), Data: []byte("batch")})
			}
			pr, err := e.PutRecords(ctx, batch)
			require.NoError(t, err)
			require.Zero(t, pr.FailedRecordCount)
			it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: sent[0].ShardId,
				ShardIteratorType: AfterSequenceNumber, StartingSequenceNumber: sent[0].SequenceNumber.String()})
			require.NoError(t, err)
			before := map[string][]Record{}
			for _, id := range []string{shardID(0), shardID(1)} {
				before[id] = readAll(t, e, "s", id, 7)
			}
			crash(e)

			e2 := openDir(t, dir, clk, WithSync(policy))
			total := 0
			for _, id := range []string{shardID(0), shardID(1)} {
				after := readAll(t, e2, "s", id, 7)
				require.Equal(t, recordKeys(before[id]), recordKeys(after), id)
				total += len(after)
			}
			require.Equal(t, 70, total)
			// An iterator issued before the crash still works.
			res, err := e2.GetRecords(ctx, &GetRecordsInput{ShardIterator: it.ShardIterator})
			require.NoError(t, err)
			require.NotEmpty(t, res.Records)
			require.Equal(t, 1, res.Records[0].SequenceNumber.Cmp(sent[0].SequenceNumber))
			// New records continue the sequence.
			out, err := e2.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "0", Data: []byte("new")})
			require.NoError(t, err)
			last := before[out.ShardId][len(before[out.ShardId])-1]
			require.Equal(t, last.SequenceNumber.Counter()+1, out.SequenceNumber.Counter())
		})
	}
}

// recordKeys renders records as "sequence number/key/data" for comparison.
func recordKeys(recs []Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.SequenceNumber.String() + "/" + r.PartitionKey + "/" + string(r.Data) + "/" + strconv.FormatInt(r.ApproximateArrivalTimestamp.UnixMilli(), 10)
	}
	return out
}

func TestDataDirCleanCloseAndMetadata(t *testing.T) {
	dir := t.TempDir()
	clk := NewManualClock(testEpoch)
	ctx := context.Background()
	e := openDir(t, dir, clk)
	mustCreate(t, e, "a", 1)
	mustCreate(t, e, "gone", 1)
	_, err := e.AddTagsToStream(ctx, &AddTagsToStreamInput{StreamName: "a", Tags: map[string]string{"k": "v"}})
	require.NoError(t, err)
	_, err = e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamName: "a", RetentionPeriodHours: 48})
	require.NoError(t, err)
	_, err = e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: e.streamARN("a"), ConsumerName: "c"})
	require.NoError(t, err)
	for _, name := range []string{"a", "gone"} {
		_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: name, PartitionKey: "k", Data: []byte("x")})
		require.NoError(t, err)
	}
	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "gone"})
	require.NoError(t, err)
	crash(e) // the metadata was saved by each call

	e2 := openDir(t, dir, clk)
	d := mustDescribe(t, e2, "a")
	require.Equal(t, 48, d.RetentionPeriodHours)
	tags, err := e2.ListTagsForStream(ctx, &ListTagsForStreamInput{StreamName: "a"})
	require.NoError(t, err)
	require.Len(t, tags.Tags, 1)
	cs, err := e2.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: e2.streamARN("a")})
	require.NoError(t, err)
	require.Len(t, cs.Consumers, 1)
	_, err = e2.DescribeStream(ctx, &DescribeStreamInput{StreamName: "gone"})
	require.ErrorIs(t, err, ErrResourceNotFound)
	// The deleted stream's logs are gone from the directory.
	ents, err := os.ReadDir(filepath.Join(dir, testAccount, "us-east-1", streamsDir))
	require.NoError(t, err)
	require.Len(t, ents, 1)
	require.NoError(t, e2.Close())
	require.NoError(t, e2.Close(), "Close is idempotent")
}

func TestDataDirReshardSurvivesACrash(t *testing.T) {
	dir := t.TempDir()
	clk := NewManualClock(testEpoch)
	ctx := context.Background()
	e := openDir(t, dir, clk)
	mustCreate(t, e, "s", 1)
	for i := range 10 {
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: strconv.Itoa(i), Data: []byte("parent")})
		require.NoError(t, err)
	}
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: shardID(0), NewStartingHashKey: "170141183460469231731687303715884105728"})
	require.NoError(t, err)
	for i := range 10 {
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: strconv.Itoa(i), Data: []byte("child")})
		require.NoError(t, err)
	}
	crash(e)
	e2 := openDir(t, dir, clk)
	d := mustDescribe(t, e2, "s")
	require.Len(t, d.Shards, 3)
	require.Len(t, readAll(t, e2, "s", shardID(0), 100), 10)
	require.Len(t, append(readAll(t, e2, "s", shardID(1), 100), readAll(t, e2, "s", shardID(2), 100)...), 10)
	// The parent still ends with its children.
	it, err := e2.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: shardID(0), ShardIteratorType: TrimHorizon})
	require.NoError(t, err)
	res, err := e2.GetRecords(ctx, &GetRecordsInput{ShardIterator: it.ShardIterator})
	require.NoError(t, err)
	require.Len(t, res.Records, 10)
	require.Len(t, res.ChildShards, 2)
}

// TestDataDirReadsFromDiskAsFromMemory writes the same records to an
// engine in memory and to one whose memory budget keeps most of them on
// disk, and checks that every GetRecords page is the same.
func TestDataDirReadsFromDiskAsFromMemory(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testEpoch)
	mem := New(WithClock(clk), WithRetentionSweep(0))
	t.Cleanup(func() { mem.Close() })
	disk := openDir(t, t.TempDir(), clk, WithMaxMemory(64<<10), WithSegmentBytes(32<<10))
	for _, e := range []*Engine{mem, disk} {
		mustCreate(t, e, "s", 1)
	}
	sizes := []int{0, 1, 100, 5000, 200 << 10, 3, 700 << 10}
	for i := range 600 {
		data := make([]byte, sizes[i%len(sizes)])
		for j := range data {
			data[j] = byte(i + j)
		}
		in := &PutRecordInput{StreamName: "s", PartitionKey: "k" + strconv.Itoa(i), Data: data}
		a, err := mem.PutRecord(ctx, in)
		require.NoError(t, err)
		b, err := disk.PutRecord(ctx, in)
		require.NoError(t, err)
		require.Equal(t, a.SequenceNumber, b.SequenceNumber)
		if i%7 == 0 {
			clk.Advance(time.Second)
		}
	}
	require.LessOrEqual(t, disk.MemoryInUse(), int64(64<<10)+maxSlab*2)
	for _, limit := range []int{1, 3, 10, 1000, 10000} {
		itM := iterator(t, mem, "s", TrimHorizon)
		itD := iterator(t, disk, "s", TrimHorizon)
		for page := 0; ; page++ {
			a, err := mem.GetRecords(ctx, &GetRecordsInput{ShardIterator: itM, Limit: limit})
			require.NoError(t, err)
			b, err := disk.GetRecords(ctx, &GetRecordsInput{ShardIterator: itD, Limit: limit})
			require.NoError(t, err)
			require.Equal(t, recordKeys(a.Records), recordKeys(b.Records), "limit %d page %d", limit, page)
			require.Equal(t, a.MillisBehindLatest, b.MillisBehindLatest)
			if len(a.Records) == 0 {
				break
			}
			itM, itD = a.NextShardIterator, b.NextShardIterator
		}
	}
	// AT_TIMESTAMP positions agree too.
	for _, back := range []time.Duration{0, time.Second, 10 * time.Second, 50 * time.Second, time.Hour} {
		ts := clk.Now().Add(-back)
		a := iteratorAt(t, mem, ts)
		b := iteratorAt(t, disk, ts)
		ra, err := mem.GetRecords(ctx, &GetRecordsInput{ShardIterator: a, Limit: 5})
		require.NoError(t, err)
		rb, err := disk.GetRecords(ctx, &GetRecordsInput{ShardIterator: b, Limit: 5})
		require.NoError(t, err)
		require.Equal(t, recordKeys(ra.Records), recordKeys(rb.Records), "AT_TIMESTAMP -%v", back)
	}
}

func iterator(t testing.TB, e *Engine, stream string, typ ShardIteratorType) string {
	t.Helper()
	it, err := e.GetShardIterator(context.Background(), &GetShardIteratorInput{StreamName: stream, ShardId: shardID(0), ShardIteratorType: typ})
	require.NoError(t, err)
	return it.ShardIterator
}

func iteratorAt(t testing.TB, e *Engine, ts time.Time) string {
	t.Helper()
	it, err := e.GetShardIterator(context.Background(), &GetShardIteratorInput{StreamName: "s", ShardId: shardID(0), ShardIteratorType: AtTimestamp, Timestamp: ts})
	require.NoError(t, err)
	return it.ShardIterator
}

func TestDataDirRetentionDeletesSegments(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testEpoch)
	dir := t.TempDir()
	e := openDir(t, dir, clk, WithSegmentBytes(4<<10), WithMaxMemory(16<<10))
	mustCreate(t, e, "s", 1)
	for i := range 200 {
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: make([]byte, 200)})
		require.NoError(t, err)
		if i == 99 {
			clk.Advance(12 * time.Hour)
		}
	}
	sh := e.list()["s"].shards[0]
	before := sh.log.w.Segments()
	clk.Advance(12*time.Hour + time.Minute) // the first 100 records expire
	e.ApplyRetention()
	after := sh.log.w.Segments()
	require.Less(t, after, before)
	recs := readAll(t, e, "s", shardID(0), 1000)
	require.Len(t, recs, 100)
	require.Equal(t, uint64(101), recs[0].SequenceNumber.Counter())
}

func TestDataDirTornTailIsCut(t *testing.T) {
	// The log writes its records over zeros it wrote ahead of them; an
	// earlier version appended them to the file. A crash in the middle of
	// a write leaves half a frame after the last one, before the zeros or
	// at the end of the file.
	for _, zeros := range []bool{true, false} {
		t.Run(fmt.Sprintf("zeros=%v", zeros), func(t *testing.T) {
			ctx := context.Background()
			clk := NewManualClock(testEpoch)
			dir := t.TempDir()
			e := openDir(t, dir, clk)
			mustCreate(t, e, "s", 1)
			for i := range 5 {
				_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte{byte(i)}})
				require.NoError(t, err)
			}
			seg := lastSegment(t, e)
			crash(e)
			// Each PutRecord wrote a frame of one record.
			end := int64(16 + 5*len(wal.AppendFrame(nil, wal.AppendRecord(nil, 1, testEpoch.UnixMilli(), 0, "k", []byte{0}))))
			if !zeros {
				require.NoError(t, os.Truncate(seg, end))
			}
			rec := wal.AppendFrame(nil, wal.AppendRecord(nil, 6, testEpoch.UnixMilli(), 0, "k", []byte("torn")))
			f, err := os.OpenFile(seg, os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.WriteAt(rec[:len(rec)/2], end)
			require.NoError(t, err)
			require.NoError(t, f.Close())

			e2 := openDir(t, dir, clk)
			require.Len(t, readAll(t, e2, "s", shardID(0), 100), 5)
			out, err := e2.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("6")})
			require.NoError(t, err)
			require.Equal(t, uint64(6), out.SequenceNumber.Counter())
			require.Len(t, readAll(t, e2, "s", shardID(0), 100), 6)
		})
	}
}

func lastSegment(t testing.TB, e *Engine) string {
	t.Helper()
	dir := e.list()["s"].shards[0].log.dir
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, en := range ents {
		names = append(names, en.Name())
	}
	sort.Strings(names)
	return filepath.Join(dir, names[len(names)-1])
}

func appendFile(t testing.TB, path string, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.Write(b)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

func TestDataDirBadContentsGiveClearErrors(t *testing.T) {
	clk := NewManualClock(testEpoch)
	setup := func(t *testing.T) (string, string) {
		dir := t.TempDir()
		e := openDir(t, dir, clk, WithSegmentBytes(1<<10))
		mustCreate(t, e, "s", 1)
		for range 20 {
			_, err := e.PutRecord(context.Background(), &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: make([]byte, 300)})
			require.NoError(t, err)
		}
		shardDir := e.list()["s"].shards[0].log.dir
		require.NoError(t, e.Close())
		return dir, shardDir
	}
	engineDir := func(dir string) string { return filepath.Join(dir, testAccount, "us-east-1") }
	tests := []struct {
		name  string
		spoil func(t *testing.T, dir, shardDir string)
		is    error
		want  string
	}{
		{"corrupt sealed segment", func(t *testing.T, dir, shardDir string) {
			ents, _ := os.ReadDir(shardDir)
			flipByte(t, filepath.Join(shardDir, ents[0].Name()), 100)
		}, ErrCorruptData, "checksum mismatch"},
		{"truncated sealed segment", func(t *testing.T, dir, shardDir string) {
			ents, _ := os.ReadDir(shardDir)
			p := filepath.Join(shardDir, ents[0].Name())
			fi, _ := os.Stat(p)
			require.NoError(t, os.Truncate(p, fi.Size()-10))
		}, ErrCorruptData, "truncated record in a segment that is not the last"},
		{"corrupt record before the tail", func(t *testing.T, dir, shardDir string) {
			ents, _ := os.ReadDir(shardDir)
			flipByte(t, filepath.Join(shardDir, ents[len(ents)-1].Name()), 40)
			appendFile(t, filepath.Join(shardDir, ents[len(ents)-1].Name()), wal.AppendFrame(nil, wal.AppendRecord(nil, 1000, testEpoch.UnixMilli(), 0, "k", nil)))
		}, ErrCorruptData, "checksum mismatch"},
		{"missing metadata", func(t *testing.T, dir, shardDir string) {
			require.NoError(t, os.Remove(filepath.Join(engineDir(dir), metaFile)))
		}, ErrCorruptData, "the metadata file meta is missing"},
		{"corrupt metadata", func(t *testing.T, dir, shardDir string) {
			flipByte(t, filepath.Join(engineDir(dir), metaFile), 20)
		}, ErrCorruptData, "checksum mismatch"},
		{"missing shard log", func(t *testing.T, dir, shardDir string) {
			require.NoError(t, os.RemoveAll(shardDir))
		}, ErrCorruptData, "is missing, but the metadata says it stored records up to counter 20"},
		{"newer format", func(t *testing.T, dir, shardDir string) {
			require.NoError(t, os.WriteFile(filepath.Join(engineDir(dir), formatFile), []byte(formatMagic+"\nversion 2\n"), 0o644))
		}, ErrDataVersion, "the directory has format version 2, this freshet reads version 1: use a newer freshet"},
		{"newer segment format", func(t *testing.T, dir, shardDir string) {
			ents, _ := os.ReadDir(shardDir)
			f, err := os.OpenFile(filepath.Join(shardDir, ents[0].Name()), os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.WriteAt([]byte{0, 0, 0, 9}, 8)
			require.NoError(t, err)
			f.Close()
		}, ErrDataVersion, "has format version 9; this freshet reads versions 1 to 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, shardDir := setup(t)
			tt.spoil(t, dir, shardDir)
			_, err := Open(WithDataDir(dir), WithClock(clk), WithRetentionSweep(0))
			require.ErrorIs(t, err, tt.is)
			require.ErrorContains(t, err, tt.want)
			require.ErrorContains(t, err, "freshet: data directory "+engineDir(dir))
			require.Panics(t, func() { New(WithDataDir(dir), WithClock(clk)) })
		})
	}
}

func flipByte(t testing.TB, path string, off int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	require.NoError(t, err)
	defer f.Close()
	b := make([]byte, 1)
	_, err = f.ReadAt(b, off)
	require.NoError(t, err)
	b[0] ^= 0x40
	_, err = f.WriteAt(b, off)
	require.NoError(t, err)
}

func TestDataDirLockedByOneEngine(t *testing.T) {
	dir := t.TempDir()
	clk := NewManualClock(testEpoch)
	openDir(t, dir, clk)
	_, err := Open(WithDataDir(dir), WithClock(clk))
	require.ErrorContains(t, err, "in use by another engine or process")
	// Another account has a directory of its own.
	openDir(t, dir, clk, WithAccount("123456789012"))
}

func TestDataDirFaults(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testEpoch)
	tests := []struct {
		name  string
		fault wal.Fault
		want  string
	}{
		{"full disk", wal.Fault{Op: wal.OpWrite, Path: ".seg", Err: syscall.ENOSPC, Short: 10}, "no space left on device"},
		{"fsync error", wal.Fault{Op: wal.OpSync, Path: ".seg", Err: syscall.EIO}, "input/output error"},
	}
	for _, tt := range tests {
		for _, policy := range []SyncPolicy{SyncBatch, SyncAlways} {
			t.Run(tt.name+"/"+policy.String(), func(t *testing.T) {
				dir := t.TempDir()
				fsys := wal.NewFaultFS(wal.OS)
				e := openDir(t, dir, clk, withFS(fsys), WithSync(policy))
				mustCreate(t, e, "s", 1)
				for range 5 {
					_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("ok")})
					require.NoError(t, err)
				}
				fsys.Inject(tt.fault)
				_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("lost")})
				require.ErrorIs(t, err, &Error{Code: codeInternalFailure})
				require.ErrorContains(t, err, tt.want)
				// The shard refuses writes from then on, with the same error.
				out, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: []PutRecordsRequestEntry{{PartitionKey: "k", Data: []byte("x")}}})
				require.NoError(t, err)
				require.Equal(t, 1, out.FailedRecordCount)
				require.Equal(t, codeInternalFailure, out.Records[0].ErrorCode)
				require.Contains(t, out.Records[0].ErrorMessage, tt.want)
				// Reads still work.
				require.Len(t, readAll(t, e, "s", shardID(0), 100), 5)
				fsys.Clear()
				crash(e)
				e2 := openDir(t, dir, clk)
				// Nothing acknowledged is lost; the record whose write
				// failed may or may not be there (it was never
				// acknowledged nor visible).
				recs := readAll(t, e2, "s", shardID(0), 100)
				require.GreaterOrEqual(t, len(recs), 5)
				require.LessOrEqual(t, len(recs), 6)
				for _, r := range recs[:5] {
					require.Equal(t, "ok", string(r.Data))
				}
				_, err = e2.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("again")})
				require.NoError(t, err)
			})
		}
	}
}

func TestDataDirReadOnly(t *testing.T) {
	clk := NewManualClock(testEpoch)
	dir := t.TempDir()
	e := openDir(t, dir, clk)
	mustCreate(t, e, "s", 1)
	require.NoError(t, e.Close())
	// A read-only file system (root ignores file modes, so the file layer
	// plays it).
	fsys := wal.NewFaultFS(wal.OS)
	fsys.Inject(wal.Fault{Op: wal.OpOpen, Path: ".tmp-", Err: syscall.EROFS})
	fsys.Inject(wal.Fault{Op: wal.OpMkdir, Err: syscall.EROFS})
	_, err := Open(WithDataDir(dir), WithClock(clk), withFS(fsys))
	require.ErrorContains(t, err, "read-only file system")
}

// TestDataDirRecoversAfterFaults: a shard whose log failed (a full disk,
// a failed fsync) refuses writes while the fault lasts and tries its log
// again retryDelay after the failure; once the disk works again it accepts
// writes, and readers (before and after a crash) see every acknowledged
// record exactly once, in order, and none that failed.
func TestDataDirRecoversAfterFaults(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		fault wal.Fault
		want  string
	}{
		{"full disk", wal.Fault{Op: wal.OpWrite, Path: ".seg", Err: syscall.ENOSPC, Short: 10}, "no space left on device"},
		{"fsync error", wal.Fault{Op: wal.OpSync, Path: ".seg", Err: syscall.EIO}, "input/output error"},
		{"one fsync error", wal.Fault{Op: wal.OpSync, Path: ".seg", Err: syscall.EIO, Times: 1}, "input/output error"},
	}
	for _, tt := range tests {
		for _, policy := range []SyncPolicy{SyncBatch, SyncAlways} {
			t.Run(tt.name+"/"+policy.String(), func(t *testing.T) {
				clk := NewManualClock(testEpoch)
				dir := t.TempDir()
				fsys := wal.NewFaultFS(wal.OS)
				e := openDir(t, dir, clk, withFS(fsys), WithSync(policy))
				mustCreate(t, e, "s", 1)
				var acked []string
				var seqs []SequenceNumber
				put := func(data string) error {
					out, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte(data)})
					if err == nil {
						acked = append(acked, data)
						seqs = append(seqs, out.SequenceNumber)
					}
					return err
				}
				putRecords := func(data ...string) (failed int) {
					in := &PutRecordsInput{StreamName: "s"}
					for _, d := range data {
						in.Records = append(in.Records, PutRecordsRequestEntry{PartitionKey: "k", Data: []byte(d)})
					}
					out, err := e.PutRecords(ctx, in)
					require.NoError(t, err)
					for i, r := range out.Records {
						if r.ErrorCode == "" {
							acked = append(acked, data[i])
							seqs = append(seqs, r.SequenceNumber)
						} else {
							require.Equal(t, codeInternalFailure, r.ErrorCode)
							require.Empty(t, r.SequenceNumber)
						}
					}
					return out.FailedRecordCount
				}
				for i := range 5 {
					require.NoError(t, put(fmt.Sprint("ok-", i)))
				}
				fsys.Inject(tt.fault)
				err := put("lost-1")
				require.ErrorIs(t, err, &Error{Code: codeInternalFailure})
				require.ErrorContains(t, err, tt.want)
				if tt.fault.Times == 0 {
					// The fault lasts: after the pause the shard tries its
					// log again (the rewind's fsync fails, or the next
					// write does) and fails again.
					clk.Advance(retryDelay)
					require.Error(t, put("lost-2"))
					require.Equal(t, 2, putRecords("lost-3", "lost-4"))
					fsys.Clear()
				}
				// Before the pause since the last failure is over, the
				// shard still refuses writes.
				require.Error(t, put("lost-5"))
				require.Len(t, readAll(t, e, "s", shardID(0), 100), 5, "reads still work")
				clk.Advance(retryDelay)
				for i := range 5 {
					require.NoError(t, put(fmt.Sprint("ok-again-", i)))
				}
				require.Zero(t, putRecords("batch-0", "batch-1", "batch-2"))

				check := func(e *Engine) {
					t.Helper()
					recs := readAll(t, e, "s", shardID(0), 1000)
					var got []string
					for i, r := range recs {
						got = append(got, string(r.Data))
						if i > 0 {
							require.Greater(t, r.SequenceNumber.Counter(), recs[i-1].SequenceNumber.Counter())
						}
					}
					require.Equal(t, acked, got)
					for i, r := range recs {
						require.Equal(t, seqs[i], r.SequenceNumber)
					}
				}
				check(e)
				crash(e)
				e2 := openDir(t, dir, clk)
				check(e2)
				out, err := e2.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("after")})
				require.NoError(t, err)
				require.Greater(t, out.SequenceNumber.Counter(), seqs[len(seqs)-1].Counter())
			})
		}
	}
}

// TestDataDirRecoveryUnderConcurrentWriters: writers keep writing (and
// retrying refused writes, as the SDKs do) while the disk fails and
// recovers over and over; every acknowledged record is read back exactly
// once, with the sequence number it was acknowledged with, before and
// after a crash, and no failed record is.
func TestDataDirRecoveryUnderConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testEpoch)
	dir := t.TempDir()
	fsys := wal.NewFaultFS(wal.OS)
	e := openDir(t, dir, clk, withFS(fsys), WithSync(SyncBatch))
	mustCreate(t, e, "s", 1)
	const writers, each = 8, 60
	var mu sync.Mutex
	acked := map[string]SequenceNumber{}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				data := fmt.Sprintf("w%d-%d", w, i)
				if i%5 == 4 {
					out, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: []PutRecordsRequestEntry{
						{PartitionKey: "k", Data: []byte(data + "-a")}, {PartitionKey: "k", Data: []byte(data + "-b")},
					}})
					require.NoError(t, err)
					mu.Lock()
					for j, r := range out.Records {
						if r.ErrorCode == "" {
							acked[data+[]string{"-a", "-b"}[j]] = r.SequenceNumber
						}
					}
					mu.Unlock()
					continue
				}
				out, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte(data)})
				if err != nil {
					require.ErrorIs(t, err, &Error{Code: codeInternalFailure})
					continue
				}
				mu.Lock()
				acked[data] = out.SequenceNumber
				mu.Unlock()
			}
		}()
	}
	stop := make(chan struct{})
	var faults sync.WaitGroup
	faults.Add(1)
	go func() {
		defer faults.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				fsys.Clear()
				return
			default:
			}
			if i%2 == 0 {
				fsys.Inject([]wal.Fault{
					{Op: wal.OpWrite, Path: ".seg", Err: syscall.ENOSPC, Short: 7},
					{Op: wal.OpSync, Path: ".seg", Err: syscall.EIO},
				}[i/2%2])
			} else {
				fsys.Clear()
			}
			time.Sleep(time.Duration(1+4*(i%2)) * time.Millisecond) // faults 1 ms, then 5 ms without
			clk.Advance(retryDelay)
		}
	}()
	wg.Wait()
	close(stop)
	faults.Wait()
	// A last write once the disk works: it rewinds the log if the last
	// fault left it failed, cutting off the records of the failed batch
	// (without it, a record whose fsync failed may be found after the
	// crash, as the data directory's documentation says).
	clk.Advance(retryDelay)
	out, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("last")})
	require.NoError(t, err)
	acked["last"] = out.SequenceNumber
	check := func(e *Engine) {
		t.Helper()
		recs := readAll(t, e, "s", shardID(0), 10*writers*each)
		require.Len(t, recs, len(acked))
		for i, r := range recs {
			seq, ok := acked[string(r.Data)]
			require.True(t, ok, "record %q was not acknowledged", r.Data)
			require.Equal(t, seq, r.SequenceNumber)
			if i > 0 {
				require.Greater(t, r.SequenceNumber.Counter(), recs[i-1].SequenceNumber.Counter())
			}
		}
	}
	check(e)
	crash(e)
	check(openDir(t, dir, clk))
	t.Logf("%d records acknowledged, %d fsync faults", len(acked), fsys.Count(wal.OpSync, ".seg"))
}

func TestDataDirMetadataSaveFailureFailsTheCall(t *testing.T) {
	clk := NewManualClock(testEpoch)
	fsys := wal.NewFaultFS(wal.OS)
	e := openDir(t, t.TempDir(), clk, withFS(fsys))
	fsys.Inject(wal.Fault{Op: wal.OpWrite, Path: "meta.tmp-", Err: syscall.ENOSPC, Times: 1})
	_, err := e.CreateStream(context.Background(), &CreateStreamInput{StreamName: "s", ShardCount: 1})
	require.ErrorIs(t, err, &Error{Code: codeInternalFailure})
	require.ErrorContains(t, err, "no space left on device")
}

// TestDataDirGroupCommit checks that concurrent writers share fsyncs with
// SyncBatch, and that SyncAlways fsyncs per write.
func TestDataDirGroupCommit(t *testing.T) {
	clk := NewManualClock(testEpoch)
	const writers, each = 32, 20
	syncs := func(policy SyncPolicy) int {
		fsys := wal.NewFaultFS(wal.OS)
		e := openDir(t, t.TempDir(), clk, withFS(fsys), WithSync(policy))
		mustCreate(t, e, "s", 1)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					_, err := e.PutRecord(context.Background(), &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte(fmt.Sprint(w, i))})
					require.NoError(t, err)
				}
			}()
		}
		wg.Wait()
		require.Len(t, readAll(t, e, "s", shardID(0), 10000), writers*each)
		return fsys.Count(wal.OpSync, ".seg")
	}
	batch := syncs(SyncBatch)
	require.Less(t, batch, writers*each/2, "writers share fsyncs")
	require.Zero(t, syncs(SyncNone))
}

func TestMemoryBudgetWithoutDataDir(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t, WithMaxMemory(256<<10))
	mustCreate(t, e, "s", 1)
	var err error
	n := 0
	for ; n < 10000; n++ {
		_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: make([]byte, 1000)})
		if err != nil {
			break
		}
	}
	require.ErrorIs(t, err, ErrProvisionedThroughputExceeded)
	require.ErrorContains(t, err, "Memory budget exhausted for shard shardId-000000000000 in stream s")
	require.LessOrEqual(t, e.MemoryInUse(), int64(256<<10))
	require.Greater(t, n, 100)
	// PutRecords entries fail the same way.
	out, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: []PutRecordsRequestEntry{{PartitionKey: "k", Data: make([]byte, 1000)}}})
	require.NoError(t, err)
	require.Equal(t, codeProvisionedThroughputExceeded, out.Records[0].ErrorCode)
	// Retention frees memory.
	clk.Advance(25 * time.Hour)
	e.ApplyRetention()
	require.Zero(t, e.MemoryInUse())
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: make([]byte, 1000)})
	require.NoError(t, err)
	// And so does DeleteStream.
	mustCreate(t, e, "t", 1)
	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	require.NoError(t, err)
	require.Zero(t, e.MemoryInUse())
}

func TestDataDirSnapshotExportImport(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testEpoch)
	e := openDir(t, t.TempDir(), clk, WithMaxMemory(16<<10), WithSegmentBytes(8<<10))
	mustCreate(t, e, "s", 2)
	for i := range 300 {
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: strconv.Itoa(i), Data: make([]byte, 300)})
		require.NoError(t, err)
	}
	f := filepath.Join(t.TempDir(), "snap")
	w, err := os.Create(f)
	require.NoError(t, err)
	stats, err := e.WriteSnapshot(ctx, w)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.Equal(t, int64(300), stats.Records)

	r, err := os.Open(f)
	require.NoError(t, err)
	defer r.Close()
	dir2 := t.TempDir()
	e2, err := Restore(r, WithDataDir(dir2), WithClock(clk), WithRetentionSweep(0))
	require.NoError(t, err)
	t.Cleanup(func() { e2.Close() })
	for _, id := range []string{shardID(0), shardID(1)} {
		require.Equal(t, recordKeys(readAll(t, e, "s", id, 1000)), recordKeys(readAll(t, e2, "s", id, 1000)))
	}
	// Importing into a directory that holds streams is refused.
	require.NoError(t, e2.Close())
	r2, err := os.Open(f)
	require.NoError(t, err)
	defer r2.Close()
	_, err = Restore(r2, WithDataDir(dir2), WithClock(clk))
	require.ErrorContains(t, err, "already holds streams")
}
