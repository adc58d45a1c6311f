package kinesistest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/freshet-io/freshet/internal/leakcheck"

	"github.com/freshet-io/freshet/kinesistest"
)

// TestMain fails the run if a test leaves a goroutine behind: a server, an
// SDK event stream reader or an HTTP connection.
func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}

// recorder is an http.RoundTripper that notes the operation (X-Amz-Target)
// and response status of every request the SDK sends.
type recorder struct {
	next http.RoundTripper

	mu    sync.Mutex
	calls []call
}

type call struct {
	op     string
	status int
	proto  string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	op := strings.TrimPrefix(req.Header.Get("X-Amz-Target"), "Kinesis_20131202.")
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.calls = append(r.calls, call{op: op, status: resp.StatusCode, proto: resp.Proto})
	r.mu.Unlock()
	return resp, nil
}

// succeeded returns the set of operations answered with 200.
func (r *recorder) succeeded() map[string]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	ok := make(map[string]bool)
	for _, c := range r.calls {
		if c.status == http.StatusOK {
			ok[c.op] = true
		}
	}
	return ok
}

// count returns how many calls of op were answered with status.
func (r *recorder) count(op string, status int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		if c.op == op && c.status == status {
			n++
		}
	}
	return n
}

// newClient returns an SDK client for srv, configured as the package
// documentation says, with every request recorded by the returned recorder.
func newClient(srv *kinesistest.Server, optFns ...func(*kinesis.Options)) (*kinesis.Client, *recorder) {
	return newClientOver(srv, srv.Client(), optFns...)
}

// newClientOver is newClient sending its requests through hc.
func newClientOver(srv *kinesistest.Server, hc *http.Client, optFns ...func(*kinesis.Options)) (*kinesis.Client, *recorder) {
	rec := &recorder{next: hc.Transport}
	client := kinesis.New(kinesis.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       srv.Engine.Region(),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		HTTPClient:   &http.Client{Transport: rec},
	}, optFns...)
	return client, rec
}

// noRetries turns the SDK's retryer off, so throttling surfaces at once.
func noRetries(o *kinesis.Options) { o.Retryer = aws.NopRetryer{} }

// testContext returns a context that ends with the test or after a minute.
func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// createStream creates a provisioned stream through the SDK and returns its
// ARN.
func createStream(t testing.TB, c *kinesis.Client, name string, shards int32) string {
	t.Helper()
	ctx := testContext(t)
	_, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{
		StreamName: aws.String(name),
		ShardCount: aws.Int32(shards),
	})
	require.NoError(t, err, "CreateStream(%s)", name)
	out, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	require.NoError(t, err, "DescribeStreamSummary(%s)", name)
	return aws.ToString(out.StreamDescriptionSummary.StreamARN)
}

// putRecords writes n records with data prefix-0, prefix-1, ... and
// partition keys pk-0, pk-1, ... through PutRecords.
func putRecords(t testing.TB, c *kinesis.Client, stream, prefix string, n int) {
	t.Helper()
	entries := make([]types.PutRecordsRequestEntry, n)
	for i := range entries {
		entries[i] = types.PutRecordsRequestEntry{
			Data:         fmt.Appendf(nil, "%s-%d", prefix, i),
			PartitionKey: aws.String(fmt.Sprintf("pk-%d", i)),
		}
	}
	out, err := c.PutRecords(testContext(t), &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: entries})
	require.NoError(t, err, "PutRecords")
	require.Zero(t, aws.ToInt32(out.FailedRecordCount), "PutRecords: records failed")
}

// readShard reads a shard from TRIM_HORIZON to its current end through
// GetRecords and returns the data of its records and the last response.
// On a closed shard it reads until NextShardIterator is nil.
func readShard(t testing.TB, c *kinesis.Client, stream, shardID string) ([]string, *kinesis.GetRecordsOutput) {
	t.Helper()
	ctx := testContext(t)
	it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
		StreamName:        aws.String(stream),
		ShardId:           aws.String(shardID),
		ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
	})
	require.NoError(t, err, "GetShardIterator(%s)", shardID)
	var data []string
	iter := it.ShardIterator
	for i := 0; ; i++ {
		require.Less(t, i, 100, "shard %s: no end after 100 GetRecords", shardID)
		out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
		require.NoError(t, err, "GetRecords(%s)", shardID)
		for _, r := range out.Records {
			data = append(data, string(r.Data))
		}
		if out.NextShardIterator == nil || (len(out.Records) == 0 && aws.ToInt64(out.MillisBehindLatest) == 0) {
			return data, out
		}
		iter = out.NextShardIterator
	}
}

// errorCode returns the error code of err as the SDK reports it.
func errorCode(err error) string {
	var apiErr interface{ ErrorCode() string }
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}
