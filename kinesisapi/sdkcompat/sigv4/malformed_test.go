package sigv4_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/freshet-io/freshet/kinesisapi/sigv4"
)

const (
	goodCred  = "AKIDALICE/20240101/us-east-1/kinesis/aws4_request"
	goodDate  = "20240101T003000Z"
	goodSig   = "0000000000000000000000000000000000000000000000000000000000000000"
	goodQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDALICE%2F20240101%2Fus-east-1%2Fkinesis%2Faws4_request" +
		"&X-Amz-Date=20240101T003000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=" + goodSig
)

// authHeader returns an Authorization header with the given parameters.
func authHeader(credential, signedHeaders string) string {
	return "AWS4-HMAC-SHA256 Credential=" + credential + ", SignedHeaders=" + signedHeaders + ", Signature=" + goodSig
}

// TestVerifyMalformed checks the exact error of each malformed or
// incomplete signature.
func TestVerifyMalformed(t *testing.T) {
	const (
		incomplete   = "IncompleteSignatureException"
		invalid      = "InvalidSignatureException"
		unrecognized = "UnrecognizedClientException"
	)
	tests := []struct {
		name     string
		query    string
		headers  []string // name, value pairs
		wantCode string
		wantMsg  string
	}{
		{
			name:     "unsigned",
			wantCode: "MissingAuthenticationTokenException", wantMsg: "Missing Authentication Token",
		},
		{
			name:     "empty Authorization header",
			headers:  []string{"Authorization", ""},
			wantCode: "MissingAuthenticationTokenException", wantMsg: "Missing Authentication Token",
		},
		{
			name:     "header and query",
			query:    "X-Amz-Algorithm=AWS4-HMAC-SHA256",
			headers:  []string{"Authorization", authHeader(goodCred, "host"), "X-Amz-Date", goodDate},
			wantCode: invalid,
			wantMsg:  "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
		},
		{
			name:     "header with only the algorithm",
			headers:  []string{"Authorization", "AWS4-HMAC-SHA256", "X-Amz-Date", goodDate},
			wantCode: incomplete,
			wantMsg: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256",
		},
		{
			name:     "bearer token and no date",
			headers:  []string{"Authorization", "Bearer abc"},
			wantCode: incomplete,
			wantMsg: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. " +
				"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer abc",
		},
		{
			name:     "no signature",
			headers:  []string{"Authorization", "AWS4-HMAC-SHA256 Credential=" + goodCred + ", SignedHeaders=host", "X-Amz-Date", goodDate},
			wantCode: incomplete,
			wantMsg:  "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 Credential=" + goodCred + ", SignedHeaders=host",
		},
		{
			name:     "empty credential",
			headers:  []string{"Authorization", "AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=abc", "X-Amz-Date", goodDate},
			wantCode: incomplete,
			wantMsg:  "Authorization header requires 'Credential' parameter. Authorization=AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=abc",
		},
		{
			name:     "no date",
			headers:  []string{"Authorization", authHeader(goodCred, "host")},
			wantCode: incomplete,
			wantMsg:  "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=" + authHeader(goodCred, "host"),
		},
		{
			name:     "malformed X-Amz-Date",
			headers:  []string{"Authorization", authHeader(goodCred, "host"), "X-Amz-Date", "2024-01-01T00:30:00Z"},
			wantCode: incomplete,
			wantMsg:  "Date must be in ISO-8601 'basic format'. Got '2024-01-01T00:30:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
		},
		{
			name:     "X-Amz-Date with fractional seconds",
			headers:  []string{"Authorization", authHeader(goodCred, "host"), "X-Amz-Date", "20240101T003000.5Z"},
			wantCode: incomplete,
			wantMsg:  "Date must be in ISO-8601 'basic format'. Got '20240101T003000.5Z'. See http://en.wikipedia.org/wiki/ISO_8601",
		},
		{
			name:     "malformed Date",
			headers:  []string{"Authorization", authHeader(goodCred, "host"), "Date", "yesterday"},
			wantCode: incomplete,
			wantMsg:  "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601",
		},
		{
			name:     "Date header read",
			headers:  []string{"Authorization", authHeader(goodCred, "host;date"), "Date", "Mon, 01 Jan 2024 00:30:00 GMT"},
			wantCode: invalid, wantMsg: msgMismatch,
		},
		{
			name:     "old Date header",
			headers:  []string{"Authorization", authHeader(goodCred, "host;date"), "Date", "Mon, 01 Jan 2024 00:10:00 GMT"},
			wantCode: invalid,
			wantMsg:  "Signature expired: 20240101T001000Z is now earlier than 20240101T001500Z (20240101T003000Z - 15 min.)",
		},
		{
			name:     "short credential",
			headers:  []string{"Authorization", authHeader("AKIDALICE/20240101/us-east-1/kinesis", "host"), "X-Amz-Date", goodDate},
			wantCode: incomplete,
			wantMsg:  "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDALICE/20240101/us-east-1/kinesis'",
		},
		{
			name:     "wrong service",
			headers:  []string{"Authorization", authHeader("AKIDALICE/20240101/us-east-1/dynamodb/aws4_request", "host"), "X-Amz-Date", goodDate},
			wantCode: invalid,
			wantMsg:  "Credential should be scoped to correct service: 'kinesis'. ",
		},
		{
			name:     "wrong terminator",
			headers:  []string{"Authorization", authHeader("AKIDALICE/20240101/us-east-1/kinesis/aws5_request", "host"), "X-Amz-Date", goodDate},
			wantCode: invalid,
			wantMsg:  "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ",
		},
		{
			name:     "implausible region",
			headers:  []string{"Authorization", authHeader("AKIDALICE/20240101/US_EAST/kinesis/aws4_request", "host"), "X-Amz-Date", goodDate},
			wantCode: invalid,
			wantMsg:  "Credential should be scoped to a valid region, not 'US_EAST'. ",
		},
		{
			name:     "empty region",
			headers:  []string{"Authorization", authHeader("AKIDALICE/20240101//kinesis/aws4_request", "host"), "X-Amz-Date", goodDate},
			wantCode: invalid,
			wantMsg:  "Credential should be scoped to a valid region, not ''. ",
		},
		{
			name:     "scope date differs",
			headers:  []string{"Authorization", authHeader("AKIDALICE/20231231/us-east-1/kinesis/aws4_request", "host"), "X-Amz-Date", goodDate},
			wantCode: invalid,
			wantMsg:  "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20231231' != '20240101', from '20240101T003000Z'.",
		},
		{
			name:     "other algorithm",
			headers:  []string{"Authorization", "AWS4-HMAC-SHA512 Credential=" + goodCred + ", SignedHeaders=host, Signature=abc", "X-Amz-Date", goodDate},
			wantCode: incomplete,
			wantMsg:  "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.",
		},
		{
			name:     "host not signed",
			headers:  []string{"Authorization", authHeader(goodCred, "x-amz-date"), "X-Amz-Date", goodDate},
			wantCode: invalid,
			wantMsg:  "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
		},
		{
			name:     "header signed twice",
			headers:  []string{"Authorization", authHeader(goodCred, "host;host"), "X-Amz-Date", goodDate},
			wantCode: invalid, wantMsg: msgMismatch,
		},
		{
			name:     "unsigned payload in a signed request",
			headers:  []string{"Authorization", authHeader(goodCred, "host"), "X-Amz-Date", goodDate, "X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"},
			wantCode: invalid,
			wantMsg:  "The provided 'x-amz-content-sha256' header does not match what was computed.",
		},
		{
			name:     "unknown key",
			headers:  []string{"Authorization", authHeader("AKIDNOBODY/20240101/us-east-1/kinesis/aws4_request", "host"), "X-Amz-Date", goodDate},
			wantCode: unrecognized, wantMsg: "The security token included in the request is invalid.",
		},
		{
			name:     "empty key",
			headers:  []string{"Authorization", authHeader("/20240101/us-east-1/kinesis/aws4_request", "host"), "X-Amz-Date", goodDate},
			wantCode: unrecognized, wantMsg: "The security token included in the request is invalid.",
		},
		{
			name:     "complete header, wrong signature",
			headers:  []string{"Authorization", authHeader(goodCred, "host"), "X-Amz-Date", goodDate},
			wantCode: invalid, wantMsg: msgMismatch,
		},
		{
			name:     "presigned with only the algorithm",
			query:    "X-Amz-Algorithm=AWS4-HMAC-SHA256",
			wantCode: incomplete,
			wantMsg: "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. " +
				"AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. " +
				"Re-examine the query-string parameters.",
		},
		{
			name:     "presigned with an empty algorithm",
			query:    "X-Amz-Algorithm=&X-Amz-Credential=" + goodCred + "&X-Amz-Signature=abc&X-Amz-SignedHeaders=host",
			wantCode: incomplete,
			wantMsg: "AWS query-string parameters must include 'X-Amz-Algorithm'. AWS query-string parameters must include 'X-Amz-Date'. " +
				"Re-examine the query-string parameters.",
		},
		{
			name:     "presigned, other algorithm",
			query:    strings.Replace(goodQuery, "SHA256", "SHA1", 1),
			wantCode: incomplete, wantMsg: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1'.",
		},
		{
			name:     "presigned, malformed date",
			query:    strings.Replace(goodQuery, "20240101T003000Z", "20240101", 1),
			wantCode: incomplete,
			wantMsg:  "Date must be in ISO-8601 'basic format'. Got '20240101'. See http://en.wikipedia.org/wiki/ISO_8601",
		},
		{
			name:     "presigned, expires not a number",
			query:    goodQuery + "&X-Amz-Expires=soon",
			wantCode: incomplete, wantMsg: "X-Amz-Expires should be a number",
		},
		{
			name:     "presigned, negative expires",
			query:    goodQuery + "&X-Amz-Expires=-1",
			wantCode: incomplete, wantMsg: "X-Amz-Expires must be non-negative",
		},
		{
			name:     "presigned, expires over a week",
			query:    goodQuery + "&X-Amz-Expires=604801",
			wantCode: incomplete, wantMsg: "X-Amz-Expires must be less than a week (in seconds) that is 604800",
		},
		{
			name:     "presigned, huge expires",
			query:    goodQuery + "&X-Amz-Expires=99999999999999999999999",
			wantCode: incomplete, wantMsg: "X-Amz-Expires must be less than a week (in seconds) that is 604800",
		},
		{
			name:     "presigned, wrong signature",
			query:    goodQuery + "&X-Amz-Expires=60",
			wantCode: invalid, wantMsg: msgMismatch,
		},
		{
			name:     "presigned, wrong service",
			query:    strings.Replace(goodQuery, "kinesis", "sqs", 1),
			wantCode: invalid, wantMsg: "Credential should be scoped to correct service: 'kinesis'. ",
		},
		{
			name:     "presigned, unknown key",
			query:    strings.Replace(goodQuery, "AKIDALICE", "AKIDNOBODY", 1),
			wantCode: unrecognized, wantMsg: "The security token included in the request is invalid.",
		},
	}
	v := &sigv4.Verifier{Credentials: testStore(t)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "http://kinesis.us-east-1.amazonaws.com/?"+tt.query, strings.NewReader("{}"))
			for i := 0; i+1 < len(tt.headers); i += 2 {
				r.Header.Set(tt.headers[i], tt.headers[i+1])
			}
			creds, err := v.Verify(r, []byte("{}"), now)
			checkResult(t, creds, err, sigv4.Credentials{}, tt.wantCode, tt.wantMsg)
		})
	}
}

// TestVerifyDegenerate checks requests no server would build and a
// Verifier without credentials.
func TestVerifyDegenerate(t *testing.T) {
	v := &sigv4.Verifier{Credentials: testStore(t)}
	_, err := v.Verify(nil, nil, now)
	assert.ErrorIs(t, err, sigv4.ErrMissingAuthenticationToken, "Verify(nil)")
	_, err = v.Verify(&http.Request{}, nil, now)
	assert.ErrorIs(t, err, sigv4.ErrMissingAuthenticationToken, "Verify(empty request)")
	// The caller owns the error: changing it leaves the sentinel alone.
	var e *sigv4.Error
	if errors.As(err, &e) {
		e.Message = "changed"
	}
	assert.Equal(t, "Missing Authentication Token", sigv4.ErrMissingAuthenticationToken.Message, "the sentinel changed")
	r := &http.Request{Header: http.Header{"Authorization": {authHeader(goodCred, "host;x-amz-date")}, "X-Amz-Date": {goodDate}}}
	_, err = v.Verify(r, nil, now)
	assert.ErrorIs(t, err, sigv4.ErrInvalidSignature, "Verify(request without URL)")

	req := newRequest(t, "http://kinesis.us-east-1.amazonaws.com/", listStreamsBody)
	sign(t, req, listStreamsBody, alice, "us-east-1", now)
	var zero sigv4.Verifier
	_, err = zero.Verify(req, []byte(listStreamsBody), now)
	assert.ErrorIs(t, err, sigv4.ErrUnrecognizedClient, "zero Verifier: Verify")
	// A client-side request (no Host field, no Content-Length header)
	// verifies too.
	v.Region = "us-east-1"
	creds, err := v.Verify(req, []byte(listStreamsBody), now)
	if assert.NoError(t, err, "client request: Verify") {
		assert.Equal(t, alice, creds, "client request: Verify")
	}
}

// TestErrorIs checks that errors.Is matches codes, not messages.
func TestErrorIs(t *testing.T) {
	err := error(&sigv4.Error{Code: sigv4.CodeInvalidSignature, Message: "Signature expired: ..."})
	assert.ErrorIs(t, err, sigv4.ErrInvalidSignature, "an InvalidSignatureException is not ErrInvalidSignature")
	assert.NotErrorIs(t, err, sigv4.ErrIncompleteSignature, "an InvalidSignatureException is ErrIncompleteSignature")
	assert.EqualError(t, err, "InvalidSignatureException: Signature expired: ...")
	assert.EqualError(t, sigv4.ErrIncompleteSignature, "IncompleteSignatureException")
}
