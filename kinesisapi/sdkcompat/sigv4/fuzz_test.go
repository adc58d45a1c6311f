package sigv4_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/kinesisapi/sigv4"
)

// FuzzVerify feeds arbitrary Authorization headers, query strings, dates
// and bodies to Verify: it must never panic, and must fail only with an
// *Error.
func FuzzVerify(f *testing.F) {
	f.Add(authHeader(goodCred, "host;x-amz-date"), "", goodDate, "{}")
	f.Add("", goodQuery+"&X-Amz-Expires=60", "", "")
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDALICE/20240101/us-east-1/kinesis/aws4_request,SignedHeaders=host;;;host,Signature=", "a=%zz&b;c", goodDate, "x")
	f.Add("Bearer ,,,   ===", "X-Amz-Algorithm", "20240101T003000.999999999Z", "")
	f.Add(authHeader("AKIDALICE/20240101/us-east-1/kinesis/aws4_request/extra", "host"), "X-Amz-Algorithm=&X-Amz-Expires=-99999999999999999999", "99991231T235959Z", "")

	v := &sigv4.Verifier{Credentials: testStore(f)}
	f.Fuzz(func(t *testing.T, auth, query, date, body string) {
		r := &http.Request{
			Method: http.MethodPost,
			URL:    &url.URL{Path: "/", RawQuery: query},
			Host:   "localhost",
			Header: http.Header{"X-Amz-Date": {date}},
		}
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		creds, err := v.Verify(r, []byte(body), now)
		if err != nil {
			var e *sigv4.Error
			require.ErrorAs(t, err, &e, "Verify error %v is a %T, not an *Error", err, err)
		} else {
			require.NotEmpty(t, creds.AccessKeyID, "Verify succeeded without credentials")
		}
	})
}
