package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sampleConfig = `{
  "principals": {
    "arn:aws:iam::123456789012:user/alice": [
      {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "kinesis:*",
         "Resource": "arn:aws:kinesis:us-east-1:123456789012:stream/orders*"}]}
    ],
    "*": {"Statement": {"Effect": "Allow", "Action": "kinesis:List*", "Resource": "*"}}
  },
  "resources": {
    "arn:aws:kinesis:us-east-1:123456789012:stream/orders": {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::123456789012:user/mallory"},
                     "Action": "kinesis:*"}]
    }
  }
}`

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policies.json")
	require.NoError(t, os.WriteFile(path, []byte(sampleConfig), 0o600))
	c, err := LoadFile(path)
	require.NoError(t, err)
	s := NewSet()
	require.NoError(t, s.Replace(c))
	tests := []struct {
		principal, action, resource string
		want                        Decision
	}{
		{alice, "kinesis:PutRecord", orders, Allow},
		{alice, "kinesis:PutRecord", payments, ImplicitDeny},
		{bob, "kinesis:ListStreams", "*", Allow},
		{bob, "kinesis:PutRecord", orders, ImplicitDeny},
		{mallory, "kinesis:ListShards", orders, ExplicitDeny},
		{mallory, "kinesis:ListShards", payments, Allow},
	}
	for _, tt := range tests {
		got := s.Evaluate(tt.principal, tt.action, tt.resource)
		assert.Equal(t, tt.want, got, "Evaluate(%s, %s, %s) = %v, want %v", tt.principal, tt.action, tt.resource, got, tt.want)
	}

	// Replace swaps everything: an empty config empties the set.
	require.NoError(t, s.Replace(&Config{}))
	got := s.Evaluate(alice, "kinesis:PutRecord", orders)
	assert.Equal(t, ImplicitDeny, got, "after Replace(empty): %v", got)
	require.NoError(t, s.Replace(c))
	require.NoError(t, s.Replace(nil))
	assert.Nil(t, s.ResourcePolicy(orders), "Replace(nil) kept a resource policy")

	_, err = LoadFile(filepath.Join(t.TempDir(), "missing.json"))
	if assert.Error(t, err, "LoadFile(missing)") {
		assert.True(t, strings.HasPrefix(err.Error(), "policy: open "), "LoadFile(missing) = %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"principal": {}}`), 0o600))
	_, err = LoadFile(bad)
	assert.EqualError(t, err, "policy: config "+bad+`: unknown key "principal" (supported: principals, resources)`, "LoadFile(bad)")
}

func TestParseConfigMalformed(t *testing.T) {
	const idDoc = `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`
	const resDoc = `{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*"}}`
	tests := []struct {
		name, config, want string
	}{
		{"syntax", `{`, "policy: config: not valid JSON: unexpected end of JSON input"},
		{"not an object", `[]`, "policy: config: must be a JSON object, got array"},
		{"unknown key", `{"principals": {}, "version": 1}`, `policy: config: unknown key "version" (supported: principals, resources)`},
		{"duplicate key", `{"principals": {}, "principals": {}}`, `policy: config: duplicate key "principals"`},
		{"principals type", `{"principals": []}`, "policy: config: principals: must be a JSON object, got array"},
		{"principal key", `{"principals": {"alice": [` + idDoc + `]}}`, `policy: config: principals["alice"]: principal "alice" must be "*" or an IAM ARN without wildcards`},
		{"duplicate principal", `{"principals": {"*": [], "*": []}}`, `policy: config: principals: duplicate key "*"`},
		{"principal value type", `{"principals": {"*": "x"}}`, `policy: config: principals["*"]: must be a policy document or an array of them, got string`},
		{"bad identity doc", `{"principals": {"*": [` + idDoc + `, {"Statement": {"Action": "*", "Resource": "*"}}]}}`, `policy: config: principals["*"][1]: Statement: missing required key Effect`},
		{"resource doc as identity", `{"principals": {"*": ` + resDoc + `}}`, `policy: config: principals["*"]: not an identity-based policy: its statements have a Principal`},
		{"resources type", `{"resources": "x"}`, "policy: config: resources: must be a JSON object, got string"},
		{"resource key", `{"resources": {"arn:aws:kinesis:us-east-1:123456789012:stream/*": ` + resDoc + `}}`, `policy: config: resources["arn:aws:kinesis:us-east-1:123456789012:stream/*"]: resource "arn:aws:kinesis:us-east-1:123456789012:stream/*" must be an ARN without wildcards`},
		{"identity doc as resource", `{"resources": {"` + orders + `": ` + idDoc + `}}`, `policy: config: resources["` + orders + `"]: not a resource-based policy: its statements have no Principal`},
		{"bad resource doc", `{"resources": {"` + orders + `": {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Condition": {}}}}}`, `policy: config: resources["` + orders + `"]: Statement.Condition: conditions are not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConfig([]byte(tt.config))
			require.Error(t, err, "ParseConfig succeeded: %+v", c)
			assert.Nil(t, c, "ParseConfig returned a config with its error")
			assert.EqualError(t, err, tt.want)
		})
	}
}

// TestReplaceAllOrNothing checks that a Config rejected by Replace leaves
// the Set exactly as it was.
func TestReplaceAllOrNothing(t *testing.T) {
	s := matrixSet(t)
	bad := &Config{
		Principals: map[string][]*Document{carol: {MustParse(`{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`)}},
		Resources:  map[string]*Document{orders: MustParse(`{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`)},
	}
	require.Error(t, s.Replace(bad), "Replace accepted an identity policy as a resource policy")
	got := s.Evaluate(alice, "kinesis:PutRecord", orders)
	assert.Equal(t, Allow, got, "alice lost her policies: %v", got)
	got = s.Evaluate(carol, "kinesis:PutRecord", orders)
	assert.Equal(t, ImplicitDeny, got, "carol gained policies: %v", got)
	assert.Error(t, s.Replace(&Config{Principals: map[string][]*Document{"bob": nil}}), "Replace accepted a malformed principal")
	assert.Error(t, s.Replace(&Config{Resources: map[string]*Document{"x": nil}}), "Replace accepted a malformed resource ARN")
}
