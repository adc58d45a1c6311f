package sigv4_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/freshet-io/freshet/kinesisapi/sigv4"
)

// A server verifies a request signed by the AWS SDK, then the same request
// arriving twenty minutes later.
func Example() {
	store, err := sigv4.ParseCredentials([]byte(`{"Credentials": [{
		"AccessKeyId": "AKIDEXAMPLE",
		"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		"Principal": "arn:aws:iam::123456789012:user/alice"
	}]}`))
	if err != nil {
		panic(err)
	}
	v := &sigv4.Verifier{Credentials: store, Region: "us-east-1"}

	// The client signs.
	body := `{"StreamName":"orders"}`
	signedAt := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	r := httptest.NewRequest(http.MethodPost, "http://localhost:4567/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", "Kinesis_20131202.DescribeStream")
	creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	sum := sha256.Sum256([]byte(body))
	payloadHash := hex.EncodeToString(sum[:])
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, payloadHash, "kinesis", "us-east-1", signedAt); err != nil {
		panic(err)
	}

	// The server verifies.
	for _, now := range []time.Time{signedAt.Add(time.Second), signedAt.Add(20 * time.Minute)} {
		c, err := v.Verify(r, []byte(body), now)
		var e *sigv4.Error
		if errors.As(err, &e) {
			fmt.Printf("400 {%q: %q, %q: %q}\n", "__type", e.Code, "message", e.Message)
			continue
		}
		fmt.Println("signed by", c.Principal)
	}
	// Output:
	// signed by arn:aws:iam::123456789012:user/alice
	// 400 {"__type": "InvalidSignatureException", "message": "Signature expired: 20250101T120000Z is now earlier than 20250101T120500Z (20250101T122000Z - 15 min.)"}
}
