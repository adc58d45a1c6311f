package sigv4

import (
	"crypto/hmac"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm Verify accepts.
const Algorithm = "AWS4-HMAC-SHA256"

// Service is the service name a credential scope must name.
const Service = "kinesis"

// MaxSkew is how far the time of a request may be from the server's clock,
// either way.
const MaxSkew = 15 * time.Minute

// maxExpires is the largest X-Amz-Expires, a week in seconds.
const maxExpires = 7 * 24 * 60 * 60

// unsignedPayload is the payload hash of a presigned request whose body is
// not signed.
const unsignedPayload = "UNSIGNED-PAYLOAD"

// amzDateFormat is the ISO 8601 basic format of X-Amz-Date.
const amzDateFormat = "20060102T150405Z"

// Verifier checks AWS Signature Version 4 signatures of Kinesis requests
// against known credentials. Most callers set Credentials and call Verify
// for each request.
//
// The zero Verifier recognizes no access key. A Verifier is safe for
// concurrent use once configured, provided its Credentials are.
type Verifier struct {
	// Credentials finds the secret of an access key id. A nil lookup
	// recognizes no key.
	Credentials CredentialLookup

	// Region, when set, is the only region a credential scope may name,
	// as the region of a real endpoint is. When empty, any region name of
	// 1 to 32 lower-case letters, digits and dashes is accepted; the
	// signature still covers it.
	Region string
}

// Verify checks the signature of r, whose body the caller has already read
// into body, at time now (the server's clock), and returns the credentials
// that signed it. The request may be signed with an Authorization header
// or presigned with X-Amz-* query parameters. Verify reads r's method,
// URL, Host, ContentLength and headers; it neither reads nor closes
// r.Body.
//
// Every failure is an *Error carrying the AWS code and message, checked in
// this order: how the request is signed (MissingAuthenticationToken,
// both header and query), the completeness of the signature parameters
// (IncompleteSignature), the algorithm and the credential scope, the
// request time (more than MaxSkew away from now, or past X-Amz-Expires),
// the access key and session token (UnrecognizedClient), the
// X-Amz-Content-Sha256 header, the signed headers (which must include
// host), and finally the signature itself (InvalidSignature). The *Error
// is the caller's to keep or modify.
func (v *Verifier) Verify(r *http.Request, body []byte, now time.Time) (Credentials, error) {
	if r == nil {
		return Credentials{}, fresh(ErrMissingAuthenticationToken)
	}
	u := r.URL
	if u == nil {
		u = &url.URL{}
	}
	query, _ := url.ParseQuery(u.RawQuery) // malformed pairs are dropped, as by r.URL.Query
	header := r.Header.Get("Authorization")
	_, presigned := query["X-Amz-Algorithm"]

	var (
		s   *signature
		err *Error
	)
	switch {
	case header != "" && presigned:
		return Credentials{}, invalid(msgBoth)
	case header == "" && !presigned:
		return Credentials{}, fresh(ErrMissingAuthenticationToken)
	case header != "":
		s, err = parseHeader(r, header)
	default:
		s, err = parseQuery(r, query)
	}
	if err == nil {
		err = v.checkScope(s)
	}
	if err == nil {
		err = s.checkTime(now)
	}
	if err != nil {
		return Credentials{}, err
	}

	var creds Credentials
	ok := false
	if v.Credentials != nil {
		creds, ok = v.Credentials.Lookup(s.accessKey)
	}
	if !ok || subtle.ConstantTimeCompare([]byte(s.token), []byte(creds.SessionToken)) != 1 {
		return Credentials{}, fresh(ErrUnrecognizedClient)
	}

	hashes, err := s.payloadHashes(body)
	if err != nil {
		return Credentials{}, err
	}
	names, err := s.signedHeaderNames()
	if err != nil {
		return Credentials{}, err
	}
	key := signingKey(creds.SecretAccessKey, s.date, s.region, s.service)
	for _, h := range hashes {
		want := s.sign(key, canonicalRequest(r, u, query, s.presigned, names, s.signedHeaders, h))
		if hmac.Equal([]byte(want), []byte(s.signature)) {
			return creds, nil
		}
	}
	return Credentials{}, fresh(ErrInvalidSignature)
}

// signature is the parsed signing information of a request, from either
// its Authorization header or its query string.
type signature struct {
	presigned     bool
	algorithm     string
	credential    string // AKID/date/region/service/aws4_request
	signedHeaders string // as sent, e.g. "content-type;host;x-amz-date"
	signature     string // lower-case hex, as sent

	// From the credential.
	accessKey, date, region, service, terminator string

	amzDate string    // the request time as it enters the string to sign
	time    time.Time // the request time

	expires    time.Duration // X-Amz-Expires of a presigned request
	hasExpires bool

	token         string // X-Amz-Security-Token
	contentSHA256 string // X-Amz-Content-Sha256
}

// parseHeader reads the signature of a request signed with an
// Authorization header.
func parseHeader(r *http.Request, header string) (*signature, *Error) {
	algorithm, params := parseAuthorization(header)
	var msg strings.Builder
	for _, name := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params[name] == "" {
			msg.WriteString("Authorization header requires '" + name + "' parameter. ")
		}
	}
	date, dateName := r.Header.Get("X-Amz-Date"), "X-Amz-Date"
	if date == "" {
		date, dateName = r.Header.Get("Date"), "Date"
	}
	if date == "" {
		msg.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
	}
	if msg.Len() > 0 {
		return nil, incomplete(msg.String() + "Authorization=" + header)
	}
	s := &signature{
		algorithm:     algorithm,
		credential:    params["Credential"],
		signedHeaders: params["SignedHeaders"],
		signature:     params["Signature"],
		token:         r.Header.Get("X-Amz-Security-Token"),
		contentSHA256: r.Header.Get("X-Amz-Content-Sha256"),
	}
	if err := s.parseDate(date, dateName); err != nil {
		return nil, err
	}
	return s, s.parseCredential()
}

// parseAuthorization splits an Authorization header into its scheme and
// its name=value parameters, separated by commas and spaces. The first of
// repeated parameters wins; a parameter without '=' has an empty value.
func parseAuthorization(header string) (scheme string, params map[string]string) {
	fields := strings.FieldsFunc(header, func(r rune) bool { return r == ',' || r == ' ' })
	if len(fields) == 0 {
		return "", nil
	}
	params = make(map[string]string, 3)
	for _, f := range fields[1:] {
		name, value, _ := strings.Cut(f, "=")
		if _, dup := params[name]; !dup {
			params[name] = value
		}
	}
	return fields[0], params
}

// parseQuery reads the signature of a presigned request.
func parseQuery(r *http.Request, query url.Values) (*signature, *Error) {
	var msg strings.Builder
	for _, name := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"} {
		if query.Get(name) == "" {
			msg.WriteString("AWS query-string parameters must include '" + name + "'. ")
		}
	}
	if msg.Len() > 0 {
		return nil, incomplete(msg.String() + "Re-examine the query-string parameters.")
	}
	s := &signature{
		presigned:     true,
		algorithm:     query.Get("X-Amz-Algorithm"),
		credential:    query.Get("X-Amz-Credential"),
		signedHeaders: query.Get("X-Amz-SignedHeaders"),
		signature:     query.Get("X-Amz-Signature"),
		token:         firstNonEmpty(query.Get("X-Amz-Security-Token"), r.Header.Get("X-Amz-Security-Token")),
		contentSHA256: firstNonEmpty(query.Get("X-Amz-Content-Sha256"), r.Header.Get("X-Amz-Content-Sha256")),
	}
	if err := s.parseDate(query.Get("X-Amz-Date"), "X-Amz-Date"); err != nil {
		return nil, err
	}
	if e, ok := query["X-Amz-Expires"]; ok {
		n, err := strconv.ParseInt(e[0], 10, 64)
		switch {
		case err != nil && !isInteger(e[0]):
			return nil, incomplete("X-Amz-Expires should be a number")
		case n < 0:
			return nil, incomplete("X-Amz-Expires must be non-negative")
		case err != nil || n > maxExpires:
			return nil, incomplete("X-Amz-Expires must be less than a week (in seconds) that is 604800")
		}
		s.expires, s.hasExpires = time.Duration(n)*time.Second, true
	}
	return s, s.parseCredential()
}

// isInteger reports whether s is an optionally signed run of decimal
// digits, however long.
func isInteger(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if s == "" {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// parseDate reads the request time from value, the named header or query
// parameter: ISO 8601 basic format for X-Amz-Date, an HTTP date for Date.
func (s *signature) parseDate(value, name string) *Error {
	var (
		t   time.Time
		err error
	)
	if name == "Date" {
		t, err = http.ParseTime(value)
	} else {
		t, err = time.Parse(amzDateFormat, value)
		if err == nil && t.Format(amzDateFormat) != value {
			err = errors.New("not canonical") // e.g. fractional seconds
		}
	}
	if err != nil {
		return incomplete(fmt.Sprintf("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", value))
	}
	s.time = t.UTC()
	s.amzDate = s.time.Format(amzDateFormat)
	return nil
}

// parseCredential splits the credential into the access key id and the
// scope.
func (s *signature) parseCredential() *Error {
	parts := strings.Split(s.credential, "/")
	if len(parts) != 5 {
		return incomplete(fmt.Sprintf("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", s.credential))
	}
	s.accessKey, s.date, s.region, s.service, s.terminator = parts[0], parts[1], parts[2], parts[3], parts[4]
	return nil
}

// checkScope checks the algorithm and the credential scope of s.
func (v *Verifier) checkScope(s *signature) *Error {
	switch {
	case s.algorithm != Algorithm:
		return incomplete(fmt.Sprintf("Unsupported AWS 'algorithm': '%s'.", s.algorithm))
	case s.terminator != "aws4_request":
		return invalid(fmt.Sprintf("Credential should be scoped with a valid terminator: 'aws4_request', not '%s'. ", s.terminator))
	case s.service != Service:
		return invalid("Credential should be scoped to correct service: '" + Service + "'. ")
	case v.Region != "" && s.region != v.Region, !ValidRegion(s.region):
		return invalid(fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. ", s.region))
	case s.date != s.amzDate[:8]:
		return invalid(fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			s.date, s.amzDate[:8], s.amzDate))
	}
	return nil
}

// ValidRegion reports whether s looks like a region name: 1 to 32 lower
// case letters, digits and dashes. A credential scope with another region
// is refused with "Credential should be scoped to a valid region".
func ValidRegion(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// checkTime checks the request time against now: within MaxSkew either
// way, or, for a presigned request with X-Amz-Expires, not yet expired and
// not more than MaxSkew in the future.
func (s *signature) checkTime(now time.Time) *Error {
	now = now.UTC()
	switch {
	case s.hasExpires && now.After(s.time.Add(s.expires)):
		return invalid(fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %d sec.)",
			s.amzDate, now.Add(-s.expires).Format(amzDateFormat), now.Format(amzDateFormat), s.expires/time.Second))
	case !s.hasExpires && s.time.Before(now.Add(-MaxSkew)):
		return invalid(fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			s.amzDate, now.Add(-MaxSkew).Format(amzDateFormat), now.Format(amzDateFormat)))
	case s.time.After(now.Add(MaxSkew)):
		return invalid(fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 15 min.)",
			s.amzDate, now.Add(MaxSkew).Format(amzDateFormat), now.Format(amzDateFormat)))
	}
	return nil
}

// payloadHashes returns the payload hashes the signature may have been
// computed with, most likely first: the X-Amz-Content-Sha256 the client
// sent, which must be the body's hash (or UNSIGNED-PAYLOAD, for a
// presigned request), or else the body's hash and, for a presigned
// request, UNSIGNED-PAYLOAD.
func (s *signature) payloadHashes(body []byte) ([]string, *Error) {
	sum := hashHex(body)
	switch {
	case s.contentSHA256 == "" && s.presigned:
		return []string{sum, unsignedPayload}, nil
	case s.contentSHA256 == "":
		return []string{sum}, nil
	case s.contentSHA256 == unsignedPayload && s.presigned:
		return []string{unsignedPayload}, nil
	case !strings.EqualFold(s.contentSHA256, sum):
		return nil, invalid(msgContentMismatch)
	}
	return []string{s.contentSHA256}, nil
}

// signedHeaderNames returns the names of the signed headers. They must
// include host. A name listed twice makes the signature fail to verify
// (no signer lists one twice), which keeps the canonical request no
// longer than the request itself.
func (s *signature) signedHeaderNames() ([]string, *Error) {
	names := strings.Split(s.signedHeaders, ";")
	seen := make(map[string]bool, len(names))
	for _, name := range names {
		if seen[name] {
			return nil, fresh(ErrInvalidSignature)
		}
		seen[name] = true
	}
	if !seen["host"] {
		return nil, invalid(msgHostUnsigned)
	}
	return names, nil
}

// sign returns the hex signature of canonical with key.
func (s *signature) sign(key []byte, canonical string) string {
	stringToSign := Algorithm + "\n" + s.amzDate + "\n" +
		s.date + "/" + s.region + "/" + s.service + "/" + s.terminator + "\n" +
		hashHex([]byte(canonical))
	return hexHMAC(key, stringToSign)
}
