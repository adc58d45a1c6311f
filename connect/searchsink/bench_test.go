package searchsink_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/opensearch-project/opensearch-go/v4/opensearchapi"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect/searchsink"
)

// BenchmarkEmit indexes batches of 500 documents into the test server
// through the emitter and, as the baseline in the same run, with one
// plain _bulk request of the same documents built by hand. Compare the
// records/s metrics: the difference is the emitter's own work (ids, index
// names, compacting, reading every item of the answer).
func BenchmarkEmit(b *testing.B) {
	_, c := start(b)
	ctx := context.Background()
	const size = 500
	e := newEmitter(b, c, searchsink.Config{Rotation: searchsink.OneDay})

	b.Run("Emitter", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			f, err := e.Emit(ctx, batch("shardId-0", i*size, (i+1)*size))
			require.NoError(b, err)
			require.Empty(b, f)
		}
		b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "records/s")
	})

	b.Run("PlainBulk", func(b *testing.B) {
		b.ReportAllocs()
		var body bytes.Buffer
		for i := 0; b.Loop(); i++ {
			body.Reset()
			bt := batch("shardId-1", i*size, (i+1)*size)
			for _, en := range bt.Entries {
				fmt.Fprintf(&body, "{\"index\":{\"_index\":\"plain\",\"_id\":\"%s-%s-0\"}}\n%s\n", en.ShardID, en.SequenceNumber,
					bytes.ReplaceAll(en.Item.Source, []byte("\n"), nil))
			}
			resp, err := c.Bulk(ctx, opensearchapi.BulkReq{Body: bytes.NewReader(body.Bytes())})
			require.NoError(b, err)
			require.False(b, resp.Errors)
		}
		b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "records/s")
	})
}
