package freshet

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInterceptFaultNextCalls(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 1)
	rsCreate(t, e, "other", 1)
	e.InjectFault(Fault{Operation: "PutRecord", StreamName: "s", Times: 2, Err: ErrInternalFailure})
	put := func(stream string) error {
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: stream, PartitionKey: "k", Data: []byte("v")})
		return err
	}
	require.NoError(t, put("other"), "another stream is not affected")
	_, err := e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: []PutRecordsRequestEntry{{PartitionKey: "k"}}})
	require.NoError(t, err, "another operation is not affected")
	for range 2 {
		err := put("s")
		rsErr(t, err, ErrInternalFailure, "Internal Service Failure")
		var kerr *Error
		require.ErrorAs(t, err, &kerr)
		require.Equal(t, 500, kerr.HTTPStatus())
	}
	require.NoError(t, put("s"))
	require.NoError(t, put("s"))
	require.Zero(t, e.intercept.n.Load(), "a used-up fault removes itself")
	// Failed calls wrote nothing.
	recs, _ := rsReadShard(t, e, "s", "shardId-000000000000", 0)
	require.Len(t, recs, 3)
}

func TestInterceptFaultUntilRemoved(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 2)
	remove := e.InjectFault(Fault{Operation: "SplitShard", Err: ErrLimitExceeded})
	split := func() error {
		_, err := e.SplitShard(ctx, &SplitShardInput{StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "100"})
		return err
	}
	for range 3 {
		rsErr(t, split(), ErrLimitExceeded, "Rate exceeded for stream s under account "+rsAccount+".")
	}
	require.Len(t, rsShards(t, e, "s"), 2, "the failed calls did nothing")
	remove()
	remove() // idempotent
	require.NoError(t, split())
	require.Len(t, rsShards(t, e, "s"), 4)
}

func TestInterceptFaultShardScoped(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 3)
	const shard1 = "shardId-000000000001"
	e.InjectFault(Fault{Operation: "PutRecords", ShardId: shard1, Times: 2, Err: ErrProvisionedThroughputExceeded})
	// One entry per shard, twice: the two entries routed to shard 1 fail.
	hashes := []string{"0", rsUniform(1, 3).String(), rsMaxKey, rsUniform(1, 3).String(), "5", rsUniform(2, 3).String()}
	in := &PutRecordsInput{StreamName: "s"}
	for _, h := range hashes {
		in.Records = append(in.Records, PutRecordsRequestEntry{PartitionKey: "k", ExplicitHashKey: h, Data: []byte(h)})
	}
	out, err := e.PutRecords(ctx, in)
	require.NoError(t, err)
	require.Equal(t, 2, out.FailedRecordCount)
	for i, r := range out.Records {
		if i == 1 || i == 3 {
			require.Equal(t, PutRecordsResultEntry{ErrorCode: "ProvisionedThroughputExceededException",
				ErrorMessage: "Rate exceeded for shard " + shard1 + " in stream s under account " + rsAccount + "."}, r)
			continue
		}
		require.Empty(t, r.ErrorCode, i)
		require.NotEqual(t, shard1, r.ShardId)
	}
	// Used up: the next entries for shard 1 pass.
	out, err = e.PutRecords(ctx, in)
	require.NoError(t, err)
	require.Zero(t, out.FailedRecordCount)

	// A shard-scoped PutRecord fault does not touch other shards, and a
	// custom code gets a generic message.
	e.InjectFault(Fault{Operation: "PutRecord", ShardId: shard1, Err: &Error{Code: "KMSThrottlingException"}})
	rsPutHash(t, e, "s", "0", "x")
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", ExplicitHashKey: rsUniform(1, 3).String()})
	rsErr(t, err, ErrKMSThrottling, "KMSThrottlingException injected by freshet for PutRecord")
	var kerr *Error
	require.ErrorAs(t, err, &kerr)
	require.True(t, kerr.Retryable())
}

// Sentinels get the message Kinesis would send in context; errors that
// carry a message are passed through untouched.
func TestInterceptFaultMessages(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 2)
	it := rsIter(t, e, "s", "shardId-000000000001", TrimHorizon)

	remove := e.InjectFault(Fault{Operation: "GetRecords", ShardId: "shardId-000000000001", Err: ErrProvisionedThroughputExceeded})
	_, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it})
	rsErr(t, err, ErrProvisionedThroughputExceeded, "Rate exceeded for Shard - "+rsAccount+"/s/shardId-000000000001")
	remove()

	// Call-level throughput faults name the shard the call addresses.
	remove = e.InjectFault(Fault{Err: ErrProvisionedThroughputExceeded})
	_, err = e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it})
	rsErr(t, err, ErrProvisionedThroughputExceeded, "Rate exceeded for Shard - "+rsAccount+"/s/shardId-000000000001")
	_, err = e.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: "s", ShardId: "1", ShardIteratorType: Latest})
	rsErr(t, err, ErrProvisionedThroughputExceeded, "Rate exceeded for Shard - "+rsAccount+"/s/shardId-000000000001")
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", ExplicitHashKey: rsMaxKey})
	rsErr(t, err, ErrProvisionedThroughputExceeded, "Rate exceeded for shard shardId-000000000001 in stream s under account "+rsAccount+".")
	_, err = e.PutRecords(ctx, &PutRecordsInput{StreamName: "s", Records: []PutRecordsRequestEntry{{PartitionKey: "k", ExplicitHashKey: "0"}}})
	rsErr(t, err, ErrProvisionedThroughputExceeded, "Rate exceeded for shard shardId-000000000000 in stream s under account "+rsAccount+".")
	remove()

	remove = e.InjectFault(Fault{Operation: "DescribeStream", Err: ErrResourceNotFound})
	_, err = e.DescribeStream(ctx, &DescribeStreamInput{StreamName: "s"})
	rsErr(t, err, ErrResourceNotFound, "Stream s under account "+rsAccount+" not found.")
	remove()

	custom := NewError("AccessDeniedException", "User: x is not authorized")
	remove = e.InjectFault(Fault{Operation: "ListShards", Err: custom})
	_, err = e.ListShards(ctx, &ListShardsInput{StreamName: "s"})
	require.Same(t, custom, err)
	remove()

	plain := errors.New("boom")
	remove = e.InjectFault(Fault{Operation: "ListShards", Err: plain})
	_, err = e.ListShards(ctx, &ListShardsInput{StreamName: "s"})
	require.Same(t, plain, err)
	remove()

	// A fault without error and delay changes nothing.
	remove = e.InjectFault(Fault{Operation: "ListShards"})
	_, err = e.ListShards(ctx, &ListShardsInput{StreamName: "s"})
	require.NoError(t, err)
	remove()
}

func TestInterceptDelayOnEngineClock(t *testing.T) {
	ctx := context.Background()
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 1)
	e.InjectFault(Fault{Operation: "PutRecord", Times: 1, Delay: 10 * time.Second})
	done := make(chan error, 1)
	go func() {
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("late")})
		done <- err
	}()
	rsWaitTimers(t, clk, 1)
	clk.Advance(9 * time.Second)
	rsNotReady(t, done)
	recs, _ := rsReadShard(t, e, "s", "shardId-000000000000", 0)
	require.Empty(t, recs, "the delayed call has not run")
	clk.Advance(time.Second)
	require.NoError(t, rsRecv(t, done))
	recs, _ = rsReadShard(t, e, "s", "shardId-000000000000", 0)
	require.Equal(t, []string{"late"}, rsData(recs))
}

func TestInterceptDelayCanceled(t *testing.T) {
	e, clk := rsClockEngine(t)
	rsCreate(t, e, "s", 1)
	e.InjectFault(Fault{Operation: "PutRecord", Delay: time.Hour, Err: ErrInternalFailure})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "k", Data: []byte("v")})
		done <- err
	}()
	rsWaitTimers(t, clk, 1)
	cancel()
	require.ErrorIs(t, rsRecv(t, done), context.Canceled)
	require.Zero(t, clk.Timers(), "the delay's timer is stopped")
	recs, _ := rsReadShard(t, e, "s", "shardId-000000000000", 0)
	require.Empty(t, recs)
}

func TestInterceptSeesTypedInput(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 2)
	var (
		mu    sync.Mutex
		calls []Call
	)
	remove := e.Intercept(func(ctx context.Context, c *Call) error {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, *c)
		return nil
	})
	in := &PutRecordInput{StreamName: "s", PartitionKey: "k", ExplicitHashKey: rsMaxKey, Data: []byte("v")}
	_, err := e.PutRecord(ctx, in)
	require.NoError(t, err)
	it := rsIter(t, e, "s", "shardId-000000000001", TrimHorizon)
	gin := &GetRecordsInput{ShardIterator: it, Limit: 7}
	_, err = e.GetRecords(ctx, gin)
	require.NoError(t, err)
	remove()
	rsPut(t, e, "s", "k", "unseen")

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, calls, 6)
	require.Equal(t, Call{Operation: "PutRecord", StreamName: "s", Input: in}, calls[0])
	require.Equal(t, Call{Operation: "PutRecord", StreamName: "s", ShardId: "shardId-000000000001", Input: in}, calls[1])
	require.Equal(t, OpGetShardIterator, calls[2].Operation)
	require.Empty(t, calls[2].ShardId)
	giIn, ok := calls[3].Input.(*GetShardIteratorInput)
	require.True(t, ok)
	require.Equal(t, TrimHorizon, giIn.ShardIteratorType)
	require.Equal(t, "shardId-000000000001", calls[3].ShardId)
	require.Equal(t, Call{Operation: "GetRecords", StreamName: "s", Input: gin}, calls[4])
	require.Equal(t, Call{Operation: "GetRecords", StreamName: "s", ShardId: "shardId-000000000001", Input: gin}, calls[5])
	typed, ok := calls[5].Input.(*GetRecordsInput)
	require.True(t, ok)
	require.Equal(t, 7, typed.Limit)
}

func TestInterceptOrderAndShortCircuit(t *testing.T) {
	ctx := context.Background()
	e := rsEngine(t)
	rsCreate(t, e, "s", 1)
	var order []string
	deny := NewError("AccessDeniedException", "denied")
	r1 := e.Intercept(func(ctx context.Context, c *Call) error {
		order = append(order, "first")
		if in, ok := c.Input.(*PutRecordInput); ok && in.PartitionKey == "forbidden" {
			return deny
		}
		return nil
	})
	r2 := e.Intercept(func(ctx context.Context, c *Call) error {
		order = append(order, "second")
		return nil
	})
	_, err := e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "forbidden"})
	require.Same(t, deny, err)
	require.Equal(t, []string{"first"}, order, "a failing interceptor stops the chain")
	order = nil
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "ok"})
	require.NoError(t, err)
	require.Equal(t, []string{"first", "second", "first", "second"}, order, "call level, then shard level")
	r1()
	order = nil
	_, err = e.PutRecord(ctx, &PutRecordInput{StreamName: "s", PartitionKey: "forbidden"})
	require.NoError(t, err)
	require.Equal(t, []string{"second", "second"}, order)
	r2()
}

// InjectFault's interceptor may run on another goroutine before
// InjectFault returns; it must not read the remover unsynchronized (a data
// race found under -race by the Watermill tests). Each fault of Times 1
// fails exactly one call, whichever goroutine makes it.
func TestInjectFaultWhileCallsAreInFlight(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 1})
	require.NoError(t, err)
	var failed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if testsync.Closed(stop) {
					return
				}
				if _, err := e.DescribeStreamSummary(ctx, &DescribeStreamSummaryInput{StreamName: "s"}); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	const faults = 200
	for range faults {
		e.InjectFault(Fault{Operation: "DescribeStreamSummary", Times: 1, Err: ErrLimitExceeded})
		for failed.Load() == 0 {
			runtime.Gosched()
		}
		failed.Add(-1)
	}
	close(stop)
	wg.Wait()
	require.Zero(t, failed.Load(), "more calls failed than faults were injected")
}

// A fault injected by stream name matches the calls on that stream however
// they address it: by name, by stream ARN, by consumer or resource ARN, or
// through a shard iterator. It fires before validation, so even a call
// that would be refused sees it.
func TestFaultByStreamNameMatchesEveryAddressing(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	_, err := e.CreateStream(ctx, &CreateStreamInput{StreamName: "s", ShardCount: 1})
	require.NoError(t, err)
	sum, err := e.DescribeStreamSummary(ctx, &DescribeStreamSummaryInput{StreamName: "s"})
	require.NoError(t, err)
	arn := sum.StreamDescriptionSummary.StreamARN
	reg, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arn, ConsumerName: "c"})
	require.NoError(t, err)
	it, err := e.GetShardIterator(ctx, &GetShardIteratorInput{StreamARN: arn, ShardId: "shardId-000000000000", ShardIteratorType: TrimHorizon})
	require.NoError(t, err)

	remove := e.InjectFault(Fault{StreamName: "s", Err: ErrLimitExceeded})
	defer remove()
	calls := map[string]func() error{
		"DescribeStreamSummary by ARN": func() error {
			_, err := e.DescribeStreamSummary(ctx, &DescribeStreamSummaryInput{StreamARN: arn})
			return err
		},
		"PutRecord by ARN": func() error {
			_, err := e.PutRecord(ctx, &PutRecordInput{StreamARN: arn, PartitionKey: "k", Data: []byte("x")})
			return err
		},
		"DescribeStreamConsumer by consumer ARN": func() error {
			_, err := e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{ConsumerARN: reg.Consumer.ConsumerARN})
			return err
		},
		"ListTagsForResource by resource ARN": func() error {
			_, err := e.ListTagsForResource(ctx, &ListTagsForResourceInput{ResourceARN: arn})
			return err
		},
		"GetRecords by iterator": func() error {
			_, err := e.GetRecords(ctx, &GetRecordsInput{ShardIterator: it.ShardIterator})
			return err
		},
		"IncreaseStreamRetentionPeriod, invalid hours": func() error {
			_, err := e.IncreaseStreamRetentionPeriod(ctx, &IncreaseStreamRetentionPeriodInput{StreamARN: arn, RetentionPeriodHours: 1})
			return err
		},
	}
	for name, call := range calls {
		assert.ErrorIs(t, call(), ErrLimitExceeded, name)
	}
	_, err = e.ListStreams(ctx, nil)
	assert.NoError(t, err, "a call on no stream does not match a stream's fault")
}

// A typo in an operation name never matches a call, silently; InjectFault
// refuses it instead.
func TestInjectFaultRejectsUnknownOperations(t *testing.T) {
	e := newTestEngine(t)
	assert.PanicsWithValue(t, `freshet: InjectFault: "PutRecords " is not an operation of the Kinesis API (see Operations)`, func() {
		e.InjectFault(Fault{Operation: "PutRecords ", Err: ErrLimitExceeded})
	})
	assert.NotPanics(t, func() { e.InjectFault(Fault{Operation: OpPutRecords, Err: ErrLimitExceeded})() })
	assert.NotPanics(t, func() { e.InjectFault(Fault{Err: ErrLimitExceeded})() }, "empty matches every operation")
}
