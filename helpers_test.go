package freshet

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/internal/constraint"
)

// Shared helpers of the package's tests. Each keeps a test to one line.

// testEpoch is where the ManualClocks of the tests start.
var testEpoch = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// testAccount is the engine's default account, as messages print it.
const testAccount = "000000000000"

// newTestEngine returns an engine closed when the test ends.
func newTestEngine(t testing.TB, opts ...Option) *Engine {
	t.Helper()
	e := New(opts...)
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// newClockEngine returns an engine on a ManualClock at testEpoch, with the
// background retention sweep off so that only the test moves state.
func newClockEngine(t testing.TB, opts ...Option) (*Engine, *ManualClock) {
	t.Helper()
	clk := NewManualClock(testEpoch)
	all := append([]Option{WithClock(clk), WithRetentionSweep(0)}, opts...)
	return newTestEngine(t, all...), clk
}

// mustCreate creates a PROVISIONED stream with the given number of shards.
func mustCreate(t testing.TB, e *Engine, name string, shards int) {
	t.Helper()
	_, err := e.CreateStream(context.Background(), &CreateStreamInput{StreamName: name, ShardCount: shards})
	require.NoError(t, err)
}

// requireKinesisError checks that err is the Kinesis error want (matched by
// errors.Is with a sentinel), that it is an *Error, and that its message is
// exactly message.
func requireKinesisError(t testing.TB, err error, want *Error, message string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, want, "error code")
	var kerr *Error
	require.True(t, errors.As(err, &kerr), "errors.As(*Error) on %T", err)
	require.Equal(t, want.Code, kerr.Code)
	require.Equal(t, message, kerr.Message)
}

// validationMessage renders a ValidationException message listing (and
// counting) at most the first ten entries.
func validationMessage(entries ...string) string {
	if len(entries) > constraint.MaxListed {
		entries = entries[:constraint.MaxListed]
	}
	head := "1 validation error detected: "
	if n := len(entries); n != 1 {
		head = itoa(n) + " validation errors detected: "
	}
	return head + strings.Join(entries, "; ")
}

// mustDescribe returns a stream's description, failing the test on error.
func mustDescribe(t testing.TB, e *Engine, name string) StreamDescription {
	t.Helper()
	out, err := e.DescribeStream(context.Background(), &DescribeStreamInput{StreamName: name})
	require.NoError(t, err)
	return out.StreamDescription
}

// mustSummary returns a stream's summary, failing the test on error.
func mustSummary(t testing.TB, e *Engine, name string) StreamDescriptionSummary {
	t.Helper()
	out, err := e.DescribeStreamSummary(context.Background(), &DescribeStreamSummaryInput{StreamName: name})
	require.NoError(t, err)
	return out.StreamDescriptionSummary
}

// shardIDsOf lists the ids of shards.
func shardIDsOf(shards []Shard) []string {
	ids := make([]string, len(shards))
	for i, s := range shards {
		ids[i] = s.ShardId
	}
	return ids
}

// wantIDs returns shard ids for indices, "shardId-%012d".
func wantIDs(indices ...int) []string {
	out := make([]string, len(indices))
	for i, n := range indices {
		out[i] = shardID(n)
	}
	return out
}

// arnOf returns the ARN the default engine gives stream name.
func arnOf(name string) string {
	return "arn:aws:kinesis:us-east-1:" + testAccount + ":stream/" + name
}

// streamNotFoundMsg is the ResourceNotFoundException message of a missing stream.
func streamNotFoundMsg(name string) string {
	return "Stream " + name + " under account " + testAccount + " not found."
}

// notActiveMsg is the ResourceInUseException message of a stream not ACTIVE.
func notActiveMsg(name string, s StreamStatus) string {
	return "Stream " + name + " under account " + testAccount + " not ACTIVE, instead in state " + string(s)
}

func itoa(n int) string { return strconv.Itoa(n) }
