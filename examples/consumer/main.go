// Command consumer shows two workers sharing a stream with package
// consumer, the KCL-style consumer: they split the four shards of a stream
// between them through a shared lease table, keep consuming while the
// stream is rescaled to six shards (children start only after their parents
// were read to the end), and shut down cleanly with their final
// checkpoints written. The same code reads real Kinesis if the engine is
// replaced by kinesissdk.New(client) over an AWS SDK client and the memory
// lease store by a durable one.
package main

import (
	"context"
	"fmt"
	"log"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/consumer"
	"github.com/freshet-io/freshet/consumer/lease"
)

const (
	stream  = "orders"
	records = 2000
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

// tally counts what each worker processed.
type tally struct {
	mu       sync.Mutex
	seen     map[int]bool
	byWorker map[string]int
	shards   map[string]map[string]bool // worker -> shards it processed
}

func (t *tally) handler(worker string) consumer.RecordHandler {
	return func(ctx context.Context, r consumer.Record) error {
		n, err := strconv.Atoi(string(r.Data))
		if err != nil {
			return nil // not ours; skip it
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		t.seen[n] = true
		t.byWorker[worker]++
		if t.shards[worker] == nil {
			t.shards[worker] = map[string]bool{}
		}
		t.shards[worker][r.ShardID] = true
		return nil
	}
}

func (t *tally) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.seen)
}

func run(ctx context.Context) error {
	e := freshet.New()
	defer e.Close()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: stream, ShardCount: 4}); err != nil {
		return err
	}

	var src consumer.Source = e     // or kinesissdk.New(client) for real Kinesis
	store := lease.NewMemoryStore() // shared by the workers
	t := &tally{seen: map[int]bool{}, byWorker: map[string]int{}, shards: map[string]map[string]bool{}}
	var workers []*consumer.Worker
	var wg sync.WaitGroup
	for _, id := range []string{"worker-1", "worker-2"} {
		w := consumer.New(src, stream, consumer.HandlerFunc(t.handler(id)),
			consumer.WithWorkerID(id),
			consumer.WithLeaseStore(store),
			consumer.WithInitialPosition(lease.TrimHorizon),
			consumer.WithFailoverTime(300*time.Millisecond),
			consumer.WithIdleTimeBetweenReads(10*time.Millisecond),
		)
		workers = append(workers, w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.Run(ctx); err != nil {
				log.Print(err)
			}
		}()
	}

	put := func(from, to int) error {
		for i := from; i < to; i++ {
			_, err := e.PutRecord(ctx, &freshet.PutRecordInput{StreamName: stream, PartitionKey: "order-" + strconv.Itoa(i), Data: []byte(strconv.Itoa(i))})
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := put(0, records/2); err != nil {
		return err
	}
	// Rescale mid-stream: the four shards close and six children open.
	if _, err := e.UpdateShardCount(ctx, &freshet.UpdateShardCountInput{StreamName: stream, TargetShardCount: 6, ScalingType: freshet.UniformScaling}); err != nil {
		return err
	}
	if err := put(records/2, records); err != nil {
		return err
	}

	deadline := time.Now().Add(10 * time.Second)
	for t.count() < records {
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d records processed", t.count(), records)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, w := range workers {
		if err := w.Shutdown(ctx); err != nil {
			return err
		}
	}
	wg.Wait()

	total := 0
	for _, n := range t.byWorker {
		total += n
	}
	// Delivery is at least once: a shard that changes hands (the second
	// worker steals its share of the leases) is re-read from its last
	// checkpoint.
	fmt.Printf("processed %d records in %d deliveries\n", t.count(), total)
	for _, id := range []string{"worker-1", "worker-2"} {
		var shards []string
		for s := range t.shards[id] {
			shards = append(shards, s)
		}
		sort.Strings(shards)
		fmt.Printf("%s: %d deliveries from %d shards %v\n", id, t.byWorker[id], len(shards), shards)
	}
	leases, err := store.List(ctx)
	if err != nil {
		return err
	}
	for _, l := range leases {
		fmt.Printf("lease %s: checkpoint %s, parents %v\n", l.Key, l.Checkpoint.SequenceNumber, l.ParentShardIDs)
	}
	return nil
}
