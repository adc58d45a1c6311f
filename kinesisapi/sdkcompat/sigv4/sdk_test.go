package sigv4_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/freshet-io/freshet/kinesisapi/sigv4"
)

// TestKinesisClient checks that requests of an unmodified kinesis.Client,
// with whatever headers and middleware the SDK adds, verify; and that the
// SDK reads the failure of a wrong secret as an InvalidSignatureException.
func TestKinesisClient(t *testing.T) {
	v := &sigv4.Verifier{Credentials: testStore(t), Region: "us-east-1"}
	srv, results := verifyServer(t, v, time.Now, `{"StreamNames":[],"HasMoreStreams":false}`)

	client := func(c sigv4.Credentials) *kinesis.Client {
		return kinesis.New(kinesis.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(srv.URL),
			HTTPClient:   srv.Client(),
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return sdkCreds(c), nil
			}),
			RetryMaxAttempts: 1,
		})
	}
	ctx := context.Background()

	for _, c := range []sigv4.Credentials{alice, temp} {
		_, err := client(c).ListStreams(ctx, &kinesis.ListStreamsInput{Limit: aws.Int32(10)})
		require.NoError(t, err, "ListStreams as %s", c.AccessKeyID)
		res := <-results
		require.NoError(t, res.err, "ListStreams as %s: Verify", c.AccessKeyID)
		require.Equal(t, c, res.creds, "ListStreams as %s: Verify", c.AccessKeyID)
	}

	_, err := client(temp).PutRecord(ctx, &kinesis.PutRecordInput{
		StreamName:   aws.String("orders"),
		PartitionKey: aws.String("ключ"),
		Data:         []byte("a record \x00\xff"),
	})
	require.NoError(t, err, "PutRecord")
	require.NoError(t, (<-results).err, "PutRecord: Verify")

	wrong := alice
	wrong.SecretAccessKey = "wrong"
	_, err = client(wrong).ListStreams(ctx, &kinesis.ListStreamsInput{})
	var coded interface{ ErrorCode() string }
	require.ErrorAs(t, err, &coded, "ListStreams with a wrong secret: want InvalidSignatureException")
	require.Equal(t, sigv4.CodeInvalidSignature, coded.ErrorCode(), "ListStreams with a wrong secret: %v", err)
	<-results
}
