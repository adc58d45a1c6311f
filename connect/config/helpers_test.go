package config_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/connect/config"
	"github.com/freshet-io/freshet/internal/testsync"
	"github.com/freshet-io/freshet/kinesistest"
)

// start runs the configuration in the background until the test calls the
// function returned, which stops it and requires a clean stop.
func start(t *testing.T, cfg string) (stop func()) {
	t.Helper()
	stop, _ = startLogged(t, cfg)
	return stop
}

// startLogged is start that also returns the connector's log.
func startLogged(t *testing.T, cfg string) (stop func(), logs *testsync.Buffer) {
	t.Helper()
	c, err := config.Parse([]byte(cfg))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	logs = &testsync.Buffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the connector's log:\n%s", logs.String())
		}
	})
	go func() { errc <- config.Run(ctx, c, slog.New(slog.NewTextHandler(logs, nil))) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		require.NoError(t, <-errc)
	}
	t.Cleanup(func() {
		if !stopped {
			cancel()
			<-errc
		}
	})
	return stop, logs
}

// newSource returns a freshet server over HTTP with a stream of n shards.
func newSource(t *testing.T, stream string, shards int) *kinesistest.Server {
	t.Helper()
	srv := kinesistest.NewServer(t)
	_, err := srv.Engine.CreateStream(context.Background(), &freshet.CreateStreamInput{StreamName: stream, ShardCount: shards})
	require.NoError(t, err)
	return srv
}

// sourceJSON is the source object of a configuration reading stream from
// srv from the trim horizon.
func sourceJSON(srv *kinesistest.Server, stream, worker string) string {
	return fmt.Sprintf(`{"stream": %q, "endpoint": %q, "region": %q, "initial_position": "TRIM_HORIZON",
		"idle_time_between_reads": "10ms", "worker_id": %q, "failover_time": "500ms"}`, stream, srv.URL, srv.Engine.Region(), worker)
}

// scanOrders returns the items of the DynamoDB table "orders" by their
// numeric "id".
func scanOrders(client *dynamodb.Client, optFns ...func(*dynamodb.Options)) (map[string]map[string]types.AttributeValue, error) {
	out := map[string]map[string]types.AttributeValue{}
	p := dynamodb.NewScanPaginator(client, &dynamodb.ScanInput{TableName: aws.String("orders")})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background(), optFns...)
		if err != nil {
			return nil, err
		}
		for _, it := range page.Items {
			out[it["id"].(*types.AttributeValueMemberN).Value] = it
		}
	}
	return out, nil
}
