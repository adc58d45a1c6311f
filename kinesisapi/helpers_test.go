package kinesisapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// newTestHandler returns a handler closed when the test ends.
func newTestHandler(t testing.TB, opts ...Option) *Handler {
	t.Helper()
	h := NewHandler(opts...)
	t.Cleanup(func() { h.Close() })
	return h
}

// newRequest returns a JSON 1.1 POST of operation op with body.
func newRequest(op, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", wire.ContentTypeJSON)
	if op != "" {
		r.Header.Set("X-Amz-Target", wire.TargetPrefix+op)
	}
	return r
}

// serve runs one request through h.
func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// do runs a JSON operation and returns the recorder.
func do(h http.Handler, op, body string) *httptest.ResponseRecorder {
	return serve(h, newRequest(op, body))
}

// mustCall runs a JSON operation that must succeed and decodes its output
// into a map (nil for an empty body).
func mustCall(t testing.TB, h http.Handler, op, body string) map[string]any {
	t.Helper()
	rec := do(h, op, body)
	require.Equal(t, http.StatusOK, rec.Code, "%s: %s", op, rec.Body)
	if rec.Body.Len() == 0 {
		return nil
	}
	var out map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out), "%s", rec.Body)
	return out
}

// jsonError decodes an error response (JSON, or CBOR for CBOR responses): its __type and message (read from
// "message", or "Message" for SerializationException).
func jsonError(t testing.TB, rec *httptest.ResponseRecorder) (code, message string, raw map[string]any) {
	t.Helper()
	if rec.Header().Get("Content-Type") == wire.ContentTypeCBOR {
		require.NoError(t, cbor.Unmarshal(rec.Body.Bytes(), &raw))
	} else {
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &raw), "%s", rec.Body)
	}
	code, _ = raw["__type"].(string)
	message, _ = raw["message"].(string)
	if m, ok := raw["Message"].(string); ok {
		message = m
	}
	require.Equal(t, code, rec.Header().Get("X-Amzn-ErrorType"))
	return code, message, raw
}

// requireError asserts an error response of the given status and code and
// returns its message.
func requireError(t testing.TB, rec *httptest.ResponseRecorder, status int, code string) string {
	t.Helper()
	require.Equal(t, status, rec.Code, "%s", rec.Body)
	got, msg, _ := jsonError(t, rec)
	require.Equal(t, code, got, "%s", rec.Body)
	return msg
}

// cborBody encodes v as a CBOR request body.
func cborBody(t testing.TB, v any) []byte {
	t.Helper()
	b, err := cbor.Marshal(v)
	require.NoError(t, err)
	return b
}

// mustCreateStream creates an ACTIVE stream in h's default engine.
func mustCreateStream(t testing.TB, h *Handler, name string, shards int) {
	t.Helper()
	mustCall(t, h, "CreateStream", `{"StreamName":"`+name+`","ShardCount":`+strconv.Itoa(shards)+`}`)
}

// defaultEngine returns the engine of unsigned requests.
func defaultEngine(h *Handler) *freshet.Engine {
	return h.Engine("000000000000", "us-east-1")
}
