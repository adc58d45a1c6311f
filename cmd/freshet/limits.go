package main

import (
	"errors"
	"flag"
	"net/http"
	"time"

	"github.com/freshet-io/freshet/kinesisapi"
)

// serverLimits holds the flags that bound what clients can make the server
// hold: memory for request bodies and headers, time for each phase of a
// request, and engines created for new accounts.
type serverLimits struct {
	maxInFlightBytes  int64
	maxHeaderBytes    int
	maxAccounts       int
	readHeaderTimeout time.Duration
	readTimeout       time.Duration
	writeTimeout      time.Duration
	idleTimeout       time.Duration
}

// register defines the flags of l on fs.
func (l *serverLimits) register(fs *flag.FlagSet) {
	fs.Int64Var(&l.maxInFlightBytes, "max-inflight-bytes", kinesisapi.DefaultMaxInFlightBytes,
		"request body `bytes` held at once over all connections; past it requests are answered 503 (SDKs retry)")
	fs.IntVar(&l.maxHeaderBytes, "max-header-bytes", http.DefaultMaxHeaderBytes,
		"largest request header block, in `bytes` (larger: 431)")
	fs.IntVar(&l.maxAccounts, "max-accounts", kinesisapi.DefaultMaxEngines,
		"account and region pairs served besides the default one, each with its own engine (past it: LimitExceededException; -1: no bound)")
	fs.DurationVar(&l.readHeaderTimeout, "read-header-timeout", kinesisapi.DefaultReadHeaderTimeout,
		"time a client has to send a request's headers")
	fs.DurationVar(&l.readTimeout, "read-timeout", kinesisapi.DefaultReadTimeout,
		"time a client has to send a request's body (then: 408, connection closed)")
	fs.DurationVar(&l.writeTimeout, "write-timeout", kinesisapi.DefaultWriteTimeout,
		"time to write a response (SubscribeToShard event streams are exempt)")
	fs.DurationVar(&l.idleTimeout, "idle-timeout", kinesisapi.DefaultIdleTimeout,
		"time a keep-alive connection may wait for its next request")
}

// check reports the first problem with the limits, or nil.
func (l *serverLimits) check(maxRequestBytes int64) error {
	switch {
	case l.maxInFlightBytes < maxRequestBytes:
		return errors.New("--max-inflight-bytes must be at least --max-request-bytes")
	case l.maxHeaderBytes <= 0:
		return errors.New("--max-header-bytes must be positive")
	case l.maxAccounts < -1:
		return errors.New("--max-accounts must be -1 (no bound) or more")
	case l.readHeaderTimeout <= 0 || l.readTimeout <= 0 || l.writeTimeout <= 0 || l.idleTimeout <= 0:
		return errors.New("timeouts must be positive")
	}
	return nil
}

// handlerOptions returns the handler options of the limits.
func (l *serverLimits) handlerOptions() []kinesisapi.Option {
	return []kinesisapi.Option{
		kinesisapi.WithMaxInFlightBytes(l.maxInFlightBytes),
		kinesisapi.WithReadTimeout(l.readTimeout),
		kinesisapi.WithWriteTimeout(l.writeTimeout),
		kinesisapi.WithMaxEngines(l.maxAccounts),
	}
}

// apply sets the server-wide limits on srv.
func (l *serverLimits) apply(srv *http.Server) {
	srv.MaxHeaderBytes = l.maxHeaderBytes
	srv.ReadHeaderTimeout = l.readHeaderTimeout
	srv.IdleTimeout = l.idleTimeout
}
