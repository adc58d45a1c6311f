package freshet

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func registerConsumer(t *testing.T, e *Engine, stream, name string) Consumer {
	t.Helper()
	out, err := e.RegisterStreamConsumer(context.Background(), &RegisterStreamConsumerInput{StreamARN: arnOf(stream), ConsumerName: name})
	require.NoError(t, err)
	return out.Consumer
}

func TestRegisterStreamConsumerLifecycle(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t, WithStateDelays(StateDelays{Consumer: 5 * time.Second}))
	mustCreate(t, e, "orders", 1)
	clk.Advance(1500 * time.Millisecond)
	now := clk.Now()

	c := registerConsumer(t, e, "orders", "app-1")
	wantARN := arnOf("orders") + "/consumer/app-1:" + strconv.FormatInt(now.Unix(), 10)
	require.Equal(t, Consumer{
		ConsumerName:              "app-1",
		ConsumerARN:               wantARN,
		ConsumerStatus:            ConsumerStatusCreating,
		ConsumerCreationTimestamp: now,
	}, c)
	require.Equal(t, "arn:aws:kinesis:us-east-1:000000000000:stream/orders/consumer/app-1:1741944414", wantARN)

	describe := func(in *DescribeStreamConsumerInput) ConsumerDescription {
		t.Helper()
		out, err := e.DescribeStreamConsumer(ctx, in)
		require.NoError(t, err)
		return out.ConsumerDescription
	}
	want := ConsumerDescription{
		ConsumerName: "app-1", ConsumerARN: wantARN, ConsumerStatus: ConsumerStatusCreating,
		ConsumerCreationTimestamp: now, StreamARN: arnOf("orders"),
	}
	require.Equal(t, want, describe(&DescribeStreamConsumerInput{ConsumerARN: wantARN}))
	require.Equal(t, want, describe(&DescribeStreamConsumerInput{StreamARN: arnOf("orders"), ConsumerName: "app-1"}))
	require.Equal(t, want, describe(&DescribeStreamConsumerInput{StreamARN: arnOf("orders"), ConsumerName: "app-1", ConsumerARN: wantARN}))

	clk.Advance(4 * time.Second)
	require.Equal(t, ConsumerStatusCreating, describe(&DescribeStreamConsumerInput{ConsumerARN: wantARN}).ConsumerStatus)
	clk.Advance(time.Second)
	want.ConsumerStatus = ConsumerStatusActive
	require.Equal(t, want, describe(&DescribeStreamConsumerInput{ConsumerARN: wantARN}))

	// Deregistering: DELETING for the delay, then gone.
	_, err := e.DeregisterStreamConsumer(ctx, &DeregisterStreamConsumerInput{StreamARN: arnOf("orders"), ConsumerName: "app-1"})
	require.NoError(t, err)
	require.Equal(t, ConsumerStatusDeleting, describe(&DescribeStreamConsumerInput{ConsumerARN: wantARN}).ConsumerStatus)
	list, err := e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("orders")})
	require.NoError(t, err)
	require.Len(t, list.Consumers, 1)
	require.Equal(t, ConsumerStatusDeleting, list.Consumers[0].ConsumerStatus)
	_, err = e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("orders"), ConsumerName: "app-1"})
	requireKinesisError(t, err, ErrResourceInUse, "Consumer app-1 under stream orders under account 000000000000 already exists.")

	clk.Advance(5 * time.Second)
	_, err = e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{ConsumerARN: wantARN})
	requireKinesisError(t, err, ErrResourceNotFound, "Consumer "+wantARN+" not found.")
	_, err = e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{StreamARN: arnOf("orders"), ConsumerName: "app-1"})
	requireKinesisError(t, err, ErrResourceNotFound, "Consumer app-1 under stream orders under account 000000000000 not found.")
	list, err = e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("orders")})
	require.NoError(t, err)
	require.Empty(t, list.Consumers)
	require.Equal(t, 0, mustSummary(t, e, "orders").ConsumerCount)

	// Registering the name again gives a new ARN; the old one stays dead.
	clk.Advance(time.Minute)
	again := registerConsumer(t, e, "orders", "app-1")
	require.NotEqual(t, wantARN, again.ConsumerARN)
	_, err = e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{ConsumerARN: wantARN})
	requireKinesisError(t, err, ErrResourceNotFound, "Consumer "+wantARN+" not found.")
	_, err = e.DeregisterStreamConsumer(ctx, &DeregisterStreamConsumerInput{ConsumerARN: wantARN})
	requireKinesisError(t, err, ErrResourceNotFound, "Consumer "+wantARN+" not found.")
	require.Equal(t, ConsumerStatusCreating, describe(&DescribeStreamConsumerInput{ConsumerARN: again.ConsumerARN}).ConsumerStatus)
}

func TestRegisterStreamConsumerInstant(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	c := registerConsumer(t, e, "s", "app")
	require.Equal(t, ConsumerStatusCreating, c.ConsumerStatus, "RegisterStreamConsumer answers CREATING")
	out, err := e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{ConsumerARN: c.ConsumerARN})
	require.NoError(t, err)
	require.Equal(t, ConsumerStatusActive, out.ConsumerDescription.ConsumerStatus)
	require.Equal(t, 1, mustSummary(t, e, "s").ConsumerCount)
	_, err = e.DeregisterStreamConsumer(ctx, &DeregisterStreamConsumerInput{ConsumerARN: c.ConsumerARN})
	require.NoError(t, err)
	require.Equal(t, 0, mustSummary(t, e, "s").ConsumerCount)
	_, err = e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{ConsumerARN: c.ConsumerARN})
	require.ErrorIs(t, err, ErrResourceNotFound)
}

func TestRegisterStreamConsumerErrors(t *testing.T) {
	ctx := context.Background()
	e := newTestEngine(t)
	mustCreate(t, e, "s", 1)
	registerConsumer(t, e, "s", "app")
	register := func(in RegisterStreamConsumerInput) error {
		_, err := e.RegisterStreamConsumer(ctx, &in)
		return err
	}
	requireKinesisError(t, register(RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "app"}), ErrResourceInUse,
		"Consumer app under stream s under account 000000000000 already exists.")
	requireKinesisError(t, register(RegisterStreamConsumerInput{}), ErrValidation, validationMessage(
		"Value null at 'streamARN' failed to satisfy constraint: Member must not be null",
		"Value null at 'consumerName' failed to satisfy constraint: Member must not be null"))
	requireKinesisError(t, register(RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "my app"}), ErrValidation, validationMessage(
		"Value 'my app' at 'consumerName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"))
	requireKinesisError(t, register(RegisterStreamConsumerInput{StreamARN: arnOf("missing"), ConsumerName: "app"}), ErrResourceNotFound,
		streamNotFoundMsg("missing"))
	requireKinesisError(t, register(RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "x", Tags: map[string]string{"aws:k": "v"}}), ErrInvalidArgument,
		"Tag keys starting with the prefix aws: are reserved for AWS use.")
	tags := map[string]string{}
	for i := range 51 {
		tags[fmt.Sprint(i)] = "v"
	}
	requireKinesisError(t, register(RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "x", Tags: tags}), ErrInvalidArgument,
		"Failed to register consumer x because a given consumer cannot have more than 50 tags associated with it.")
	list, err := e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("s")})
	require.NoError(t, err)
	require.Len(t, list.Consumers, 1, "rejected registrations leave no consumer")

	_, err = e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{})
	requireKinesisError(t, err, ErrInvalidArgument, "Either ConsumerARN or both StreamARN and ConsumerName must be provided.")
	_, err = e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{StreamARN: arnOf("s")})
	requireKinesisError(t, err, ErrInvalidArgument, "Either ConsumerARN or both StreamARN and ConsumerName must be provided.")
	_, err = e.DeregisterStreamConsumer(ctx, &DeregisterStreamConsumerInput{ConsumerName: "app"})
	requireKinesisError(t, err, ErrInvalidArgument, "Either ConsumerARN or both StreamARN and ConsumerName must be provided.")
	arn := list.Consumers[0].ConsumerARN
	_, err = e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{ConsumerARN: arn, ConsumerName: "other"})
	requireKinesisError(t, err, ErrInvalidArgument, "ConsumerARN "+arn+" does not match the StreamARN and ConsumerName provided.")
	mustCreate(t, e, "t", 1)
	_, err = e.DeregisterStreamConsumer(ctx, &DeregisterStreamConsumerInput{ConsumerARN: arn, StreamARN: arnOf("t")})
	requireKinesisError(t, err, ErrInvalidArgument, "ConsumerARN "+arn+" does not match the StreamARN and ConsumerName provided.")
	_, err = e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{StreamARN: arnOf("t"), ConsumerName: "app"})
	requireKinesisError(t, err, ErrResourceNotFound, "Consumer app under stream t under account 000000000000 not found.")
	_, err = e.DescribeStreamConsumer(ctx, &DescribeStreamConsumerInput{ConsumerARN: "arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/app"})
	require.ErrorIs(t, err, ErrValidation, "a consumer ARN needs its :timestamp")
	require.Equal(t, 1, mustSummary(t, e, "s").ConsumerCount, "failed deregistrations keep the consumer")
}

func TestConsumerLimits(t *testing.T) {
	ctx := context.Background()
	t.Run("20 per stream", func(t *testing.T) {
		e := newTestEngine(t)
		mustCreate(t, e, "s", 1)
		for i := range 20 {
			registerConsumer(t, e, "s", fmt.Sprintf("c%02d", i))
		}
		_, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "c20"})
		requireKinesisError(t, err, ErrLimitExceeded, "Consumer limit of 20 for stream s under account 000000000000 has been reached.")
		require.Equal(t, 20, mustSummary(t, e, "s").ConsumerCount)
		// The limit is per stream.
		mustCreate(t, e, "t", 1)
		registerConsumer(t, e, "t", "c20")
		// Deregistering makes room.
		_, err = e.DeregisterStreamConsumer(ctx, &DeregisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "c07"})
		require.NoError(t, err)
		registerConsumer(t, e, "s", "c20")
	})
	t.Run("5 creating at once", func(t *testing.T) {
		e, clk := newClockEngine(t, WithStateDelays(StateDelays{Consumer: time.Second}))
		mustCreate(t, e, "s", 1)
		for i := range 5 {
			registerConsumer(t, e, "s", fmt.Sprintf("c%d", i))
		}
		_, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "c5"})
		requireKinesisError(t, err, ErrLimitExceeded, "Rate exceeded for stream s under account 000000000000: at most 5 consumers may be CREATING at once.")
		clk.Advance(time.Second)
		registerConsumer(t, e, "s", "c5")
	})
	t.Run("custom limit", func(t *testing.T) {
		e := newTestEngine(t, WithLimits(Limits{ConsumersPerStream: 2}))
		mustCreate(t, e, "s", 1)
		registerConsumer(t, e, "s", "a")
		registerConsumer(t, e, "s", "b")
		_, err := e.RegisterStreamConsumer(ctx, &RegisterStreamConsumerInput{StreamARN: arnOf("s"), ConsumerName: "c"})
		requireKinesisError(t, err, ErrLimitExceeded, "Consumer limit of 2 for stream s under account 000000000000 has been reached.")
	})
}

func TestListStreamConsumersPagination(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t)
	mustCreate(t, e, "s", 1)
	mustCreate(t, e, "t", 1)
	var want []string
	for i := 19; i >= 0; i-- { // registered out of order, listed by name
		n := fmt.Sprintf("consumer-%02d", i)
		registerConsumer(t, e, "s", n)
		want = append([]string{n}, want...)
	}
	registerConsumer(t, e, "t", "elsewhere")

	all, err := e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("s")})
	require.NoError(t, err)
	require.Empty(t, all.NextToken)
	var names []string
	for _, c := range all.Consumers {
		names = append(names, c.ConsumerName)
		require.Equal(t, ConsumerStatusActive, c.ConsumerStatus)
		require.Equal(t, arnOf("s")+"/consumer/"+c.ConsumerName+":"+strconv.FormatInt(testEpoch.Unix(), 10), c.ConsumerARN)
	}
	require.Equal(t, want, names)

	names = nil
	var sizes []int
	in := &ListStreamConsumersInput{StreamARN: arnOf("s"), MaxResults: 8}
	for {
		out, err := e.ListStreamConsumers(ctx, in)
		require.NoError(t, err)
		sizes = append(sizes, len(out.Consumers))
		for _, c := range out.Consumers {
			names = append(names, c.ConsumerName)
		}
		if out.NextToken == "" {
			break
		}
		in = &ListStreamConsumersInput{StreamARN: arnOf("s"), NextToken: out.NextToken, MaxResults: 8}
	}
	require.Equal(t, []int{8, 8, 4}, sizes)
	require.Equal(t, want, names)

	out, err := e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("s"), MaxResults: 20})
	require.NoError(t, err)
	require.Len(t, out.Consumers, 20)
	require.Empty(t, out.NextToken, "exactly MaxResults left: no token")

	first, err := e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("s"), MaxResults: 5})
	require.NoError(t, err)
	tok := first.NextToken
	_, err = e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("s"), NextToken: tok, StreamCreationTimestamp: testEpoch})
	requireKinesisError(t, err, ErrInvalidArgument, "NextToken and StreamCreationTimestamp cannot be provided together.")
	_, err = e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("t"), NextToken: tok})
	requireKinesisError(t, err, ErrInvalidArgument, "Invalid NextToken.")
	_, err = e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("s"), NextToken: tok + "x"})
	requireKinesisError(t, err, ErrInvalidArgument, "Invalid NextToken.")

	out, err = e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("s"), StreamCreationTimestamp: testEpoch})
	require.NoError(t, err)
	require.Len(t, out.Consumers, 20)
	_, err = e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("s"), StreamCreationTimestamp: testEpoch.Add(-time.Hour)})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("s"))

	clk.Advance(300 * time.Second)
	out, err = e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("s"), NextToken: tok})
	require.NoError(t, err)
	require.Equal(t, want[5], out.Consumers[0].ConsumerName)
	clk.Advance(time.Second)
	_, err = e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("s"), NextToken: tok})
	requireKinesisError(t, err, ErrExpiredNextToken, "The token has expired. NextToken was issued at Fri Mar 14 09:26:53 UTC 2025 and is only valid for 300 seconds.")

	_, err = e.ListStreamConsumers(ctx, &ListStreamConsumersInput{})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value null at 'streamARN' failed to satisfy constraint: Member must not be null"))
	_, err = e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("s"), MaxResults: 10001})
	requireKinesisError(t, err, ErrValidation, validationMessage("Value '10001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10000"))
	_, err = e.ListStreamConsumers(ctx, &ListStreamConsumersInput{StreamARN: arnOf("missing")})
	requireKinesisError(t, err, ErrResourceNotFound, streamNotFoundMsg("missing"))
}

func TestListStreamConsumersAtMost100(t *testing.T) {
	e := newTestEngine(t, WithLimits(Limits{ConsumersPerStream: 150}))
	mustCreate(t, e, "s", 1)
	for i := range 130 {
		registerConsumer(t, e, "s", fmt.Sprintf("c%03d", i))
	}
	out, err := e.ListStreamConsumers(context.Background(), &ListStreamConsumersInput{StreamARN: arnOf("s"), MaxResults: 10000})
	require.NoError(t, err)
	require.Len(t, out.Consumers, 100)
	require.NotEmpty(t, out.NextToken)
	out, err = e.ListStreamConsumers(context.Background(), &ListStreamConsumersInput{StreamARN: arnOf("s"), NextToken: out.NextToken})
	require.NoError(t, err)
	require.Len(t, out.Consumers, 30)
	require.Equal(t, "c100", out.Consumers[0].ConsumerName)
	require.Empty(t, out.NextToken)
}

func TestDeregisteredConsumerCountsUntilGone(t *testing.T) {
	ctx := context.Background()
	e, clk := newClockEngine(t, WithStateDelays(StateDelays{Consumer: 5 * time.Second}))
	mustCreate(t, e, "s", 1)
	c := registerConsumer(t, e, "s", "app")
	clk.Advance(5 * time.Second)
	_, err := e.DeregisterStreamConsumer(ctx, &DeregisterStreamConsumerInput{ConsumerARN: c.ConsumerARN})
	require.NoError(t, err)
	require.Equal(t, 1, mustSummary(t, e, "s").ConsumerCount, "DELETING still counts")
	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	requireKinesisError(t, err, ErrResourceInUse, "Stream s under account 000000000000 has registered consumers.")

	clk.Advance(5 * time.Second)
	// Nothing has looked at the consumers since: the summary and DeleteStream
	// must still see that the deregistration completed.
	require.Equal(t, 0, mustSummary(t, e, "s").ConsumerCount)
	_, err = e.DeleteStream(ctx, &DeleteStreamInput{StreamName: "s"})
	require.NoError(t, err)
}
