package kinesisapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/freshet-io/freshet/kinesisapi/internal/wire"
)

// TestNewServer: one plain listener serves HTTP/1.1 and h2c clients.
func TestNewServer(t *testing.T) {
	h := newTestHandler(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := NewServer(ln.Addr().String(), h)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	defer func() {
		require.NoError(t, srv.Shutdown(context.Background()))
		require.True(t, errors.Is(<-done, http.ErrServerClosed))
	}()

	for _, h2c := range []bool{false, true} {
		tr := &http.Transport{}
		if h2c {
			var p http.Protocols
			p.SetUnencryptedHTTP2(true)
			tr.Protocols = &p
		}
		r, err := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/", strings.NewReader(`{}`))
		require.NoError(t, err)
		r.Header.Set("Content-Type", wire.ContentTypeJSON)
		r.Header.Set("X-Amz-Target", wire.TargetPrefix+"ListStreams")
		resp, err := (&http.Client{Transport: tr}).Do(r)
		require.NoError(t, err)
		resp.Body.Close()
		tr.CloseIdleConnections()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		if h2c {
			assert.Equal(t, 2, resp.ProtoMajor)
		} else {
			assert.Equal(t, 1, resp.ProtoMajor)
		}
	}
}
