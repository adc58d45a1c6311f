package kinesistest_test

import (
	"testing"

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
	if a, r := srv.Engine.Account(), srv.Engine.Region(); a != "123456789012" || r != "eu-west-1" {
		t.Fatalf("Engine serves %s in %s, want 123456789012 in eu-west-1", a, r)
	}
	if srv.Handler.Engine("123456789012", "eu-west-1") != srv.Engine {
		t.Error("Handler.Engine for the engine's account and region is not Server.Engine")
	}

	c, _ := newClient(srv)
	arn := createStream(t, c, "home", 1)
	if want := "arn:aws:kinesis:eu-west-1:123456789012:stream/home"; arn != want {
		t.Errorf("StreamARN = %q, want %q", arn, want)
	}
	if _, err := srv.Engine.Stream("home"); err != nil {
		t.Errorf("the SDK's stream is not in Server.Engine: %v", err)
	}

	away, _ := newClient(srv, func(o *kinesis.Options) { o.Region = "ap-south-1"; o.Retryer = aws.NopRetryer{} })
	arn = createStream(t, away, "away", 2)
	if want := "arn:aws:kinesis:ap-south-1:123456789012:stream/away"; arn != want {
		t.Errorf("StreamARN in ap-south-1 = %q, want %q", arn, want)
	}
	if _, err := srv.Handler.Engine("123456789012", "ap-south-1").Stream("away"); err != nil {
		t.Errorf("stream away is not in the ap-south-1 engine: %v", err)
	}
	if _, err := srv.Engine.Stream("away"); err == nil {
		t.Error("stream away of ap-south-1 is in the eu-west-1 engine")
	}
	// The engine options apply there too: 2 more shards exceed the limit of 3.
	_, err := away.CreateStream(testContext(t), &kinesis.CreateStreamInput{StreamName: aws.String("more"), ShardCount: aws.Int32(2)})
	if errorCode(err) != "LimitExceededException" {
		t.Errorf("CreateStream past the shard limit in ap-south-1: %v, want LimitExceededException", err)
	}
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
	if errorCode(err) != "MissingAuthenticationTokenException" {
		t.Errorf("unsigned ListStreams with WithRequireAuth: %v, want MissingAuthenticationTokenException", err)
	}

	signed, _ := newClient(srv)
	if _, err := signed.ListStreams(testContext(t), &kinesis.ListStreamsInput{}); err != nil {
		t.Errorf("signed ListStreams: %v", err)
	}
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
	if _, err := c.ListStreams(testContext(t), &kinesis.ListStreamsInput{}); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	srv.Close()
	if _, err := c.ListStreams(testContext(t), &kinesis.ListStreamsInput{}); err == nil {
		t.Error("ListStreams succeeded after Close")
	}
}
