package kinesisapi

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBodyClass(t *testing.T) {
	tests := []struct {
		n     int64
		class int
	}{
		{0, -1},
		{initialBodyBuffer - 1, -1},
		{initialBodyBuffer, 0},
		{initialBodyBuffer + 1, 1},
		{2 * initialBodyBuffer, 1},
		{2*initialBodyBuffer + 1, 2},
		{maxPooledBody, bodyClasses - 1},
		{maxPooledBody + 1, -1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.class, bodyClass(tt.n), "bodyClass(%d)", tt.n)
		p := getBodyBuffer(tt.n)
		assert.GreaterOrEqual(t, int64(cap(*p)), tt.n, "getBodyBuffer(%d)", tt.n)
		assert.Empty(t, *p, "getBodyBuffer(%d)", tt.n)
		putBodyBuffer(p)
	}
}

// TestPooledBodiesNotShared: request bodies are read into pooled buffers.
// PutRecords requests of sizes across the pool's classes, sent at the same
// time, each store their own records.
func TestPooledBodiesNotShared(t *testing.T) {
	h := newTestHandler(t)
	const writers, calls = 6, 10
	for w := range writers {
		mustCreateStream(t, h, fmt.Sprintf("s%d", w), 1)
	}
	// Writer w sends records of w*9000+100 bytes of one letter: bodies of
	// about 4 KB to 300 KB.
	size := func(w int) int { return w*w*9000 + 100 }
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range calls {
				letter := byte('a' + (w+c)%26)
				var body strings.Builder
				fmt.Fprintf(&body, `{"StreamName":"s%d","Records":[`, w)
				for j := range 4 {
					if j > 0 {
						body.WriteByte(',')
					}
					fmt.Fprintf(&body, `{"PartitionKey":"c%d","Data":%q}`, c, base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{letter}, size(w))))
				}
				body.WriteString(`]}`)
				if rec := do(h, "PutRecords", body.String()); rec.Code != 200 {
					t.Errorf("writer %d call %d: %d %s", w, c, rec.Code, rec.Body)
				}
			}
		}()
	}
	wg.Wait()
	for w := range writers {
		out := mustCall(t, h, "GetShardIterator", fmt.Sprintf(`{"StreamName":"s%d","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}`, w))
		got := mustCall(t, h, "GetRecords", `{"ShardIterator":"`+out["ShardIterator"].(string)+`"}`)
		recs := got["Records"].([]any)
		require.Len(t, recs, 4*calls, "writer %d", w)
		for i, r := range recs {
			c := i / 4
			want := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{byte('a' + (w+c)%26)}, size(w)))
			rec := r.(map[string]any)
			require.Equal(t, fmt.Sprintf("c%d", c), rec["PartitionKey"], "writer %d record %d", w, i)
			require.Equal(t, want, rec["Data"], "writer %d record %d", w, i)
		}
	}
}
