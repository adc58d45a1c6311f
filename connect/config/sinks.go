package config

import (
	"context"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/opensearch-project/opensearch-go/v4"
	"github.com/opensearch-project/opensearch-go/v4/opensearchapi"

	"github.com/freshet-io/freshet/connect"
	"github.com/freshet-io/freshet/connect/dynamosink"
	"github.com/freshet-io/freshet/connect/pgsink"
	"github.com/freshet-io/freshet/connect/searchsink"
	"github.com/freshet-io/freshet/consumer"
)

// pipeline is what Run needs of a connect.Pipeline, whatever its items.
type pipeline interface {
	Run(ctx context.Context) error
	Stats() connect.Stats
	WorkerID() string
}

// newPipeline builds the emitter c names, with the transformer that makes
// its items, and the pipeline that feeds it. The function returned
// releases the emitter's connections; call it after the pipeline stopped.
func newPipeline(ctx context.Context, c *Config, src consumer.Source, opts []connect.Option) (pipeline, func(), error) {
	line := transformer(c.Transform, c.Source.Stream)
	stream := c.Source.Stream
	switch c.Emitter.Type {
	case "postgres":
		pg := c.Emitter.Postgres
		pool, err := pgxpool.New(ctx, pg.Connection)
		if err != nil {
			return nil, nil, fmt.Errorf("config: emitter.postgres.connection: %w", err)
		}
		rows, err := newRowBuilder(ctx, pool, pg)
		if err != nil {
			pool.Close()
			return nil, nil, err
		}
		emit, err := pgsink.New(ctx, pool, pgsink.Config{Table: pg.Table, Columns: pg.Columns,
			Manifest: pg.Manifest, MaxRejectedRows: pg.MaxRejectedRows})
		if err != nil {
			pool.Close()
			return nil, nil, err
		}
		return connect.New(src, stream, then(line, rows.row), connect.Emitter[pgsink.Row](emit), opts...), pool.Close, nil
	case "dynamodb":
		d := c.Emitter.DynamoDB
		cfg, err := awsConfig(ctx, d.Endpoint, d.Region)
		if err != nil {
			return nil, nil, err
		}
		client := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
			if d.Endpoint != "" {
				o.BaseEndpoint = aws.String(d.Endpoint)
			}
		})
		emit, err := dynamosink.New(ctx, client, dynamosink.Config{Table: d.Table})
		if err != nil {
			return nil, nil, err
		}
		return connect.New(src, stream, then(line, dynamoItem), connect.Emitter[dynamosink.Item](emit), opts...), func() {}, nil
	case "opensearch":
		o := c.Emitter.OpenSearch
		rotation, _ := searchsink.ParseRotation(o.Rotation) // checked by Validate
		tr := http.DefaultTransport.(*http.Transport).Clone()
		client, err := opensearchapi.NewClient(opensearchapi.Config{Client: opensearch.Config{
			Addresses: o.Addresses, Username: o.Username, Password: o.Password, Transport: tr}})
		if err != nil {
			return nil, nil, fmt.Errorf("config: emitter.opensearch: %w", err)
		}
		emit, err := searchsink.New(client, searchsink.Config{Index: o.Index, Rotation: rotation,
			Action: searchsink.Action(o.Action), MaxBulkBytes: o.MaxBulkBytes})
		if err != nil {
			return nil, nil, err
		}
		return connect.New(src, stream, then(line, document), connect.Emitter[searchsink.Document](emit), opts...), tr.CloseIdleConnections, nil
	}
	emit, err := lineEmitter(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	return connect.New(src, stream, line, emit, opts...), func() {}, nil
}

// then returns a transformer that applies line, then item to its result.
func then[T any](line connect.Transformer[[]byte], item func([]byte) (T, error)) connect.Transformer[T] {
	return func(r connect.Record) (T, error) {
		b, err := line(r)
		if err != nil {
			var zero T
			return zero, err
		}
		return item(b)
	}
}
