package sdktest_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesissdk/sdktest"
	"github.com/freshet-io/freshet/kinesistest"
)

// The client reaches the server's engine, over TLS too, and optFns apply.
func TestNewClient(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []kinesistest.Option
	}{
		{"plain", nil},
		{"tls", []kinesistest.Option{kinesistest.WithTLS()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := kinesistest.NewServer(t, tc.opts...)
			ctx := context.Background()
			_, err := srv.Engine.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 1})
			require.NoError(t, err)

			applied := false
			client := sdktest.NewClient(srv, func(o *kinesis.Options) { applied = true })
			require.True(t, applied)
			_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("orders"), PartitionKey: aws.String("k"), Data: []byte("hello")})
			require.NoError(t, err)

			out, err := srv.Engine.ListShards(ctx, &freshet.ListShardsInput{StreamName: "orders"})
			require.NoError(t, err)
			it, err := srv.Engine.GetShardIterator(ctx, &freshet.GetShardIteratorInput{StreamName: "orders", ShardId: out.Shards[0].ShardId, ShardIteratorType: freshet.TrimHorizon})
			require.NoError(t, err)
			recs, err := srv.Engine.GetRecords(ctx, &freshet.GetRecordsInput{ShardIterator: it.ShardIterator})
			require.NoError(t, err)
			require.Len(t, recs.Records, 1)
			require.Equal(t, "hello", string(recs.Records[0].Data))
		})
	}
}
