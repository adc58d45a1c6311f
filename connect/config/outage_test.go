package config_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect/internal/conntest"
	"github.com/freshet-io/freshet/internal/testserver"
	"github.com/freshet-io/freshet/internal/testsync"
)

// emitRetried is what the pipeline logs when an emit failed and is
// retried after a pause.
const emitRetried = "connect: emit failed, retrying"

// data is record i of the outage tests: a JSON object (unlike order, whose
// record 50 would block the shard under the default policy).
func data(i int) []byte { return fmt.Appendf(nil, `{"id": %d, "name": "order %d"}`, i, i) }

// TestPostgresOutageThroughThePipeline stops PostgreSQL (immediate mode,
// like a crash) while a connector loads into it, with records still
// arriving, and starts it again: the pipeline retries the failed flushes
// with backoff, resumes when PostgreSQL is back, and every record is in
// the table exactly once.
func TestPostgresOutageThroughThePipeline(t *testing.T) {
	pg, pool := conntest.Postgres(t, `CREATE TABLE orders (id bigint NOT NULL, label text)`)
	ctx := context.Background()
	srv := newSource(t, "orders", 2)
	stop, logs := startLogged(t, fmt.Sprintf(`{
		"source": %s,
		"buffer": {"max_records": 20, "max_age": "50ms"},
		"retry": {"first": "10ms", "max": "200ms"},
		"emitter": {"type": "postgres", "postgres": {"connection": %q, "table": "orders",
			"columns": ["id", "label"], "fields": {"label": "name"}}}
	}`, sourceJSON(srv, "orders", "w1"), pg.ConnString))
	// count is -1 while PostgreSQL does not answer.
	count := func() int {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM orders`).Scan(&n); err != nil {
			return -1
		}
		return n
	}

	conntest.PutData(t, srv.Engine, "orders", 0, 300, data)
	testsync.WaitFor(t, "some rows", func() bool { return count() >= 100 })
	pg.Stop()
	conntest.PutData(t, srv.Engine, "orders", 300, 600, data)
	testsync.WaitFor(t, "emits failing", func() bool { return strings.Contains(logs.String(), emitRetried) })
	pg.Start()
	testsync.WaitFor(t, "every row", func() bool { return count() >= 600 })
	stop()

	rows, err := pool.Query(ctx, `SELECT id, count(*) FROM orders GROUP BY id`)
	require.NoError(t, err)
	defer rows.Close()
	seen := make(map[int]int)
	for rows.Next() {
		var id, n int
		require.NoError(t, rows.Scan(&id, &n))
		seen[id] = n
	}
	require.NoError(t, rows.Err())
	require.Len(t, seen, 600)
	for i := range 600 {
		assert.Equal(t, 1, seen[i], "record %d must be in the table exactly once", i)
	}
}

// TestDynaliteOutageThroughThePipeline stops DynamoDB (dynalite) while a
// connector writes into it, with records still arriving, and starts it
// again: the pipeline retries the failed flushes with backoff, resumes
// when DynamoDB is back, and every record is an item (puts of the same
// item are idempotent, so a retried batch leaves no duplicate).
func TestDynaliteOutageThroughThePipeline(t *testing.T) {
	d := testserver.StartDynalite(t)
	client := conntest.DynamoDB(t, d.URL)
	conntest.CreateTable(t, client, "orders", types.ScalarAttributeTypeN)
	srv := newSource(t, "orders", 2)
	stop, logs := startLogged(t, fmt.Sprintf(`{
		"source": %s,
		"buffer": {"max_records": 20, "max_age": "50ms"},
		"retry": {"first": "10ms", "max": "200ms"},
		"emitter": {"type": "dynamodb", "dynamodb": {"table": "orders", "endpoint": %q}}
	}`, sourceJSON(srv, "orders", "w1"), d.URL))
	// scan returns the items by id, or nil while dynalite does not answer.
	scan := func() map[string]map[string]types.AttributeValue {
		items, err := scanOrders(client, func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
		if err != nil {
			return nil
		}
		return items
	}
	conntest.PutData(t, srv.Engine, "orders", 0, 300, data)
	testsync.WaitFor(t, "some items", func() bool { return len(scan()) >= 100 })
	d.Stop()
	conntest.PutData(t, srv.Engine, "orders", 300, 600, data)
	testsync.WaitFor(t, "emits failing", func() bool { return strings.Contains(logs.String(), emitRetried) })
	d.Start()
	testsync.WaitFor(t, "every item", func() bool { return len(scan()) == 600 })
	stop()

	items := scan()
	require.Len(t, items, 600)
	for i := range 600 {
		it := items[strconv.Itoa(i)]
		require.NotNil(t, it, "record %d", i)
		assert.Equal(t, &types.AttributeValueMemberS{Value: "order " + strconv.Itoa(i)}, it["name"])
	}
}
