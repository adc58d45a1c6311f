package sigv4

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Credentials are one access key a Verifier accepts: the key pair a client
// signs with, the session token it must present when the key is temporary,
// and the identity it stands for.
type Credentials struct {
	// AccessKeyID names the key in the credential scope, e.g.
	// "AKIAIOSFODNN7EXAMPLE".
	AccessKeyID string
	// SecretAccessKey is the signing secret.
	SecretAccessKey string
	// SessionToken, when set, must arrive as X-Amz-Security-Token; when
	// empty, a request must carry no token.
	SessionToken string
	// Principal is the IAM ARN of the caller, e.g.
	// "arn:aws:iam::123456789012:user/alice". Verify returns it untouched.
	Principal string
}

// CredentialLookup finds the credentials of an access key id. It reports
// false for an unknown key. Implementations used by a Verifier must be safe
// for concurrent use.
type CredentialLookup interface {
	Lookup(accessKeyID string) (Credentials, bool)
}

// CredentialStore is a fixed set of credentials keyed by access key id. It
// is safe for concurrent lookups as long as nobody modifies it.
type CredentialStore map[string]Credentials

// Lookup returns the credentials of accessKeyID.
func (s CredentialStore) Lookup(accessKeyID string) (Credentials, bool) {
	c, ok := s[accessKeyID]
	return c, ok
}

// NewCredentialStore returns a store of creds, checked as
// LoadCredentialsFile checks a file's entries: each needs a well-formed
// AccessKeyID and a SecretAccessKey, no key may appear twice, and a
// Principal, when set, must be an ARN.
func NewCredentialStore(creds ...Credentials) (CredentialStore, error) {
	s := make(CredentialStore, len(creds))
	for i, c := range creds {
		if err := c.check(); err != nil {
			return nil, fmt.Errorf("sigv4: credentials %d: %w", i, err)
		}
		if _, dup := s[c.AccessKeyID]; dup {
			return nil, fmt.Errorf("sigv4: credentials %d: duplicate AccessKeyId %q", i, c.AccessKeyID)
		}
		s[c.AccessKeyID] = c
	}
	return s, nil
}

// check reports what is wrong with c.
func (c Credentials) check() error {
	if c.AccessKeyID == "" {
		return errors.New("missing AccessKeyId")
	}
	if len(c.AccessKeyID) > 128 {
		return fmt.Errorf("AccessKeyId %.20q... is longer than 128 characters", c.AccessKeyID)
	}
	for _, r := range c.AccessKeyID {
		if !isKeyChar(r) {
			return fmt.Errorf("AccessKeyId %q has %q; use letters, digits, '-', '_' and '.'", c.AccessKeyID, r)
		}
	}
	if c.SecretAccessKey == "" {
		return fmt.Errorf("AccessKeyId %q: missing SecretAccessKey", c.AccessKeyID)
	}
	if c.Principal != "" && !strings.HasPrefix(c.Principal, "arn:") {
		return fmt.Errorf("AccessKeyId %q: Principal %q is not an ARN", c.AccessKeyID, c.Principal)
	}
	return nil
}

func isKeyChar(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
}

// credentialsFile is the JSON form LoadCredentialsFile reads.
type credentialsFile struct {
	Credentials []credentialsEntry
}

type credentialsEntry struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Principal       string
}

// LoadCredentialsFile reads the credentials file of `freshet serve
// --credentials-file`, a JSON object whose one member lists the accepted
// keys, with the member names of STS's Credentials shape:
//
//	{
//	  "Credentials": [
//	    {
//	      "AccessKeyId": "AKIAIOSFODNN7EXAMPLE",
//	      "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
//	      "Principal": "arn:aws:iam::123456789012:user/alice"
//	    },
//	    {
//	      "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",
//	      "SecretAccessKey": "...",
//	      "SessionToken": "...",
//	      "Principal": "arn:aws:sts::123456789012:assumed-role/app/session"
//	    }
//	  ]
//	}
//
// The format is strict: unknown members, a second JSON value, a missing
// AccessKeyId or SecretAccessKey, an AccessKeyId with characters other
// than letters, digits, '-', '_' and '.', a duplicate AccessKeyId and a
// Principal that does not start with "arn:" are errors, and so is a file
// without credentials. SessionToken and
// Principal are optional.
func LoadCredentialsFile(path string) (CredentialStore, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sigv4: %w", err)
	}
	s, err := ParseCredentials(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// ParseCredentials parses the JSON format of LoadCredentialsFile.
func ParseCredentials(data []byte) (CredentialStore, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f credentialsFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("sigv4: credentials file: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("sigv4: credentials file: data after the JSON object")
	}
	if len(f.Credentials) == 0 {
		return nil, errors.New("sigv4: credentials file: no Credentials")
	}
	creds := make([]Credentials, len(f.Credentials))
	for i, e := range f.Credentials {
		creds[i] = Credentials(e)
	}
	return NewCredentialStore(creds...)
}
