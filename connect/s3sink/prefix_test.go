package s3sink

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrefixExpansion(t *testing.T) {
	at := time.Date(2024, 5, 1, 7, 8, 9, 0, time.UTC)
	for _, tc := range []struct{ prefix, want string }{
		{"", "2024/05/01/07/"},
		{"raw/", "raw/2024/05/01/07/"},
		{"logs/!{timestamp:yyyy/MM/dd/HH}/", "logs/2024/05/01/07/"},
		{"!{timestamp:yyyy-MM-dd}/x/!{timestamp:HH:mm:ss}/", "2024-05-01/x/07:08:09/"},
		{"year=!{timestamp:yyyy}/month=!{timestamp:MM}/", "year=2024/month=05/"},
		{"!{timestamp:yy'T'HH}", "24T07"},
		{"!{timestamp:''yy}", "'24"},
	} {
		p, err := parsePrefix(tc.prefix)
		require.NoError(t, err, tc.prefix)
		var sb strings.Builder
		p.expand(&sb, at)
		assert.Equal(t, tc.want, sb.String(), tc.prefix)
	}
}

func TestPrefixErrors(t *testing.T) {
	for _, p := range []string{
		"!{timestamp:yyyy",
		"!{firehose:random-string}/",
		"!{timestamp:}",
		"!{timestamp:YYYY}",
		"!{timestamp:yyy}",
		"!{timestamp:'unterminated}",
		"!{partitionKeyFromQuery:id}",
	} {
		_, err := parsePrefix(p)
		assert.Error(t, err, p)
	}
}

func FuzzPrefix(f *testing.F) {
	f.Add("logs/!{timestamp:yyyy/MM/dd/HH}/")
	f.Add("!{timestamp:yy'T'HH}")
	f.Add("!{")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePrefix(s)
		if err != nil {
			return
		}
		var sb strings.Builder
		p.expand(&sb, time.Unix(1700000000, 0).UTC())
		if !strings.Contains(s, "!{") && !strings.HasPrefix(sb.String(), s) {
			t.Fatalf("a literal prefix %q expanded to %q", s, sb.String())
		}
	})
}
