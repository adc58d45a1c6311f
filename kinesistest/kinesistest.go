// Package kinesistest runs a freshet Kinesis server on a loopback port for
// the duration of a test, like net/http/httptest does for an http.Handler.
//
// A test starts one server per call to NewServer, points a real Kinesis
// client (the AWS SDK, the AWS CLI, a KCL application) at its URL and
// inspects or steers the engine behind it directly through Server.Engine:
//
//	srv := kinesistest.NewServer(t)
//	srv.Engine.CreateStream(ctx, &freshet.CreateStreamInput{StreamName: "orders", ShardCount: 2})
//
// The server is closed when the test ends (t.Cleanup): subscriptions are
// ended, connections closed and the engine's goroutines stopped.
//
// # Pointing the AWS SDK for Go v2 at the server
//
// This package does not depend on the AWS SDK, so importing it costs
// nothing beyond freshet. With the SDK, a Kinesis client for the server
// takes five lines:
//
//	client := kinesis.New(kinesis.Options{
//		BaseEndpoint: aws.String(srv.URL),
//		Region:       srv.Engine.Region(),
//		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
//		HTTPClient:   srv.Client(),
//	})
//
// (the function NewClient of package
// github.com/freshet-io/freshet/kinesissdk/sdktest, a module of its own, is
// these lines).
//
// The credentials are not checked (unless the handler is given
// kinesisapi.WithCredentials through WithHandlerOptions), but the SDK signs
// every request and needs some; the region must be the engine's, since the handler routes signed
// requests to the engine of their region. Server.Client is the HTTP client
// to use: it trusts the certificate of a WithTLS server, speaks HTTP/2 (see
// its doc for why that matters to SubscribeToShard) and has its idle
// connections closed with the server.
//
// # Protocols
//
// A plain server speaks HTTP/1.1 and HTTP/2 with prior knowledge (h2c), as
// the Java SDK's asynchronous client expects. WithTLS serves HTTPS with a
// self-signed certificate instead, negotiating h2 or http/1.1 by ALPN.
// SubscribeToShard works over all of them.
//
// Two behaviors of the AWS SDK for Go v2 (service/kinesis v1.56.13,
// smithy-go v1.28.9) matter to tests of SubscribeToShard. Over HTTP/1.1
// the SDK can have its event stream cut short (see Server.Client, which
// avoids it). And the event streams of one kinesis.Client share a decoder
// without synchronization, which the race detector reports when two of
// them are open at once: give each concurrent subscription its own client.
package kinesistest

import (
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi"
)

// Server is a Kinesis endpoint on a loopback port, serving one engine.
type Server struct {
	// URL is the base URL of the server, "http://127.0.0.1:port" (or
	// "https://..." with WithTLS), ready for the SDK's BaseEndpoint.
	URL string
	// Engine is the engine the server serves for the account and region
	// of the engine options (default 000000000000 and us-east-1). Tests
	// may call it directly: create streams, inject faults, move a
	// ManualClock, read what a client wrote. Requests signed for another
	// region, or with a 12-digit access key id naming another account, go
	// to engines the handler creates on demand; Handler.Engine returns
	// them.
	Engine *freshet.Engine
	// Handler is the wire handler in front of Engine.
	Handler *kinesisapi.Handler

	srv       *httptest.Server
	client    *http.Client
	closeOnce sync.Once
}

// Option configures a Server.
type Option func(*config)

type config struct {
	engineOpts  []freshet.Option
	handlerOpts []kinesisapi.Option
	tls         bool
}

// WithEngineOptions configures the server's engine, and every engine the
// handler creates for another account or region, with opts. Default: the
// defaults of freshet.New.
func WithEngineOptions(opts ...freshet.Option) Option {
	return func(c *config) { c.engineOpts = append(c.engineOpts, opts...) }
}

// WithHandlerOptions passes opts to kinesisapi.NewHandler, for example
// kinesisapi.WithRequireAuth(true) or kinesisapi.WithLogger(l). The
// server's own engine is always passed with kinesisapi.WithEngine.
func WithHandlerOptions(opts ...kinesisapi.Option) Option {
	return func(c *config) { c.handlerOpts = append(c.handlerOpts, opts...) }
}

// WithTLS serves HTTPS with a self-signed certificate, offering h2 and
// http/1.1 by ALPN. Clients must trust the certificate: use
// Server.Client, or Server.Certificate with your own transport.
// Default: plain HTTP/1.1 and h2c.
func WithTLS() Option {
	return func(c *config) { c.tls = true }
}

// NewServer starts a Kinesis server on a loopback port and registers its
// Close with t.Cleanup. Like httptest.NewServer, it panics if it cannot
// listen.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var cfg config
	for _, opt := range opts {
		opt(&cfg)
	}

	e := freshet.New(cfg.engineOpts...)
	hopts := []kinesisapi.Option{
		kinesisapi.WithEngineOptions(cfg.engineOpts...),
		kinesisapi.WithEngine(e),
	}
	h := kinesisapi.NewHandler(append(hopts, cfg.handlerOpts...)...)

	srv := httptest.NewUnstartedServer(h)
	if cfg.tls {
		srv.EnableHTTP2 = true
		srv.StartTLS()
	} else {
		srv.Config.Protocols = new(http.Protocols)
		srv.Config.Protocols.SetHTTP1(true)
		srv.Config.Protocols.SetUnencryptedHTTP2(true)
		srv.Start()
	}

	client := srv.Client()
	if !cfg.tls {
		p := new(http.Protocols)
		p.SetUnencryptedHTTP2(true)
		client = &http.Client{Transport: &http.Transport{Protocols: p}}
	}
	s := &Server{URL: srv.URL, Engine: e, Handler: h, srv: srv, client: client}
	t.Cleanup(s.Close)
	return s
}

// Client returns an HTTP client for the server, for the SDK's HTTPClient
// option. With WithTLS it trusts the server's certificate and negotiates
// HTTP/2 by ALPN; on a plain server it speaks HTTP/2 with prior knowledge
// (h2c). The server closes the client's idle connections when it closes.
//
// The AWS SDK for Go v2 works over HTTP/1.1 too, but there it races with
// net/http: smithy-go closes a request's body as soon as the response
// headers arrive, and its body wrapper then answers io.EOF from WriteTo.
// When net/http's writer, having sent the body, has not yet checked it for
// extra bytes (io.Copy to io.Discard), it takes that io.EOF for a write
// error and closes the connection under the response being read: the call
// fails with "use of closed network connection" (the SDK's default
// retryer retries it, so a PutRecords may be stored twice), or a
// SubscribeToShard event stream is cut short. The faster the server
// answers, the likelier it is. HTTP/2 does not have the problem.
func (s *Server) Client() *http.Client {
	return s.client
}

// Certificate returns the server's self-signed certificate with WithTLS,
// and nil otherwise.
func (s *Server) Certificate() *x509.Certificate {
	return s.srv.Certificate()
}

// Close shuts the server down: it ends open subscriptions, closes the
// listener and every connection, and closes the engine. It is idempotent;
// NewServer registers it with t.Cleanup, so tests call it only to stop a
// server early.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		// The handler goes first: it ends SubscribeToShard streams, which
		// would otherwise keep httptest.Server.Close waiting.
		s.Handler.Close()
		s.srv.Close()
		s.client.CloseIdleConnections()
		s.Engine.Close()
	})
}
