// Package sdktest points an AWS SDK for Go v2 Kinesis client at a
// kinesistest server, for tests of code written against the SDK.
//
// It is the five lines the kinesistest package documentation shows, kept in
// one place:
//
//	srv := kinesistest.NewServer(t)
//	client := sdktest.NewClient(srv) // a *kinesis.Client
//	src := kinesissdk.New(client)    // freshet's types over it, for the consumer
package sdktest

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/freshet-io/freshet/kinesistest"
)

// NewClient returns a Kinesis client for srv: its endpoint, its engine's
// region, static test credentials (the server does not check them unless
// it was started with kinesisapi.WithCredentials) and srv.Client as the
// HTTP client (HTTP/2, trusting a WithTLS server's certificate). optFns
// adjust the options further, as in kinesis.New.
func NewClient(srv *kinesistest.Server, optFns ...func(*kinesis.Options)) *kinesis.Client {
	return kinesis.New(kinesis.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       srv.Engine.Region(),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		HTTPClient:   srv.Client(),
	}, optFns...)
}
