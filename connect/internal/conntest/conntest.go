// Package conntest holds what the connect module's tests share: a stream
// in an in-process engine, numbered records, and an Emitter and a
// DeadLetter that keep everything in memory. Waiting for a condition is
// internal/testsync's WaitFor.
package conntest

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/connect"
)

// NewStream returns an engine, closed with the test, with a stream of n
// shards.
func NewStream(t testing.TB, stream string, shards int, opts ...freshet.Option) *freshet.Engine {
	t.Helper()
	e := freshet.New(opts...)
	t.Cleanup(func() { _ = e.Close() })
	if _, err := e.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: stream, ShardCount: shards}); err != nil {
		t.Fatal(err)
	}
	return e
}

// Putter is what Put writes through: a *freshet.Engine or a
// kinesissdk.Client.
type Putter interface {
	PutRecords(ctx context.Context, in *freshet.PutRecordsInput) (*freshet.PutRecordsOutput, error)
}

// Put writes the records from to to-1, whose data is their number in
// decimal, with spread partition keys, and returns where each number was
// written (its shard and sequence number).
func Put(t testing.TB, p Putter, stream string, from, to int) map[int]freshet.PutRecordsResultEntry {
	t.Helper()
	return PutData(t, p, stream, from, to, func(i int) []byte { return []byte(strconv.Itoa(i)) })
}

// PutData writes records from to to-1 with data(i) as data.
func PutData(t testing.TB, p Putter, stream string, from, to int, data func(i int) []byte) map[int]freshet.PutRecordsResultEntry {
	t.Helper()
	shards := make(map[int]freshet.PutRecordsResultEntry)
	for i := from; i < to; i += 500 {
		var entries []freshet.PutRecordsRequestEntry
		for k := i; k < min(i+500, to); k++ {
			entries = append(entries, freshet.PutRecordsRequestEntry{PartitionKey: "pk" + strconv.Itoa(k*7919), Data: data(k)})
		}
		out, err := p.PutRecords(context.Background(), &freshet.PutRecordsInput{StreamName: stream, Records: entries})
		if err != nil {
			t.Fatalf("PutRecords: %v", err)
		}
		if out.FailedRecordCount != 0 {
			t.Fatalf("PutRecords: %d failed: %s", out.FailedRecordCount, out.Records[0].ErrorCode)
		}
		for k, r := range out.Records {
			shards[i+k] = r
		}
	}
	return shards
}

// Key names a record in a shard: "shard/sequence/sub".
func Key(shard, seq string, sub int64) string {
	return shard + "/" + seq + "/" + strconv.FormatInt(sub, 10)
}

// Emitter is a connect.Emitter that keeps the items it stores in memory,
// counting how often each record's item was stored. Fail, if set, is
// called before each store: an error stores nothing, failures store the
// other entries.
type Emitter[T any] struct {
	Fail func(call int, b *connect.Batch[T]) ([]connect.Failure, error)

	mu      sync.Mutex
	calls   int
	items   map[string]T
	stores  map[string]int
	batches []BatchInfo
}

// BatchInfo describes a batch the Emitter was given and stored entirely.
type BatchInfo struct {
	ShardID, First, Last string
	N                    int
}

// Emit implements connect.Emitter.
func (m *Emitter[T]) Emit(ctx context.Context, b *connect.Batch[T]) ([]connect.Failure, error) {
	if len(b.Entries) == 0 {
		return nil, fmt.Errorf("empty batch")
	}
	m.mu.Lock()
	m.calls++
	call := m.calls
	m.mu.Unlock()
	var fails []connect.Failure
	if m.Fail != nil {
		var err error
		if fails, err = m.Fail(call, b); err != nil {
			return nil, err
		}
	}
	bad := map[int]bool{}
	for _, f := range fails {
		bad[f.Index] = true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.items == nil {
		m.items, m.stores = map[string]T{}, map[string]int{}
	}
	for i, e := range b.Entries {
		if bad[i] {
			continue
		}
		k := Key(e.ShardID, e.SequenceNumber.String(), e.SubSequenceNumber)
		m.items[k] = e.Item
		m.stores[k]++
	}
	if len(fails) == 0 {
		m.batches = append(m.batches, BatchInfo{b.ShardID, Key(b.ShardID, b.First().SequenceNumber.String(), b.First().SubSequenceNumber),
			Key(b.ShardID, b.Last().SequenceNumber.String(), b.Last().SubSequenceNumber), len(b.Entries)})
	}
	return fails, nil
}

// Items returns the items stored, by Key.
func (m *Emitter[T]) Items() map[string]T {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]T, len(m.items))
	for k, v := range m.items {
		out[k] = v
	}
	return out
}

// Len returns the number of distinct records stored.
func (m *Emitter[T]) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items)
}

// Stores returns how often each record was stored, by Key.
func (m *Emitter[T]) Stores() map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]int, len(m.stores))
	for k, v := range m.stores {
		out[k] = v
	}
	return out
}

// Batches returns the batches stored whole, in the order of their Emit.
func (m *Emitter[T]) Batches() []BatchInfo {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]BatchInfo(nil), m.batches...)
}

// DeadLetter is a connect.DeadLetter that keeps the letters in memory.
// Fail, if set, is called before each write as Emitter.Fail is.
type DeadLetter struct {
	Fail func(call int, letters []connect.Letter) ([]connect.Failure, error)

	mu      sync.Mutex
	calls   int
	letters []connect.Letter
}

// WriteLetters implements connect.DeadLetter.
func (d *DeadLetter) WriteLetters(ctx context.Context, letters []connect.Letter) ([]connect.Failure, error) {
	d.mu.Lock()
	d.calls++
	call := d.calls
	d.mu.Unlock()
	var fails []connect.Failure
	if d.Fail != nil {
		var err error
		if fails, err = d.Fail(call, letters); err != nil {
			return nil, err
		}
	}
	bad := map[int]bool{}
	for _, f := range fails {
		bad[f.Index] = true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, l := range letters {
		if !bad[i] {
			d.letters = append(d.letters, l)
		}
	}
	return fails, nil
}

// Letters returns the letters written.
func (d *DeadLetter) Letters() []connect.Letter {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]connect.Letter(nil), d.letters...)
}

// Reader is what ReadAll reads through: a *freshet.Engine or a
// kinesissdk.Client.
type Reader interface {
	ListShards(ctx context.Context, in *freshet.ListShardsInput) (*freshet.ListShardsOutput, error)
	GetShardIterator(ctx context.Context, in *freshet.GetShardIteratorInput) (*freshet.GetShardIteratorOutput, error)
	GetRecords(ctx context.Context, in *freshet.GetRecordsInput) (*freshet.GetRecordsOutput, error)
}

// ReadAll returns every record of the stream, shard by shard.
func ReadAll(t testing.TB, r Reader, stream string) []freshet.Record {
	t.Helper()
	ctx := context.Background()
	shards, err := r.ListShards(ctx, &freshet.ListShardsInput{StreamName: stream})
	if err != nil {
		t.Fatal(err)
	}
	var out []freshet.Record
	for _, sh := range shards.Shards {
		it, err := r.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: stream, ShardId: sh.ShardId, ShardIteratorType: "TRIM_HORIZON"})
		if err != nil {
			t.Fatal(err)
		}
		iter := it.ShardIterator
		for iter != "" {
			res, err := r.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, res.Records...)
			if len(res.Records) == 0 {
				break
			}
			iter = res.NextShardIterator
		}
	}
	return out
}
