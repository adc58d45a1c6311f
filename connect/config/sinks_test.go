package config_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect/internal/conntest"
	"github.com/freshet-io/freshet/connect/internal/searchtest"
	"github.com/freshet-io/freshet/internal/testserver"
	"github.com/freshet-io/freshet/internal/testsync"
)

// order is record i of the emitter tests: a JSON object, except record 50,
// which is an array and fails the transform (the policy drops it).
func order(i int) []byte {
	if i == 50 {
		return []byte(`[50]`)
	}
	return fmt.Appendf(nil, `{"id": %d, "name": "order %d", "at": "2024-01-02T03:04:%02dZ", "total": %d.25, "paid": %t, "tags": {"n": [%d]}}`,
		i, i, i%60, i, i%2 == 0, i)
}

func TestRunIntoPostgres(t *testing.T) {
	pg, pool := conntest.Postgres(t, `CREATE TABLE orders (id bigint NOT NULL, label text, at timestamptz, total numeric(10,2),
		paid boolean, tags jsonb, missing text)`)
	ctx := context.Background()
	srv := newSource(t, "orders", 2)
	stop := start(t, fmt.Sprintf(`{
		"source": %s,
		"buffer": {"max_records": 30, "max_age": "50ms"},
		"emitter": {"type": "postgres", "postgres": {"connection": %q, "table": "orders",
			"columns": ["id", "label", "at", "total", "paid", "tags", "missing"], "fields": {"label": "name"}}},
		"failure_policy": {"type": "drop"}
	}`, sourceJSON(srv, "orders", "w1"), pg.ConnString))
	conntest.PutData(t, srv.Engine, "orders", 0, 200, order)
	count := func() int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM orders`).Scan(&n))
		return n
	}
	testsync.WaitFor(t, "the rows", func() bool { return count() == 199 })
	stop()
	require.Equal(t, 199, count())

	rows, err := pool.Query(ctx, `SELECT id, label, at, total::text, paid, tags::text, missing IS NULL FROM orders ORDER BY id`)
	require.NoError(t, err)
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var (
			id          int
			label, tot  string
			tags        string
			at          time.Time
			paid, isnul bool
		)
		require.NoError(t, rows.Scan(&id, &label, &at, &tot, &paid, &tags, &isnul))
		ids = append(ids, id)
		assert.Equal(t, "order "+strconv.Itoa(id), label)
		assert.True(t, at.Equal(time.Date(2024, 1, 2, 3, 4, id%60, 0, time.UTC)), "at %v", at)
		assert.Equal(t, strconv.Itoa(id)+".25", tot)
		assert.Equal(t, id%2 == 0, paid)
		assert.JSONEq(t, fmt.Sprintf(`{"n": [%d]}`, id), tags)
		assert.True(t, isnul)
	}
	require.NoError(t, rows.Err())
	var want []int
	for i := range 200 {
		if i != 50 {
			want = append(want, i)
		}
	}
	assert.Equal(t, want, ids, "each record once, the array dropped")
}

func TestRunIntoDynamoDB(t *testing.T) {
	d := testserver.StartDynalite(t)
	client := conntest.DynamoDB(t, d.URL)
	conntest.CreateTable(t, client, "orders", types.ScalarAttributeTypeN)
	srv := newSource(t, "orders", 2)
	stop := start(t, fmt.Sprintf(`{
		"source": %s,
		"buffer": {"max_records": 30, "max_age": "50ms"},
		"emitter": {"type": "dynamodb", "dynamodb": {"table": "orders", "endpoint": %q}},
		"failure_policy": {"type": "drop"}
	}`, sourceJSON(srv, "orders", "w1"), d.URL))
	conntest.PutData(t, srv.Engine, "orders", 0, 200, order)
	scan := func() map[string]map[string]types.AttributeValue {
		items, err := scanOrders(client)
		require.NoError(t, err)
		return items
	}
	testsync.WaitFor(t, "the items", func() bool { return len(scan()) == 199 })
	stop()
	items := scan()
	require.Len(t, items, 199)
	assert.NotContains(t, items, "50")
	for i := range 200 {
		if i == 50 {
			continue
		}
		it := items[strconv.Itoa(i)]
		require.NotNil(t, it, "record %d", i)
		assert.Equal(t, &types.AttributeValueMemberS{Value: "order " + strconv.Itoa(i)}, it["name"])
		assert.Equal(t, &types.AttributeValueMemberN{Value: strconv.Itoa(i) + ".25"}, it["total"])
		assert.Equal(t, &types.AttributeValueMemberBOOL{Value: i%2 == 0}, it["paid"])
		assert.Equal(t, &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"n": &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberN{Value: strconv.Itoa(i)}}},
		}}, it["tags"])
	}
}

func TestRunIntoOpenSearch(t *testing.T) {
	s := searchtest.New()
	t.Cleanup(s.Close)
	srv := newSource(t, "orders", 2)
	stop := start(t, fmt.Sprintf(`{
		"source": %s,
		"buffer": {"max_records": 30, "max_age": "50ms"},
		"transform": "envelope",
		"emitter": {"type": "opensearch", "opensearch": {"addresses": [%q], "index": "orders", "rotation": "day", "action": "create"}},
		"failure_policy": {"type": "drop"}
	}`, sourceJSON(srv, "orders", "w1"), s.URL))
	put := conntest.PutData(t, srv.Engine, "orders", 0, 200, order)
	index := "orders-" + time.Now().UTC().Format("2006-01-02")
	total := func() int {
		var n int
		for _, ix := range s.Indices() {
			n += len(s.Docs(ix))
		}
		return n
	}
	testsync.WaitFor(t, "the documents", func() bool { return total() == 200 })
	stop()
	if len(s.Indices()) != 1 { // the test ran across midnight UTC
		t.Logf("indices %v", s.Indices())
		return
	}
	require.Equal(t, []string{index}, s.Indices())
	docs := s.Docs(index)
	require.Len(t, docs, 200)
	for i, r := range put {
		id := r.ShardId + "-" + r.SequenceNumber.String() + "-0"
		require.Contains(t, docs, id, "record %d", i)
		var env struct {
			SequenceNumber string          `json:"sequenceNumber"`
			Data           json.RawMessage `json:"data"`
		}
		require.NoError(t, json.Unmarshal(docs[id], &env))
		assert.Equal(t, r.SequenceNumber.String(), env.SequenceNumber)
		assert.JSONEq(t, string(order(i)), string(env.Data))
	}
}
