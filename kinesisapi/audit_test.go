package kinesisapi

import (
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet"
)

// TestCallerReachesEngine checks that the engine's audit events of wire
// calls carry the request's caller: access key, source address, user agent
// and the request id the response returns.
func TestCallerReachesEngine(t *testing.T) {
	var mu sync.Mutex
	var events []freshet.AuditEvent
	e := freshet.New(freshet.WithAuditHook(func(ev freshet.AuditEvent) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, ev)
	}))
	t.Cleanup(func() { e.Close() })
	h := newTestHandler(t, WithEngine(e))

	r := newRequest("CreateStream", `{"StreamName":"s","ShardCount":1}`)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=abc")
	r.Header.Set("X-Amz-Date", "20250101T000000Z")
	r.Header.Set("User-Agent", "aws-sdk-go-v2/1.48.0")
	r.RemoteAddr = "192.0.2.10:5555"
	rec := serve(h, r)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, events, 1)
	ev := events[0]
	require.Equal(t, "CreateStream", ev.EventName)
	require.Equal(t, "AKIDEXAMPLE", ev.UserIdentity.AccessKeyID)
	require.Equal(t, "192.0.2.10", ev.SourceIPAddress)
	require.Equal(t, "aws-sdk-go-v2/1.48.0", ev.UserAgent)
	require.Equal(t, rec.Header().Get("x-amzn-RequestId"), ev.RequestID)
	require.Empty(t, ev.ErrorCode)
}
