package config_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect/internal/conntest"
	"github.com/freshet-io/freshet/internal/testserver"
	"github.com/freshet-io/freshet/internal/testsync"
)

// TestTwoConnectorsSharePostgresLeases runs two connectors, as two
// processes would, with one PostgreSQL lease table: the second takes over
// part of the shards from the first, and every record lands in S3, none
// missing and none in two objects (an object written again under its key
// is an overwrite, not a duplicate).
func TestTwoConnectorsSharePostgresLeases(t *testing.T) {
	pg := testserver.StartPostgres(t)
	srv := newSource(t, "orders", 4)
	s := conntest.NewS3(t, "lake")
	cfg := func(worker string) string {
		return fmt.Sprintf(`{
			"source": %s,
			"lease_store": {"type": "postgres", "connection": %q, "table": "connector_leases"},
			"buffer": {"max_records": 40, "max_age": "30ms"},
			"emitter": {"type": "s3", "s3": {"bucket": "lake", "prefix": "orders/", "endpoint": %q, "path_style": true}}
		}`, sourceJSON(srv, "orders", worker), pg.ConnString, s.URL)
	}
	lines := func() map[string]int { return conntest.Lines(s.Objects(t, "lake")) }
	landed := func(n int) func() bool {
		return func() bool { return len(lines()) == n }
	}
	stopA := start(t, cfg("a"))
	conntest.Put(t, srv.Engine, "orders", 0, 1000)
	testsync.WaitFor(t, "the first records", landed(1000))
	stopB := start(t, cfg("b"))

	pool := conntest.Pool(t, pg.ConnString)
	owners := func() map[string]int {
		rows, err := pool.Query(context.Background(), `SELECT lease_owner, count(*) FROM connector_leases GROUP BY 1`)
		require.NoError(t, err)
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var o *string
			var n int
			require.NoError(t, rows.Scan(&o, &n))
			if o != nil {
				out[*o] = n
			}
		}
		require.NoError(t, rows.Err())
		return out
	}
	testsync.WaitFor(t, "the shards divided between the connectors", func() bool {
		o := owners()
		return o["a"] == 2 && o["b"] == 2
	})
	for i := 1000; i < 3000; i += 250 {
		conntest.Put(t, srv.Engine, "orders", i, i+250)
		time.Sleep(10 * time.Millisecond)
	}
	testsync.WaitFor(t, "all the records", landed(3000))
	stopA()
	stopB()
	got := lines()
	require.Len(t, got, 3000)
	for i := range 3000 {
		require.Equal(t, 1, got[strconv.Itoa(i)], "record %d", i)
	}
}

// TestDynamoDBLeaseStore runs a connector with its leases in DynamoDB
// (the KCL's lease table, created by the store), stops it, and starts it
// again: the second run resumes at the checkpoints.
func TestDynamoDBLeaseStore(t *testing.T) {
	d := testserver.StartDynalite(t)
	srv := newSource(t, "orders", 2)
	s := conntest.NewS3(t, "lake")
	cfg := fmt.Sprintf(`{
		"source": %s,
		"lease_store": {"type": "dynamodb", "table": "connector", "endpoint": %q},
		"buffer": {"max_records": 40, "max_age": "30ms"},
		"emitter": {"type": "s3", "s3": {"bucket": "lake", "prefix": "orders/", "endpoint": %q, "path_style": true}}
	}`, sourceJSON(srv, "orders", "a"), d.URL, s.URL)
	puts := func() int {
		var n int
		for _, c := range s.Puts() {
			n += c
		}
		return n
	}
	stop := start(t, cfg)
	conntest.Put(t, srv.Engine, "orders", 0, 500)
	testsync.WaitFor(t, "the records", func() bool { return len(conntest.Lines(s.Objects(t, "lake"))) == 500 })
	stop()
	before := puts()

	client := conntest.DynamoDB(t, d.URL)
	out, err := client.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String("connector")})
	require.NoError(t, err)
	require.Len(t, out.Items, 2, "one lease per shard")
	for _, it := range out.Items {
		cp := it["checkpoint"].(*types.AttributeValueMemberS).Value
		assert.NotEqual(t, "TRIM_HORIZON", cp, "checkpointed at a record")
	}

	stop = start(t, cfg)
	conntest.Put(t, srv.Engine, "orders", 500, 600)
	testsync.WaitFor(t, "the new records", func() bool { return len(conntest.Lines(s.Objects(t, "lake"))) == 600 })
	stop()
	got := conntest.Lines(s.Objects(t, "lake"))
	for i := range 600 {
		require.Equal(t, 1, got[strconv.Itoa(i)], "record %d", i)
	}
	for k, n := range s.Puts() {
		require.Equal(t, 1, n, "object %s written twice: the second run did not resume at the checkpoints", k)
	}
	assert.Greater(t, puts(), before)
}
