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
			if params[name] == "" {
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
		return scopePrincipal(params["Credential"])
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

// parseAuthorization returns the parameters of an Authorization header:
// the name=value pairs after the scheme, separated by commas or spaces.
func parseAuthorization(header string) map[string]string {
	fields := strings.FieldsFunc(header, func(r rune) bool { return r == ',' || r == ' ' })
	params := make(map[string]string, len(fields))
	for _, f := range fields[min(1, len(fields)):] { // the first field is the scheme
		name, value, _ := strings.Cut(f, "=")
		if _, dup := params[name]; !dup {
			params[name] = value
		}
	}
	return params
}

// scopePrincipal reads the access key id and region of a credential,
// "AKID/20250101/us-east-1/kinesis/aws4_request". A credential without a
// region selects the default region; one with an implausible region is
// refused as Kinesis refuses it.
func scopePrincipal(credential string) (principal, error) {
	parts := strings.Split(credential, "/")
	p := principal{signed: true, accessKey: parts[0]}
	if len(parts) >= 3 {
		p.region = parts[2]
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
