package searchsink_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/freshet-io/freshet/internal/leakcheck"
	"github.com/opensearch-project/opensearch-go/v4"
	"github.com/opensearch-project/opensearch-go/v4/opensearchapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/internal/searchtest"
	"github.com/freshet-io/freshet/connect/searchsink"
)

func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}

var base = time.Date(2024, 3, 9, 22, 30, 0, 0, time.UTC)

// start returns a test server and the official client for it.
func start(t testing.TB) (*searchtest.Server, *opensearchapi.Client) {
	s := searchtest.New()
	t.Cleanup(s.Close)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := opensearchapi.NewClient(opensearchapi.Config{Client: opensearch.Config{
		Addresses: []string{s.URL}, Transport: tr}})
	require.NoError(t, err)
	return s, c
}

func newEmitter(t testing.TB, c *opensearchapi.Client, cfg searchsink.Config) *searchsink.Emitter {
	if cfg.Index == "" {
		cfg.Index = "events"
	}
	if cfg.InitialBackoff == 0 {
		cfg.InitialBackoff = time.Millisecond
	}
	e, err := searchsink.New(c, cfg)
	require.NoError(t, err)
	return e
}

// batch holds records from..to-1 of a shard, one a minute from base.
func batch(shard string, from, to int) *connect.Batch[searchsink.Document] {
	b := &connect.Batch[searchsink.Document]{StreamName: "s", ShardID: shard}
	for n := from; n < to; n++ {
		b.Entries = append(b.Entries, connect.Entry[searchsink.Document]{
			Item:           searchsink.Document{Source: json.RawMessage(fmt.Sprintf(`{"n": %d,`+"\n"+` "shard": %q}`, n, shard))},
			ShardID:        shard,
			SequenceNumber: connect.NewSequenceNumber(fmt.Sprintf("4959%052d", n)),
			ArrivalTime:    base.Add(time.Duration(n) * time.Minute),
		})
	}
	return b
}

// search returns the documents of the indices matching pattern, by id,
// as the official client reads them.
func search(t testing.TB, c *opensearchapi.Client, pattern string) map[string]map[string]any {
	t.Helper()
	resp, err := c.Search(context.Background(), &opensearchapi.SearchReq{Indices: []string{pattern},
		Body: strings.NewReader(`{"query":{"match_all":{}},"size":10000}`)})
	require.NoError(t, err)
	out := map[string]map[string]any{}
	for _, h := range resp.Hits.Hits {
		var doc map[string]any
		require.NoError(t, json.Unmarshal(h.Source, &doc))
		out[h.ID] = doc
	}
	require.Len(t, out, resp.Hits.Total.Value)
	return out
}

func id(shard string, n int) string {
	return searchsink.DocumentID(shard, fmt.Sprintf("4959%052d", n), 0)
}

func TestIndexesEveryDocumentOnce(t *testing.T) {
	_, c := start(t)
	e := newEmitter(t, c, searchsink.Config{})
	ctx := context.Background()
	for range 2 { // the second emit is a retry: it overwrites
		f, err := e.Emit(ctx, batch("shardId-0", 0, 100))
		require.NoError(t, err)
		require.Empty(t, f)
	}
	_, err := e.Emit(ctx, batch("shardId-0", 50, 120)) // a replay that overlaps
	require.NoError(t, err)
	docs := search(t, c, "events")
	require.Len(t, docs, 120)
	for n := range 120 {
		assert.EqualValues(t, n, docs[id("shardId-0", n)]["n"])
	}
}

func TestRotation(t *testing.T) {
	at := time.Date(2021, 1, 1, 5, 0, 0, 0, time.FixedZone("X", 7*3600)) // 2020-12-31 22:00 UTC
	for _, tc := range []struct {
		r    string
		want string
	}{
		{"none", "logs"},
		{"hour", "logs-2020-12-31-22"},
		{"day", "logs-2020-12-31"},
		{"week", "logs-2020-w53"},
		{"month", "logs-2020-12"},
		{"OneWeek", "logs-2020-w53"},
	} {
		r, err := searchsink.ParseRotation(tc.r)
		require.NoError(t, err)
		assert.Equal(t, tc.want, searchsink.IndexName("logs", r, at), tc.r)
	}
	_, err := searchsink.ParseRotation("fortnight")
	require.Error(t, err)

	// Documents go to the index of their own arrival time: the batch spans
	// midnight.
	s, c := start(t)
	e := newEmitter(t, c, searchsink.Config{Rotation: searchsink.OneDay})
	f, err := e.Emit(context.Background(), batch("shardId-0", 0, 120))
	require.NoError(t, err)
	require.Empty(t, f)
	assert.Equal(t, []string{"events-2024-03-09", "events-2024-03-10"}, s.Indices())
	assert.Len(t, s.Docs("events-2024-03-09"), 90) // 22:30 to 23:59
	assert.Len(t, search(t, c, "events-*"), 120)
}

func TestPartialFailures(t *testing.T) {
	s, c := start(t)
	var mu sync.Mutex
	calls := map[string]int{}
	s.InjectItemStatus(func(action, index, docID string) int {
		mu.Lock()
		defer mu.Unlock()
		calls[docID]++
		switch docID {
		case id("shardId-0", 3):
			return http.StatusTooManyRequests // always
		case id("shardId-0", 5):
			if calls[docID] <= 2 {
				return http.StatusServiceUnavailable // twice, then stored
			}
		case id("shardId-0", 8):
			return http.StatusBadRequest // a document the cluster refuses
		}
		return 0
	})
	e := newEmitter(t, c, searchsink.Config{MaxAttempts: 4})
	b := batch("shardId-0", 0, 12)
	b.Entries[7].Item.Source = json.RawMessage(`{"n": 7,`)
	b.Entries[9].Item.Source = json.RawMessage(`[9]`)
	f, err := e.Emit(context.Background(), b)
	require.NoError(t, err)
	require.Len(t, f, 4)

	assert.Equal(t, 3, f[0].Index)
	assert.False(t, f[0].Permanent)
	var ie *searchsink.ItemError
	require.ErrorAs(t, f[0].Err, &ie)
	assert.Equal(t, http.StatusTooManyRequests, ie.Status)
	assert.Equal(t, "es_rejected_execution_exception", ie.Type)
	assert.Equal(t, id("shardId-0", 3), ie.ID)

	for k, i := range []int{7, 8, 9} {
		assert.Equal(t, i, f[k+1].Index)
		assert.True(t, f[k+1].Permanent)
	}
	assert.ErrorIs(t, f[1].Err, searchsink.ErrInvalidDocument)
	require.ErrorAs(t, f[2].Err, &ie)
	assert.Equal(t, http.StatusBadRequest, ie.Status)
	assert.ErrorIs(t, f[3].Err, searchsink.ErrInvalidDocument)

	docs := search(t, c, "events")
	assert.Len(t, docs, 8)
	assert.Contains(t, docs, id("shardId-0", 5))
	assert.Equal(t, 4, calls[id("shardId-0", 3)], "sent MaxAttempts times")
	assert.Equal(t, 1, calls[id("shardId-0", 8)], "a 4xx item is not sent again")
	assert.Equal(t, 4, s.BulkRequests())
}

func TestCreateTreatsConflictAsStored(t *testing.T) {
	s, c := start(t)
	e := newEmitter(t, c, searchsink.Config{Action: searchsink.ActionCreate})
	ctx := context.Background()
	_, err := e.Emit(ctx, batch("shardId-0", 0, 10))
	require.NoError(t, err)
	// A retry of the same batch: every item is a 409, all count as stored,
	// and nothing is replaced.
	b := batch("shardId-0", 0, 10)
	b.Entries[4].Item.Source = json.RawMessage(`{"n": -4}`)
	f, err := e.Emit(ctx, b)
	require.NoError(t, err)
	require.Empty(t, f)
	docs := search(t, c, "events")
	require.Len(t, docs, 10)
	assert.EqualValues(t, 4, docs[id("shardId-0", 4)]["n"])
	assert.Equal(t, 2, s.BulkRequests())

	// With "index", a 409 (external versioning) is a permanent failure.
	s.InjectItemStatus(func(string, string, string) int { return http.StatusConflict })
	f, err = newEmitter(t, c, searchsink.Config{}).Emit(ctx, batch("shardId-0", 0, 1))
	require.NoError(t, err)
	require.Len(t, f, 1)
	assert.True(t, f[0].Permanent)
}

func TestSameIDKeepsStreamOrder(t *testing.T) {
	s, c := start(t)
	calls := 0
	s.InjectItemStatus(func(action, index, docID string) int {
		calls++
		if calls == 2 { // the second of the three writes of "k", once
			return http.StatusTooManyRequests
		}
		return 0
	})
	e := newEmitter(t, c, searchsink.Config{})
	b := batch("shardId-0", 0, 3)
	for i := range b.Entries {
		b.Entries[i].Item.ID = "k"
	}
	f, err := e.Emit(context.Background(), b)
	require.NoError(t, err)
	require.Empty(t, f)
	assert.JSONEq(t, `{"n":2,"shard":"shardId-0"}`, string(s.Docs("events")["k"]), "the last write wins")

	// When the earlier write never succeeds, the later ones fail with it.
	s.InjectItemStatus(func(action, index, docID string) int {
		if docID == "k" {
			return http.StatusServiceUnavailable
		}
		return 0
	})
	b = batch("shardId-0", 0, 4)
	b.Entries[1].Item.ID, b.Entries[3].Item.ID = "k", "k"
	f, err = newEmitter(t, c, searchsink.Config{MaxAttempts: 2}).Emit(context.Background(), b)
	require.NoError(t, err)
	require.Len(t, f, 2)
	assert.Equal(t, 1, f[0].Index)
	assert.Equal(t, 3, f[1].Index)
	assert.False(t, f[1].Permanent)
}

func TestWholeRequestFailure(t *testing.T) {
	s, c := start(t)
	e := newEmitter(t, c, searchsink.Config{})
	s.FailRequests(http.StatusInternalServerError)
	_, err := e.Emit(context.Background(), batch("shardId-0", 0, 5))
	require.Error(t, err)
	f, err := e.Emit(context.Background(), batch("shardId-0", 0, 5))
	require.NoError(t, err)
	require.Empty(t, f)
	assert.Len(t, search(t, c, "events"), 5)
}

func TestSplitsLargeBatches(t *testing.T) {
	s, c := start(t)
	e := newEmitter(t, c, searchsink.Config{MaxBulkBytes: 1000})
	f, err := e.Emit(context.Background(), batch("shardId-0", 0, 100))
	require.NoError(t, err)
	require.Empty(t, f)
	assert.Len(t, search(t, c, "events"), 100)
	assert.Greater(t, s.BulkRequests(), 10)
}

func TestConcurrentShards(t *testing.T) {
	_, c := start(t)
	e := newEmitter(t, c, searchsink.Config{Rotation: searchsink.OneHour})
	var wg sync.WaitGroup
	for sh := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			shard := fmt.Sprintf("shardId-%d", sh)
			for pos := 0; pos < 200; pos += 50 {
				f, err := e.Emit(context.Background(), batch(shard, pos, pos+50))
				assert.NoError(t, err)
				assert.Empty(t, f)
			}
		}()
	}
	wg.Wait()
	assert.Len(t, search(t, c, "events-*"), 800)
}

func TestNewValidates(t *testing.T) {
	_, c := start(t)
	_, err := searchsink.New(c, searchsink.Config{})
	require.Error(t, err)
	_, err = searchsink.New(c, searchsink.Config{Index: "x", Action: "upsert"})
	require.Error(t, err)
}
