package kinesisapi

import (
	"log/slog"

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
