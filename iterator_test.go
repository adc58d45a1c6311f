package freshet

import (
	"context"
	"errors"
	"io"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// rsNext is the result of one Iterator.Next.
type rsNext struct {
	recs []Record
	err  error
}

// rsNextAsync runs one Iterator.Next in a goroutine.
func rsNextAsync(ctx context.Context, it *Iterator) <-chan rsNext {
	ch := make(chan rsNext, 1)
	go func() {
		recs, err := it.Next(ctx)
		ch <- rsNext{recs, err}
	}()
	return ch
}

func rsStream(t testing.TB, e *Engine, name string) *Stream {
	t.Helper()
	st, err := e.Stream(name)
	require.NoError(t, err)
	return st
}

func TestIteratorNextWakesOnWrite(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 1)
	st := rsStream(t, e, "s")
	it, err := st.Iterator(rsShard0, StartingPosition{Type: Latest})
	require.NoError(t, err)
	require.Equal(t, rsShard0, it.ShardId())
	for i := range 10 {
		ch := rsNextAsync(ctx, it)
		out, err := st.Put(ctx, "k", []byte(strconv.Itoa(i)))
		require.NoError(t, err)
		got := rsRecv(t, ch)
		require.NoError(t, got.err)
		require.Equal(t, []string{strconv.Itoa(i)}, rsData(got.recs))
		require.Equal(t, out.SequenceNumber, got.recs[0].SequenceNumber)
	}
	// SetLimit caps a Next.
	for i := range 5 {
		_, err := st.Put(ctx, "k", []byte("b"+strconv.Itoa(i)))
		require.NoError(t, err)
	}
	it.SetLimit(2)
	recs, err := it.Next(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"b0", "b1"}, rsData(recs))
	recs, err = it.Next(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"b2", "b3"}, rsData(recs))
}

func TestIteratorContextCanceled(t *testing.T) {
	e := rsEngine(t)
	rsCreate(t, e, "s", 1)
	it, err := rsStream(t, e, "s").Iterator(rsShard0, StartingPosition{Type: TrimHorizon})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	ch := rsNextAsync(ctx, it)
	cancel()
	require.ErrorIs(t, rsRecv(t, ch).err, context.Canceled)
	// The iterator is still usable.
	rsPut(t, e, "s", "k", "v")
	recs, err := it.Next(context.Background())
	require.NoError(t, err)
	require.Equal(t, []string{"v"}, rsData(recs))
}

func TestIteratorEndOfClosedShard(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 1)
	st := rsStream(t, e, "s")
	rsPut(t, e, "s", "k", "a")
	it, err := st.Iterator(rsShard0, StartingPosition{Type: TrimHorizon})
	require.NoError(t, err)
	recs, err := it.Next(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"a"}, rsData(recs))
	require.Nil(t, it.ChildShards())
	// A blocked Next wakes when the shard closes.
	ch := rsNextAsync(ctx, it)
	_, err = e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: rsShard0, NewStartingHashKey: "100"})
	require.NoError(t, err)
	got := rsRecv(t, ch)
	require.ErrorIs(t, got.err, io.EOF)
	require.Empty(t, got.recs)
	children := it.ChildShards()
	require.Equal(t, rsID(1, 2), []string{children[0].ShardId, children[1].ShardId})
	require.Equal(t, []string{rsShard0}, children[0].ParentShards)
	_, err = it.Next(ctx)
	require.ErrorIs(t, err, io.EOF, "EOF is sticky")

	// Records ends at the end of the closed shard, without an error.
	var got2 []string
	for rec, err := range st.Records(ctx, rsShard0, StartingPosition{Type: TrimHorizon}) {
		require.NoError(t, err)
		got2 = append(got2, string(rec.Data))
	}
	require.Equal(t, []string{"a"}, got2)
}

func TestIteratorRecordsEndsOnCancelAndYieldsErrorOnce(t *testing.T) {
	e := rsEngine(t)
	rsCreate(t, e, "s", 1)
	st := rsStream(t, e, "s")
	for i := range 3 {
		rsPut(t, e, "s", "k", strconv.Itoa(i))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var data []string
	var errs []error
	for rec, err := range st.Records(ctx, rsShard0, StartingPosition{Type: TrimHorizon}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		data = append(data, string(rec.Data))
		if len(data) == 3 {
			cancel() // the next wait for records ends the range, without an error item
		}
	}
	require.Equal(t, []string{"0", "1", "2"}, data)
	require.Empty(t, errs)

	// An unknown shard: the error, once.
	n := 0
	for _, err := range st.Records(context.Background(), "shardId-000000000009", StartingPosition{Type: TrimHorizon}) {
		n++
		rsErr(t, err, ErrResourceNotFound, "Shard shardId-000000000009 in stream s under account "+rsAccount+" does not exist")
	}
	require.Equal(t, 1, n)
}

func TestIteratorRecordsBreak(t *testing.T) {
	e := rsEngine(t)
	rsCreate(t, e, "s", 1)
	st := rsStream(t, e, "s")
	for i := range 10 {
		rsPut(t, e, "s", "k", strconv.Itoa(i))
	}
	var data []string
	for rec, err := range st.Records(context.Background(), rsShard0, StartingPosition{Type: TrimHorizon}) {
		require.NoError(t, err)
		data = append(data, string(rec.Data))
		if len(data) == 3 {
			break // must not panic nor leave anything running (leakcheck)
		}
	}
	require.Equal(t, []string{"0", "1", "2"}, data)
	// Break while blocked at the tip: after the 10 records, a write wakes it.
	data = nil
	done := make(chan []string, 1)
	go func() {
		var got []string
		for rec, err := range st.Records(context.Background(), rsShard0, StartingPosition{Type: TrimHorizon}) {
			if err != nil {
				break
			}
			got = append(got, string(rec.Data))
			if len(got) == 11 {
				break
			}
		}
		done <- got
	}()
	rsPut(t, e, "s", "k", "10")
	require.Len(t, rsRecv(t, done), 11)
}

func TestIteratorDeletedStream(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 1)
	st := rsStream(t, e, "s")
	rsPut(t, e, "s", "k", "v")
	it, err := st.Iterator(rsShard0, StartingPosition{Type: TrimHorizon})
	require.NoError(t, err)
	blocked, err := st.Iterator(rsShard0, StartingPosition{Type: Latest})
	require.NoError(t, err)
	ch := rsNextAsync(ctx, blocked)
	seq := make(chan []error, 1)
	go func() {
		var errs []error
		for _, err := range st.Records(ctx, rsShard0, StartingPosition{Type: Latest}) {
			if err != nil {
				errs = append(errs, err)
			}
		}
		seq <- errs
	}()

	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	require.NoError(t, err)
	gone := "Shard " + rsShard0 + " in stream s under account " + rsAccount + " does not exist"
	rsErr(t, rsRecv(t, ch).err, ErrResourceNotFound, gone)
	_, err = it.Next(ctx)
	rsErr(t, err, ErrResourceNotFound, gone)
	errs := rsRecv(t, seq)
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], ErrResourceNotFound)
	_, err = st.Iterator(rsShard0, StartingPosition{Type: TrimHorizon})
	rsErr(t, err, ErrResourceNotFound, "Stream s under account "+rsAccount+" not found.")
	_, err = st.Put(ctx, "k", nil)
	rsErr(t, err, ErrResourceNotFound, "Stream s under account "+rsAccount+" not found.")
	require.Nil(t, st.Shards())

	// A stream re-created under the name is another stream for the handle.
	rsCreate(t, e, "s", 1)
	_, err = st.Iterator(rsShard0, StartingPosition{Type: TrimHorizon})
	require.ErrorIs(t, err, ErrResourceNotFound)
}

func TestIteratorEngineClose(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 1)
	st := rsStream(t, e, "s")
	rsPut(t, e, "s", "k", "v")
	it, err := st.Iterator(rsShard0, StartingPosition{Type: Latest})
	require.NoError(t, err)
	ch := rsNextAsync(ctx, it)
	seq := make(chan []error, 1)
	go func() {
		var errs []error
		for _, err := range st.Records(ctx, rsShard0, StartingPosition{Type: TrimHorizon}) {
			if err != nil {
				errs = append(errs, err)
			}
		}
		seq <- errs
	}()
	require.NoError(t, e.Close())
	require.ErrorIs(t, rsRecv(t, ch).err, ErrClosed)
	errs := rsRecv(t, seq)
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], ErrClosed)
	// Data stays readable; only waiting ends.
	it, err = st.Iterator(rsShard0, StartingPosition{Type: TrimHorizon})
	require.NoError(t, err)
	recs, err := it.Next(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"v"}, rsData(recs))
	_, err = it.Next(ctx)
	require.ErrorIs(t, err, ErrClosed)
}

// TestIteratorEventBus uses a stream as an in-process event bus: four
// producers, one consumer goroutine per shard that follows the children
// when its shard is split (a child with two parents, after a merge, is
// taken by the consumer that finishes the second parent). Nothing may be
// lost or duplicated, and each key's events arrive in order.
func TestIteratorEventBus(t *testing.T) {
	e := rsEngine(t)
	rsCreate(t, e, "bus", 4)
	st := rsStream(t, e, "bus")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var (
		mu       sync.Mutex
		received = map[string][]int{}
		total    int
		finished = map[string]bool{}
		started  = map[string]bool{}
		wg       sync.WaitGroup
		failed   = make(chan error, 64)
	)
	var consume func(shard string)
	consume = func(shard string) {
		defer wg.Done()
		it, err := st.Iterator(shard, StartingPosition{Type: TrimHorizon})
		if err != nil {
			failed <- err
			return
		}
		for {
			recs, err := it.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				if ctx.Err() == nil {
					failed <- err
				}
				return
			}
			mu.Lock()
			for _, r := range recs {
				k, n, _ := cutLast(string(r.Data), "/")
				v, _ := strconv.Atoi(n)
				received[k] = append(received[k], v)
				total++
			}
			mu.Unlock()
		}
		mu.Lock()
		finished[shard] = true
		var next []string
		for _, c := range it.ChildShards() {
			ready := true
			for _, p := range c.ParentShards {
				ready = ready && finished[p]
			}
			if ready && !started[c.ShardId] {
				started[c.ShardId] = true
				next = append(next, c.ShardId)
			}
		}
		mu.Unlock()
		for _, c := range next {
			wg.Add(1)
			go consume(c)
		}
	}
	for i := range 4 {
		started[shardID(i)] = true
		wg.Add(1)
		go consume(shardID(i))
	}

	const producers, perProducer = 4, 400
	var pwg sync.WaitGroup
	sent := make(chan int, producers)
	for p := range producers {
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			n := 0
			for i := range perProducer {
				k := "p" + strconv.Itoa(p) + "-" + strconv.Itoa(i%8)
				if _, err := st.Put(ctx, k, []byte(k+"/"+strconv.Itoa(i/8))); err != nil {
					failed <- err
					break
				}
				n++
			}
			sent <- n
		}()
	}
	// Reshard while the producers run: split every original shard, then
	// merge two of the children.
	for i := range 4 {
		mid := rsUniform(2*i+1, 8)
		_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "bus", ShardToSplit: shardID(i), NewStartingHashKey: mid.String()})
		require.NoError(t, err)
	}
	_, err := e.MergeShards(ctx, &MergeShardsInput{StreamName: "bus", ShardToMerge: "shardId-000000000005", AdjacentShardToMerge: "shardId-000000000006"})
	require.NoError(t, err)
	pwg.Wait()
	want := 0
	for range producers {
		want += <-sent
	}
	require.Equal(t, producers*perProducer, want)
	rsWaitFor(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return total >= want
	})
	cancel()
	wg.Wait()
	close(failed)
	for err := range failed {
		require.NoError(t, err)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, want, total, "nothing duplicated")
	for p := range producers {
		for k := range 8 {
			key := "p" + strconv.Itoa(p) + "-" + strconv.Itoa(k)
			got := received[key]
			require.Len(t, got, perProducer/8, key)
			for i, n := range got {
				require.Equal(t, i, n, "key %s in order, nothing lost", key)
			}
		}
	}
}

// cutLast splits s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	for i := len(s) - len(sep); i >= 0; i-- {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}
