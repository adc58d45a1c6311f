package sigv4_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/kinesisapi/sigv4"
)

const listStreamsBody = `{"Limit":10}`

const msgMismatch = "The request signature we calculated does not match the signature you provided. " +
	"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

// TestVerifySDKSigned sends requests signed and presigned by the AWS SDK's
// own signer, some then altered, through a real HTTP server whose handler
// verifies them.
func TestVerifySDKSigned(t *testing.T) {
	bob := sigv4.Credentials{AccessKeyID: "AKIDBOB", SecretAccessKey: "bob-secret"}
	wrongSecret := alice
	wrongSecret.SecretAccessKey = "not-alices-secret"
	noToken := temp
	noToken.SessionToken = ""
	otherToken := temp
	otherToken.SessionToken = "other-token"
	aliceToken := alice
	aliceToken.SessionToken = "temp-token"

	// signed returns a request to path signed by c for region at time at.
	signed := func(c sigv4.Credentials, region string, at time.Time) func(t *testing.T, url string) *http.Request {
		return func(t *testing.T, url string) *http.Request {
			req := newRequest(t, url, listStreamsBody)
			sign(t, req, listStreamsBody, c, region, at)
			return req
		}
	}
	// presigned returns a request presigned by c.
	presigned := func(c sigv4.Credentials, payloadHash string, at time.Time, expires time.Duration) func(t *testing.T, url string) *http.Request {
		return func(t *testing.T, url string) *http.Request {
			if payloadHash == "" {
				payloadHash = hashHex(listStreamsBody)
			}
			return presign(t, newRequest(t, url, listStreamsBody), payloadHash, c, "us-east-1", at, expires)
		}
	}

	tests := []struct {
		name     string
		region   string // of the Verifier
		request  func(t *testing.T, url string) *http.Request
		wantCode string // "" for success
		wantMsg  string
		want     sigv4.Credentials
	}{
		{name: "right secret", request: signed(alice, "us-east-1", now), want: alice},
		{name: "right secret, endpoint region", region: "us-east-1", request: signed(alice, "us-east-1", now), want: alice},
		{name: "other region", request: signed(alice, "eu-west-3", now), want: alice},
		{name: "session token", request: signed(temp, "us-east-1", now), want: temp},
		{name: "15 minutes old", request: signed(alice, "us-east-1", now.Add(-15*time.Minute)), want: alice},
		{name: "15 minutes ahead", request: signed(alice, "us-east-1", now.Add(15*time.Minute)), want: alice},
		{
			name: "path and query",
			request: func(t *testing.T, url string) *http.Request {
				req := newRequest(t, url+"/a%20b/c~d/%C3%BC/x%2Fy?b=2&a=x%2Fy&a=1&space=a%20b&plus=a%2Bb&empty=&u=%C3%A9", listStreamsBody)
				sign(t, req, listStreamsBody, alice, "us-east-1", now)
				return req
			},
			want: alice,
		},
		{
			name: "unicode and spaces in signed headers",
			request: func(t *testing.T, url string) *http.Request {
				req := newRequest(t, url, listStreamsBody)
				req.Header.Set("X-Amz-Meta-Name", "héllo  wörld ✓")
				req.Header.Set("X-Custom", "  a   b  c ")
				req.Header.Add("X-Multi", "one")
				req.Header.Add("X-Multi", "two  three")
				sign(t, req, listStreamsBody, alice, "us-east-1", now)
				return req
			},
			want: alice,
		},
		{
			name: "empty body",
			request: func(t *testing.T, url string) *http.Request {
				req := newRequest(t, url, "")
				sign(t, req, "", alice, "us-east-1", now)
				return req
			},
			want: alice,
		},
		{
			name: "unsigned header added",
			request: func(t *testing.T, url string) *http.Request {
				req := signed(alice, "us-east-1", now)(t, url)
				req.Header.Set("X-Added-Later", "anything")
				return req
			},
			want: alice,
		},
		{
			name: "content sha256 header",
			request: func(t *testing.T, url string) *http.Request {
				req := newRequest(t, url, listStreamsBody)
				req.Header.Set("X-Amz-Content-Sha256", hashHex(listStreamsBody))
				sign(t, req, listStreamsBody, alice, "us-east-1", now)
				return req
			},
			want: alice,
		},
		{name: "presigned", request: presigned(alice, "", now, 0), want: alice},
		{name: "presigned with session token", request: presigned(temp, "", now, 0), want: temp},
		{name: "presigned unsigned payload", request: presigned(alice, "UNSIGNED-PAYLOAD", now, 0), want: alice},
		{name: "presigned 30 minutes ago for an hour", request: presigned(alice, "", now.Add(-30*time.Minute), time.Hour), want: alice},
		{
			name: "presigned with a path and query",
			request: func(t *testing.T, url string) *http.Request {
				req := newRequest(t, url+"/p%20q?Action=ListStreams&x=%E2%9C%93", listStreamsBody)
				return presign(t, req, hashHex(listStreamsBody), alice, "us-east-1", now, time.Minute)
			},
			want: alice,
		},

		{name: "wrong secret", request: signed(wrongSecret, "us-east-1", now), wantCode: "InvalidSignatureException", wantMsg: msgMismatch},
		{
			name: "tampered body",
			request: func(t *testing.T, url string) *http.Request {
				req := signed(alice, "us-east-1", now)(t, url)
				replaceBody(req, `{"Limit":99}`)
				return req
			},
			wantCode: "InvalidSignatureException", wantMsg: msgMismatch,
		},
		{
			name: "tampered body with content sha256 header",
			request: func(t *testing.T, url string) *http.Request {
				req := newRequest(t, url, listStreamsBody)
				req.Header.Set("X-Amz-Content-Sha256", hashHex(listStreamsBody))
				sign(t, req, listStreamsBody, alice, "us-east-1", now)
				replaceBody(req, `{"Limit":99}`)
				return req
			},
			wantCode: "InvalidSignatureException",
			wantMsg:  "The provided 'x-amz-content-sha256' header does not match what was computed.",
		},
		{
			name:     "wrong region for the endpoint",
			region:   "us-east-1",
			request:  signed(alice, "us-west-2", now),
			wantCode: "InvalidSignatureException",
			wantMsg:  "Credential should be scoped to a valid region, not 'us-west-2'. ",
		},
		{
			name: "region altered in the scope",
			request: func(t *testing.T, url string) *http.Request {
				req := signed(alice, "us-west-2", now)(t, url)
				req.Header.Set("Authorization", strings.Replace(req.Header.Get("Authorization"), "/us-west-2/", "/us-east-1/", 1))
				return req
			},
			wantCode: "InvalidSignatureException", wantMsg: msgMismatch,
		},
		{
			name: "altered signed header",
			request: func(t *testing.T, url string) *http.Request {
				req := signed(alice, "us-east-1", now)(t, url)
				req.Header.Set("X-Amz-Target", "Kinesis_20131202.DeleteStream")
				return req
			},
			wantCode: "InvalidSignatureException", wantMsg: msgMismatch,
		},
		{
			name: "altered method",
			request: func(t *testing.T, url string) *http.Request {
				req := signed(alice, "us-east-1", now)(t, url)
				req.Method = http.MethodPut
				return req
			},
			wantCode: "InvalidSignatureException", wantMsg: msgMismatch,
		},
		{
			name: "altered query",
			request: func(t *testing.T, url string) *http.Request {
				req := newRequest(t, url+"?a=1", listStreamsBody)
				sign(t, req, listStreamsBody, alice, "us-east-1", now)
				req.URL.RawQuery = "a=2"
				return req
			},
			wantCode: "InvalidSignatureException", wantMsg: msgMismatch,
		},
		{
			name:     "16 minutes old",
			request:  signed(alice, "us-east-1", now.Add(-16*time.Minute)),
			wantCode: "InvalidSignatureException",
			wantMsg:  "Signature expired: 20240101T001400Z is now earlier than 20240101T001500Z (20240101T003000Z - 15 min.)",
		},
		{
			name:     "16 minutes ahead",
			request:  signed(alice, "us-east-1", now.Add(16*time.Minute)),
			wantCode: "InvalidSignatureException",
			wantMsg:  "Signature not yet current: 20240101T004600Z is still later than 20240101T004500Z (20240101T003000Z + 15 min.)",
		},
		{
			name:     "presigned past X-Amz-Expires",
			request:  presigned(alice, "", now.Add(-10*time.Minute), 5*time.Minute),
			wantCode: "InvalidSignatureException",
			wantMsg:  "Signature expired: 20240101T002000Z is now earlier than 20240101T002500Z (20240101T003000Z - 300 sec.)",
		},
		{
			name:     "presigned 16 minutes old without X-Amz-Expires",
			request:  presigned(alice, "", now.Add(-16*time.Minute), 0),
			wantCode: "InvalidSignatureException",
			wantMsg:  "Signature expired: 20240101T001400Z is now earlier than 20240101T001500Z (20240101T003000Z - 15 min.)",
		},
		{
			name: "presigned with a tampered body",
			request: func(t *testing.T, url string) *http.Request {
				req := presigned(alice, "", now, 0)(t, url)
				replaceBody(req, `{"Limit":99}`)
				return req
			},
			wantCode: "InvalidSignatureException", wantMsg: msgMismatch,
		},
		{
			name: "presigned with an added query parameter",
			request: func(t *testing.T, url string) *http.Request {
				req := presigned(alice, "", now, 0)(t, url)
				req.URL.RawQuery += "&extra=1"
				return req
			},
			wantCode: "InvalidSignatureException", wantMsg: msgMismatch,
		},
		{
			name:     "unknown key",
			request:  signed(bob, "us-east-1", now),
			wantCode: "UnrecognizedClientException",
			wantMsg:  "The security token included in the request is invalid.",
		},
		{
			name:     "session token missing",
			request:  signed(noToken, "us-east-1", now),
			wantCode: "UnrecognizedClientException",
			wantMsg:  "The security token included in the request is invalid.",
		},
		{
			name:     "wrong session token",
			request:  signed(otherToken, "us-east-1", now),
			wantCode: "UnrecognizedClientException",
			wantMsg:  "The security token included in the request is invalid.",
		},
		{
			name:     "session token for a long-term key",
			request:  signed(aliceToken, "us-east-1", now),
			wantCode: "UnrecognizedClientException",
			wantMsg:  "The security token included in the request is invalid.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &sigv4.Verifier{Credentials: testStore(t), Region: tt.region}
			srv, results := verifyServer(t, v, fixedClock, "{}")
			res := send(t, srv, results, tt.request(t, srv.URL))
			checkResult(t, res.creds, res.err, tt.want, tt.wantCode, tt.wantMsg)
		})
	}
}

// checkResult checks the outcome of Verify.
func checkResult(t *testing.T, got sigv4.Credentials, err error, want sigv4.Credentials, wantCode, wantMsg string) {
	t.Helper()
	if wantCode == "" {
		require.NoError(t, err, "Verify")
		require.Equal(t, want, got, "Verify")
		return
	}
	var e *sigv4.Error
	require.ErrorAs(t, err, &e, "Verify error = %v (%T), want an *Error %s", err, err, wantCode)
	require.Equal(t, wantCode, e.Code, "Verify error code; message %q", e.Message)
	require.Equal(t, wantMsg, e.Message, "Verify error message")
	require.Zero(t, got, "Verify returned credentials with an error")
}
