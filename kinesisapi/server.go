package kinesisapi

import (
	"net/http"
	"time"
)

// Timeouts NewServer sets.
const (
	// DefaultReadHeaderTimeout bounds the time to read a request's headers.
	DefaultReadHeaderTimeout = 30 * time.Second
	// DefaultIdleTimeout bounds the time a keep-alive connection waits
	// for its next request. The AWS SDKs keep idle connections for less
	// (the Go SDK 90 s, the Java SDK 60 s) and retry a request whose
	// connection the server closed.
	DefaultIdleTimeout = 2 * time.Minute
)

// NewServer returns an http.Server that serves h on addr and speaks every
// protocol a Kinesis client may use: HTTP/1.1, HTTP/2 over TLS (negotiated
// with ALPN, when started with ListenAndServeTLS or ServeTLS), and
// unencrypted HTTP/2 with prior knowledge (h2c), which the Java SDK v2 and
// KCL use for SubscribeToShard on http:// endpoints.
//
// It bounds the time to read request headers (DefaultReadHeaderTimeout)
// and the time a keep-alive connection may stay idle
// (DefaultIdleTimeout). It sets no http.Server read or write timeout: the
// Handler bounds the time of request bodies and of responses itself
// (WithReadTimeout, WithWriteTimeout), because a SubscribeToShard response
// lasts up to 5 minutes and must not be cut by a server-wide bound.
// Callers building their own server get the same protocols with
//
//	var p http.Protocols
//	p.SetHTTP1(true)
//	p.SetHTTP2(true)
//	p.SetUnencryptedHTTP2(true)
//	srv := &http.Server{Addr: addr, Handler: h, Protocols: &p}
func NewServer(addr string, h *Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		Protocols:         Protocols(),
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		IdleTimeout:       DefaultIdleTimeout,
	}
}

// Protocols returns the protocol set NewServer uses: HTTP/1.1, HTTP/2 over
// TLS and unencrypted HTTP/2 (h2c with prior knowledge).
func Protocols() *http.Protocols {
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetHTTP2(true)
	p.SetUnencryptedHTTP2(true)
	return &p
}
