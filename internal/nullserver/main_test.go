package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCannedResponses(t *testing.T) {
	h, err := newHandler(context.Background(), 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	tests := []struct {
		op, body string
		check    func(t *testing.T, out map[string]any)
	}{
		{"PutRecord", `{"StreamName":"any","PartitionKey":"k","Data":"eA=="}`, func(t *testing.T, out map[string]any) {
			if out["ShardId"] != "shardId-000000000000" || len(out["SequenceNumber"].(string)) != 56 {
				t.Errorf("PutRecord answered %v", out)
			}
		}},
		{"PutRecords", `{"StreamName":"any","Records":[{"PartitionKey":"a","Data":"eA=="},{"PartitionKey":"b","Data":"eA=="},{"PartitionKey":"c","Data":"eA=="}]}`, func(t *testing.T, out map[string]any) {
			if n := len(out["Records"].([]any)); n != 3 {
				t.Errorf("PutRecords of 3 answered %d entries", n)
			}
		}},
		{"GetRecords", `{"ShardIterator":"anything"}`, func(t *testing.T, out map[string]any) {
			recs := out["Records"].([]any)
			if len(recs) != 5 {
				t.Fatalf("GetRecords answered %d records, want 5", len(recs))
			}
			if data := recs[0].(map[string]any)["Data"]; data != "eHh4" {
				t.Errorf("record data %v, want 3 bytes of x (eHh4)", data)
			}
		}},
		{"ListStreams", `{}`, func(t *testing.T, out map[string]any) {
			if names := out["StreamNames"].([]any); len(names) != 1 || names[0] != "nullserver" {
				t.Errorf("ListStreams (forwarded to the engine) answered %v", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			r.Header.Set("X-Amz-Target", "Kinesis_20131202."+tt.op)
			r.Header.Set("Content-Type", "application/x-amz-json-1.1")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 200 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			var out map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			tt.check(t, out)
		})
	}
}
