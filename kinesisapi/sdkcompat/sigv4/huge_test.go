package sigv4_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/kinesisapi/sigv4"
)

// hugeRequests are requests with huge signatures: a header named a
// hundred thousand times in SignedHeaders, a hundred thousand signed
// headers, a huge query.
func hugeRequests() []struct {
	name          string
	signedHeaders string
	query         string
} {
	many := make([]string, 100_000)
	for i := range many {
		many[i] = fmt.Sprintf("x-h%d", i)
	}
	return []struct {
		name          string
		signedHeaders string
		query         string
	}{
		{"repeated big header", "host;x-big" + strings.Repeat(";x-big", 100_000), ""},
		{"many signed headers", "host;" + strings.Join(many, ";"), ""},
		{"huge query", "host", strings.Repeat("a=b&", 250_000)},
	}
}

// newHugeRequest returns the request of a hugeRequests case.
func newHugeRequest(signedHeaders, query string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://localhost/?"+query, nil)
	r.Header.Set("Authorization", authHeader(goodCred, signedHeaders))
	r.Header.Set("X-Amz-Date", goodDate)
	r.Header.Set("X-Big", strings.Repeat("x", 1<<20))
	return r
}

// TestVerifyHugeHeaders checks that requests with huge signatures are
// refused as InvalidSignatureException. BenchmarkVerifyHugeHeaders
// measures the time to refuse them, which must stay linear in their size
// (about 20-100 ms each on a 2-core machine; quadratic work took seconds).
func TestVerifyHugeHeaders(t *testing.T) {
	v := &sigv4.Verifier{Credentials: testStore(t)}
	for _, tt := range hugeRequests() {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(newHugeRequest(tt.signedHeaders, tt.query), nil, now)
			require.ErrorIs(t, err, sigv4.ErrInvalidSignature, "Verify, want InvalidSignatureException")
		})
	}
}

func BenchmarkVerifyHugeHeaders(b *testing.B) {
	v := &sigv4.Verifier{Credentials: testStore(b)}
	for _, tt := range hugeRequests() {
		b.Run(tt.name, func(b *testing.B) {
			r := newHugeRequest(tt.signedHeaders, tt.query)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(r, nil, now); !errors.Is(err, sigv4.ErrInvalidSignature) {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	v := &sigv4.Verifier{Credentials: testStore(b)}
	r := newRequest(b, "http://kinesis.us-east-1.amazonaws.com/", listStreamsBody)
	sign(b, r, listStreamsBody, alice, "us-east-1", now)
	body := []byte(listStreamsBody)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(r, body, now); err != nil {
			b.Fatal(err)
		}
	}
}
