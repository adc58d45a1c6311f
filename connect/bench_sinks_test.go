package connect_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/opensearch-project/opensearch-go/v4"
	"github.com/opensearch-project/opensearch-go/v4/opensearchapi"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/dynamosink"
	"github.com/freshet-io/freshet/connect/internal/conntest"
	"github.com/freshet-io/freshet/connect/internal/searchtest"
	"github.com/freshet-io/freshet/connect/pgsink"
	"github.com/freshet-io/freshet/connect/searchsink"
	"github.com/freshet-io/freshet/internal/testserver"
)

// BenchmarkConnectorSinks runs the pipeline over the same stream as
// BenchmarkConnector into the PostgreSQL, DynamoDB and OpenSearch
// emitters, next to the raw consumer's rate measured in the same run by
// BenchmarkConnector/RawConsumer:
//
//	go test -run x -bench 'BenchmarkConnector(Sinks)?/(RawConsumer|Pipeline)' -benchtime 3x .
//
// The sinks run on this machine too (PostgreSQL, dynalite in Node.js, the
// in-repo _bulk server), so the rates are those of the pipeline and the
// sink together.
func BenchmarkConnectorSinks(b *testing.B) {
	e := conntest.NewStream(b, "in", 4)
	data := []byte(`{"v":"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij"}`)
	conntest.PutData(b, e, "in", 0, benchRecords, func(int) []byte { return data })
	ctx := context.Background()

	b.Run("Pipeline/PostgreSQL", func(b *testing.B) {
		_, pool := conntest.Postgres(b, "")
		transform := func(r connect.Record) (pgsink.Row, error) {
			return pgsink.Row{r.ShardID, r.SequenceNumber.String(), string(r.Data)}, nil
		}
		benchSink(b, e, transform, func(i int) connect.Emitter[pgsink.Row] {
			table := fmt.Sprintf("events_%d", i)
			_, err := pool.Exec(ctx, "CREATE TABLE "+table+" (shard text, seq text, body text)")
			require.NoError(b, err)
			em, err := pgsink.New(ctx, pool, pgsink.Config{Table: table, Columns: []string{"shard", "seq", "body"}, Manifest: table + "_manifest"})
			require.NoError(b, err)
			return em
		})
	})

	b.Run("Pipeline/DynamoDB", func(b *testing.B) {
		d := testserver.StartDynalite(b)
		c := conntest.DynamoDB(b, d.URL)
		transform := func(r connect.Record) (dynamosink.Item, error) {
			return dynamosink.Item{
				"id":   &types.AttributeValueMemberS{Value: r.ShardID + "/" + r.SequenceNumber.String()},
				"body": &types.AttributeValueMemberS{Value: string(r.Data)},
			}, nil
		}
		benchSink(b, e, transform, func(i int) connect.Emitter[dynamosink.Item] {
			table := fmt.Sprintf("events_%d", i)
			conntest.CreateTable(b, c, table, types.ScalarAttributeTypeS)
			em, err := dynamosink.New(ctx, c, dynamosink.Config{Table: table})
			require.NoError(b, err)
			return em
		})
	})

	b.Run("Pipeline/OpenSearch", func(b *testing.B) {
		s := searchtest.New()
		b.Cleanup(s.Close)
		tr := &http.Transport{}
		b.Cleanup(tr.CloseIdleConnections)
		c, err := opensearchapi.NewClient(opensearchapi.Config{Client: opensearch.Config{Addresses: []string{s.URL}, Transport: tr}})
		require.NoError(b, err)
		transform := func(r connect.Record) (searchsink.Document, error) {
			return searchsink.Document{Source: json.RawMessage(r.Data)}, nil
		}
		benchSink(b, e, transform, func(i int) connect.Emitter[searchsink.Document] {
			em, err := searchsink.New(c, searchsink.Config{Index: fmt.Sprintf("events-%d", i)})
			require.NoError(b, err)
			return em
		})
	})
}

// benchSink reads the stream "in" of e from its start b.N times, each time
// with a fresh lease table and a fresh emitter from newEmitter, through
// the pipeline, and reports records/s and MB/s.
func benchSink[T any](b *testing.B, e *freshet.Engine, transform connect.Transformer[T], newEmitter func(i int) connect.Emitter[T]) {
	ems := make([]connect.Emitter[T], b.N)
	for i := range ems {
		ems[i] = newEmitter(i)
	}
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		ctx, cancel := context.WithCancel(context.Background())
		p := connect.New(e, "in", transform, ems[i], connect.WithConsumerOptions(benchOpts()...),
			connect.WithBufferLimits(connect.BufferLimits{MaxRecords: 500, MaxAge: time.Hour}))
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		for p.Stats().Total.Records < benchRecords {
			time.Sleep(100 * time.Microsecond)
		}
		cancel() // the shutdown flushes what the buffers still hold
		require.NoError(b, <-done)
		require.EqualValues(b, benchRecords, p.Stats().Total.Emitted)
	}
	report(b, start)
}
