package dynamosink_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/freshet-io/freshet/internal/leakcheck"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/dynamosink"
	"github.com/freshet-io/freshet/connect/internal/conntest"
	"github.com/freshet-io/freshet/internal/testserver"
)

func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}

// newClient returns a DynamoDB client for endpoint that tries each call
// twice at most.
func newClient(t testing.TB, endpoint string) *dynamodb.Client {
	return conntest.DynamoDB(t, endpoint, func(o *dynamodb.Options) { o.RetryMaxAttempts = 2 })
}

// createTable creates a table with the string partition key "id".
func createTable(t testing.TB, c *dynamodb.Client, name string) {
	t.Helper()
	conntest.CreateTable(t, c, name, types.ScalarAttributeTypeS)
}

func item(id string, n int) dynamosink.Item {
	return dynamosink.Item{
		"id": &types.AttributeValueMemberS{Value: id},
		"n":  &types.AttributeValueMemberN{Value: strconv.Itoa(n)},
	}
}

// batch holds records from..to-1 of a shard, record n with the item of id
// "k<n>".
func batch(from, to int) *connect.Batch[dynamosink.Item] {
	b := &connect.Batch[dynamosink.Item]{StreamName: "s", ShardID: "shardId-0"}
	for n := from; n < to; n++ {
		b.Entries = append(b.Entries, connect.Entry[dynamosink.Item]{
			Item:           item(fmt.Sprintf("k%d", n), n),
			ShardID:        "shardId-0",
			SequenceNumber: connect.NewSequenceNumber(fmt.Sprintf("4959%052d", n)),
			ArrivalTime:    time.Unix(1700000000, 0),
		})
	}
	return b
}

// scan returns the table's items as id -> n.
func scan(t testing.TB, c *dynamodb.Client, table string) map[string]int {
	t.Helper()
	out := map[string]int{}
	p := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: aws.String(table)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		require.NoError(t, err)
		for _, it := range page.Items {
			n, err := strconv.Atoi(it["n"].(*types.AttributeValueMemberN).Value)
			require.NoError(t, err)
			id := it["id"].(*types.AttributeValueMemberS).Value
			_, dup := out[id]
			require.False(t, dup, "id %s twice", id)
			out[id] = n
		}
	}
	return out
}

// want is what the table holds after records from..to-1 were written.
func want(from, to int) map[string]int {
	m := map[string]int{}
	for n := from; n < to; n++ {
		m[fmt.Sprintf("k%d", n)] = n
	}
	return m
}

// throttler stands between the client and dynalite and answers part of
// each BatchWriteItem as UnprocessedItems, as DynamoDB does when it
// throttles: those items are not written (dynalite never throttles).
type throttler struct {
	target string
	tr     *http.Transport
	// unprocessed decides, for the id of an item about to be written,
	// whether to leave it unprocessed.
	unprocessed func(id string) bool

	mu       sync.Mutex
	requests int
}

func startThrottler(t testing.TB, target string, unprocessed func(id string) bool) (*throttler, string) {
	th := &throttler{target: target, unprocessed: unprocessed, tr: &http.Transport{}}
	srv := httptest.NewServer(th)
	t.Cleanup(srv.Close)
	t.Cleanup(th.tr.CloseIdleConnections)
	return th, srv.URL
}

func (th *throttler) Requests() int {
	th.mu.Lock()
	defer th.mu.Unlock()
	return th.requests
}

type batchWrite struct {
	RequestItems     map[string][]json.RawMessage `json:"RequestItems,omitempty"`
	UnprocessedItems map[string][]json.RawMessage `json:"UnprocessedItems,omitempty"`
}

func (th *throttler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var unprocessed map[string][]json.RawMessage
	if r.Header.Get("X-Amz-Target") == "DynamoDB_20120810.BatchWriteItem" {
		th.mu.Lock()
		th.requests++
		th.mu.Unlock()
		var in batchWrite
		if err := json.Unmarshal(body, &in); err == nil {
			unprocessed = map[string][]json.RawMessage{}
			keep := map[string][]json.RawMessage{}
			for table, reqs := range in.RequestItems {
				for _, req := range reqs {
					var put struct {
						PutRequest struct {
							Item struct {
								ID struct{ S string } `json:"id"`
							}
						}
					}
					_ = json.Unmarshal(req, &put)
					if th.unprocessed(put.PutRequest.Item.ID.S) {
						unprocessed[table] = append(unprocessed[table], req)
					} else {
						keep[table] = append(keep[table], req)
					}
				}
			}
			if len(keep) == 0 {
				w.Header().Set("Content-Type", "application/x-amz-json-1.0")
				json.NewEncoder(w).Encode(batchWrite{UnprocessedItems: unprocessed})
				return
			}
			body, _ = json.Marshal(batchWrite{RequestItems: keep})
		}
	}
	req, _ := http.NewRequestWithContext(r.Context(), r.Method, th.target+r.URL.Path, bytes.NewReader(body))
	for k, v := range r.Header {
		if k != "Content-Length" {
			req.Header[k] = v
		}
	}
	resp, err := th.tr.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if len(unprocessed) > 0 && resp.StatusCode == http.StatusOK {
		var res batchWrite
		if json.Unmarshal(out, &res) == nil {
			if res.UnprocessedItems == nil {
				res.UnprocessedItems = map[string][]json.RawMessage{}
			}
			for table, reqs := range unprocessed {
				res.UnprocessedItems[table] = append(res.UnprocessedItems[table], reqs...)
			}
			out, _ = json.Marshal(res)
		}
	}
	for k, v := range resp.Header {
		if k != "Content-Length" && k != "X-Amz-Crc32" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(out)
}

// startDynalite starts dynalite with a table "events" and returns it with a
// client.
func startDynalite(t testing.TB) (*testserver.Dynalite, *dynamodb.Client) {
	d := testserver.StartDynalite(t)
	c := newClient(t, d.URL)
	createTable(t, c, "events")
	return d, c
}
