package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCannedResponses(t *testing.T) {
	h, err := newHandler(context.Background(), 5, 3)
	require.NoError(t, err)
	t.Cleanup(func() { h.Close() })
	tests := []struct {
		op, body string
		check    func(t *testing.T, out map[string]any)
	}{
		{"PutRecord", `{"StreamName":"any","PartitionKey":"k","Data":"eA=="}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, "shardId-000000000000", out["ShardId"], "PutRecord answered %v", out)
			assert.Equal(t, 56, len(out["SequenceNumber"].(string)), "PutRecord answered %v", out)
		}},
		{"PutRecords", `{"StreamName":"any","Records":[{"PartitionKey":"a","Data":"eA=="},{"PartitionKey":"b","Data":"eA=="},{"PartitionKey":"c","Data":"eA=="}]}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, 3, len(out["Records"].([]any)), "PutRecords of 3: entries")
		}},
		{"GetRecords", `{"ShardIterator":"anything"}`, func(t *testing.T, out map[string]any) {
			recs := out["Records"].([]any)
			require.Equal(t, 5, len(recs), "GetRecords: records")
			assert.Equal(t, "eHh4", recs[0].(map[string]any)["Data"], "record data, want 3 bytes of x")
		}},
		{"ListStreams", `{}`, func(t *testing.T, out map[string]any) {
			assert.Equal(t, []any{"nullserver"}, out["StreamNames"].([]any), "ListStreams (forwarded to the engine) answered %v", out)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			r.Header.Set("X-Amz-Target", "Kinesis_20131202."+tt.op)
			r.Header.Set("Content-Type", "application/x-amz-json-1.1")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			require.Equal(t, 200, w.Code, "status; body %s", w.Body)
			assert.Len(t, w.Header().Get("X-Amzn-Requestid"), 36, "request id, as freshet sends it")
			assert.Len(t, w.Header().Get("X-Amz-Id-2"), 96, "x-amz-id-2, as freshet sends it")
			var out map[string]any
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &out))
			tt.check(t, out)
		})
	}
}
