package kinesistest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi"
	"github.com/freshet-io/freshet/kinesistest"
)

// TestServerAccountAndRegion checks that the engine options choose the
// account and region of Server.Engine, and that a client of another region
// reaches another engine, configured with the same options.
func TestServerAccountAndRegion(t *testing.T) {
	srv := kinesistest.NewServer(t, kinesistest.WithEngineOptions(
		freshet.WithAccount("123456789012"),
		freshet.WithRegion("eu-west-1"),
		freshet.WithShardLimit(3),
	))
	require.Equal(t, "123456789012", srv.Engine.Account(), "Engine account")
	require.Equal(t, "eu-west-1", srv.Engine.Region(), "Engine region")
	assert.Same(t, srv.Engine, srv.Handler.Engine("123456789012", "eu-west-1"), "Handler.Engine for the engine's account and region is not Server.Engine")

	c, _ := newClient(srv)
	arn := createStream(t, c, "home", 1)
	assert.Equal(t, "arn:aws:kinesis:eu-west-1:123456789012:stream/home", arn, "StreamARN")
	_, err := srv.Engine.Stream("home")
	assert.NoError(t, err, "the SDK's stream is not in Server.Engine")

	away, _ := newClient(srv, func(o *kinesis.Options) { o.Region = "ap-south-1"; o.Retryer = aws.NopRetryer{} })
	arn = createStream(t, away, "away", 2)
	assert.Equal(t, "arn:aws:kinesis:ap-south-1:123456789012:stream/away", arn, "StreamARN in ap-south-1")
	_, err = srv.Handler.Engine("123456789012", "ap-south-1").Stream("away")
	assert.NoError(t, err, "stream away is not in the ap-south-1 engine")
	_, err = srv.Engine.Stream("away")
	assert.Error(t, err, "stream away of ap-south-1 is in the eu-west-1 engine")
	// The engine options apply there too: 2 more shards exceed the limit of 3.
	_, err = away.CreateStream(testContext(t), &kinesis.CreateStreamInput{StreamName: aws.String("more"), ShardCount: aws.Int32(2)})
	assert.Equal(t, "LimitExceededException", errorCode(err), "CreateStream past the shard limit in ap-south-1: %v", err)
}

// TestServerHandlerOptions passes an option through to the handler.
func TestServerHandlerOptions(t *testing.T) {
	srv := kinesistest.NewServer(t, kinesistest.WithHandlerOptions(kinesisapi.WithRequireAuth(true)))
	anonymous := kinesis.New(kinesis.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       srv.Engine.Region(),
		Credentials:  aws.AnonymousCredentials{},
		HTTPClient:   srv.Client(),
		Retryer:      aws.NopRetryer{},
	})
	_, err := anonymous.ListStreams(testContext(t), &kinesis.ListStreamsInput{})
	assert.Equal(t, "MissingAuthenticationTokenException", errorCode(err), "unsigned ListStreams with WithRequireAuth: %v", err)

	signed, _ := newClient(srv)
	_, err = signed.ListStreams(testContext(t), &kinesis.ListStreamsInput{})
	assert.NoError(t, err, "signed ListStreams")
}

// TestServerClose checks that Close stops the server early and may be
// called again by t.Cleanup.
func TestServerClose(t *testing.T) {
	srv := kinesistest.NewServer(t)
	c := kinesis.New(kinesis.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       srv.Engine.Region(),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		HTTPClient:   srv.Client(),
		Retryer:      aws.NopRetryer{},
	})
	_, err := c.ListStreams(testContext(t), &kinesis.ListStreamsInput{})
	require.NoError(t, err)
	srv.Close()
	srv.Close()
	_, err = c.ListStreams(testContext(t), &kinesis.ListStreamsInput{})
	assert.Error(t, err, "ListStreams succeeded after Close")
}
