package policy

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func FuzzParse(f *testing.F) {
	seeds := []string{
		`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "kinesis:*", "Resource": "*"}}`,
		`{"Statement": [{"Sid": "x", "Effect": "Deny", "NotAction": ["kinesis:Get*"], "NotResource": "arn:aws:kinesis:*:*:stream/o?ders*"}]}`,
		`{"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["123456789012", "arn:aws:iam::123456789012:role/r"]}, "Action": "kinesis:GetRecords"}]}`,
		`{"Statement": [{"Effect": "Deny", "NotPrincipal": {"Service": "firehose.amazonaws.com"}, "Action": "*", "Resource": "*"}]}`,
		`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Condition": {}}]}`,
		`{"Statement": []}`, `[]`, `null`, `{"Statement": {"Effect": "Allow"}}`, `{"a":1,"a":2}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), "kinesis:PutRecord", orders)
	}
	f.Fuzz(func(t *testing.T, doc []byte, action, resource string) {
		d, err := Parse(doc)
		if err != nil {
			require.Nil(t, d, "Parse returned a document and an error")
			return
		}
		require.NotEmpty(t, d.String(), "accepted document has no source")
		s := NewSet()
		switch d.Kind() {
		case IdentityPolicy:
			require.NoError(t, s.SetIdentityPolicies(alice, d))
			require.Error(t, s.SetResourcePolicy(orders, d), "identity policy accepted as a resource policy")
		case ResourcePolicy:
			require.NoError(t, s.SetResourcePolicy(orders, d))
			require.Error(t, s.SetIdentityPolicies(alice, d), "resource policy accepted as an identity policy")
		default:
			require.Failf(t, "unknown kind", "accepted document has kind %v", d.Kind())
		}
		for _, p := range []string{alice, carol, "", "*"} {
			for _, r := range []string{orders, resource, "*"} {
				dec := s.Evaluate(p, action, r)
				err := s.Authorize(context.Background(), p, action, r)
				require.Equal(t, dec == Allow, err == nil, "Evaluate = %v but Authorize = %v", dec, err)
				if err != nil {
					_ = err.Error()
				}
			}
		}
		// A re-parse of the source gives the same verdicts.
		d2, err := Parse([]byte(d.String()))
		require.NoError(t, err, "re-parse of accepted document failed")
		s2 := NewSet()
		if d2.Kind() == IdentityPolicy {
			_ = s2.SetIdentityPolicies(alice, d2)
		} else {
			_ = s2.SetResourcePolicy(orders, d2)
		}
		a, b := s.Evaluate(alice, action, orders), s2.Evaluate(alice, action, orders)
		require.Equal(t, a, b, "re-parsed document decides %v, original %v", b, a)
	})
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(sampleConfig))
	f.Add([]byte(`{"principals": {"*": []}, "resources": {}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		s := NewSet()
		require.NoError(t, s.Replace(c), "Replace rejected a parsed config")
		_ = s.Evaluate(alice, "kinesis:PutRecord", orders)
	})
}
