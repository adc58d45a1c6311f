package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// MaxDocumentSize is the largest policy document, in bytes, that Parse
// accepts. It is generous: AWS caps managed identity policies at 6,144
// characters and Kinesis resource policies at 20 KiB.
const MaxDocumentSize = 128 << 10

// Kind tells identity-based and resource-based policy documents apart.
type Kind int

const (
	// IdentityPolicy is a document attached to a principal. Its statements
	// have no Principal and each names a Resource or NotResource.
	IdentityPolicy Kind = iota + 1
	// ResourcePolicy is a document attached to a stream or consumer. Each of
	// its statements names a Principal or NotPrincipal and may omit
	// Resource, in which case it applies to the resource it is attached to.
	ResourcePolicy
)

// String returns "identity-based" or "resource-based", the words AWS uses in
// its error messages.
func (k Kind) String() string {
	switch k {
	case IdentityPolicy:
		return "identity-based"
	case ResourcePolicy:
		return "resource-based"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Document is a parsed, validated IAM policy document. It is immutable and
// safe for concurrent use. Create one with Parse.
type Document struct {
	kind       Kind
	version    string
	id         string
	statements []statement
	source     string
}

// Kind reports whether d is an identity-based or a resource-based policy,
// as decided by Parse from the presence of Principal or NotPrincipal.
func (d *Document) Kind() Kind { return d.kind }

// Version returns the document's Version element, or "" when absent.
func (d *Document) Version() string { return d.version }

// ID returns the document's Id element, or "" when absent.
func (d *Document) ID() string { return d.id }

// String returns the JSON text the document was parsed from, unchanged, as
// GetResourcePolicy returns it.
func (d *Document) String() string { return d.source }

// statement is one validated Statement element. Action patterns are stored
// folded to lower case.
type statement struct {
	sid         string
	deny        bool
	actions     []string
	notAction   bool
	resources   []string // nil: a resource policy statement without Resource
	notResource bool
	principals  *principalSet // nil in identity policies
}

// principalSet is the parsed Principal or NotPrincipal of a statement.
type principalSet struct {
	not      bool
	any      bool     // "*"
	accounts []string // account ids, from "123456789012" or an account root ARN
	exact    []string // other ARNs and service principals
}

// names reports whether principal is named by the set, ignoring not.
func (p *principalSet) names(principal string) bool {
	if p.any {
		return true
	}
	for _, e := range p.exact {
		if e == principal {
			return true
		}
	}
	if acct := accountOf(principal); acct != "" {
		for _, a := range p.accounts {
			if a == acct {
				return true
			}
		}
	}
	return false
}

// accountOf returns the account id field of an ARN, or "".
func accountOf(arn string) string {
	rest, ok := strings.CutPrefix(arn, "arn:")
	if !ok {
		return ""
	}
	for range 3 { // skip partition, service and region
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			return ""
		}
		rest = rest[i+1:]
	}
	acct, _, ok := strings.Cut(rest, ":")
	if !ok {
		return ""
	}
	return acct
}

// Parse parses and validates an IAM policy document. It is strict: unknown
// or duplicate keys, values of the wrong type, unsupported elements
// (Condition) and statements that are neither consistently identity-based
// nor consistently resource-based are rejected with an error naming the
// JSON path of the problem, for example
//
//	policy: Statement[1].Effect: must be "Allow" or "Deny", got "allow"
//
// Parse never returns a partially valid document.
func Parse(doc []byte) (*Document, error) {
	d, err := parseDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	return d, nil
}

// MustParse is like Parse but panics on error. It is meant for tests and
// for policies written into programs.
func MustParse(doc string) *Document {
	d, err := Parse([]byte(doc))
	if err != nil {
		panic(err)
	}
	return d
}

func parseDocument(doc []byte) (*Document, error) {
	if len(doc) > MaxDocumentSize {
		return nil, fmt.Errorf("document is %d bytes, more than the limit of %d", len(doc), MaxDocumentSize)
	}
	var raw json.RawMessage
	if err := json.Unmarshal(doc, &raw); err != nil {
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	return parseRaw(raw)
}

// parseRaw parses a document from a syntactically valid JSON value.
func parseRaw(raw json.RawMessage) (*Document, error) {
	fields, err := decodeObject(raw, "document")
	if err != nil {
		return nil, err
	}
	d := &Document{source: string(raw)}
	var stmts json.RawMessage
	for _, f := range fields {
		switch f.key {
		case "Version":
			v, err := decodeString(f.value, "Version")
			if err != nil {
				return nil, err
			}
			if v != "2012-10-17" && v != "2008-10-17" {
				return nil, fmt.Errorf(`%s: must be "2012-10-17" or "2008-10-17", got %q`, "Version", v)
			}
			d.version = v
		case "Id":
			if d.id, err = decodeString(f.value, "Id"); err != nil {
				return nil, err
			}
		case "Statement":
			stmts = f.value
		default:
			return nil, fmt.Errorf("unknown key %q (supported: Version, Id, Statement)", f.key)
		}
	}
	if stmts == nil {
		return nil, errors.New("missing required key Statement")
	}

	var elems []json.RawMessage
	switch kindOf(stmts) {
	case "object":
		elems = []json.RawMessage{stmts}
	case "array":
		if err := json.Unmarshal(stmts, &elems); err != nil {
			return nil, fmt.Errorf("%s: %v", "Statement", err)
		}
		if len(elems) == 0 {
			return nil, fmt.Errorf("%s: must not be empty", "Statement")
		}
	default:
		return nil, typeError("Statement", "an object or an array of objects", stmts)
	}

	for i, e := range elems {
		path := "Statement"
		if kindOf(stmts) == "array" {
			path = fmt.Sprintf("Statement[%d]", i)
		}
		st, err := parseStatement(e, path)
		if err != nil {
			return nil, err
		}
		d.statements = append(d.statements, st)
	}

	// Decide the kind: all statements with a principal, or none.
	withPrincipal := 0
	for _, st := range d.statements {
		if st.principals != nil {
			withPrincipal++
		}
	}
	switch withPrincipal {
	case 0:
		d.kind = IdentityPolicy
		for i, st := range d.statements {
			if st.resources == nil {
				return nil, fmt.Errorf("%s: missing Resource or NotResource (required in identity-based policies)", stmtPath(stmts, i))
			}
		}
	case len(d.statements):
		d.kind = ResourcePolicy
	default:
		for i, st := range d.statements {
			if st.principals == nil {
				return nil, fmt.Errorf("%s: missing Principal or NotPrincipal (other statements have one, so this is a resource-based policy, where every statement needs one)", stmtPath(stmts, i))
			}
		}
	}
	return d, nil
}

func stmtPath(stmts json.RawMessage, i int) string {
	if kindOf(stmts) == "array" {
		return fmt.Sprintf("Statement[%d]", i)
	}
	return "Statement"
}

func parseStatement(raw json.RawMessage, path string) (statement, error) {
	var st statement
	fields, err := decodeObject(raw, path)
	if err != nil {
		return st, err
	}
	var haveEffect, haveAction, haveResource, havePrincipal bool
	for _, f := range fields {
		fpath := path + "." + f.key
		switch f.key {
		case "Sid":
			if st.sid, err = decodeString(f.value, fpath); err != nil {
				return st, err
			}
		case "Effect":
			e, err := decodeString(f.value, fpath)
			if err != nil {
				return st, err
			}
			switch e {
			case "Allow":
			case "Deny":
				st.deny = true
			default:
				return st, fmt.Errorf(`%s: must be "Allow" or "Deny", got %q`, fpath, e)
			}
			haveEffect = true
		case "Action", "NotAction":
			if haveAction {
				return st, fmt.Errorf("%s: has both Action and NotAction; use exactly one", path)
			}
			haveAction = true
			st.notAction = f.key == "NotAction"
			if st.actions, err = decodeActions(f.value, fpath); err != nil {
				return st, err
			}
		case "Resource", "NotResource":
			if haveResource {
				return st, fmt.Errorf("%s: has both Resource and NotResource; use exactly one", path)
			}
			haveResource = true
			st.notResource = f.key == "NotResource"
			if st.resources, err = decodeResources(f.value, fpath); err != nil {
				return st, err
			}
		case "Principal", "NotPrincipal":
			if havePrincipal {
				return st, fmt.Errorf("%s: has both Principal and NotPrincipal; use exactly one", path)
			}
			havePrincipal = true
			if st.principals, err = decodePrincipal(f.value, fpath); err != nil {
				return st, err
			}
			st.principals.not = f.key == "NotPrincipal"
		case "Condition":
			return st, fmt.Errorf("%s: conditions are not supported", fpath)
		default:
			return st, fmt.Errorf("%s: unknown key %q (supported: Sid, Effect, Action, NotAction, Resource, NotResource, Principal, NotPrincipal)", path, f.key)
		}
	}
	if !haveEffect {
		return st, fmt.Errorf("%s: missing required key Effect", path)
	}
	if !haveAction {
		return st, fmt.Errorf("%s: missing Action or NotAction", path)
	}
	return st, nil
}

func decodeActions(raw json.RawMessage, path string) ([]string, error) {
	list, err := decodeStringList(raw, path)
	if err != nil {
		return nil, err
	}
	for i, a := range list {
		if a != "*" {
			svc, name, ok := strings.Cut(a, ":")
			if !ok || svc == "" || name == "" {
				return nil, fmt.Errorf(`%s: action %q must be "*" or of the form "service:Action", e.g. "kinesis:PutRecord"`, elemPath(raw, path, i), a)
			}
		}
		list[i] = lowerASCII(a)
	}
	return list, nil
}

func decodeResources(raw json.RawMessage, path string) ([]string, error) {
	list, err := decodeStringList(raw, path)
	if err != nil {
		return nil, err
	}
	for i, r := range list {
		if r != "*" && (!strings.HasPrefix(r, "arn:") || strings.Count(r, ":") < 5) {
			return nil, fmt.Errorf(`%s: resource %q must be "*" or an ARN ("arn:partition:service:region:account:resource")`, elemPath(raw, path, i), r)
		}
	}
	return list, nil
}

func decodePrincipal(raw json.RawMessage, path string) (*principalSet, error) {
	p := &principalSet{}
	switch kindOf(raw) {
	case "string":
		s, _ := decodeString(raw, path)
		if s != "*" {
			return nil, fmt.Errorf(`%s: a string principal must be "*", got %q; name principals as {"AWS": ...}`, path, s)
		}
		p.any = true
		return p, nil
	case "object":
	default:
		return nil, typeError(path, `"*" or an object such as {"AWS": ...}`, raw)
	}
	fields, err := decodeObject(raw, path)
	if err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("%s: must name at least one principal", path)
	}
	for _, f := range fields {
		fpath := path + "." + f.key
		list, err := decodeStringList(f.value, fpath)
		if err != nil {
			return nil, err
		}
		switch f.key {
		case "AWS":
			for i, v := range list {
				switch {
				case v == "*":
					p.any = true
				case isAccountID(v):
					p.accounts = append(p.accounts, v)
				case strings.HasPrefix(v, "arn:") && strings.Count(v, ":") >= 5 && !strings.ContainsAny(v, "*?"):
					if acct, ok := rootAccount(v); ok {
						p.accounts = append(p.accounts, acct)
					} else {
						p.exact = append(p.exact, v)
					}
				default:
					return nil, fmt.Errorf(`%s: %q is not "*", a 12-digit account id or an IAM ARN without wildcards`, elemPath(f.value, fpath, i), v)
				}
			}
		case "Service":
			for i, v := range list {
				if v == "" || strings.ContainsAny(v, "*?") {
					return nil, fmt.Errorf(`%s: %q is not a service principal such as "firehose.amazonaws.com"`, elemPath(f.value, fpath, i), v)
				}
				p.exact = append(p.exact, v)
			}
		default:
			return nil, fmt.Errorf("%s: unsupported principal type %q (supported: AWS, Service)", path, f.key)
		}
	}
	return p, nil
}

// rootAccount reports whether arn is an account root ARN
// ("arn:aws:iam::123456789012:root") and returns its account id.
func rootAccount(arn string) (string, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && parts[2] == "iam" && parts[5] == "root" && isAccountID(parts[4]) {
		return parts[4], true
	}
	return "", false
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// field is one key/value pair of a JSON object, in document order.
type field struct {
	key   string
	value json.RawMessage
}

// decodeObject splits a JSON object into its fields, rejecting duplicate
// keys (encoding/json would silently keep the last one).
func decodeObject(raw json.RawMessage, path string) ([]field, error) {
	if kindOf(raw) != "object" {
		return nil, typeError(path, "a JSON object", raw)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // '{'
		return nil, fmt.Errorf("%s%v", at(path), err)
	}
	var fields []field
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s%v", at(path), err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("%sunexpected token %v", at(path), tok)
		}
		if seen[key] {
			return nil, fmt.Errorf("%sduplicate key %q", at(path), key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s.%s: %v", path, key, err)
		}
		fields = append(fields, field{key, v})
	}
	return fields, nil
}

func decodeString(raw json.RawMessage, path string) (string, error) {
	var s string
	if kindOf(raw) != "string" || json.Unmarshal(raw, &s) != nil {
		return "", typeError(path, "a string", raw)
	}
	return s, nil
}

// decodeStringList decodes a string or a non-empty array of non-empty
// strings.
func decodeStringList(raw json.RawMessage, path string) ([]string, error) {
	switch kindOf(raw) {
	case "string":
		s, err := decodeString(raw, path)
		if err != nil {
			return nil, err
		}
		if s == "" {
			return nil, fmt.Errorf("%s: must not be empty", path)
		}
		return []string{s}, nil
	case "array":
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if len(elems) == 0 {
			return nil, fmt.Errorf("%s: must not be an empty array", path)
		}
		list := make([]string, len(elems))
		for i, e := range elems {
			epath := fmt.Sprintf("%s[%d]", path, i)
			s, err := decodeString(e, epath)
			if err != nil {
				return nil, err
			}
			if s == "" {
				return nil, fmt.Errorf("%s: must not be empty", epath)
			}
			list[i] = s
		}
		return list, nil
	}
	return nil, typeError(path, "a string or an array of strings", raw)
}

// elemPath names element i of a value that was a string or an array.
func elemPath(raw json.RawMessage, path string, i int) string {
	if kindOf(raw) == "array" {
		return fmt.Sprintf("%s[%d]", path, i)
	}
	return path
}

// kindOf returns the JSON type of a syntactically valid value.
func kindOf(raw json.RawMessage) string {
	b := bytes.TrimLeft(raw, " \t\r\n")
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func typeError(path, want string, raw json.RawMessage) error {
	return fmt.Errorf("%smust be %s, got %s", at(path), want, kindOf(raw))
}

// at returns the "path: " prefix of an error message, or "" at the top level.
func at(path string) string {
	if path == "" {
		return ""
	}
	return path + ": "
}
