package kinesisapi

import (
	"net/http"
	"time"
)

// NewServer returns an http.Server that serves h on addr and speaks every
// protocol a Kinesis client may use: HTTP/1.1, HTTP/2 over TLS (negotiated
// with ALPN, when started with ListenAndServeTLS or ServeTLS), and
// unencrypted HTTP/2 with prior knowledge (h2c), which the Java SDK v2 and
// KCL use for SubscribeToShard on http:// endpoints.
//
// It sets no read or write timeout, since a SubscribeToShard response lasts
// up to 5 minutes; only the time to read request headers is bounded.
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
		ReadHeaderTimeout: 30 * time.Second,
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
