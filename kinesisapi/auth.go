package kinesisapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/kinesisapi/sigv4"
)

// Authentication (docs/kinesis-notes.md §1.6): the handler reads who is calling, and from
// where, but never verifies a signature. A request is signed with an
// Authorization header ("AWS4-HMAC-SHA256 Credential=AKID/20250101/
// us-east-1/kinesis/aws4_request, SignedHeaders=..., Signature=..."),
// presigned with X-Amz-* query parameters, or unsigned. The credential
// scope's region selects the engine's region, and an access key id of
// exactly 12 digits its account.

// principal is the caller of a request, as its credential scope names it.
type principal struct {
	signed    bool
	accessKey string
	region    string
	arn       string // the IAM principal of verified credentials
}

type principalKey struct{}

// withPrincipal returns ctx carrying p, for Principal.
func withPrincipal(ctx context.Context, p principal) context.Context {
	if !p.signed {
		return ctx
	}
	return context.WithValue(ctx, principalKey{}, p)
}

// Principal returns the access key id of the credentials a request was
// signed (or presigned) with, from the context the handler passes to the
// engine, and so to engine interceptors. It reports false for unsigned
// requests. The signature itself is not verified.
func Principal(ctx context.Context) (accessKey string, ok bool) {
	p, ok := ctx.Value(principalKey{}).(principal)
	return p.accessKey, ok
}

// authHeaderParams are the parameters an Authorization header must carry,
// in the order Kinesis reports them missing.
var authHeaderParams = []string{"Credential", "Signature", "SignedHeaders"}

// authQueryParams are the query parameters of a presigned request, in the
// order Kinesis reports them missing.
var authQueryParams = []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"}

// authenticate reads the principal of r. It fails as Kinesis does for a
// request signed both ways, an incomplete signature, and, when require is
// set, an unsigned request.
func authenticate(r *http.Request, require bool) (principal, error) {
	header := headerValue(r.Header, "Authorization")
	// Most requests have no query string: skip building an empty map.
	var query url.Values
	if r.URL.RawQuery != "" {
		query = r.URL.Query()
	}
	_, presigned := query["X-Amz-Algorithm"]
	switch {
	case header != "" && presigned:
		return principal{}, freshet.NewError(codeInvalidSignature,
			"Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.")
	case header == "" && !presigned:
		if require {
			return principal{}, freshet.NewError(codeMissingAuthToken, "Missing Authentication Token")
		}
		return principal{}, nil
	case header != "":
		params := parseAuthorization(header)
		var msg strings.Builder
		for _, name := range authHeaderParams {
			if params.get(name) == "" {
				msg.WriteString("Authorization header requires '" + name + "' parameter. ")
			}
		}
		if headerValue(r.Header, "X-Amz-Date") == "" && headerValue(r.Header, "Date") == "" {
			msg.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
		}
		if msg.Len() > 0 {
			msg.WriteString("Authorization=" + header)
			return principal{}, &freshet.Error{Code: codeIncompleteSignature, Message: msg.String()}
		}
		return scopePrincipal(params.get("Credential"))
	default:
		var msg strings.Builder
		for _, name := range authQueryParams {
			if query.Get(name) == "" {
				msg.WriteString("AWS query-string parameters must include '" + name + "'. ")
			}
		}
		if msg.Len() > 0 {
			msg.WriteString("Re-examine the query-string parameters.")
			return principal{}, &freshet.Error{Code: codeIncompleteSignature, Message: msg.String()}
		}
		return scopePrincipal(query.Get("X-Amz-Credential"))
	}
}

// authParams are the parameters of an Authorization header the handler
// reads, in the order of authHeaderParams; "" when absent or empty.
type authParams [3]string

// get returns the parameter named name of authHeaderParams.
func (a *authParams) get(name string) string {
	for i, n := range authHeaderParams {
		if n == name {
			return a[i]
		}
	}
	return ""
}

// parseAuthorization returns the parameters of an Authorization header:
// the name=value pairs after the scheme, separated by commas or spaces;
// of a parameter given twice, the first counts. It runs for every signed
// request, so it does not allocate, and finds each parameter with a
// substring search rather than splitting the header into fields.
func parseAuthorization(header string) authParams {
	var params authParams
	// The first field is the scheme: parameters start after it.
	from := strings.IndexFunc(header, isNotAuthSeparator)
	if from < 0 {
		return params
	}
	end := strings.IndexFunc(header[from:], isAuthSeparator)
	if end < 0 {
		return params
	}
	from += end
	for i, name := range authHeaderParams {
		params[i] = authParam(header, from, name)
	}
	return params
}

// authParam returns the value of the first field name=value of header at
// or after from, "" if none.
func authParam(header string, from int, name string) string {
	for {
		i := strings.Index(header[from:], name)
		if i < 0 {
			return ""
		}
		start := from + i
		from = start + len(name)
		// A field: after a separator, the name alone (an empty value) or
		// followed by '='.
		if !isAuthSeparator(rune(header[start-1])) {
			continue
		}
		if from == len(header) || isAuthSeparator(rune(header[from])) {
			return ""
		}
		if header[from] != '=' {
			continue
		}
		value := header[from+1:]
		if end := strings.IndexFunc(value, isAuthSeparator); end >= 0 {
			value = value[:end]
		}
		return value
	}
}

func isAuthSeparator(r rune) bool    { return r == ',' || r == ' ' }
func isNotAuthSeparator(r rune) bool { return !isAuthSeparator(r) }

// scopePrincipal reads the access key id and region of a credential,
// "AKID/20250101/us-east-1/kinesis/aws4_request". A credential without a
// region selects the default region; one with an implausible region is
// refused as Kinesis refuses it.
func scopePrincipal(credential string) (principal, error) {
	// The access key, then the region after the second slash if any.
	accessKey, rest, _ := strings.Cut(credential, "/")
	_, rest, hasRegion := strings.Cut(rest, "/")
	region, _, _ := strings.Cut(rest, "/")
	p := principal{signed: true, accessKey: accessKey}
	if hasRegion {
		p.region = region
		// Engines are made per region on demand: only plausible names
		// may make the handler create one.
		if !sigv4.ValidRegion(p.region) {
			return principal{}, freshet.NewError(codeInvalidSignature,
				"Credential should be scoped to a valid region, not '%s'. ", p.region)
		}
	}
	return p, nil
}

// isAccountID reports whether s is a 12-digit AWS account id.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
