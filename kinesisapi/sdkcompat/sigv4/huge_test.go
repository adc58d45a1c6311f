package sigv4_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/kinesisapi/sigv4"
)

// TestVerifyHugeHeaders checks that requests with huge signatures are
// refused in time linear in their size: a header named a hundred thousand
// times in SignedHeaders, a hundred thousand signed headers, a huge query.
func TestVerifyHugeHeaders(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	many := make([]string, 100_000)
	for i := range many {
		many[i] = fmt.Sprintf("x-h%d", i)
	}
	tests := []struct {
		name          string
		signedHeaders string
		query         string
	}{
		{"repeated big header", "host;x-big" + strings.Repeat(";x-big", 100_000), ""},
		{"many signed headers", "host;" + strings.Join(many, ";"), ""},
		{"huge query", "host", strings.Repeat("a=b&", 250_000)},
	}
	v := &sigv4.Verifier{Credentials: testStore(t)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "http://localhost/?"+tt.query, nil)
			r.Header.Set("Authorization", authHeader(goodCred, tt.signedHeaders))
			r.Header.Set("X-Amz-Date", goodDate)
			r.Header.Set("X-Big", big)
			start := time.Now()
			_, err := v.Verify(r, nil, now)
			require.ErrorIs(t, err, sigv4.ErrInvalidSignature, "Verify, want InvalidSignatureException")
			require.LessOrEqual(t, time.Since(start), 5*time.Second, "Verify took too long")
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
