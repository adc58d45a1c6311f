package kinesisapi

import (
	"log/slog"
	"time"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/sigv4"
)

// DefaultMaxRequestBytes is the largest request body a Handler reads unless
// WithMaxRequestBytes says otherwise: 16 MiB, enough for a 10 MiB PutRecords
// payload once base64 expands it.
const DefaultMaxRequestBytes = 16 << 20

// Option configures a Handler. Pass options to NewHandler.
type Option func(*config)

type config struct {
	engines         []*freshet.Engine
	engineOptions   []freshet.Option
	maxRequestBytes int64
	logger          *slog.Logger
	requireAuth     bool
	credentials     sigv4.CredentialLookup

	maxInFlightBytes int64
	readTimeout      time.Duration
	writeTimeout     time.Duration
	maxEngines       int
	observer         func(*RequestInfo)
}

// WithEngine makes the handler serve e for e's account and region. The first
// engine passed with WithEngine is also the default engine: it serves
// unsigned requests, and its account is the one used for signed requests
// whose access key id is not a 12-digit account id. The handler does not
// close engines passed in with WithEngine. Default: the handler creates its
// default engine itself, with freshet.New and the WithEngineOptions options
// (account 000000000000, region us-east-1 unless those options say
// otherwise).
func WithEngine(e *freshet.Engine) Option {
	return func(c *config) {
		if e != nil {
			c.engines = append(c.engines, e)
		}
	}
}

// WithEngineOptions sets the options of the engines the handler creates: the
// default engine when no WithEngine is given, and the engines of other
// regions and accounts, created on demand (to which freshet.WithAccount and
// freshet.WithRegion are added). Default: none.
func WithEngineOptions(opts ...freshet.Option) Option {
	return func(c *config) {
		c.engineOptions = append(c.engineOptions, opts...)
	}
}

// WithMaxRequestBytes sets the largest request body the handler accepts;
// larger requests are answered with HTTP 413. Default: DefaultMaxRequestBytes
// (16 MiB).
func WithMaxRequestBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxRequestBytes = n
		}
	}
}

// WithLogger sets the logger the handler reports to: internal failures
// and recovered panics at level Error, error responses and broken event
// streams at level Debug. Default: a logger that discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithRequireAuth makes the handler refuse unsigned requests with
// MissingAuthenticationTokenException, as Kinesis does. Signatures are never
// verified either way. Default: false (signed, presigned and unsigned
// requests are all accepted).
func WithRequireAuth(b bool) Option {
	return func(c *config) {
		c.requireAuth = b
	}
}

// WithCredentials makes the handler verify every request's SigV4 signature
// (header or presigned form) against the given credentials, answering as
// AWS does (MissingAuthenticationTokenException, IncompleteSignatureException,
// InvalidSignatureException, UnrecognizedClientException; requests more than
// 15 minutes away from the server's clock are refused). The principal of the
// matching credentials becomes the caller the engine's authorizer and audit
// events see. Default: nil, signatures are not verified and every request is
// accepted (see WithRequireAuth).
func WithCredentials(c sigv4.CredentialLookup) Option {
	return func(cfg *config) {
		cfg.credentials = c
	}
}

// Defaults of the limits a Handler enforces unless options say otherwise.
const (
	// DefaultMaxInFlightBytes bounds the request body bytes a handler holds
	// at once (WithMaxInFlightBytes): 256 MiB.
	DefaultMaxInFlightBytes = 256 << 20
	// DefaultReadTimeout bounds the time a request body may take to
	// arrive (WithReadTimeout).
	DefaultReadTimeout = time.Minute
	// DefaultWriteTimeout bounds the time a response may take to be
	// written (WithWriteTimeout); SubscribeToShard event streams are not
	// bounded.
	DefaultWriteTimeout = time.Minute
	// DefaultMaxEngines bounds the account and region pairs a handler
	// serves (WithMaxEngines).
	DefaultMaxEngines = 100
)

// WithMaxInFlightBytes bounds the memory of the request bodies the handler
// is reading or serving at once. A body's buffer grows as its bytes arrive
// (never up front from its announced Content-Length), and each growth is
// taken from this budget; a request that finds it spent is answered 503
// ServiceUnavailable ("Slow down"), which the AWS SDKs retry. It should be
// several times WithMaxRequestBytes, or a single large request cannot be
// served. n < 0 means no bound. Default: DefaultMaxInFlightBytes.
func WithMaxInFlightBytes(n int64) Option {
	return func(c *config) {
		if n != 0 {
			c.maxInFlightBytes = n
		}
	}
}

// WithReadTimeout bounds the time the handler waits for a request's body,
// from the moment it starts reading it; a body that takes longer is
// answered 408 RequestTimeoutException and the connection is closed. It
// uses http.ResponseController, so it works with HTTP/1.1 and HTTP/2
// servers; d <= 0 means no bound. Default: DefaultReadTimeout.
func WithReadTimeout(d time.Duration) Option {
	return func(c *config) {
		c.readTimeout = d
	}
}

// WithWriteTimeout bounds the time the handler takes to write a response,
// from the moment the request arrives; a client that does not read its
// response in time loses its connection. A response body of up to 2 KiB,
// which net/http buffers and sends after the handler returns (into the
// connection's socket buffer, which holds it even for a client that reads
// nothing), is written without a deadline. SubscribeToShard event streams,
// which last up to 5 minutes, are exempt (their deadline, and any
// http.Server.WriteTimeout, is lifted). d <= 0 means no bound. Default:
// DefaultWriteTimeout.
func WithWriteTimeout(d time.Duration) Option {
	return func(c *config) {
		c.writeTimeout = d
	}
}

// WithMaxEngines bounds the engines the handler creates on demand for the
// accounts and regions of signed requests (engines passed with WithEngine
// and the default engine do not count). Without signature verification any
// 12-digit access key id names an account, so without a bound a client
// could make the handler create engines without end. A request that would
// need one more is answered 400 LimitExceededException. n = 0 serves only
// the default engine and those passed with WithEngine; n < 0 means no
// bound. Default: DefaultMaxEngines.
func WithMaxEngines(n int) Option {
	return func(c *config) {
		c.maxEngines = n
	}
}
