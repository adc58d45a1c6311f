package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// canonicalRequest returns the canonical request of r for signing:
//
//	method \n canonical URI \n canonical query \n canonical headers \n
//	signed headers \n payload hash
//
// The canonical URI is the request's escaped path escaped once more,
// segment by segment, as AWS expects of every service but S3 (and as the
// SDK signers do); it is not normalized. The canonical query is every
// query parameter but a presigned request's X-Amz-Signature, names and
// values escaped and the pairs sorted after escaping. Each signed header
// contributes a "name:values" line, its values trimmed, runs of spaces
// collapsed and joined by commas; host is the request's Host, and a
// missing header has an empty value.
func canonicalRequest(r *http.Request, u *url.URL, query url.Values, presigned bool, names []string, signedHeaders, payloadHash string) string {
	var b strings.Builder
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	b.WriteString(method)
	b.WriteByte('\n')

	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	writeEscaped(&b, path, false)
	b.WriteByte('\n')

	type pair struct{ name, value string }
	var pairs []pair
	for name, values := range query {
		if presigned && name == "X-Amz-Signature" {
			continue
		}
		n := escape(name)
		for _, v := range values {
			pairs = append(pairs, pair{n, escape(v)})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	b.WriteByte('\n')

	for _, name := range names {
		b.WriteString(name)
		b.WriteByte(':')
		for i, v := range headerValues(r, u, name) {
			if i > 0 {
				b.WriteByte(',')
			}
			writeTrimmed(&b, v)
		}
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(signedHeaders)
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// headerValues returns the values of the header name (lower case) of r.
// Go's server moves Host out of the header map, and may leave
// Content-Length only in the ContentLength field.
func headerValues(r *http.Request, u *url.URL, name string) []string {
	switch name {
	case "host":
		switch {
		case r.Host != "":
			return []string{r.Host}
		case r.Header.Get("Host") != "":
			return r.Header.Values("Host")
		}
		return []string{u.Host}
	case "content-length":
		if v := r.Header.Values("Content-Length"); len(v) > 0 {
			return v
		}
		if r.ContentLength > 0 {
			return []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	}
	return r.Header.Values(name)
}

// writeTrimmed writes v without leading and trailing white space and with
// each run of spaces collapsed to one.
func writeTrimmed(b *strings.Builder, v string) {
	v = strings.TrimSpace(v)
	for i := range len(v) {
		if v[i] == ' ' && i > 0 && v[i-1] == ' ' {
			continue
		}
		b.WriteByte(v[i])
	}
}

// escape returns s URI-encoded as SigV4 requires: every byte but the
// unreserved A-Z a-z 0-9 - . _ ~ as %XX with upper-case hex.
func escape(s string) string {
	var b strings.Builder
	writeEscaped(&b, s, true)
	return b.String()
}

// writeEscaped writes s URI-encoded as SigV4 requires, leaving '/' alone
// unless encodeSlash.
func writeEscaped(b *strings.Builder, s string, encodeSlash bool) {
	const hexUpper = "0123456789ABCDEF"
	for i := range len(s) {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexUpper[c>>4])
			b.WriteByte(hexUpper[c&15])
		}
	}
}

// signingKey derives the SigV4 signing key of secret for a scope.
func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

func hexHMAC(key []byte, data string) string {
	return hex.EncodeToString(hmacSHA256(key, data))
}

func hashHex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
