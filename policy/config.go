package policy

import (
	"encoding/json"
	"fmt"
	"os"
)

// MaxConfigSize is the largest configuration file, in bytes, that
// ParseConfig and LoadFile accept.
const MaxConfigSize = 16 << 20

// Config is a complete set of policies: the identity-based policies of each
// principal and the resource-based policy of each resource. Install one
// with Set.Replace. See the package documentation for its JSON format.
type Config struct {
	// Principals maps a principal ARN, or "*" for everyone, to its
	// identity-based policies.
	Principals map[string][]*Document
	// Resources maps a stream or consumer ARN to its resource-based policy.
	Resources map[string]*Document
}

// ParseConfig parses a policy configuration file (format in the package
// documentation). It is strict and all-or-nothing: any error in any
// document rejects the whole configuration, naming where the error is:
//
//	policy: config: principals["arn:aws:iam::123456789012:user/alice"][0]: Statement[0]: missing required key Effect
func ParseConfig(data []byte) (*Config, error) {
	c, err := parseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("policy: config: %w", err)
	}
	return c, nil
}

// LoadFile reads and parses the policy configuration file at path, as
// ParseConfig does.
func LoadFile(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	c, err := parseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("policy: config %s: %w", path, err)
	}
	return c, nil
}

func parseConfig(data []byte) (*Config, error) {
	if len(data) > MaxConfigSize {
		return nil, fmt.Errorf("file is %d bytes, more than the limit of %d", len(data), MaxConfigSize)
	}
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	fields, err := decodeObject(raw, "")
	if err != nil {
		return nil, err
	}
	c := &Config{
		Principals: make(map[string][]*Document),
		Resources:  make(map[string]*Document),
	}
	for _, f := range fields {
		switch f.key {
		case "principals":
			entries, err := decodeObject(f.value, "principals")
			if err != nil {
				return nil, err
			}
			for _, e := range entries {
				path := fmt.Sprintf("principals[%q]", e.key)
				if err := validatePrincipalKey(e.key); err != nil {
					return nil, fmt.Errorf("%s: %s", path, stripPrefix(err))
				}
				var elems []json.RawMessage
				switch kindOf(e.value) {
				case "object":
					elems = []json.RawMessage{e.value}
				case "array":
					if err := json.Unmarshal(e.value, &elems); err != nil {
						return nil, fmt.Errorf("%s: %v", path, err)
					}
				default:
					return nil, typeError(path, "a policy document or an array of them", e.value)
				}
				docs := make([]*Document, 0, len(elems))
				for i, el := range elems {
					epath := path
					if kindOf(e.value) == "array" {
						epath = fmt.Sprintf("%s[%d]", path, i)
					}
					d, err := parseEmbedded(el, epath)
					if err != nil {
						return nil, err
					}
					if d.kind != IdentityPolicy {
						return nil, fmt.Errorf("%s: not an identity-based policy: its statements have a Principal", epath)
					}
					docs = append(docs, d)
				}
				c.Principals[e.key] = docs
			}
		case "resources":
			entries, err := decodeObject(f.value, "resources")
			if err != nil {
				return nil, err
			}
			for _, e := range entries {
				path := fmt.Sprintf("resources[%q]", e.key)
				if err := validateResourceKey(e.key); err != nil {
					return nil, fmt.Errorf("%s: %s", path, stripPrefix(err))
				}
				d, err := parseEmbedded(e.value, path)
				if err != nil {
					return nil, err
				}
				if d.kind != ResourcePolicy {
					return nil, fmt.Errorf("%s: not a resource-based policy: its statements have no Principal", path)
				}
				c.Resources[e.key] = d
			}
		default:
			return nil, fmt.Errorf("unknown key %q (supported: principals, resources)", f.key)
		}
	}
	return c, nil
}

// parseEmbedded parses a policy document embedded in a configuration file.
func parseEmbedded(raw json.RawMessage, path string) (*Document, error) {
	if len(raw) > MaxDocumentSize {
		return nil, fmt.Errorf("%s: document is %d bytes, more than the limit of %d", path, len(raw), MaxDocumentSize)
	}
	d, err := parseRaw(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// stripPrefix drops the "policy: " prefix of errors made for direct callers.
func stripPrefix(err error) string {
	const p = "policy: "
	s := err.Error()
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

// validate checks a Config built by hand (ParseConfig's results are valid).
func (c *Config) validate() error {
	for p, docs := range c.Principals {
		if err := validatePrincipalKey(p); err != nil {
			return err
		}
		for i, d := range docs {
			if err := checkKind(d, IdentityPolicy); err != nil {
				return fmt.Errorf("policy: identity policy %d of %s: %w", i, p, err)
			}
		}
	}
	for r, d := range c.Resources {
		if err := validateResourceKey(r); err != nil {
			return err
		}
		if d != nil {
			if err := checkKind(d, ResourcePolicy); err != nil {
				return fmt.Errorf("policy: resource policy of %s: %w", r, err)
			}
		}
	}
	return nil
}
