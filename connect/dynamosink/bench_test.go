package dynamosink_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/connect/dynamosink"
)

// BenchmarkEmit writes batches of 500 items into dynalite through the
// emitter and, as the baseline in the same run, with plain BatchWriteItem
// calls of the same groups of 25. Compare the records/s metrics (dynalite,
// a single Node.js process, is the bottleneck of both).
func BenchmarkEmit(b *testing.B) {
	_, c := startDynalite(b)
	ctx := context.Background()
	const size = 500
	e, err := dynamosink.New(ctx, c, dynamosink.Config{Table: "events"})
	require.NoError(b, err)

	b.Run("Emitter", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			f, err := e.Emit(ctx, batch(i*size, (i+1)*size))
			require.NoError(b, err)
			require.Empty(b, f)
		}
		b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "records/s")
	})

	b.Run("PlainBatchWriteItem", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			bt := batch(i*size, (i+1)*size)
			for g := 0; g < size; g += 25 {
				reqs := make([]types.WriteRequest, 0, 25)
				for _, en := range bt.Entries[g : g+25] {
					reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: en.Item}})
				}
				out, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"events": reqs}})
				require.NoError(b, err)
				require.Empty(b, out.UnprocessedItems)
			}
		}
		b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "records/s")
	})
}
