package policy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refMatch is the reference wildcard matcher: a direct recursive definition,
// exponential in the worst case, used only on short inputs.
func refMatch(p, s string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if refMatch(p[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && refMatch(p[1:], s[1:])
	}
	return s != "" && p[0] == s[0] && refMatch(p[1:], s[1:])
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "anything", true},
		{"**", "", true},
		{"?", "", false},
		{"?", "a", true},
		{"?", "ab", false},
		{"a*", "a", true},
		{"*a", "a", true},
		{"a*a", "a", false},
		{"a*a", "aa", true},
		{"a*b*c", "abc", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"a*b?c", "ab-bxc", true},
		{"a?*?b", "axb", false},
		{"a?*?b", "axyb", true},
		{"*ab*ab*", "abab", true},
		{"*ab*ab*", "aba", false},
		{"*?a?*", "xay", true},
		{"kinesis:get*", "kinesis:getrecords", true},
		{"kinesis:get*", "kinesis:putrecord", false},
		{"arn:aws:kinesis:us-east-1:123456789012:stream/orders*", "arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/app:1700000000", true},
		{"arn:aws:kinesis:*:*:stream/*/consumer/*", "arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/app:1", true},
		{"arn:aws:kinesis:*:*:stream/*/consumer/*", "arn:aws:kinesis:us-east-1:123456789012:stream/orders", false},
		{"arn:aws:kinesis:us-east-?:*", "arn:aws:kinesis:us-east-12:x", false},
		{"arn:aws:kinesis:us-east-?:*", "arn:aws:kinesis:us-east-2:x", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, match(tt.pattern, tt.s), "match(%q, %q)", tt.pattern, tt.s)
		assert.Equal(t, tt.want, refMatch(tt.pattern, tt.s), "refMatch(%q, %q)", tt.pattern, tt.s)
	}
}

// TestMatchExhaustive compares match with refMatch on every pattern and
// subject up to a small length over a tiny alphabet.
func TestMatchExhaustive(t *testing.T) {
	all := func(alphabet string, maxLen int) []string {
		out := []string{""}
		prev := []string{""}
		for n := 1; n <= maxLen; n++ {
			var next []string
			for _, p := range prev {
				for i := 0; i < len(alphabet); i++ {
					next = append(next, p+alphabet[i:i+1])
				}
			}
			out = append(out, next...)
			prev = next
		}
		return out
	}
	patterns := all("ab*?", 5)
	subjects := all("ab", 6)
	for _, p := range patterns {
		for _, s := range subjects {
			require.Equal(t, refMatch(p, s), match(p, s), "match(%q, %q) disagrees with the reference", p, s)
		}
	}
}

// pathological are patterns that make backtracking matchers exponential
// on a long run of "a", none of which matches it.
var pathological = []string{
	strings.Repeat("a*", 200) + "b",
	strings.Repeat("*a", 200) + "*b",
	strings.Repeat("*?", 200) + "b",
	"*" + strings.Repeat("a?", 500) + "b*",
}

// TestMatchPathological checks the answers for patterns that make
// backtracking matchers exponential; BenchmarkMatchPathological measures
// that they stay fast (linear in pattern times subject: a few ms each,
// where backtracking would not finish).
func TestMatchPathological(t *testing.T) {
	s := strings.Repeat("a", 4096)
	for _, p := range pathological {
		assert.False(t, match(p, s), "match(%.20q..., a...)", p)
	}
}

func BenchmarkMatchPathological(b *testing.B) {
	s := strings.Repeat("a", 4096)
	for b.Loop() {
		for _, p := range pathological {
			if match(p, s) {
				b.Fatalf("match(%.20q..., a...) = true", p)
			}
		}
	}
}

func TestLowerASCII(t *testing.T) {
	for in, want := range map[string]string{"": "", "abc": "abc", "Kinesis:PutRecord": "kinesis:putrecord", "ÄB\xff": "Äb\xff"} {
		assert.Equal(t, want, lowerASCII(in), "lowerASCII(%q)", in)
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("a*b?c", "axxbyc")
	f.Add("*", "")
	f.Add("arn:aws:kinesis:*:*:stream/orders*", "arn:aws:kinesis:us-east-1:123456789012:stream/orders")
	f.Add("*?*?*", "ab")
	f.Add("a**?*a", "a\xffa")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		got := match(pattern, s)
		// The reference is exponential; keep its inputs short.
		if len(pattern) > 12 || len(s) > 24 || strings.Count(pattern, "*") > 5 {
			return
		}
		require.Equal(t, refMatch(pattern, s), got, "match(%q, %q) disagrees with the reference", pattern, s)
	})
}

func TestAccountOf(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:iam::123456789012:user/alice":                "123456789012",
		"arn:aws:sts::123456789012:assumed-role/r/s":          "123456789012",
		"arn:aws:kinesis:us-east-1:123456789012:stream/a:b:c": "123456789012",
		"arn:aws:iam::123456789012":                           "",
		"arn:aws:iam:":                                        "",
		"aws:iam::123456789012:user/x":                        "",
		"":                                                    "",
	} {
		assert.Equal(t, want, accountOf(in), "accountOf(%q)", in)
	}
}
