package freshet

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The benchmarks measure the hot paths against a baseline run in the same
// process: a buffered Go channel carrying the same 100-byte records. Every
// benchmark counts one record per op, so ns/op compares directly, and
// reports records/s. Run the important ones in separate processes, e.g.
//
//	go test -run '^$' -bench '^BenchmarkPutRecord$' -benchmem -count 5 .
//
// (see README "Performance").

const benchPayload = 100

var benchKeys = func() []string {
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprintf("user-%04d", i)
	}
	return keys
}()

func benchEngine(b *testing.B, shards int) (*Engine, *Stream) {
	b.Helper()
	e := New(WithRetentionSweep(0))
	b.Cleanup(func() { e.Close() })
	if _, err := e.CreateStream(context.Background(), &CreateStreamInput{StreamName: "bench", ShardCount: shards}); err != nil {
		b.Fatal(err)
	}
	st, err := e.Stream("bench")
	if err != nil {
		b.Fatal(err)
	}
	return e, st
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// benchRecord is what the channel baseline carries: a record as a producer
// hands it over, with its own copy of the data.
type benchRecord struct {
	key  string
	data []byte
}

// BenchmarkChannel is the baseline for a single producer: one goroutine
// sends 100-byte records (copied, as a put copies them) through a buffered
// channel, another receives them.
func BenchmarkChannel(b *testing.B) {
	data := make([]byte, benchPayload)
	ch := make(chan benchRecord, 1024)
	done := make(chan struct{})
	go func() {
		for range ch {
		}
		close(done)
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := make([]byte, len(data))
		copy(d, data)
		ch <- benchRecord{key: benchKeys[i&1023], data: d}
	}
	close(ch)
	<-done
	reportRate(b)
}

// BenchmarkChannelParallel is the baseline for 8 producers sharing one
// buffered channel.
func BenchmarkChannelParallel(b *testing.B) {
	data := make([]byte, benchPayload)
	ch := make(chan benchRecord, 1024)
	done := make(chan struct{})
	go func() {
		for range ch {
		}
		close(done)
	}()
	b.ReportAllocs()
	b.SetParallelism(8 / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			d := make([]byte, len(data))
			copy(d, data)
			ch <- benchRecord{key: benchKeys[i&1023], data: d}
			i++
		}
	})
	close(ch)
	<-done
	reportRate(b)
}

// BenchmarkPutRecord writes 100-byte records from one goroutine to a
// 4-shard stream.
func BenchmarkPutRecord(b *testing.B) { benchmarkPutRecord(b, 4) }

// benchmarkPutRecord writes 100-byte records from one goroutine to a
// stream of the given number of shards with Engine.PutRecord.
func benchmarkPutRecord(b *testing.B, shards int) {
	e, _ := benchEngine(b, shards)
	ctx := context.Background()
	in := &PutRecordInput{StreamName: "bench", Data: make([]byte, benchPayload)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in.PartitionKey = benchKeys[i&1023]
		if _, err := e.PutRecord(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b)
}

// BenchmarkPutRecordParallel writes 100-byte records from 8 goroutines to
// a 4-shard stream.
func BenchmarkPutRecordParallel(b *testing.B) {
	e, _ := benchEngine(b, 4)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		in := &PutRecordInput{StreamName: "bench", Data: make([]byte, benchPayload)}
		i := 0
		for pb.Next() {
			in.PartitionKey = benchKeys[i&1023]
			if _, err := e.PutRecord(ctx, in); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	reportRate(b)
}

// BenchmarkPutRecords writes batches of 500 100-byte records; one op is one
// record.
func BenchmarkPutRecords(b *testing.B) {
	e, _ := benchEngine(b, 4)
	ctx := context.Background()
	entries := make([]PutRecordsRequestEntry, 500)
	data := make([]byte, benchPayload)
	for i := range entries {
		entries[i] = PutRecordsRequestEntry{PartitionKey: benchKeys[i&1023], Data: data}
	}
	in := &PutRecordsInput{StreamName: "bench"}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n += len(entries) {
		in.Records = entries[:min(len(entries), b.N-n)]
		out, err := e.PutRecords(ctx, in)
		if err != nil || out.FailedRecordCount != 0 {
			b.Fatal(err, out.FailedRecordCount)
		}
	}
	reportRate(b)
}

// fillShard writes n 100-byte records to the 1-shard stream "bench".
func fillShard(b *testing.B, e *Engine, n int) {
	b.Helper()
	ctx := context.Background()
	data := make([]byte, benchPayload)
	entries := make([]PutRecordsRequestEntry, 500)
	for i := range entries {
		entries[i] = PutRecordsRequestEntry{PartitionKey: benchKeys[i&1023], Data: data}
	}
	for left := n; left > 0; left -= len(entries) {
		if _, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "bench", Records: entries[:min(len(entries), left)]}); err != nil {
			b.Fatal(err)
		}
	}
}

const benchStored = 200_000

// BenchmarkGetRecords reads a shard of 200,000 stored records with
// GetRecords calls of 10,000; one op is one record.
func BenchmarkGetRecords(b *testing.B) {
	e, _ := benchEngine(b, 1)
	fillShard(b, e, benchStored)
	ctx := context.Background()
	trimHorizon := func() string {
		out, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "bench", ShardId: "shardId-000000000000", ShardIteratorType: TrimHorizon})
		if err != nil {
			b.Fatal(err)
		}
		return out.ShardIterator
	}
	it := trimHorizon()
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; {
		out, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it, Limit: min(10000, b.N-n)})
		if err != nil {
			b.Fatal(err)
		}
		n += len(out.Records)
		it = out.NextShardIterator
		if n%benchStored == 0 {
			it = trimHorizon()
		}
	}
	reportRate(b)
}

// BenchmarkIterator reads the same shard through the Go-native Iterator;
// one op is one record.
func BenchmarkIterator(b *testing.B) {
	e, st := benchEngine(b, 1)
	fillShard(b, e, benchStored)
	ctx := context.Background()
	open := func() *Iterator {
		it, err := st.Iterator("shardId-000000000000", StartingPosition{Type: TrimHorizon})
		if err != nil {
			b.Fatal(err)
		}
		return it
	}
	it := open()
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; {
		it.SetLimit(min(10000, b.N-n))
		recs, err := it.Next(ctx)
		if err != nil {
			b.Fatal(err)
		}
		n += len(recs)
		if n%benchStored == 0 {
			it = open()
		}
	}
	reportRate(b)
}

// BenchmarkChannelReceive is the baseline for reading: receiving stored
// 100-byte records from a buffered channel that already holds them.
func BenchmarkChannelReceive(b *testing.B) {
	data := make([]byte, benchPayload)
	ch := make(chan benchRecord, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; {
		b.StopTimer()
		k := min(cap(ch), b.N-n)
		for i := 0; i < k; i++ {
			ch <- benchRecord{key: benchKeys[i&1023], data: data}
		}
		b.StartTimer()
		for i := 0; i < k; i++ {
			<-ch
		}
		n += k
	}
	reportRate(b)
}

// BenchmarkRetainedHeap stores records and reports the heap they retain
// beyond their data and partition keys, per record ("overhead-B/record").
func BenchmarkRetainedHeap(b *testing.B) {
	const n = 1_000_000
	var ms runtime.MemStats
	for i := 0; i < b.N; i++ {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		e := New(WithRetentionSweep(0))
		if _, err := e.CreateStream(context.Background(), &CreateStreamInput{StreamName: "bench", ShardCount: 4}); err != nil {
			b.Fatal(err)
		}
		fillShard(b, e, n)
		runtime.GC()
		runtime.ReadMemStats(&ms)
		after := ms.HeapAlloc
		payload := n * (benchPayload + len(benchKeys[0]))
		b.ReportMetric(float64(int64(after)-int64(before)-int64(payload))/n, "overhead-B/record")
		runtime.KeepAlive(e)
		e.Close()
	}
}

// BenchmarkPutGetPipeline is the event-bus shape: one producer and one
// blocked reader on a 1-shard stream; one op is one record delivered.
func BenchmarkPutGetPipeline(b *testing.B) {
	e, st := benchEngine(b, 1)
	ctx := context.Background()
	it, err := st.Iterator("shardId-000000000000", StartingPosition{Type: Latest})
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	b.ReportAllocs()
	b.ResetTimer()
	go func() {
		defer wg.Done()
		for got := 0; got < b.N; {
			recs, err := it.Next(ctx)
			if err != nil {
				b.Error(err)
				return
			}
			got += len(recs)
		}
	}()
	in := &PutRecordInput{StreamName: "bench", Data: make([]byte, benchPayload)}
	for i := 0; i < b.N; i++ {
		in.PartitionKey = benchKeys[i&1023]
		if _, err := e.PutRecord(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	wg.Wait()
	reportRate(b)
}

// BenchmarkRecordsSeq reads the same shard with the Stream.Records range
// function (which reuses its buffer); one op is one record.
func BenchmarkRecordsSeq(b *testing.B) {
	e, st := benchEngine(b, 1)
	fillShard(b, e, benchStored)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; {
		for _, err := range st.Records(ctx, "shardId-000000000000", StartingPosition{Type: TrimHorizon}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
			if n == b.N || n%benchStored == 0 {
				break
			}
		}
	}
	reportRate(b)
}

// benchSnapshotRecords is the size of the snapshot benchmarks' engine.
const benchSnapshotRecords = 1_000_000

// benchSnapshotBatches returns benchSnapshotRecords 100-byte records as
// PutRecords batches of 500.
func benchSnapshotBatches() [][]PutRecordsRequestEntry {
	data := make([]byte, benchPayload)
	var batches [][]PutRecordsRequestEntry
	for i := 0; i < benchSnapshotRecords; i += 500 {
		batch := make([]PutRecordsRequestEntry, 500)
		for j := range batch {
			batch[j] = PutRecordsRequestEntry{PartitionKey: benchKeys[(i+j)&1023], Data: data}
		}
		batches = append(batches, batch)
	}
	return batches
}

// benchFill writes the batches to the 4-shard stream "bench" of a new
// engine without a retention sweep (so no goroutine outlives the
// benchmark) and returns it.
func benchFill(b *testing.B, batches [][]PutRecordsRequestEntry) *Engine {
	e := New(WithRetentionSweep(0))
	ctx := context.Background()
	if _, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "bench", ShardCount: 4}); err != nil {
		b.Fatal(err)
	}
	for _, batch := range batches {
		out, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "bench", Records: batch})
		if err != nil || out.FailedRecordCount != 0 {
			b.Fatal(err, out.FailedRecordCount)
		}
	}
	return e
}

// BenchmarkSnapshot writes and restores a snapshot of 1 M records of 100
// bytes in 4 shards (one op is the whole snapshot), next to baselines
// measured in the same run: copying as many bytes (io.Copy from memory) for
// writing, and storing the same records with PutRecords into a new engine
// for restoring. Run it with
//
//	go test -run '^$' -bench '^BenchmarkSnapshot$' -benchmem -benchtime 5x .
func BenchmarkSnapshot(b *testing.B) {
	ctx := context.Background()
	batches := benchSnapshotBatches()
	e := benchFill(b, batches)
	var buf bytes.Buffer
	if _, err := e.WriteSnapshot(ctx, &buf); err != nil {
		b.Fatal(err)
	}
	snap := buf.Bytes()
	report := func(b *testing.B) {
		b.ReportMetric(float64(benchSnapshotRecords)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	}

	b.Run("Write", func(b *testing.B) {
		b.SetBytes(int64(len(snap)))
		b.ReportAllocs()
		for range b.N {
			if _, err := e.WriteSnapshot(ctx, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("WriteBaselineCopy", func(b *testing.B) {
		// Copy the bytes through a buffer, as a writer sees them.
		b.SetBytes(int64(len(snap)))
		b.ReportAllocs()
		for range b.N {
			if _, err := io.Copy(io.Discard, struct{ io.Reader }{bytes.NewReader(snap)}); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("Restore", func(b *testing.B) {
		b.SetBytes(int64(len(snap)))
		b.ReportAllocs()
		for range b.N {
			r, err := Restore(bytes.NewReader(snap), WithRetentionSweep(0))
			if err != nil {
				b.Fatal(err)
			}
			r.Close()
		}
		report(b)
	})
	b.Run("RestoreBaselinePutRecords", func(b *testing.B) {
		b.SetBytes(int64(len(snap)))
		b.ReportAllocs()
		for range b.N {
			benchFill(b, batches).Close()
		}
		report(b)
	})
}

// The event-bus benchmarks (issue 15) compare the Go-native write and read
// paths with BenchmarkChannel (one producer, one consumer goroutine) and
// BenchmarkChannelParallel (8 producers), run in the same process:
//
//	go test -run '^$' -bench 'Channel|PutRecord1Shard|StreamPut|Append' -benchmem -count 3 .

// BenchmarkPutRecord1Shard writes 100-byte records from one goroutine to
// a 1-shard stream with Engine.PutRecord.
func BenchmarkPutRecord1Shard(b *testing.B) { benchmarkPutRecord(b, 1) }

// BenchmarkStreamPut writes the same records with Stream.Put.
func BenchmarkStreamPut(b *testing.B) {
	_, st := benchEngine(b, 1)
	ctx := context.Background()
	data := make([]byte, benchPayload)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := st.Put(ctx, benchKeys[i&1023], data); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b)
}

// BenchmarkAppend writes the same records with Stream.Append, to a 1-shard
// and a 4-shard stream.
func BenchmarkAppend(b *testing.B) {
	for _, shards := range []int{1, 4} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			_, st := benchEngine(b, shards)
			ctx := context.Background()
			data := make([]byte, benchPayload)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := st.Append(ctx, benchKeys[i&1023], data); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b)
		})
	}
}

// BenchmarkAppendParallel writes from 8 goroutines to a 4-shard stream with
// Stream.Append; its baseline is BenchmarkChannelParallel.
func BenchmarkAppendParallel(b *testing.B) {
	_, st := benchEngine(b, 4)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		data := make([]byte, benchPayload)
		i := 0
		for pb.Next() {
			if _, err := st.Append(ctx, benchKeys[i&1023], data); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	reportRate(b)
}

// BenchmarkAppendRecords is the event bus: a producer goroutine appends to
// a 1-shard stream while a consumer goroutine ranges over Stream.Records;
// one op is one record delivered. Its baseline is BenchmarkChannel.
func BenchmarkAppendRecords(b *testing.B) {
	_, st := benchEngine(b, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	recs := st.Records(ctx, "shardId-000000000000", StartingPosition{Type: TrimHorizon})
	benchPipeline(b, st, func(want int) error {
		got := 0
		for _, err := range recs {
			if err != nil {
				return err
			}
			if got++; got == want {
				break
			}
		}
		return nil
	})
}

// benchPipeline appends b.N records from the benchmark's goroutine while
// consume reads them in another.
func benchPipeline(b *testing.B, st *Stream, consume func(want int) error) {
	b.Helper()
	ctx := context.Background()
	data := make([]byte, benchPayload)
	done := make(chan error, 1)
	b.ReportAllocs()
	b.ResetTimer()
	go func() { done <- consume(b.N) }()
	for i := 0; i < b.N; i++ {
		if _, err := st.Append(ctx, benchKeys[i&1023], data); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	reportRate(b)
}

// BenchmarkAppendFollow is BenchmarkAppendRecords with the consumer
// following the stream with Stream.Follow, on a 1-shard and a 4-shard
// stream.
func BenchmarkAppendFollow(b *testing.B) {
	for _, shards := range []int{1, 4} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			_, st := benchEngine(b, shards)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			recs := st.Follow(ctx, StartingPosition{Type: TrimHorizon})
			benchPipeline(b, st, func(want int) error {
				got := 0
				for _, err := range recs {
					if err != nil {
						return err
					}
					if got++; got == want {
						break
					}
				}
				return nil
			})
		})
	}
}

// BenchmarkSideBySide measures each event-bus path and its channel baseline
// in alternating slices of 10,000 records within one benchmark, so that both
// see the same machine load (the machine these numbers come from is shared:
// separate benchmarks drift apart by more than the differences measured).
// It reports the path's ns per record, the baseline's ("chan-ns/rec") and
// their ratio ("x-chan"), and the CPU time of both; ns/op is all the
// alternated runs together. The records' 1024 partition keys repeat, as an
// event bus's keys (users, orders, devices) do, so routing finds their
// shards remembered (routecache.go) and their hashes (hashcache.go);
// AppendColdKeys writes keys drawn from 65,536, which mostly miss. AppendParallel8 compares how 8 producers scale
// over one (see scaling); AppendFollowParallel8 does the same with a
// Follower reading the stream, as the channel baselines have a receiver.
//
//	go test -run '^$' -bench '^BenchmarkSideBySide$' -benchtime 1000000x -count 3 .
func BenchmarkSideBySide(b *testing.B) {
	ctx := context.Background()
	data := make([]byte, benchPayload)
	single := func(shards int, put func(st *Stream, e *Engine, i int) error) func(b *testing.B) {
		return func(b *testing.B) {
			e, st := benchEngine(b, shards)
			sideBySide(b, channelPipeline, func(n int) {
				for i := 0; i < n; i++ {
					if err := put(st, e, i); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	appendRec := func(st *Stream, _ *Engine, i int) error {
		_, err := st.Append(ctx, benchKeys[i&1023], data)
		return err
	}
	in := &PutRecordInput{StreamName: "bench", Data: data}
	putRecord := func(_ *Stream, e *Engine, i int) error {
		in.PartitionKey = benchKeys[i&1023]
		_, err := e.PutRecord(ctx, in)
		return err
	}
	putStream := func(st *Stream, _ *Engine, i int) error {
		_, err := st.Put(ctx, benchKeys[i&1023], data)
		return err
	}
	b.Run("PutRecord/shards=1", single(1, putRecord))
	b.Run("PutRecord/shards=4", single(4, putRecord))
	b.Run("StreamPut/shards=1", single(1, putStream))
	b.Run("Append/shards=1", single(1, appendRec))
	b.Run("Append/shards=4", single(4, appendRec))
	b.Run("AppendRecords/shards=1", func(b *testing.B) {
		_, st := benchEngine(b, 1)
		sideBySide(b, channelPipeline, streamPipeline(b, st, func(ctx context.Context) iter.Seq2[Record, error] {
			return st.Records(ctx, "shardId-000000000000", StartingPosition{Type: TrimHorizon})
		}))
	})
	for _, shards := range []int{1, 4} {
		b.Run(fmt.Sprintf("AppendFollow/shards=%d", shards), func(b *testing.B) {
			_, st := benchEngine(b, shards)
			sideBySide(b, channelPipeline, streamPipeline(b, st, func(ctx context.Context) iter.Seq2[Record, error] {
				return st.Follow(ctx, StartingPosition{Type: TrimHorizon})
			}))
		})
	}
	b.Run("AppendColdKeys/shards=4", func(b *testing.B) {
		// Keys drawn from 65,536, more than the engine remembers the
		// hashes of (hashcache.go): most writes hash their key with MD5.
		_, st := benchEngine(b, 4)
		keys := benchManyKeys()
		sideBySide(b, channelPipeline, func(n int) {
			for i := 0; i < n; i++ {
				if _, err := st.Append(ctx, keys[(i*7919)&(len(keys)-1)], data); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	one := func(appendOne func(i int)) func(n int) {
		return func(n int) {
			for i := 0; i < n; i++ {
				appendOne(i)
			}
		}
	}
	eight := func(appendOne func(i int)) func(n int) {
		return func(n int) { parallel8(n, appendOne) }
	}
	b.Run("AppendParallel8/shards=4", func(b *testing.B) {
		_, st := benchEngine(b, 4)
		appendOne := appender(b, st)
		scaling(b, one(appendOne), eight(appendOne))
	})
	b.Run("AppendFollowParallel8/shards=4", func(b *testing.B) {
		// As AppendParallel8, with a consumer following the stream, as the
		// channel baselines have one receiving.
		_, st := benchEngine(b, 4)
		consumed := streamConsumer(b, func(ctx context.Context) iter.Seq2[Record, error] {
			return st.Follow(ctx, StartingPosition{Type: TrimHorizon})
		})
		appendOne := appender(b, st)
		scaling(b, consumed(one(appendOne)), consumed(eight(appendOne)))
	})
}

// benchManyKeys returns 65,536 distinct partition keys.
func benchManyKeys() []string {
	keys := make([]string, 1<<16)
	for i := range keys {
		keys[i] = fmt.Sprintf("user-%05d", i)
	}
	return keys
}

// scaling measures how a path scales from one goroutine (one) to 8
// goroutines (eight) against a buffered channel doing the same, all four in
// alternating slices: one producer and one consumer on a channel, 8
// producers and one consumer on a channel, then the path. It reports the
// path's ns per record with 8 goroutines ("ns/rec"), the channel's
// ("chan-ns/rec") and their ratio ("x-chan"), as sideBySide does; and how
// much faster per record 8 goroutines are than one, for the path
// ("speedup") and for the channel ("chan-speedup"). "speedup-x-chan" is the
// path's speedup over the channel's: at least 1 means the path scales at
// least as well as 8 goroutines sending on one buffered channel. The CPU
// times ("cpu-ns/rec", "chan-cpu-ns/rec") are those of the 8 goroutines.
func scaling(b *testing.B, one, eight func(n int)) {
	chan1, stop1 := channelPipeline(b)
	defer stop1()
	chan8, stop8 := channelParallel(b)
	defer stop8()
	t, cpu := alternate(b, chan1, chan8, one, eight)
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) }
	chanSpeedup := per(t[0]) / per(t[1])
	speedup := per(t[2]) / per(t[3])
	b.ReportMetric(per(t[3]), "ns/rec")
	b.ReportMetric(per(t[1]), "chan-ns/rec")
	b.ReportMetric(per(t[3])/per(t[1]), "x-chan")
	b.ReportMetric(speedup, "speedup")
	b.ReportMetric(chanSpeedup, "chan-speedup")
	b.ReportMetric(speedup/chanSpeedup, "speedup-x-chan")
	reportCPU(b, per(cpu[3]), per(cpu[1]))
}

// alternate runs b.N records through each of runs, in alternating slices
// of 10,000 records, and returns the wall time and the process CPU time
// each took in all.
func alternate(b *testing.B, runs ...func(n int)) (wall, cpu []time.Duration) {
	const slice = 10_000
	wall = make([]time.Duration, len(runs))
	cpu = make([]time.Duration, len(runs))
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += slice {
		n := min(slice, b.N-done)
		for i, run := range runs {
			t0, c0 := time.Now(), processCPU()
			run(n)
			wall[i] += time.Since(t0)
			cpu[i] += processCPU() - c0
		}
	}
	b.StopTimer()
	return wall, cpu
}

// sideBySide runs b.N records through base and through subject, in
// alternating slices, and reports both: wall time per record ("ns/rec",
// "chan-ns/rec") and their ratio ("x-chan"), and the CPU time the process
// spent per record, on all its threads ("cpu-ns/rec", "chan-cpu-ns/rec"),
// which the load of other processes on the machine disturbs less.
func sideBySide(b *testing.B, base func(b *testing.B) (run func(n int), stop func()), subject func(n int)) {
	runBase, stop := base(b)
	defer stop()
	wall, cpu := alternate(b, runBase, subject)
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) }
	b.ReportMetric(per(wall[1]), "ns/rec")
	b.ReportMetric(per(wall[0]), "chan-ns/rec")
	b.ReportMetric(per(wall[1])/per(wall[0]), "x-chan")
	reportCPU(b, per(cpu[1]), per(cpu[0]))
}

// reportCPU reports the CPU time per record of a path and of its channel
// baseline, when the platform measures it.
func reportCPU(b *testing.B, subject, base float64) {
	if base > 0 {
		b.ReportMetric(subject, "cpu-ns/rec")
		b.ReportMetric(base, "chan-cpu-ns/rec")
	}
}

// channelPipeline is the baseline: records (with a copy of their data, as
// a put copies it) sent on a buffered channel to a consumer goroutine; a
// slice ends when the consumer has received all of it.
func channelPipeline(b *testing.B) (func(n int), func()) {
	data := make([]byte, benchPayload)
	ch := make(chan benchRecord, 1024)
	c := newCountdown()
	go func() {
		for range ch {
			c.tick()
		}
	}()
	run := func(n int) {
		c.expect(n)
		for i := 0; i < n; i++ {
			d := make([]byte, len(data))
			copy(d, data)
			ch <- benchRecord{key: benchKeys[i&1023], data: d}
		}
		c.wait()
	}
	return run, func() { close(ch) }
}

// channelParallel is the baseline of 8 producers sharing one buffered
// channel to one consumer.
func channelParallel(b *testing.B) (func(n int), func()) {
	data := make([]byte, benchPayload)
	ch := make(chan benchRecord, 1024)
	c := newCountdown()
	go func() {
		for range ch {
			c.tick()
		}
	}()
	run := func(n int) {
		c.expect(n)
		parallel8(n, func(i int) {
			d := make([]byte, len(data))
			copy(d, data)
			ch <- benchRecord{key: benchKeys[i&1023], data: d}
		})
		c.wait()
	}
	return run, func() { close(ch) }
}

// streamPipeline returns a subject that appends n records from one
// goroutine while a consumer goroutine ranging over seq receives them; a
// slice ends when the consumer has received all of it.
func streamPipeline(b *testing.B, st *Stream, seq func(context.Context) iter.Seq2[Record, error]) func(n int) {
	consumed := streamConsumer(b, seq)
	appendOne := appender(b, st)
	return consumed(func(n int) {
		for i := 0; i < n; i++ {
			appendOne(i)
		}
	})
}

// streamConsumer starts a consumer goroutine ranging over seq. It returns
// a function that makes a subject of a producer: the subject has the
// producer write n records and returns once the consumer has received them.
func streamConsumer(b *testing.B, seq func(context.Context) iter.Seq2[Record, error]) func(produce func(n int)) func(n int) {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	c := newCountdown()
	go func() {
		for _, err := range seq(ctx) {
			if err != nil {
				if ctx.Err() == nil { // else the engine closed as the benchmark ended
					b.Error(err)
				}
				return
			}
			c.tick()
		}
	}()
	return func(produce func(n int)) func(n int) {
		return func(n int) {
			c.expect(n)
			produce(n)
			c.wait()
		}
	}
}

// appender returns a function that appends the i-th record of a benchmark
// to st.
func appender(b *testing.B, st *Stream) func(i int) {
	data := make([]byte, benchPayload)
	return func(i int) {
		if _, err := st.Append(context.Background(), benchKeys[i&1023], data); err != nil {
			b.Error(err)
		}
	}
}

// countdown lets a producer wait until a consumer goroutine has received
// the n records of a slice.
type countdown struct {
	left atomic.Int64
	done chan struct{}
}

func newCountdown() *countdown { return &countdown{done: make(chan struct{}, 1)} }

func (c *countdown) expect(n int) { c.left.Store(int64(n)) }

func (c *countdown) tick() {
	if c.left.Add(-1) == 0 {
		c.done <- struct{}{}
	}
}

func (c *countdown) wait() { <-c.done }

// parallel8 calls f n times from 8 goroutines.
func parallel8(n int, f func(i int)) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += 8 {
				f(i)
			}
		}()
	}
	wg.Wait()
}
