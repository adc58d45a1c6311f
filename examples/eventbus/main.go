// Command eventbus uses freshet as an event bus inside one binary: several
// producers write to a 4-shard stream while one consumer follows the whole
// stream with Stream.Follow (no polling loop). Halfway through, a shard is
// split; the follower reads the parent to its end before its children. At
// the end the program checks that every event was delivered exactly once
// and in order per partition key.
package main

import (
	"context"
	"fmt"
	"log"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/freshet-io/freshet"
)

const (
	producers   = 4
	perProducer = 25_000
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := freshet.New()
	defer e.Close()
	if _, err := e.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "events", ShardCount: 4}); err != nil {
		return err
	}
	st, err := e.Stream("events")
	if err != nil {
		return err
	}

	// The consumer: one goroutine follows every shard, parents before
	// children, until ctx is cancelled (which ends the range without an
	// error).
	bus := newTracker(producers * perProducer)
	var consumer sync.WaitGroup
	consumer.Add(1)
	go func() {
		defer consumer.Done()
		for r, err := range st.Follow(ctx, freshet.StartingPosition{Type: freshet.TrimHorizon}) {
			if err != nil {
				bus.fail(err)
				return
			}
			bus.deliver(r.PartitionKey, string(r.Data))
		}
	}()

	// Producers: each writes its own partition keys with increasing
	// numbers, so order per key can be checked.
	start := time.Now()
	var producing sync.WaitGroup
	for p := range producers {
		producing.Add(1)
		go func() {
			defer producing.Done()
			for i := range perProducer {
				key := "producer-" + strconv.Itoa(p) + "-key-" + strconv.Itoa(i%16)
				if _, err := st.Append(ctx, key, []byte(strconv.Itoa(i))); err != nil {
					bus.fail(err)
					return
				}
				if p == 0 && i == perProducer/2 {
					shard := st.Shards()[1]
					_, err := e.SplitShard(ctx, &freshet.SplitShardInput{
						StreamName:         "events",
						ShardToSplit:       shard.ShardId,
						NewStartingHashKey: shard.HashKeyRange.Midpoint().String(),
					})
					if err != nil {
						bus.fail(err)
						return
					}
				}
			}
		}()
	}
	producing.Wait()

	if err := bus.wait(ctx); err != nil {
		return err
	}
	elapsed := time.Since(start)
	cancel() // stop the consumer, which blocks for more
	consumer.Wait()
	fmt.Printf("delivered %d events exactly once, in order per key, through %d shards in %v\n",
		bus.total, len(st.Shards()), elapsed.Round(time.Millisecond))
	return nil
}

// tracker checks deliveries: each key's values must arrive as 0, 16, 32...
// (the producer's sequence for that key), each exactly once.
type tracker struct {
	mu    sync.Mutex
	total int
	want  int
	next  map[string]int
	err   error
	done  chan struct{}
}

func newTracker(want int) *tracker {
	return &tracker{want: want, next: map[string]int{}, done: make(chan struct{})}
}

func (t *tracker) deliver(key, value string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, _ := strconv.Atoi(value)
	k := key[strings.LastIndexByte(key, '-')+1:]
	base, _ := strconv.Atoi(k)
	exp, ok := t.next[key]
	if !ok {
		exp = base
	}
	if v != exp && t.err == nil {
		t.err = fmt.Errorf("key %s: got %d, want %d", key, v, exp)
		close(t.done)
		return
	}
	t.next[key] = v + 16
	t.total++
	if t.total == t.want && t.err == nil {
		close(t.done)
	}
}

func (t *tracker) fail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err == nil {
		t.err = err
		close(t.done)
	}
}

func (t *tracker) wait(ctx context.Context) error {
	select {
	case <-t.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}
