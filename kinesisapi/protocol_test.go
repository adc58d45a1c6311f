package kinesisapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

const signedAuth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/kinesis/aws4_request, " +
	"SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=abcdef0123456789"

// TestCheckOrder walks the protocol checks of docs/kinesis-notes.md §1.5.4 in order: each
// case breaks one check and everything after it, and must be answered by
// the first broken one.
func TestCheckOrder(t *testing.T) {
	h := newTestHandler(t)
	mustCreateStream(t, h, "s", 1)
	huge := `{"StreamName":"` + strings.Repeat("a", 200) + `"}`
	small := newTestHandler(t, WithMaxRequestBytes(64))

	type tc struct {
		name        string
		h           http.Handler
		method      string
		target      string
		contentType string
		body        string
		header      map[string]string
		query       string
		status      int
		code        string // JSON error __type; "" for XML or success
		message     string
		xml         string
	}
	cases := []tc{
		{name: "GET", method: http.MethodGet, target: "ListStreams", status: 403, xml: accessDeniedXML},
		{name: "OPTIONS without Origin", method: http.MethodOptions, target: "ListStreams", status: 403, xml: accessDeniedXML},
		{name: "PUT bad everything", method: http.MethodPut, target: "Nope", contentType: "text/plain", body: "{", status: 403, xml: accessDeniedXML},
		{name: "no content type, no target", target: "-", contentType: "-", body: "{", status: 403, xml: accessDeniedXML},
		{name: "bad content type, target without operation", target: "Kinesis_20131202", contentType: "text/plain", status: 403, xml: accessDeniedXML},
		{name: "bad content type, any target", target: "Nope.Nope", contentType: "text/plain", body: "{", status: 404, xml: unknownOperationXML},
		{name: "bad content type, valid target", target: "Kinesis_20131202.ListStreams", contentType: "application/xml", status: 404, xml: unknownOperationXML},
		{name: "too large", h: small, target: "Nope.Nope", body: huge, status: 413, code: codeRequestTooLarge, message: "Request body is larger than the limit of the server."},
		{name: "not an object, unknown op", target: "Nope.Nope", body: "[1]", status: 400, code: codeSerialization},
		{name: "malformed, unknown op", target: "Kinesis_20131202.Nope", body: `{"a":`, status: 400, code: codeSerialization},
		{name: "unknown op", target: "Kinesis_20131202.Nope", body: `{}`, status: 400, code: codeUnknownOperation},
		{name: "unknown service", target: "DynamoDB_20120810.ListStreams", body: `{}`, status: 400, code: codeUnknownOperation},
		{name: "no target", target: "-", body: `{}`, status: 400, code: codeUnknownOperation},
		{name: "op case matters", target: "Kinesis_20131202.liststreams", body: `{}`, status: 400, code: codeUnknownOperation},
		{name: "malformed, both auths", body: `"x"`, header: map[string]string{"Authorization": signedAuth, "X-Amz-Date": "20250101T000000Z"},
			query: "X-Amz-Algorithm=AWS4-HMAC-SHA256", status: 400, code: codeSerialization},
		{name: "both auths", body: `{"Limit":"x"}`, header: map[string]string{"Authorization": signedAuth, "X-Amz-Date": "20250101T000000Z"},
			query: "X-Amz-Algorithm=AWS4-HMAC-SHA256", status: 400, code: codeInvalidSignature,
			message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."},
		{name: "incomplete header", body: `{"Limit":"x"}`, header: map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=A/B/us-east-1/kinesis/aws4_request"},
			status: 400, code: codeIncompleteSignature,
			message: "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
				"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
				"Authorization=AWS4-HMAC-SHA256 Credential=A/B/us-east-1/kinesis/aws4_request"},
		{name: "incomplete query", body: `{}`, query: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2FB%2Fus-east-1%2Fkinesis%2Faws4_request",
			status: 400, code: codeIncompleteSignature,
			message: "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. " +
				"AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters."},
		{name: "bad region", body: `{}`, header: map[string]string{"Authorization": strings.Replace(signedAuth, "us-east-1", "US_EAST", 1), "X-Amz-Date": "20250101T000000Z"},
			status: 400, code: codeInvalidSignature, message: "Credential should be scoped to a valid region, not 'US_EAST'. "},
		{name: "type mismatch", body: `{"Limit":"x"}`, status: 400, code: codeSerialization, message: "class java.lang.String can not be converted to an Integer"},
		{name: "validation", body: `{"Limit":0}`, status: 400, code: "ValidationException",
			message: "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{name: "engine error", target: "Kinesis_20131202.DescribeStream", body: `{"StreamName":"nope"}`, status: 400, code: "ResourceNotFoundException",
			message: "Stream nope under account 000000000000 not found."},
		{name: "ok", body: `{}`, status: 200},
		{name: "ok, empty body", body: ``, status: 200},
		{name: "ok, blank body", body: " \n", status: 200},
		{name: "ok, any path", body: `{}`, query: "a=b", status: 200},
		{name: "ok, legacy JSON", contentType: "application/json", body: `{}`, status: 200},
		{name: "ok, content type parameters", contentType: "application/x-amz-json-1.1; charset=utf-8", body: `{}`, status: 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			target := c.target
			switch target {
			case "":
				target = "Kinesis_20131202.ListStreams"
			case "-":
				target = ""
			}
			r := newRequest("", c.body)
			if c.method != "" {
				r.Method = c.method
			}
			r.Header.Set("X-Amz-Target", target)
			switch c.contentType {
			case "":
			case "-":
				r.Header.Del("Content-Type")
			default:
				r.Header.Set("Content-Type", c.contentType)
			}
			for k, v := range c.header {
				r.Header.Set(k, v)
			}
			r.URL.RawQuery = c.query
			hh := c.h
			if hh == nil {
				hh = h
			}
			rec := serve(hh, r)
			require.Equal(t, c.status, rec.Code, "%s", rec.Body)
			assert.Regexp(t, uuidV4, rec.Header().Get("X-Amzn-RequestId"))
			assert.Len(t, rec.Header().Get("X-Amz-Id-2"), 96)
			switch {
			case c.xml != "":
				assert.Equal(t, c.xml, rec.Body.String())
				assert.Empty(t, rec.Header().Get("X-Amzn-ErrorType"))
			case c.code != "":
				code, msg, raw := jsonError(t, rec)
				assert.Equal(t, c.code, code)
				assert.Equal(t, c.message, msg)
				if c.message == "" {
					assert.Len(t, raw, 1, "no message member: %s", rec.Body)
				}
				if c.code == codeSerialization && c.message != "" {
					assert.Contains(t, raw, "Message", "SerializationException uses a capital Message")
				} else if c.message != "" {
					assert.Contains(t, raw, "message")
				}
			default:
				ct, _ := responseContentType(r.Header.Get("Content-Type"))
				assert.Equal(t, ct, rec.Header().Get("Content-Type"))
				assert.Equal(t, rec.Header().Get("Content-Length"), jsonLen(rec.Body.Len()))
			}
		})
	}
}

func jsonLen(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestEmptyOutputOperations(t *testing.T) {
	h := newTestHandler(t)
	rec := do(h, "CreateStream", `{"StreamName":"s","ShardCount":1}`)
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	assert.Equal(t, 0, rec.Body.Len())
	assert.Equal(t, "0", rec.Header().Get("Content-Length"))
	assert.Equal(t, wire.ContentTypeJSON, rec.Header().Get("Content-Type"))

	r := newRequest("AddTagsToStream", `{"StreamName":"s","Tags":{"k":"v"}}`)
	r.Header.Set("Content-Type", wire.ContentTypeCBOR)
	r.Body = http.NoBody
	r.ContentLength = 0
	rec = serve(h, r)
	// An empty CBOR body is {}: Tags is missing.
	requireError(t, rec, 400, "ValidationException")
	assert.Equal(t, wire.ContentTypeCBOR, rec.Header().Get("Content-Type"))
}

func TestCORS(t *testing.T) {
	h := newTestHandler(t)

	r := newRequest("ListStreams", `{}`)
	r.Method = http.MethodOptions
	r.Header.Set("Origin", "https://example.com")
	r.Header.Set("Access-Control-Request-Headers", "content-type,x-amz-target")
	r.Header.Set("Access-Control-Request-Method", "POST")
	rec := serve(h, r)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, 0, rec.Body.Len())
	assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "content-type,x-amz-target", rec.Header().Get("Access-Control-Allow-Headers"))
	assert.Equal(t, "POST", rec.Header().Get("Access-Control-Allow-Methods"))
	assert.Equal(t, "172800", rec.Header().Get("Access-Control-Max-Age"))

	for _, body := range []string{`{}`, `{"Limit":0}`} {
		r = newRequest("ListStreams", body)
		r.Header.Set("Origin", "https://example.com")
		rec = serve(h, r)
		assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"), body)
		assert.Equal(t, exposedHeaders, rec.Header().Get("Access-Control-Expose-Headers"), body)
	}

	rec = do(h, "ListStreams", `{}`)
	assert.Empty(t, rec.Header().Get("Access-Control-Allow-Origin"))
}

func TestRequestTooLargeByContentLength(t *testing.T) {
	h := newTestHandler(t, WithMaxRequestBytes(10))
	r := newRequest("ListStreams", `{"Limit": 10}`)
	rec := serve(h, r)
	requireError(t, rec, http.StatusRequestEntityTooLarge, codeRequestTooLarge)

	r = newRequest("ListStreams", `{"Limit": 10}`)
	r.ContentLength = -1 // chunked: the limit applies while reading
	rec = serve(h, r)
	requireError(t, rec, http.StatusRequestEntityTooLarge, codeRequestTooLarge)
}

func TestRequireAuth(t *testing.T) {
	h := newTestHandler(t, WithRequireAuth(true))
	msg := requireError(t, do(h, "ListStreams", `{}`), 400, codeMissingAuthToken)
	assert.Equal(t, "Missing Authentication Token", msg)

	// A malformed body is reported before authentication.
	requireError(t, do(h, "ListStreams", `[]`), 400, codeSerialization)

	r := newRequest("ListStreams", `{}`)
	r.Header.Set("Authorization", signedAuth)
	r.Header.Set("X-Amz-Date", "20250101T000000Z")
	require.Equal(t, http.StatusOK, serve(h, r).Code)

	r = newRequest("ListStreams", `{}`)
	r.URL.RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20250101%2Fus-east-1%2Fkinesis%2Faws4_request" +
		"&X-Amz-Signature=abc&X-Amz-SignedHeaders=host&X-Amz-Date=20250101T000000Z"
	require.Equal(t, http.StatusOK, serve(h, r).Code)
}

// TestInternalFailure: a panic in the engine (here, in an interceptor) or
// an error that is not a *freshet.Error is answered 500
// {"__type":"InternalFailure"}, and the handler keeps serving.
func TestInternalFailure(t *testing.T) {
	h := newTestHandler(t)
	e := defaultEngine(h)
	remove := e.Intercept(func(ctx context.Context, c *freshet.Call) error {
		switch c.Operation {
		case "ListStreams":
			panic("boom")
		case "DescribeLimits":
			return errors.New("not a Kinesis error")
		}
		return nil
	})
	for _, op := range []string{"ListStreams", "DescribeLimits"} {
		rec := do(h, op, `{}`)
		require.Equal(t, http.StatusInternalServerError, rec.Code, op)
		assert.JSONEq(t, `{"__type":"InternalFailure"}`, rec.Body.String(), op)
		assert.Equal(t, codeInternalFailure, rec.Header().Get("X-Amzn-ErrorType"))
	}
	// CBOR requests get a CBOR body.
	r := newRequest("ListStreams", "")
	r.Header.Set("Content-Type", wire.ContentTypeCBOR)
	rec := serve(h, r)
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	var m map[string]any
	require.NoError(t, cbor.Unmarshal(rec.Body.Bytes(), &m))
	assert.Equal(t, map[string]any{"__type": "InternalFailure"}, m)

	remove()
	mustCall(t, h, "ListStreams", `{}`)

	// Injected modeled errors keep their code, message and status.
	e.InjectFault(freshet.Fault{Operation: "DescribeLimits", Times: 1, Err: freshet.ErrInternalFailure})
	msg := requireError(t, do(h, "DescribeLimits", `{}`), 500, "InternalFailureException")
	assert.Equal(t, "Internal Service Failure", msg)
	e.InjectFault(freshet.Fault{Operation: "DescribeLimits", Times: 1, Err: freshet.ErrServiceUnavailable})
	requireError(t, do(h, "DescribeLimits", `{}`), 503, "ServiceUnavailable")
}

func TestClosedHandler(t *testing.T) {
	h := NewHandler()
	mustCall(t, h, "ListStreams", `{}`)
	require.NoError(t, h.Close())
	require.NoError(t, h.Close())
	requireError(t, do(h, "ListStreams", `{}`), 503, codeServiceUnavailable)
}

// TestEveryOperationIsServed pins that every operation of the wire model
// has a translation.
func TestEveryOperationIsServed(t *testing.T) {
	require.Len(t, wire.Operations, 39)
	for _, op := range wire.Operations {
		if op.EventStream {
			assert.Equal(t, "SubscribeToShard", op.Name)
			continue
		}
		assert.NotNil(t, operations[op.Name], op.Name)
	}
	assert.Len(t, operations, 38)
}

// TestSubscribePanic: a panic while starting a subscription is an
// ordinary 500 InternalFailure; nothing streams.
func TestSubscribePanic(t *testing.T) {
	h := newTestHandler(t)
	out := mustCall(t, h, "CreateStream", `{"StreamName":"s","ShardCount":1}`)
	require.Nil(t, out)
	out = mustCall(t, h, "RegisterStreamConsumer", `{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s","ConsumerName":"c"}`)
	arn := out["Consumer"].(map[string]any)["ConsumerARN"].(string)
	defaultEngine(h).Intercept(func(ctx context.Context, c *freshet.Call) error {
		if c.Operation == "SubscribeToShard" && c.ShardId != "" {
			panic("boom")
		}
		return nil
	})
	rec := do(h, "SubscribeToShard", `{"ConsumerARN":"`+arn+`","ShardId":"0","StartingPosition":{"Type":"LATEST"}}`)
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.JSONEq(t, `{"__type":"InternalFailure"}`, rec.Body.String())
	assert.Equal(t, wire.ContentTypeJSON, rec.Header().Get("Content-Type"))
	assert.Empty(t, h.subs)
}

// TestNilBody: a request built by hand without a body is an empty one.
func TestNilBody(t *testing.T) {
	h := newTestHandler(t)
	r := newRequest("ListStreams", "")
	r.Body = nil
	rec := serve(h, r)
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
}
