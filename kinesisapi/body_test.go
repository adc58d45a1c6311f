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
	// The classes: buffers of 32 KiB to 16 MiB by powers of two.
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
		p := getBodyBuffer(tt.n, maxPooledBody)
		assert.GreaterOrEqual(t, int64(cap(*p)), tt.n, "getBodyBuffer(%d)", tt.n)
		assert.Empty(t, *p, "getBodyBuffer(%d)", tt.n)
		putBodyBuffer(p)
		p = getBodyBuffer(tt.n, tt.n)
		assert.Equal(t, tt.n, int64(cap(*p)), "getBodyBuffer(%d, %d): no larger buffer than allowed", tt.n, tt.n)
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

// TestBodyBudgetCountsPooledBuffers: a body read into a pooled buffer holds
// the budget for the whole buffer while it is served, and gives it all
// back; a limit of exactly the largest request still serves it.
func TestBodyBudgetCountsPooledBuffers(t *testing.T) {
	const limit = 100 << 10
	h := newTestHandler(t, WithMaxRequestBytes(limit), WithMaxInFlightBytes(limit+1))
	mustCreateStream(t, h, "s", 1)
	data := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("x"), 70<<10)) // a 93 KiB body
	body := `{"StreamName":"s","PartitionKey":"k","Data":"` + data + `"}`
	c := &call{h: newTestHandler(t, WithMaxInFlightBytes(200<<10))}
	b, ok := c.growBody(nil, 40<<10, 1<<20)
	require.True(t, ok)
	assert.Equal(t, 40<<10, cap(b), "the slice's capacity is the size asked for")
	assert.Equal(t, int64(64<<10), c.reserved, "the whole pooled buffer is reserved")
	b, ok = c.growBody(append(b, "abc"...), 80<<10, 1<<20)
	require.True(t, ok)
	assert.Equal(t, "abc", string(b), "the bytes read so far move")
	assert.Equal(t, int64(128<<10), c.reserved, "the larger buffer, less the one it replaces")
	_, ok = c.growBody(b, 1<<20, 1<<20)
	assert.False(t, ok, "past the budget")
	assert.Equal(t, int64(128<<10), c.reserved, "a refused growth reserves nothing")
	assert.Equal(t, c.reserved, c.h.budget.used.Load())
	c.releaseBody()
	assert.Zero(t, c.h.budget.used.Load())
	c = &call{h: h}
	_, ok = c.growBody(nil, int64(len(body))+1, limit+1)
	require.True(t, ok)
	assert.Equal(t, int64(len(body))+1, c.reserved, "a pooled buffer would exceed the largest request: allocated to size")
	c.releaseBody()
	for range 3 {
		rec := do(h, "PutRecord", body)
		require.Equal(t, 200, rec.Code, "%s", rec.Body)
		require.Zero(t, h.budget.used.Load())
	}
}
