package sigv4_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/freshet-io/freshet/kinesisapi/sigv4"
)

// The clock of every test: requests are signed around it.
var now = time.Date(2024, 1, 1, 0, 30, 0, 0, time.UTC)

func fixedClock() time.Time { return now }

// The credentials the test verifiers know.
var (
	alice = sigv4.Credentials{
		AccessKeyID:     "AKIDALICE",
		SecretAccessKey: "alice-secret",
		Principal:       "arn:aws:iam::123456789012:user/alice",
	}
	temp = sigv4.Credentials{
		AccessKeyID:     "ASIATEMP",
		SecretAccessKey: "temp-secret",
		SessionToken:    "temp-token",
		Principal:       "arn:aws:sts::123456789012:assumed-role/app/session",
	}
)

func testStore(t testing.TB) sigv4.CredentialStore {
	t.Helper()
	store, err := sigv4.NewCredentialStore(alice, temp)
	require.NoError(t, err)
	return store
}

// sdkCreds returns c as the SDK's credentials.
func sdkCreds(c sigv4.Credentials) aws.Credentials {
	return aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
}

// result is what the verifying test server saw.
type result struct {
	creds sigv4.Credentials
	err   error
}

// verifyServer starts a test server whose handler verifies every request
// with v at clock() and reports the outcome on the returned channel,
// answering as Kinesis would: reply, or the error.
func verifyServer(t *testing.T, v *sigv4.Verifier, clock func() time.Time, reply string) (*httptest.Server, <-chan result) {
	t.Helper()
	results := make(chan result, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		creds, err := v.Verify(r, body, clock())
		results <- result{creds, err}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		var e *sigv4.Error
		if errors.As(err, &e) {
			w.Header().Set("X-Amzn-ErrorType", e.Code)
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"`+e.Code+`","message":"`+strings.ReplaceAll(e.Message, `"`, `\"`)+`"}`)
			return
		}
		io.WriteString(w, reply)
	}))
	t.Cleanup(srv.Close)
	return srv, results
}

// send sends req through srv and returns what its handler saw.
func send(t *testing.T, srv *httptest.Server, results <-chan result, req *http.Request) result {
	t.Helper()
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	select {
	case res := <-results:
		return res
	default:
		require.FailNow(t, "the handler saw no request")
		return result{}
	}
}

// newRequest returns a Kinesis-like client request to url.
func newRequest(t testing.TB, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
	return req
}

// sign signs req with the SDK's signer, hashing body.
func sign(t testing.TB, req *http.Request, body string, c sigv4.Credentials, region string, at time.Time) {
	t.Helper()
	err := v4.NewSigner().SignHTTP(context.Background(), sdkCreds(c), req, hashHex(body), "kinesis", region, at)
	require.NoError(t, err)
}

// presign returns a request presigned with the SDK's signer, hashing body
// (or UNSIGNED-PAYLOAD if payloadHash is set), with X-Amz-Expires if
// expires is positive.
func presign(t testing.TB, req *http.Request, payloadHash string, c sigv4.Credentials, region string, at time.Time, expires time.Duration) *http.Request {
	t.Helper()
	if expires > 0 {
		q := req.URL.Query()
		q.Set("X-Amz-Expires", strconv.FormatInt(int64(expires/time.Second), 10))
		req.URL.RawQuery = q.Encode()
	}
	uri, headers, err := v4.NewSigner().PresignHTTP(context.Background(), sdkCreds(c), req, payloadHash, "kinesis", region, at)
	require.NoError(t, err)
	out, err := http.NewRequest(req.Method, uri, req.Body)
	require.NoError(t, err)
	out.ContentLength = req.ContentLength
	for name, values := range headers {
		if name != "Host" {
			out.Header[name] = values
		}
	}
	return out
}

func hashHex(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// replaceBody replaces the body of a client request.
func replaceBody(req *http.Request, body string) {
	req.Body = io.NopCloser(bytes.NewReader([]byte(body)))
	req.ContentLength = int64(len(body))
}
