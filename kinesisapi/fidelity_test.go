package kinesisapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestXMLErrorsHaveNoContentType: the XML answers to requests Kinesis
// cannot attribute to an operation carry no Content-Type, as production's
// do, even through a real server (which would sniff one).
func TestXMLErrorsHaveNoContentType(t *testing.T) {
	h := newTestHandler(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, tt := range []struct {
		method, contentType string
		status              int
		body                string
	}{
		{http.MethodGet, "", http.StatusForbidden, accessDeniedXML},
		{http.MethodPost, "text/plain", http.StatusNotFound, unknownOperationXML},
	} {
		req, err := http.NewRequest(tt.method, srv.URL, strings.NewReader("{}"))
		require.NoError(t, err)
		req.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
		if tt.contentType != "" {
			req.Header.Set("Content-Type", tt.contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, tt.status, resp.StatusCode)
		require.Equal(t, tt.body, string(body))
		_, has := resp.Header["Content-Type"]
		require.False(t, has, "Content-Type %q", resp.Header.Get("Content-Type"))
	}
}

// TestPreflightHasNoID2: the CORS preflight answer carries a request id
// but no x-amz-id-2, as production's.
func TestPreflightHasNoID2(t *testing.T) {
	h := newTestHandler(t)
	r := newRequest("ListStreams", `{}`)
	r.Method = http.MethodOptions
	r.Header.Set("Origin", "https://example.com")
	rec := serve(h, r)
	require.Equal(t, http.StatusOK, rec.Code)
	require.NotEmpty(t, rec.Header().Get("X-Amzn-Requestid"))
	_, has := rec.Header()["X-Amz-Id-2"]
	require.False(t, has)
}
