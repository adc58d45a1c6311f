package policy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		kind Kind
	}{
		{"statement object", `{"Statement": {"Effect": "Allow", "Action": "kinesis:*", "Resource": "*"}}`, IdentityPolicy},
		{"statement array", `{"Version": "2012-10-17", "Id": "x", "Statement": [{"Sid": "a", "Effect": "Deny", "NotAction": ["kinesis:Get*", "*"], "NotResource": ["arn:aws:kinesis:*:*:stream/*"]}]}`, IdentityPolicy},
		{"old version", `{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`, IdentityPolicy},
		{"resource policy without Resource", `{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kinesis:GetRecords"}}`, ResourcePolicy},
		{"principal forms", `{"Statement": [
			{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kinesis:GetRecords"},
			{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "kinesis:GetRecords"},
			{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:role/r"]}, "Action": "kinesis:GetRecords"},
			{"Effect": "Allow", "Principal": {"Service": ["firehose.amazonaws.com"]}, "Action": "kinesis:GetRecords"},
			{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:user/a"}, "Action": "kinesis:GetRecords", "Resource": "arn:aws:kinesis:us-east-1:123456789012:stream/s"}
		]}`, ResourcePolicy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.doc))
			require.NoError(t, err)
			assert.Equal(t, tt.kind, d.Kind(), "Kind")
			assert.Equal(t, tt.doc, d.String(), "String() should be the source")
		})
	}
	d := MustParse(`{"Version": "2012-10-17", "Id": "my-id", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`)
	assert.Equal(t, "2012-10-17", d.Version(), "Version")
	assert.Equal(t, "my-id", d.ID(), "ID")
	assert.Equal(t, "identity-based", IdentityPolicy.String(), "Kind.String")
	assert.Equal(t, "resource-based", ResourcePolicy.String(), "Kind.String")
	assert.Equal(t, "Kind(9)", Kind(9).String(), "Kind.String")
}

func TestParseMalformed(t *testing.T) {
	const allow = `"Effect": "Allow", "Action": "kinesis:*", "Resource": "*"`
	tests := []struct {
		name, doc, want string
	}{
		{"empty input", ``, "policy: not valid JSON: unexpected end of JSON input"},
		{"syntax", `{"Statement": [}`, "policy: not valid JSON: invalid character '}' looking for beginning of value"},
		{"trailing data", `{"Statement": {` + allow + `}} x`, "policy: not valid JSON: invalid character 'x' after top-level value"},
		{"not an object", `[]`, "policy: document: must be a JSON object, got array"},
		{"null", `null`, "policy: document: must be a JSON object, got null"},
		{"unknown top-level key", `{"Statement": {` + allow + `}, "Statements": []}`, `policy: unknown key "Statements" (supported: Version, Id, Statement)`},
		{"lower-case key", `{"statement": {` + allow + `}}`, `policy: unknown key "statement" (supported: Version, Id, Statement)`},
		{"duplicate top-level key", `{"Statement": {` + allow + `}, "Statement": {` + allow + `}}`, `policy: document: duplicate key "Statement"`},
		{"missing Statement", `{"Version": "2012-10-17"}`, "policy: missing required key Statement"},
		{"bad Version", `{"Version": "2012-10-18", "Statement": {` + allow + `}}`, `policy: Version: must be "2012-10-17" or "2008-10-17", got "2012-10-18"`},
		{"Version type", `{"Version": 2012, "Statement": {` + allow + `}}`, "policy: Version: must be a string, got number"},
		{"Id type", `{"Id": ["x"], "Statement": {` + allow + `}}`, "policy: Id: must be a string, got array"},
		{"Statement type", `{"Statement": "Allow"}`, "policy: Statement: must be an object or an array of objects, got string"},
		{"Statement empty", `{"Statement": []}`, "policy: Statement: must not be empty"},
		{"Statement element type", `{"Statement": [{` + allow + `}, 1]}`, "policy: Statement[1]: must be a JSON object, got number"},
		{"unknown statement key", `{"Statement": [{` + allow + `, "Efect": "Deny"}]}`, `policy: Statement[0]: unknown key "Efect" (supported: Sid, Effect, Action, NotAction, Resource, NotResource, Principal, NotPrincipal)`},
		{"duplicate statement key", `{"Statement": [{` + allow + `, "Effect": "Deny"}]}`, `policy: Statement[0]: duplicate key "Effect"`},
		{"missing Effect", `{"Statement": {"Action": "*", "Resource": "*"}}`, "policy: Statement: missing required key Effect"},
		{"Effect case", `{"Statement": [{"Effect": "allow", "Action": "*", "Resource": "*"}]}`, `policy: Statement[0].Effect: must be "Allow" or "Deny", got "allow"`},
		{"Effect type", `{"Statement": [{"Effect": true, "Action": "*", "Resource": "*"}]}`, "policy: Statement[0].Effect: must be a string, got boolean"},
		{"Sid type", `{"Statement": [{"Sid": 1, ` + allow + `}]}`, "policy: Statement[0].Sid: must be a string, got number"},
		{"missing Action", `{"Statement": [{"Effect": "Allow", "Resource": "*"}]}`, "policy: Statement[0]: missing Action or NotAction"},
		{"Action and NotAction", `{"Statement": [{` + allow + `, "NotAction": "kinesis:Get*"}]}`, "policy: Statement[0]: has both Action and NotAction; use exactly one"},
		{"Action type", `{"Statement": [{"Effect": "Allow", "Action": {"a": 1}, "Resource": "*"}]}`, "policy: Statement[0].Action: must be a string or an array of strings, got object"},
		{"Action element type", `{"Statement": [{"Effect": "Allow", "Action": ["kinesis:Get*", null], "Resource": "*"}]}`, "policy: Statement[0].Action[1]: must be a string, got null"},
		{"Action empty array", `{"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]}`, "policy: Statement[0].Action: must not be an empty array"},
		{"Action empty string", `{"Statement": [{"Effect": "Allow", "Action": "", "Resource": "*"}]}`, "policy: Statement[0].Action: must not be empty"},
		{"Action without service", `{"Statement": [{"Effect": "Allow", "Action": ["kinesis:Get*", "PutRecord"], "Resource": "*"}]}`, `policy: Statement[0].Action[1]: action "PutRecord" must be "*" or of the form "service:Action", e.g. "kinesis:PutRecord"`},
		{"Action empty name", `{"Statement": [{"Effect": "Allow", "Action": "kinesis:", "Resource": "*"}]}`, `policy: Statement[0].Action: action "kinesis:" must be "*" or of the form "service:Action", e.g. "kinesis:PutRecord"`},
		{"missing Resource", `{"Statement": [{"Effect": "Allow", "Action": "*"}]}`, "policy: Statement[0]: missing Resource or NotResource (required in identity-based policies)"},
		{"Resource and NotResource", `{"Statement": [{` + allow + `, "NotResource": "*"}]}`, "policy: Statement[0]: has both Resource and NotResource; use exactly one"},
		{"Resource not an ARN", `{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "stream/orders"}]}`, `policy: Statement[0].Resource: resource "stream/orders" must be "*" or an ARN ("arn:partition:service:region:account:resource")`},
		{"Resource short ARN", `{"Statement": [{"Effect": "Allow", "Action": "*", "NotResource": ["*", "arn:aws:kinesis"]}]}`, `policy: Statement[0].NotResource[1]: resource "arn:aws:kinesis" must be "*" or an ARN ("arn:partition:service:region:account:resource")`},
		{"Condition", `{"Statement": [{` + allow + `, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}`, "policy: Statement[0].Condition: conditions are not supported"},
		{"Principal and NotPrincipal", `{"Statement": [{` + allow + `, "Principal": "*", "NotPrincipal": "*"}]}`, "policy: Statement[0]: has both Principal and NotPrincipal; use exactly one"},
		{"Principal string", `{"Statement": [{` + allow + `, "Principal": "arn:aws:iam::123456789012:root"}]}`, `policy: Statement[0].Principal: a string principal must be "*", got "arn:aws:iam::123456789012:root"; name principals as {"AWS": ...}`},
		{"Principal type", `{"Statement": [{` + allow + `, "Principal": ["*"]}]}`, `policy: Statement[0].Principal: must be "*" or an object such as {"AWS": ...}, got array`},
		{"Principal empty object", `{"Statement": [{` + allow + `, "Principal": {}}]}`, "policy: Statement[0].Principal: must name at least one principal"},
		{"Principal type unsupported", `{"Statement": [{` + allow + `, "Principal": {"Federated": "cognito-identity.amazonaws.com"}}]}`, `policy: Statement[0].Principal: unsupported principal type "Federated" (supported: AWS, Service)`},
		{"Principal AWS bad", `{"Statement": [{` + allow + `, "Principal": {"AWS": ["123456789012", "alice"]}}]}`, `policy: Statement[0].Principal.AWS[1]: "alice" is not "*", a 12-digit account id or an IAM ARN without wildcards`},
		{"Principal AWS wildcard", `{"Statement": [{` + allow + `, "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:user/*"}}]}`, `policy: Statement[0].NotPrincipal.AWS: "arn:aws:iam::123456789012:user/*" is not "*", a 12-digit account id or an IAM ARN without wildcards`},
		{"Principal AWS type", `{"Statement": [{` + allow + `, "Principal": {"AWS": 123456789012}}]}`, "policy: Statement[0].Principal.AWS: must be a string or an array of strings, got number"},
		{"Principal duplicate key", `{"Statement": [{` + allow + `, "Principal": {"AWS": "*", "AWS": "123456789012"}}]}`, `policy: Statement[0].Principal: duplicate key "AWS"`},
		{"Service wildcard", `{"Statement": [{` + allow + `, "Principal": {"Service": "*.amazonaws.com"}}]}`, `policy: Statement[0].Principal.Service: "*.amazonaws.com" is not a service principal such as "firehose.amazonaws.com"`},
		{"mixed kinds", `{"Statement": [{` + allow + `, "Principal": "*"}, {` + allow + `}]}`, "policy: Statement[1]: missing Principal or NotPrincipal (other statements have one, so this is a resource-based policy, where every statement needs one)"},
		{"too large", `{"Id": "` + strings.Repeat("x", MaxDocumentSize) + `", "Statement": {` + allow + `}}`, "policy: document is 131156 bytes, more than the limit of 131072"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.doc))
			require.Error(t, err, "Parse succeeded: %+v", d)
			assert.Nil(t, d, "Parse returned a document with its error")
			assert.EqualError(t, err, tt.want)
		})
	}
}

func TestMustParsePanics(t *testing.T) {
	assert.Panics(t, func() { MustParse(`{}`) }, "MustParse did not panic on a malformed document")
}
