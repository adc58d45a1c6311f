package freshet

import (
	"context"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// rsConsumer registers a consumer on a stream and returns its ARN.
func rsConsumer(t testing.TB, e *Engine, stream, name string) string {
	t.Helper()
	out, err := e.RegisterStreamConsumer(context.Background(), &RegisterStreamConsumerInput{StreamARN: e.streamARN(stream), ConsumerName: name})
	require.NoError(t, err)
	return out.Consumer.ConsumerARN
}

func rsSubscribe(t testing.TB, e *Engine, arn, shard string, p StartingPosition) *Subscription {
	t.Helper()
	sub, err := e.SubscribeToShard(context.Background(), &SubscribeToShardInput{ConsumerARN: arn, ShardId: shard, StartingPosition: p})
	require.NoError(t, err)
	t.Cleanup(func() { sub.Close() })
	return sub
}

// rsEvent is the result of one Subscription.Next.
type rsEvent struct {
	ev  *SubscribeToShardEvent
	err error
}

// rsPump calls Next in a goroutine until it fails, sending every result.
// The channel is buffered generously, so the goroutine never blocks on it.
func rsPump(ctx context.Context, sub *Subscription) <-chan rsEvent {
	ch := make(chan rsEvent, 1000)
	go func() {
		for {
			ev, err := sub.Next(ctx)
			ch <- rsEvent{ev, err}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

const rsShard0 = "shardId-000000000000"

func TestSubscribeDeliversInOrder(t *testing.T) {
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 1)
	arn := rsConsumer(t, e, "s", "c")
	sub := rsSubscribe(t, e, arn, rsShard0, StartingPosition{Type: Latest})
	events := rsPump(context.Background(), sub)
	for i := range 20 {
		// The reader blocks on the shard (its heartbeat timer armed) until
		// the write wakes it.
		rsWaitTimers(t, clk, 1)
		out := rsPut(t, e, "s", "k", "m"+strconv.Itoa(i))
		got := rsRecv(t, events)
		require.NoError(t, got.err)
		require.Equal(t, []string{"m" + strconv.Itoa(i)}, rsData(got.ev.Records))
		require.Equal(t, out.SequenceNumber, got.ev.Records[0].SequenceNumber)
		require.Equal(t, out.SequenceNumber, got.ev.ContinuationSequenceNumber)
		require.Zero(t, got.ev.MillisBehindLatest)
		require.Nil(t, got.ev.ChildShards)
		if i%5 == 4 {
			clk.Advance(time.Second) // idle time that does not reach a heartbeat
		}
	}
	require.NoError(t, sub.Close())
	got := rsRecv(t, events)
	require.ErrorIs(t, got.err, io.EOF, "Close ends Next")
}

func TestSubscribeContinuationResumes(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 1)
	arn := rsConsumer(t, e, "s", "c")
	for i := range 3 {
		rsPut(t, e, "s", "k", "a"+strconv.Itoa(i))
	}
	sub := rsSubscribe(t, e, arn, rsShard0, StartingPosition{Type: TrimHorizon})
	ev, err := sub.Next(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"a0", "a1", "a2"}, rsData(ev.Records))
	cont := ev.ContinuationSequenceNumber
	require.Equal(t, ev.Records[2].SequenceNumber, cont)
	require.NoError(t, sub.Close())

	for i := range 3 {
		rsPut(t, e, "s", "k", "b"+strconv.Itoa(i))
	}
	clk.Advance(time.Second)
	sub = rsSubscribe(t, e, arn, rsShard0, StartingPosition{Type: AfterSequenceNumber, SequenceNumber: cont.String()})
	ev, err = sub.Next(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"b0", "b1", "b2"}, rsData(ev.Records), "no loss, no duplicate")

	// The continuation of a heartbeat resumes where the reader stands too.
	events := rsPump(ctx, sub)
	rsWaitTimers(t, clk, 1)
	clk.Advance(5 * time.Second)
	hb := rsRecv(t, events)
	require.NoError(t, hb.err)
	require.Empty(t, hb.ev.Records)
	require.Equal(t, ev.Records[2].SequenceNumber, hb.ev.ContinuationSequenceNumber)
	require.NoError(t, sub.Close())
	require.ErrorIs(t, rsRecv(t, events).err, io.EOF)
	rsPut(t, e, "s", "k", "c0")
	clk.Advance(time.Second)
	sub = rsSubscribe(t, e, arn, rsShard0, StartingPosition{Type: AfterSequenceNumber, SequenceNumber: hb.ev.ContinuationSequenceNumber.String()})
	ev, err = sub.Next(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"c0"}, rsData(ev.Records))
}

// On an empty shard a heartbeat's continuation is the shard's starting
// position: resubscribing after it reads the first record.
func TestSubscribeHeartbeatOnEmptyShard(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 1)
	arn := rsConsumer(t, e, "s", "c")
	sub := rsSubscribe(t, e, arn, rsShard0, StartingPosition{Type: Latest})
	events := rsPump(ctx, sub)
	rsWaitTimers(t, clk, 1)
	clk.Advance(4 * time.Second)
	rsNotReady(t, events)
	clk.Advance(time.Second)
	hb := rsRecv(t, events)
	require.NoError(t, hb.err)
	require.NotNil(t, hb.ev.Records)
	require.Empty(t, hb.ev.Records)
	require.False(t, hb.ev.ContinuationSequenceNumber.IsZero())
	require.Zero(t, hb.ev.MillisBehindLatest)
	// The next heartbeat is 5 s after this one.
	rsWaitTimers(t, clk, 1)
	clk.Advance(5 * time.Second)
	hb2 := rsRecv(t, events)
	require.NoError(t, hb2.err)
	require.Empty(t, hb2.ev.Records)
	require.Equal(t, hb.ev.ContinuationSequenceNumber, hb2.ev.ContinuationSequenceNumber)
	require.NoError(t, sub.Close())
	require.ErrorIs(t, rsRecv(t, events).err, io.EOF)

	rsPut(t, e, "s", "k", "first")
	clk.Advance(5 * time.Second)
	sub = rsSubscribe(t, e, arn, rsShard0, StartingPosition{Type: AfterSequenceNumber, SequenceNumber: hb.ev.ContinuationSequenceNumber.String()})
	ev, err := sub.Next(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"first"}, rsData(ev.Records))
}

func TestSubscribeLifetimeEndsWithEOF(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 1)
	arn := rsConsumer(t, e, "s", "c")
	sub := rsSubscribe(t, e, arn, rsShard0, StartingPosition{Type: TrimHorizon})
	events := rsPump(ctx, sub)
	heartbeats := 0
	for {
		rsWaitTimers(t, clk, 1)
		clk.Advance(5 * time.Second)
		got := rsRecv(t, events)
		if got.err != nil {
			require.ErrorIs(t, got.err, io.EOF)
			break
		}
		require.Empty(t, got.ev.Records)
		heartbeats++
	}
	require.Equal(t, 59, heartbeats, "a heartbeat every 5 s, then the end at 5 minutes")
	require.Equal(t, rsEpoch.Add(5*time.Minute), clk.Now())
	_, err := sub.Next(ctx)
	require.ErrorIs(t, err, io.EOF)
	// The ended subscription does not block a new one.
	sub2 := rsSubscribe(t, e, arn, rsShard0, StartingPosition{Type: TrimHorizon})
	rsPut(t, e, "s", "k", "v")
	ev, err := sub2.Next(ctx)
	require.NoError(t, err)
	require.Len(t, ev.Records, 1)
}

func TestSubscribeClosedShardEnds(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 1)
	arn := rsConsumer(t, e, "s", "c")
	sub := rsSubscribe(t, e, arn, rsShard0, StartingPosition{Type: TrimHorizon})
	events := rsPump(ctx, sub)
	rsPut(t, e, "s", "k", "a")
	got := rsRecv(t, events)
	require.NoError(t, got.err)
	require.Equal(t, []string{"a"}, rsData(got.ev.Records))
	rsWaitTimers(t, clk, 1)
	rsPut(t, e, "s", "k", "b")
	_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: rsShard0, NewStartingHashKey: "100"})
	require.NoError(t, err)

	var recs []Record
	var final *SubscribeToShardEvent
	for final == nil {
		got := rsRecv(t, events)
		require.NoError(t, got.err)
		recs = append(recs, got.ev.Records...)
		if got.ev.ChildShards != nil {
			final = got.ev
		} else {
			require.False(t, got.ev.ContinuationSequenceNumber.IsZero())
		}
	}
	require.Equal(t, []string{"b"}, rsData(recs))
	require.True(t, final.ContinuationSequenceNumber.IsZero(), "the final event has no continuation")
	require.Equal(t, []ChildShard{
		{ShardId: "shardId-000000000001", ParentShards: []string{rsShard0}, HashKeyRange: HashKeyRange{StartingHashKey: HashKey{}, EndingHashKey: mustParseHashKey(t, "99")}},
		{ShardId: "shardId-000000000002", ParentShards: []string{rsShard0}, HashKeyRange: HashKeyRange{StartingHashKey: mustParseHashKey(t, "100"), EndingHashKey: MaxHashKey}},
	}, final.ChildShards)
	require.ErrorIs(t, rsRecv(t, events).err, io.EOF)

	// Subscribing to the closed shard again: the final event at once.
	clk.Advance(5 * time.Second)
	sub = rsSubscribe(t, e, arn, rsShard0, StartingPosition{Type: Latest})
	ev, err := sub.Next(ctx)
	require.NoError(t, err)
	require.Empty(t, ev.Records)
	require.Len(t, ev.ChildShards, 2)
	require.True(t, ev.ContinuationSequenceNumber.IsZero())
	_, err = sub.Next(ctx)
	require.ErrorIs(t, err, io.EOF)
}

func mustParseHashKey(t testing.TB, s string) HashKey {
	t.Helper()
	k, err := ParseHashKey(s)
	require.NoError(t, err)
	return k
}

func TestSubscribeTakeover(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 2)
	arn := rsConsumer(t, e, "s", "c")
	old := rsSubscribe(t, e, arn, rsShard0, StartingPosition{Type: Latest})
	events := rsPump(ctx, old)
	rsWaitTimers(t, clk, 1)

	in := &SubscribeToShardInput{ConsumerARN: arn, ShardId: rsShard0, StartingPosition: StartingPosition{Type: Latest}}
	_, err := e.SubscribeToShard(ctx, in)
	rsErr(t, err, ErrResourceInUse, "Another active subscription exists for this consumer: "+arn)
	// Another shard, or another consumer, is independent.
	rsSubscribe(t, e, arn, "shardId-000000000001", StartingPosition{Type: Latest})
	rsSubscribe(t, e, rsConsumer(t, e, "s", "c2"), rsShard0, StartingPosition{Type: Latest})

	clk.Advance(5*time.Second - time.Millisecond)
	_, err = e.SubscribeToShard(ctx, in)
	require.ErrorIs(t, err, ErrResourceInUse)
	clk.Advance(time.Millisecond)
	// The old subscription's heartbeat fell due at the same time.
	hb := rsRecv(t, events)
	require.NoError(t, hb.err)
	require.Empty(t, hb.ev.Records)

	sub, err := e.SubscribeToShard(ctx, in)
	require.NoError(t, err)
	t.Cleanup(func() { sub.Close() })
	got := rsRecv(t, events)
	rsErr(t, got.err, ErrResourceInUse, "Another subscription for consumer "+arn+" and shard "+rsShard0+" has taken over.")
	_, err = old.Next(ctx)
	require.ErrorIs(t, err, ErrResourceInUse)

	rsPutHash(t, e, "s", "0", "new")
	ev, err := sub.Next(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"new"}, rsData(ev.Records))
}

func TestSubscribeConsumerNotActive(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t, WithStateDelays(StateDelays{Consumer: 10 * time.Second}))
	rsCreate(t, e, "s", 1)
	arn := rsConsumer(t, e, "s", "c")
	in := &SubscribeToShardInput{ConsumerARN: arn, ShardId: rsShard0, StartingPosition: StartingPosition{Type: Latest}}
	_, err := e.SubscribeToShard(ctx, in)
	rsErr(t, err, ErrResourceInUse, "Consumer "+arn+" is not in ACTIVE state, instead in state CREATING.")
	clk.Advance(10 * time.Second)
	sub, err := e.SubscribeToShard(ctx, in)
	require.NoError(t, err)
	require.NoError(t, sub.Close())

	// Deregistering: DELETING for the delay, not subscribable either.
	_, err = e.DeregisterStreamConsumer(ctx, &DeregisterStreamConsumerInput{ConsumerARN: arn})
	require.NoError(t, err)
	clk.Advance(5 * time.Second)
	_, err = e.SubscribeToShard(ctx, in)
	rsErr(t, err, ErrResourceInUse, "Consumer "+arn+" is not in ACTIVE state, instead in state DELETING.")
	clk.Advance(5 * time.Second)
	_, err = e.SubscribeToShard(ctx, in)
	require.ErrorIs(t, err, ErrResourceNotFound)
}

func TestSubscribeDeregisterEndsSubscriptions(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 2)
	arn := rsConsumer(t, e, "s", "c")
	a := rsPump(ctx, rsSubscribe(t, e, arn, rsShard0, StartingPosition{Type: Latest}))
	b := rsPump(ctx, rsSubscribe(t, e, arn, "shardId-000000000001", StartingPosition{Type: Latest}))
	rsWaitTimers(t, clk, 2)
	_, err := e.DeregisterStreamConsumer(ctx, &DeregisterStreamConsumerInput{ConsumerARN: arn})
	require.NoError(t, err)
	for _, ch := range []<-chan rsEvent{a, b} {
		got := rsRecv(t, ch)
		rsErr(t, got.err, ErrResourceNotFound, "Consumer "+arn+" not found.")
	}
}

func TestSubscribeEngineCloseUnblocks(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 1)
	arn := rsConsumer(t, e, "s", "c")
	events := rsPump(ctx, rsSubscribe(t, e, arn, rsShard0, StartingPosition{Type: Latest}))
	rsWaitTimers(t, clk, 1)
	require.NoError(t, e.Close())
	require.ErrorIs(t, rsRecv(t, events).err, ErrClosed)
	require.Zero(t, clk.Timers(), "the heartbeat timer is released")
}

func TestSubscribeContextCanceled(t *testing.T) {
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 1)
	arn := rsConsumer(t, e, "s", "c")
	ctx, cancel := context.WithCancel(context.Background())
	sub := rsSubscribe(t, e, arn, rsShard0, StartingPosition{Type: Latest})
	events := rsPump(ctx, sub)
	rsWaitTimers(t, clk, 1)
	cancel()
	require.ErrorIs(t, rsRecv(t, events).err, context.Canceled)
	// The subscription itself lives on.
	rsPut(t, e, "s", "k", "v")
	ev, err := sub.Next(context.Background())
	require.NoError(t, err)
	require.Equal(t, []string{"v"}, rsData(ev.Records))
}

// Two consumers each see every record of a shard (fan-out), in order, while
// a writer runs concurrently.
func TestSubscribeFanOut(t *testing.T) {
	e, _ := rsClockEngine(t)
	rsCreate(t, e, "s", 1)
	const n = 300
	subs := []*Subscription{
		rsSubscribe(t, e, rsConsumer(t, e, "s", "c1"), rsShard0, StartingPosition{Type: TrimHorizon}),
		rsSubscribe(t, e, rsConsumer(t, e, "s", "c2"), rsShard0, StartingPosition{Type: TrimHorizon}),
	}
	results := make(chan []string, len(subs))
	for _, sub := range subs {
		go func() {
			var got []string
			for len(got) < n {
				ev, err := sub.Next(context.Background())
				if err != nil {
					break
				}
				got = append(got, rsData(ev.Records)...)
			}
			results <- got
		}()
	}
	var want []string
	for i := range n {
		want = append(want, strconv.Itoa(i))
		rsPut(t, e, "s", "k", strconv.Itoa(i))
	}
	for range subs {
		require.Equal(t, want, rsRecv(t, results))
	}
}
