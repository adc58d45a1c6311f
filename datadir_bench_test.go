package freshet

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/freshet-io/freshet/internal/wal"
)

// Benchmarks of the data directory. Each compares the engine with a
// baseline measured by the same benchmark, in the same run, on the same
// file system (the benchmark's temporary directory):
//
//	go test -run '^$' -bench 'BenchmarkDurable' -benchtime 3s .

// fsyncFile returns a file in a temporary directory for the baselines.
func fsyncFile(b *testing.B) *os.File {
	f, err := os.Create(filepath.Join(b.TempDir(), "baseline"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	return f
}

// BenchmarkDurablePutRecords: PutRecords of 500 records of 100 bytes with
// SyncBatch, against writing the same bytes (as log records) to a file
// and fsyncing them, once per call.
func BenchmarkDurablePutRecords(b *testing.B) {
	const n, size = 500, 100
	entries := make([]PutRecordsRequestEntry, n)
	for i := range entries {
		entries[i] = PutRecordsRequestEntry{PartitionKey: "key-" + strconv.Itoa(i%1000), Data: make([]byte, size)}
	}
	b.Run("fsynced-write", func(b *testing.B) {
		f := fsyncFile(b)
		var buf []byte
		for i := range entries {
			buf = appendBenchRecord(buf, entries[i])
		}
		b.SetBytes(n * size)
		for b.Loop() {
			if _, err := f.Write(buf); err != nil {
				b.Fatal(err)
			}
			if err := f.Sync(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("engine", func(b *testing.B) {
		e := benchDataDir(b, SyncBatch)
		in := &PutRecordsInput{StreamName: "s", Records: entries}
		b.SetBytes(n * size)
		for b.Loop() {
			out, err := e.PutRecords(context.Background(), in)
			if err != nil || out.FailedRecordCount > 0 {
				b.Fatal(err, out.FailedRecordCount)
			}
		}
	})
}

// appendBenchRecord appends what the log stores for an entry.
func appendBenchRecord(buf []byte, r PutRecordsRequestEntry) []byte {
	return append(append(append(buf, make([]byte, 28)...), r.PartitionKey...), r.Data...)
}

// benchDataDir opens an engine on a new data directory with a 1-shard
// stream "s".
func benchDataDir(b *testing.B, p SyncPolicy, opts ...Option) *Engine {
	b.Helper()
	e, err := Open(append([]Option{WithDataDir(b.TempDir()), WithSync(p), WithRetentionSweep(0)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	mustCreate(b, e, "s", 1)
	return e
}

// BenchmarkDurableConcurrentWriters: 64 goroutines each writing one record
// at a time with PutRecord and SyncBatch, against 4 KiB write+fsync. Group
// commit works when records/s reaches writers × fsyncs/s: the benchmark
// reports that ratio as "x-fsync-rate" (the issue asks for at least 0.8).
//
// An fsync's duration varies several-fold from one second to the next on
// a shared machine, so the baseline is measured between the engine's
// rounds: the writers write b.N records in 20 rounds, and after each the
// baseline runs for a quarter of the round's time. x-fsync-rate compares
// the engine with the baseline's rate over all its slices
// ("base-fsyncs/s"); a baseline measured seconds apart from the engine
// makes the ratio anything from 0.3 to 1.2 for the same engine.
//
// The other metrics explain the ratio: the records each of the engine's
// fsyncs covered ("records/fsync", at most 64), the share of the time an
// fsync was running ("fsync-busy": the commit path between two fsyncs,
// publishing a batch, the writers coming back and the next write, is
// what keeps it below 1), and "x-own-fsync-rate", records/s over writers
// × 1 / the engine's mean fsync duration, which is records/fsync / 64 ×
// fsync-busy: it differs from x-fsync-rate where the engine's fsyncs
// (writes of about 8 KiB, not page-aligned, over the zeros the log wrote
// ahead, mostly with fdatasync; see package internal/wal) take longer or
// shorter than the baseline's, by the factor "fsync-time/base" (the
// engine's mean fsync duration over the baseline's mean write+fsync):
// x-fsync-rate is x-own-fsync-rate / fsync-time/base.
func BenchmarkDurableConcurrentWriters(b *testing.B) {
	const writers, rounds = 64, 20
	base := fsyncBaseline{f: fsyncFile(b)}
	data := make([]byte, 100)
	b.Run("engine-64-writers", func(b *testing.B) {
		fsys := &timedFS{FS: wal.OS}
		e := benchDataDir(b, SyncBatch, withFS(fsys))
		fsys.syncs.Store(0)
		fsys.syncTime.Store(0)
		var elapsed, baseTime time.Duration
		baseSyncs := 0
		b.ResetTimer()
		for r := range rounds {
			// Records [r*b.N/rounds, (r+1)*b.N/rounds).
			b.StartTimer()
			start := time.Now()
			var next atomic.Int64
			next.Store(int64(r * b.N / rounds))
			end := int64((r + 1) * b.N / rounds)
			var wg sync.WaitGroup
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					in := &PutRecordInput{StreamName: "s", PartitionKey: "k" + strconv.Itoa(w), Data: data}
					for next.Add(1) <= end {
						if _, err := e.PutRecord(context.Background(), in); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			d := time.Since(start)
			b.StopTimer()
			elapsed += d
			n, t := base.run(b, d/4)
			baseSyncs += n
			baseTime += t
		}
		n, busy := fsys.syncs.Load(), time.Duration(fsys.syncTime.Load())
		rate := float64(b.N) / elapsed.Seconds()
		baseRate := float64(baseSyncs) / baseTime.Seconds()
		b.ReportMetric(rate, "records/s")
		b.ReportMetric(baseRate, "base-fsyncs/s")
		b.ReportMetric(rate/(writers*baseRate), "x-fsync-rate")
		if n > 0 {
			b.ReportMetric(float64(b.N)/float64(n), "records/fsync")
			b.ReportMetric(busy.Seconds()/elapsed.Seconds(), "fsync-busy")
			b.ReportMetric(rate/(writers*float64(n)/busy.Seconds()), "x-own-fsync-rate")
			b.ReportMetric((busy.Seconds()/float64(n))/(baseTime.Seconds()/float64(baseSyncs)), "fsync-time/base")
		}
	})
}

// fsyncBaseline is the baseline of BenchmarkDurableConcurrentWriters:
// appending 4 KiB to a file and fsyncing it, in a loop.
type fsyncBaseline struct {
	f   *os.File
	buf [4096]byte
}

// run runs the baseline for about d (at least one fsync) and returns the
// fsyncs it did and the time they took.
func (fb *fsyncBaseline) run(b *testing.B, d time.Duration) (int, time.Duration) {
	n := 0
	start := time.Now()
	for n == 0 || time.Since(start) < d {
		if _, err := fb.f.Write(fb.buf[:]); err != nil {
			b.Fatal(err)
		}
		if err := fb.f.Sync(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return n, time.Since(start)
}

// timedFS is the OS file layer counting the fsyncs of files and their
// time.
type timedFS struct {
	wal.FS
	syncs    atomic.Int64
	syncTime atomic.Int64 // nanoseconds
}

func (t *timedFS) OpenFile(name string, flag int, perm fs.FileMode) (wal.File, error) {
	f, err := t.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return timedFile{f, t}, nil
}

type timedFile struct {
	wal.File
	t *timedFS
}

func (f timedFile) Sync() error { return f.t.time(f.File.Sync) }

func (f timedFile) SyncData() error { return f.t.time(f.File.SyncData) }

// time runs sync, counting it and its time.
func (t *timedFS) time(sync func() error) error {
	start := time.Now()
	err := sync()
	t.syncTime.Add(int64(time.Since(start)))
	t.syncs.Add(1)
	return err
}

// BenchmarkDurableReads: GetRecords of 1,000 records of 100 bytes (13 MB
// of log in all), served from memory (an engine without a data directory)
// and from an engine with a data directory whose memory budget keeps none
// of them in memory, so that they come from its segment files:
//
//   - "disk": the read cache (1 MiB for that budget) is far smaller than
//     the records read, so each pass reads and checks every block from
//     the files again (from the operating system's page cache, which the
//     machine has room for);
//   - "disk-cached": a read cache of 64 MiB holds them all after the first
//     pass, as it does for consumers reading the same stretch of a shard.
//
// Every engine answers the same calls: 1,000 records on from where the
// last call stopped, from TRIM_HORIZON again after the end. "disk" and
// "disk-cached" report their rate against the "memory" run before them as
// "x-memory-rate" (the issue asks for at least 0.5); "alternating" makes
// the same calls on all three engines in turn, which a machine whose load
// changes from one second to the next disturbs less, and reports the
// ratios as "x-memory-rate-disk" and "x-memory-rate-cached". Prefer the
// alternating ratios: the three engines share one heap there, while
// "disk" alone runs with a heap of about 1 MB (its records are not in
// memory), where the garbage collector runs about ten times as often as
// beside the 13 MB the "memory" engine holds. "alternating" also reports
// the ratios of the process's CPU time during each engine's calls (all
// threads, the garbage collector's included) as "x-memory-cpu-disk" and
// "x-memory-cpu-cached": on a machine shared with other work, time a call
// spends descheduled inflates its wall time but not its CPU time, so
// these vary less from run to run.
func BenchmarkDurableReads(b *testing.B) {
	const total, limit = 100_000, 1000
	fill := func(b *testing.B, e *Engine) {
		entries := make([]PutRecordsRequestEntry, 500)
		for i := range entries {
			entries[i] = PutRecordsRequestEntry{PartitionKey: "k" + strconv.Itoa(i), Data: make([]byte, 100)}
		}
		for range total / 500 {
			if _, err := e.PutRecords(context.Background(), &PutRecordsInput{StreamName: "s", Records: entries}); err != nil {
				b.Fatal(err)
			}
		}
	}
	memoryEngine := func(b *testing.B) *Engine {
		e := New(WithRetentionSweep(0))
		b.Cleanup(func() { e.Close() })
		mustCreate(b, e, "s", 1)
		fill(b, e)
		return e
	}
	diskEngine := func(b *testing.B, opts ...Option) *Engine {
		e := benchDataDir(b, SyncNone, append([]Option{WithMaxMemory(1)}, opts...)...)
		fill(b, e)
		if e.MemoryInUse() > 2<<20 {
			b.Fatalf("%d bytes in memory", e.MemoryInUse())
		}
		return e
	}
	cachedEngine := func(b *testing.B) *Engine { return diskEngine(b, withReadCache(64<<20)) }
	// reader reads on from where its last call stopped, and from
	// TRIM_HORIZON again after the end.
	type reader struct {
		e         *Engine
		it, first string
		time, cpu time.Duration
	}
	newReader := func(b *testing.B, e *Engine) *reader {
		it := iterator(b, e, "s", TrimHorizon)
		return &reader{e: e, it: it, first: it}
	}
	next := func(b *testing.B, r *reader) {
		start, cpu := time.Now(), processCPU()
		out, err := r.e.GetRecords(context.Background(), &GetRecordsInput{ShardIterator: r.it, Limit: limit})
		r.time += time.Since(start)
		r.cpu += processCPU() - cpu
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Records) < limit {
			r.it = r.first
			return
		}
		r.it = out.NextShardIterator
	}
	nsPerOp := func(b *testing.B) float64 { return float64(b.Elapsed().Nanoseconds()) / float64(b.N) }
	var memory float64
	run := func(name string, engine func(b *testing.B) *Engine) {
		b.Run(name, func(b *testing.B) {
			r := newReader(b, engine(b))
			b.SetBytes(limit * 100)
			for b.Loop() {
				next(b, r)
			}
			if name == "memory" {
				memory = nsPerOp(b)
			} else if memory > 0 {
				b.ReportMetric(memory/nsPerOp(b), "x-memory-rate")
			}
		})
	}
	run("memory", memoryEngine)
	run("disk", func(b *testing.B) *Engine { return diskEngine(b) })
	run("disk-cached", cachedEngine)
	b.Run("alternating", func(b *testing.B) {
		mem, disk, cached := newReader(b, memoryEngine(b)), newReader(b, diskEngine(b)), newReader(b, cachedEngine(b))
		b.SetBytes(3 * limit * 100)
		for b.Loop() {
			next(b, mem)
			next(b, disk)
			next(b, cached)
		}
		b.ReportMetric(float64(mem.time.Nanoseconds())/float64(b.N), "memory-ns/op")
		b.ReportMetric(float64(disk.time.Nanoseconds())/float64(b.N), "disk-ns/op")
		b.ReportMetric(float64(cached.time.Nanoseconds())/float64(b.N), "cached-ns/op")
		b.ReportMetric(mem.time.Seconds()/disk.time.Seconds(), "x-memory-rate-disk")
		b.ReportMetric(mem.time.Seconds()/cached.time.Seconds(), "x-memory-rate-cached")
		if mem.cpu > 0 && disk.cpu > 0 && cached.cpu > 0 {
			b.ReportMetric(mem.cpu.Seconds()/disk.cpu.Seconds(), "x-memory-cpu-disk")
			b.ReportMetric(mem.cpu.Seconds()/cached.cpu.Seconds(), "x-memory-cpu-cached")
		}
	})
}

// BenchmarkDurableRecovery: opening a data directory holding 256 MiB of
// log (1 KiB records), reported as seconds per GiB.
func BenchmarkDurableRecovery(b *testing.B) {
	dir := b.TempDir()
	e, err := Open(WithDataDir(dir), WithSync(SyncNone), WithRetentionSweep(0))
	if err != nil {
		b.Fatal(err)
	}
	mustCreate(b, e, "s", 4)
	entries := make([]PutRecordsRequestEntry, 500)
	for i := range entries {
		entries[i] = PutRecordsRequestEntry{PartitionKey: "k" + strconv.Itoa(i), Data: make([]byte, 1024)}
	}
	const bytes = 256 << 20
	for range bytes / (500 * 1024) {
		if _, err := e.PutRecords(context.Background(), &PutRecordsInput{StreamName: "s", Records: entries}); err != nil {
			b.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		b.Fatal(err)
	}
	var size int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, _ error) error {
		if fi != nil && !fi.IsDir() {
			size += fi.Size()
		}
		return nil
	})
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		e, err := Open(WithDataDir(dir), WithRetentionSweep(0))
		if err != nil {
			b.Fatal(err)
		}
		e.Close()
	}
	per := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(per*float64(1<<30)/float64(size), "s/GiB")
	b.ReportMetric(float64(size)/(1<<20), "MiB")
}
