package constraint

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var arnMatchers = []struct {
	name    string
	pattern string
	match   func(string) bool
}{
	{"stream", PatternStreamARN, MatchStreamARN},
	{"resource", PatternResourceARN, MatchResourceARN},
	{"consumer", PatternConsumerARN, MatchConsumerARN},
}

// anchored compiles a model pattern as the service applies it: to the
// whole value.
func anchored(p string) *regexp.Regexp {
	return regexp.MustCompile(`^(?:` + p + `)$`)
}

func TestARNMatchersExamples(t *testing.T) {
	tests := []struct {
		s                          string
		stream, resource, consumer bool
	}{
		{"arn:aws:kinesis:us-east-1:123456789012:stream/orders", true, true, false},
		{"arn:aws-cn:kinesis:cn-north-1:123456789012:stream/a.b-c_d", true, true, false},
		{"arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/app:1700000000", true, true, true},
		{"arn:aws:kinesis:us-east-1:123456789012:xstream/orders", false, true, false},
		{"arn:aws:kinesis:us-east-1:12345678901:stream/orders", false, false, false},
		{"arn:aws:kinesis:us-east-1:123456789012:stream/", false, false, false},
		{"arn:aws:kinesis:us-east-1:123456789012:stream/or ders", false, false, false},
		{"arn:aws:kinesis:us-east-1:123456789012:stream/orders\n", false, false, false},
		{"arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/app:", true, true, false},
		{"arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/a:b:1", true, true, false},
		{"arn:aws:kinesis::123456789012:stream/x", true, true, false},
		{"arn:aws:kinesi:us-east-1:123456789012:stream/x", false, false, false},
		{"", false, false, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.stream, MatchStreamARN(tt.s), "stream %q", tt.s)
		assert.Equal(t, tt.resource, MatchResourceARN(tt.s), "resource %q", tt.s)
		assert.Equal(t, tt.consumer, MatchConsumerARN(tt.s), "consumer %q", tt.s)
	}
}

// arnPieces are the parts random ARN-like values are made of: the literal
// parts of the patterns, near misses, and characters the classes treat
// specially.
var arnPieces = []string{
	"arn", ":", "aws", "-cn", "kinesis", "stream", "/", "stream/", "consumer", "/consumer/",
	"123456789012", "12345678901", "1234567890123", "0", "a", "Z", "_", ".", "-", " ", "\n", "\t", "\r",
	"\xff", "é", "arn:aws", ":kinesis:", ":123456789012:",
}

// randomARN returns a value that is often close to matching the patterns:
// the skeleton of a consumer ARN with random filler in its free parts,
// parts left out at random, and sometimes a random piece inserted.
func randomARN(r *rand.Rand) string {
	filler := func(n int) string {
		var b strings.Builder
		for range r.IntN(n + 1) {
			b.WriteString(arnPieces[r.IntN(len(arnPieces))])
		}
		return b.String()
	}
	maybe := func(s string) string {
		if r.IntN(8) == 0 {
			return filler(2)
		}
		return s
	}
	parts := []string{
		maybe("arn:aws"), filler(1), maybe(":kinesis:"), filler(2), maybe(":123456789012:"), filler(1),
		maybe("stream/"), maybe("orders"), filler(1),
	}
	if r.IntN(2) == 0 {
		parts = append(parts, maybe("/consumer/"), maybe("app"), maybe(":"), maybe("17"))
	}
	if r.IntN(4) == 0 {
		i := r.IntN(len(parts))
		parts[i] = arnPieces[r.IntN(len(arnPieces))]
	}
	return strings.Join(parts, "")
}

func TestARNMatchersAgreeWithRegexp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	matched := map[string]int{}
	for _, m := range arnMatchers {
		re := anchored(m.pattern)
		for range 20_000 {
			s := randomARN(r)
			want := re.MatchString(s)
			require.Equal(t, want, m.match(s), "%s pattern on %q", m.name, s)
			if want {
				matched[m.name]++
			}
		}
	}
	// The generator must reach the matching side of every pattern often
	// enough for the comparison to mean something.
	for _, m := range arnMatchers {
		assert.Greater(t, matched[m.name], 1000, m.name)
	}
}

func FuzzARNMatchers(f *testing.F) {
	f.Add("arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/app:1700000000")
	f.Add("arn:aws:kinesis:us-east-1:123456789012:stream/orders")
	f.Add("arn:aws:kinesis::123456789012:xstream/a b")
	res := make([]*regexp.Regexp, len(arnMatchers))
	for i, m := range arnMatchers {
		res[i] = anchored(m.pattern)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i, m := range arnMatchers {
			if want := res[i].MatchString(s); m.match(s) != want {
				t.Fatalf("%s pattern on %q: matcher says %v, regexp %v", m.name, s, !want, want)
			}
		}
	})
}
