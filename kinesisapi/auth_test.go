package kinesisapi

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// signed returns a request signed (not really: signatures are not checked)
// with access key akid in region.
func signed(op, body, akid, region string) *http.Request {
	r := newRequest(op, body)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+akid+"/20250101/"+region+"/kinesis/aws4_request, "+
		"SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0123456789abcdef")
	r.Header.Set("X-Amz-Date", "20250101T000000Z")
	return r
}

// presigned returns a request presigned with access key akid in region.
func presigned(op, body, akid, region string) *http.Request {
	r := newRequest(op, body)
	r.URL.RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + akid + "%2F20250101%2F" + region +
		"%2Fkinesis%2Faws4_request&X-Amz-Date=20250101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abc"
	return r
}

func streamNames(e *freshet.Engine) []string {
	out, err := e.ListStreams(context.Background(), &freshet.ListStreamsInput{})
	if err != nil {
		panic(err)
	}
	return out.StreamNames
}

// TestRouting: the credential scope's region, and a 12-digit access key's
// account, pick the engine; unsigned requests use the default one.
func TestRouting(t *testing.T) {
	h := newTestHandler(t)
	create := `{"StreamName":"s","ShardCount":1}`

	require.Equal(t, 200, serve(h, newRequest("CreateStream", create)).Code)
	require.Equal(t, 200, serve(h, signed("CreateStream", strings.Replace(create, `"s"`, `"a"`, 1), "AKIDEXAMPLE", "us-east-1")).Code)
	require.Equal(t, 200, serve(h, signed("CreateStream", create, "AKIDEXAMPLE", "eu-west-1")).Code)
	require.Equal(t, 200, serve(h, signed("CreateStream", create, "123456789012", "eu-west-1")).Code)
	require.Equal(t, 200, serve(h, presigned("CreateStream", create, "210987654321", "ap-south-1")).Code)

	assert.Equal(t, []string{"a", "s"}, streamNames(defaultEngine(h)))
	assert.Equal(t, []string{"s"}, streamNames(h.Engine("000000000000", "eu-west-1")))
	assert.Equal(t, []string{"s"}, streamNames(h.Engine("123456789012", "eu-west-1")))
	assert.Equal(t, []string{"s"}, streamNames(h.Engine("210987654321", "ap-south-1")))
	assert.Empty(t, streamNames(h.Engine("123456789012", "us-east-1")))

	// ARNs and messages carry the engine's account and region.
	out := mustCall(t, h, "DescribeStreamSummary", `{"StreamName":"s"}`)
	assert.Equal(t, "arn:aws:kinesis:us-east-1:000000000000:stream/s", out["StreamDescriptionSummary"].(map[string]any)["StreamARN"])
	rec := serve(h, signed("DescribeStreamSummary", `{"StreamName":"s"}`, "123456789012", "eu-west-1"))
	require.Equal(t, 200, rec.Code)
	assert.Contains(t, rec.Body.String(), `"arn:aws:kinesis:eu-west-1:123456789012:stream/s"`)
	msg := requireError(t, serve(h, signed("DescribeStreamSummary", `{"StreamName":"zz"}`, "123456789012", "eu-west-1")), 400, "ResourceNotFoundException")
	assert.Equal(t, "Stream zz under account 123456789012 not found.", msg)
}

// TestWithEngine: a given engine serves its own account and region, is the
// default for unsigned requests, and is not closed by the handler.
func TestWithEngine(t *testing.T) {
	e := freshet.New(freshet.WithAccount("111122223333"), freshet.WithRegion("eu-central-1"))
	defer e.Close()
	h := NewHandler(WithEngine(e), WithEngineOptions(freshet.WithShardLimit(7)))
	require.Same(t, e, h.Engine("111122223333", "eu-central-1"))

	mustCall(t, h, "CreateStream", `{"StreamName":"u","ShardCount":1}`)
	require.Equal(t, 200, serve(h, signed("CreateStream", `{"StreamName":"v","ShardCount":1}`, "AKID", "eu-central-1")).Code)
	assert.Equal(t, []string{"u", "v"}, streamNames(e))

	// Other regions get engines made with the engine options.
	rec := serve(h, signed("DescribeLimits", `{}`, "AKID", "us-west-2"))
	require.Equal(t, 200, rec.Code)
	assert.Contains(t, rec.Body.String(), `"ShardLimit":7`)
	other := h.Engine("111122223333", "us-west-2")
	assert.Equal(t, "111122223333", other.Account())
	assert.Equal(t, "us-west-2", other.Region())

	require.NoError(t, h.Close())
	// e is still open: a blocking read works.
	st, err := e.Stream("u")
	require.NoError(t, err)
	_, err = st.Put(context.Background(), "k", []byte("x"))
	require.NoError(t, err)
	it, err := st.Iterator("shardId-000000000000", freshet.StartingPosition{Type: freshet.TrimHorizon})
	require.NoError(t, err)
	recs, err := it.Next(context.Background())
	require.NoError(t, err)
	assert.Len(t, recs, 1)
}

// TestPrincipal: engine interceptors see the access key of signed calls.
func TestPrincipal(t *testing.T) {
	h := newTestHandler(t)
	var mu sync.Mutex
	var seen []string
	defaultEngine(h).Intercept(func(ctx context.Context, c *freshet.Call) error {
		ak, ok := Principal(ctx)
		mu.Lock()
		defer mu.Unlock()
		if ok {
			seen = append(seen, ak)
		} else {
			seen = append(seen, "-")
		}
		return nil
	})
	mustCall(t, h, "ListStreams", `{}`)
	require.Equal(t, 200, serve(h, signed("ListStreams", `{}`, "AKIDEXAMPLE", "us-east-1")).Code)
	require.Equal(t, 200, serve(h, presigned("ListStreams", `{}`, "AKIDQUERY", "us-east-1")).Code)
	assert.Equal(t, []string{"-", "AKIDEXAMPLE", "AKIDQUERY"}, seen)
}

func TestParseAuthorization(t *testing.T) {
	p := parseAuthorization("AWS4-HMAC-SHA256 Credential=A/B/r/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=ff")
	assert.Equal(t, authParams{"A/B/r/kinesis/aws4_request", "ff", "host;x-amz-date"}, p)
	assert.Equal(t, "A/B/r/kinesis/aws4_request", p.get("Credential"))
	assert.Equal(t, "host;x-amz-date", p.get("SignedHeaders"))
	assert.Empty(t, parseAuthorization(""))
	assert.Empty(t, parseAuthorization("Bearer"))
	assert.Empty(t, parseAuthorization("Credential=A/B/r/kinesis/aws4_request"), "the first field is the scheme")
	// Commas and spaces both separate; of a repeated parameter the first
	// counts, even empty; unknown parameters are ignored.
	p = parseAuthorization("AWS4-HMAC-SHA256  Signature=,Signature=ff,,Credential=c Other=x SignedHeaders=h=1")
	assert.Equal(t, authParams{"c", "", "h=1"}, p)

	for credential, want := range map[string]principal{
		"AKID":                             {signed: true, accessKey: "AKID"},
		"AKID/20250101":                    {signed: true, accessKey: "AKID"},
		"AKID/20250101/eu-west-1":          {signed: true, accessKey: "AKID", region: "eu-west-1"},
		"AKID/20250101/eu-west-1/kinesis/": {signed: true, accessKey: "AKID", region: "eu-west-1"},
	} {
		got, err := scopePrincipal(credential)
		require.NoError(t, err, credential)
		assert.Equal(t, want, got, credential)
	}
	for _, credential := range []string{"AKID/20250101/", "AKID/20250101/EU/kinesis"} {
		_, err := scopePrincipal(credential)
		assert.Error(t, err, credential)
	}
	assert.True(t, isAccountID("123456789012"))
	assert.False(t, isAccountID("12345678901a"))
	assert.False(t, isAccountID("1234567890123"))
}

// referenceParseAuthorization is parseAuthorization as first written,
// with fields and a map.
func referenceParseAuthorization(header string) authParams {
	fields := strings.FieldsFunc(header, func(r rune) bool { return r == ',' || r == ' ' })
	params := make(map[string]string, len(fields))
	for _, f := range fields[min(1, len(fields)):] {
		name, value, _ := strings.Cut(f, "=")
		if _, dup := params[name]; !dup {
			params[name] = value
		}
	}
	var out authParams
	for i, name := range authHeaderParams {
		out[i] = params[name]
	}
	return out
}

func TestParseAuthorizationMatchesReference(t *testing.T) {
	words := []string{"AWS4-HMAC-SHA256", "Credential", "Signature", "SignedHeaders", "=", "a", "b/c", ",", " ", ", ", "X", "é", "Credential=", "=Credential"}
	r := rand.New(rand.NewPCG(7, 8))
	for range 50000 {
		var sb strings.Builder
		for n := r.IntN(12); n > 0; n-- {
			sb.WriteString(words[r.IntN(len(words))])
		}
		h := sb.String()
		require.Equal(t, referenceParseAuthorization(h), parseAuthorization(h), "header %q", h)
	}
}

func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=A/B/r/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=ff")
	f.Add("x Credential Credential=a")
	f.Fuzz(func(t *testing.T, h string) {
		require.Equal(t, referenceParseAuthorization(h), parseAuthorization(h), "header %q", h)
	})
}
