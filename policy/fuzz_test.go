package policy

import (
	"context"
	"testing"
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
			if d != nil {
				t.Fatal("Parse returned a document and an error")
			}
			return
		}
		if d.String() == "" {
			t.Fatal("accepted document has no source")
		}
		s := NewSet()
		switch d.Kind() {
		case IdentityPolicy:
			if err := s.SetIdentityPolicies(alice, d); err != nil {
				t.Fatal(err)
			}
			if err := s.SetResourcePolicy(orders, d); err == nil {
				t.Fatal("identity policy accepted as a resource policy")
			}
		case ResourcePolicy:
			if err := s.SetResourcePolicy(orders, d); err != nil {
				t.Fatal(err)
			}
			if err := s.SetIdentityPolicies(alice, d); err == nil {
				t.Fatal("resource policy accepted as an identity policy")
			}
		default:
			t.Fatalf("accepted document has kind %v", d.Kind())
		}
		for _, p := range []string{alice, carol, "", "*"} {
			for _, r := range []string{orders, resource, "*"} {
				dec := s.Evaluate(p, action, r)
				err := s.Authorize(context.Background(), p, action, r)
				if (dec == Allow) != (err == nil) {
					t.Fatalf("Evaluate = %v but Authorize = %v", dec, err)
				}
				if err != nil {
					_ = err.Error()
				}
			}
		}
		// A re-parse of the source gives the same verdicts.
		d2, err := Parse([]byte(d.String()))
		if err != nil {
			t.Fatalf("re-parse of accepted document failed: %v", err)
		}
		s2 := NewSet()
		if d2.Kind() == IdentityPolicy {
			_ = s2.SetIdentityPolicies(alice, d2)
		} else {
			_ = s2.SetResourcePolicy(orders, d2)
		}
		if a, b := s.Evaluate(alice, action, orders), s2.Evaluate(alice, action, orders); a != b {
			t.Fatalf("re-parsed document decides %v, original %v", b, a)
		}
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
		if err := s.Replace(c); err != nil {
			t.Fatalf("Replace rejected a parsed config: %v", err)
		}
		_ = s.Evaluate(alice, "kinesis:PutRecord", orders)
	})
}
