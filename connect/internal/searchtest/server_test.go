package searchtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/freshet-io/freshet/internal/leakcheck"
	"github.com/opensearch-project/opensearch-go/v4"
	"github.com/opensearch-project/opensearch-go/v4/opensearchapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect/internal/searchtest"
)

func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}

// start returns a server and an official client for it.
func start(t *testing.T) (*searchtest.Server, *opensearchapi.Client) {
	s := searchtest.New()
	t.Cleanup(s.Close)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := opensearchapi.NewClient(opensearchapi.Config{Client: opensearch.Config{
		Addresses: []string{s.URL}, Transport: tr, DisableRetry: true}})
	require.NoError(t, err)
	return s, c
}

func bulk(t *testing.T, c *opensearchapi.Client, index, body string) *opensearchapi.BulkResp {
	t.Helper()
	resp, err := c.Bulk(context.Background(), opensearchapi.BulkReq{Index: index, Body: strings.NewReader(body)})
	require.NoError(t, err)
	return resp
}

// result returns the only action of a bulk item.
func result(t *testing.T, item map[string]opensearchapi.BulkRespItem) (string, opensearchapi.BulkRespItem) {
	t.Helper()
	require.Len(t, item, 1)
	for name, r := range item {
		return name, r
	}
	panic("unreachable")
}

func TestBulkSemantics(t *testing.T) {
	s, c := start(t)
	resp := bulk(t, c, "", `{"index":{"_index":"a","_id":"1"}}
{"n":1}
{"create":{"_index":"a","_id":"2"}}
{"n":2}
{"index":{"_index":"a","_id":"1"}}
{"n":10}
{"create":{"_index":"a","_id":"2"}}
{"n":20}
{"update":{"_index":"a","_id":"1"}}
{"doc":{"m":5}}
{"update":{"_index":"a","_id":"1"}}
{"doc":{"m":5}}
{"update":{"_index":"a","_id":"9"}}
{"doc":{"m":5}}
{"update":{"_index":"a","_id":"8"}}
{"doc":{"m":8},"doc_as_upsert":true}
{"delete":{"_index":"a","_id":"2"}}
{"delete":{"_index":"a","_id":"2"}}
{"index":{"_index":"a","_id":"3"}}
[1,2]
{"index":{"_index":"Upper","_id":"3"}}
{"n":3}
{"index":{"_index":"a"}}
{"n":4}
`)
	assert.True(t, resp.Errors)
	want := []struct {
		action, result string
		status         int
		errType        string
	}{
		{"index", "created", 201, ""},
		{"create", "created", 201, ""},
		{"index", "updated", 200, ""},
		{"create", "", 409, "version_conflict_engine_exception"},
		{"update", "updated", 200, ""},
		{"update", "noop", 200, ""},
		{"update", "", 404, "document_missing_exception"},
		{"update", "created", 201, ""},
		{"delete", "deleted", 200, ""},
		{"delete", "not_found", 404, ""},
		{"index", "", 400, "mapper_parsing_exception"},
		{"index", "", 400, "invalid_index_name_exception"},
		{"index", "created", 201, ""},
	}
	require.Len(t, resp.Items, len(want))
	for k, w := range want {
		name, r := result(t, resp.Items[k])
		assert.Equal(t, w.action, name, "item %d", k)
		assert.Equal(t, w.status, r.Status, "item %d", k)
		assert.Equal(t, w.result, r.Result, "item %d", k)
		if w.errType == "" {
			assert.Nil(t, r.Error, "item %d", k)
		} else if assert.NotNil(t, r.Error, "item %d", k) {
			assert.Equal(t, w.errType, r.Error.Type, "item %d", k)
		}
	}
	_, r := result(t, resp.Items[3])
	assert.Equal(t, "[2]: version conflict, document already exists (current version [1])", r.Error.Reason)

	docs := s.Docs("a")
	assert.JSONEq(t, `{"n":10,"m":5}`, string(docs["1"]))
	assert.JSONEq(t, `{"m":8}`, string(docs["8"]))
	assert.NotContains(t, docs, "2")
	assert.Len(t, docs, 3) // 1, 8 and a generated id

	// Search reads them back through the client.
	sr, err := c.Search(context.Background(), &opensearchapi.SearchReq{Indices: []string{"a"},
		Body: strings.NewReader(`{"query":{"match_all":{}},"size":100}`)})
	require.NoError(t, err)
	assert.Equal(t, 3, sr.Hits.Total.Value)
	require.Len(t, sr.Hits.Hits, 3)
	assert.Equal(t, "1", sr.Hits.Hits[0].ID)
	assert.JSONEq(t, `{"n":10,"m":5}`, string(sr.Hits.Hits[0].Source))

	sr, err = c.Search(context.Background(), &opensearchapi.SearchReq{Indices: []string{"a*"},
		Body: strings.NewReader(`{"query":{"ids":{"values":["8"]}}}`)})
	require.NoError(t, err)
	require.Len(t, sr.Hits.Hits, 1)
	assert.Equal(t, "8", sr.Hits.Hits[0].ID)

	_, err = c.Search(context.Background(), &opensearchapi.SearchReq{Indices: []string{"missing"}})
	var osErr *opensearch.StructError
	require.True(t, errors.As(err, &osErr), "%v", err)
	assert.Equal(t, "index_not_found_exception", osErr.Err.Type)
}

func TestBulkIndexFromURLAndAllOK(t *testing.T) {
	_, c := start(t)
	resp := bulk(t, c, "b", "{\"index\":{\"_id\":\"x\"}}\n{\"n\":1}\n{\"delete\":{\"_id\":\"y\"}}\n")
	assert.False(t, resp.Errors, "a delete of a missing document is not an error")
	_, r := result(t, resp.Items[0])
	assert.Equal(t, "b", r.Index)
	assert.Equal(t, 1, r.Version)
	assert.Positive(t, r.SeqNo)
}

func TestBulkRequestErrors(t *testing.T) {
	_, c := start(t)
	for name, body := range map[string]string{
		"no trailing newline": `{"index":{"_index":"a","_id":"1"}}` + "\n" + `{"n":1}`,
		"malformed action":    "{\"index\":{\"_index\":\"a\"}, \"create\":{}}\n{}\n",
		"unknown action":      "{\"upsert\":{\"_index\":\"a\"}}\n{}\n",
		"missing source":      "{\"index\":{\"_index\":\"a\",\"_id\":\"1\"}}\n",
		"missing index":       "{\"index\":{\"_id\":\"1\"}}\n{}\n",
		"delete without id":   "{\"delete\":{\"_index\":\"a\"}}\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.Bulk(context.Background(), opensearchapi.BulkReq{Body: strings.NewReader(body)})
			var osErr *opensearch.StructError
			require.True(t, errors.As(err, &osErr), "%v", err)
			assert.Equal(t, http.StatusBadRequest, osErr.Status)
		})
	}
}

func TestFaults(t *testing.T) {
	s, c := start(t)
	s.InjectItemStatus(func(action, index, id string) int {
		return map[string]int{"1": 429, "2": 503, "3": 400}[id]
	})
	resp := bulk(t, c, "f", "{\"index\":{\"_id\":\"1\"}}\n{}\n{\"index\":{\"_id\":\"2\"}}\n{}\n{\"index\":{\"_id\":\"3\"}}\n{}\n{\"index\":{\"_id\":\"4\"}}\n{}\n")
	assert.True(t, resp.Errors)
	var got []int
	for _, item := range resp.Items {
		_, r := result(t, item)
		got = append(got, r.Status)
	}
	assert.Equal(t, []int{429, 503, 400, 201}, got)
	_, r := result(t, resp.Items[0])
	assert.Equal(t, "es_rejected_execution_exception", r.Error.Type)
	assert.Equal(t, []string{"4"}, keys(s.Docs("f")))

	s.InjectItemStatus(nil)
	s.FailRequests(http.StatusServiceUnavailable)
	_, err := c.Bulk(context.Background(), opensearchapi.BulkReq{Index: "f", Body: strings.NewReader("{\"index\":{}}\n{}\n")})
	require.Error(t, err)
	resp = bulk(t, c, "f", "{\"index\":{}}\n{}\n")
	assert.False(t, resp.Errors)
	assert.Equal(t, 2, s.BulkRequests()) // not the one failed as a whole
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
