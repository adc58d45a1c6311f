package kinesisapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/freshet-io/freshet/kinesisapi"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
	"github.com/freshet-io/freshet/kinesisapi/sigv4"
)

// signedRequest returns a JSON request of op signed by the AWS SDK's own
// signer with the given secret, region and signing time.
func signedRequest(t *testing.T, op, body, secret, region string, at time.Time) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "http://localhost/", bytes.NewReader([]byte(body)))
	r.Header.Set("Content-Type", wire.ContentTypeJSON)
	r.Header.Set("X-Amz-Target", wire.TargetPrefix+op)
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: "AKIDALICE", SecretAccessKey: secret}
	require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "kinesis", region, at))
	return r
}

// TestVerifiedSignatures runs requests signed by the SDK's signer through
// a handler that verifies signatures: the right secret passes and reaches
// the engine as the credentials' principal; a wrong secret, a tampered
// body, another region's signature and a 16-minute-old request are
// refused with AWS's errors, and each refusal is audited once.
func TestVerifiedSignatures(t *testing.T) {
	e, audited := newAuditedEngine(t)
	const alice = "arn:aws:iam::000000000000:user/alice"
	store, err := sigv4.NewCredentialStore(sigv4.Credentials{AccessKeyID: "AKIDALICE", SecretAccessKey: "right-secret", Principal: alice})
	require.NoError(t, err)
	h := newTestHandler(t, kinesisapi.WithEngine(e), kinesisapi.WithCredentials(store))
	now := time.Now()
	body := `{"StreamName":"s","ShardCount":1}`

	rec := serve(h, signedRequest(t, "CreateStream", body, "right-secret", "us-east-1", now))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	tampered := signedRequest(t, "CreateStream", body, "right-secret", "us-east-1", now)
	tampered.Body = httptest.NewRequest(http.MethodPost, "/", bytes.NewReader([]byte(`{"StreamName":"t","ShardCount":1}`))).Body
	mismatch := "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	for _, c := range []struct {
		name string
		r    *http.Request
		code string
		msg  string
	}{
		{"wrong secret", signedRequest(t, "ListStreams", `{}`, "wrong-secret", "us-east-1", now), "InvalidSignatureException", mismatch},
		{"tampered body", tampered, "InvalidSignatureException", mismatch},
		{"unsigned", newRequest("ListStreams", `{}`), "MissingAuthenticationTokenException", "Missing Authentication Token"},
	} {
		rec := serve(h, c.r)
		require.Equal(t, http.StatusBadRequest, rec.Code, c.name)
		code, msg, _ := jsonError(t, rec)
		require.Equal(t, c.code, code, c.name)
		require.Equal(t, c.msg, msg, c.name)
	}
	old := serve(h, signedRequest(t, "ListStreams", `{}`, "right-secret", "us-east-1", now.Add(-16*time.Minute)))
	code, msg, _ := jsonError(t, old)
	require.Equal(t, "InvalidSignatureException", code)
	require.Contains(t, msg, "Signature expired: ")

	other := serve(h, signedRequest(t, "ListStreams", `{}`, "right-secret", "eu-west-1", now))
	require.Equal(t, http.StatusOK, other.Code, "a valid signature for another region reaches that region's engine")

	events := audited()
	require.Len(t, events, 5, "CreateStream and the four refusals of the default engine")
	require.Equal(t, alice, events[0].UserIdentity.ARN)
	require.Equal(t, "CreateStream", events[0].EventName)
	require.Empty(t, events[0].ErrorCode)
	for i, code := range []string{"InvalidSignatureException", "InvalidSignatureException", "MissingAuthenticationTokenException", "InvalidSignatureException"} {
		require.Equal(t, code, events[i+1].ErrorCode)
	}
	require.Equal(t, "CreateStream", events[2].EventName)
}

// TestAuditRejectedOnce checks that a request refused by the model's
// validation, before it reaches the engine, is audited once, and that a
// request the engine refuses is audited once by the engine.
func TestAuditRejectedOnce(t *testing.T) {
	e, audited := newAuditedEngine(t)
	h := newTestHandler(t, kinesisapi.WithEngine(e))
	rec := do(h, "CreateStream", `{"StreamName":"s","ShardCount":0}`)
	require.Equal(t, http.StatusBadRequest, rec.Code)
	rec = do(h, "DescribeStream", `{"StreamName":"missing"}`)
	require.Equal(t, http.StatusBadRequest, rec.Code)
	rec = do(h, "NoSuchOperation", `{}`)
	require.Equal(t, http.StatusBadRequest, rec.Code)
	events := audited()
	require.Len(t, events, 2, "the unknown operation is not an API call")
	require.Equal(t, "CreateStream", events[0].EventName)
	require.Equal(t, "ValidationException", events[0].ErrorCode)
	require.Equal(t, "DescribeStream", events[1].EventName)
	require.Equal(t, "ResourceNotFoundException", events[1].ErrorCode)
}

// newAuditedEngine returns an engine, closed when the test ends, and a
// function that returns the audit events it has sent so far.
func newAuditedEngine(t testing.TB) (*freshet.Engine, func() []freshet.AuditEvent) {
	var mu sync.Mutex
	var events []freshet.AuditEvent
	e := freshet.New(freshet.WithAuditHook(func(ev freshet.AuditEvent) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, ev)
	}))
	t.Cleanup(func() { e.Close() })
	return e, func() []freshet.AuditEvent {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(events)
	}
}

// newTestHandler returns a handler closed when the test ends.
func newTestHandler(t testing.TB, opts ...kinesisapi.Option) *kinesisapi.Handler {
	t.Helper()
	h := kinesisapi.NewHandler(opts...)
	t.Cleanup(func() { h.Close() })
	return h
}

// serve runs one request through h.
func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// newRequest returns an unsigned JSON 1.1 POST of operation op with body.
func newRequest(op, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", wire.ContentTypeJSON)
	r.Header.Set("X-Amz-Target", wire.TargetPrefix+op)
	return r
}

// jsonError decodes the code and message of a JSON error response.
func jsonError(t testing.TB, rec *httptest.ResponseRecorder) (code, message string, raw map[string]any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &raw), "%s", rec.Body)
	code, _ = raw["__type"].(string)
	message, _ = raw["message"].(string)
	require.Equal(t, code, rec.Header().Get("X-Amzn-ErrorType"))
	return code, message, raw
}

// do runs an unsigned JSON operation and returns the recorder.
func do(h http.Handler, op, body string) *httptest.ResponseRecorder {
	return serve(h, newRequest(op, body))
}
