package wire

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFastMatchersAgreeWithPatterns checks the hand-written matchers
// against the regular expressions they stand for.
func TestFastMatchersAgreeWithPatterns(t *testing.T) {
	shapes := map[string]stringShape{
		"streamName": streamNameShape, "consumerName": consumerNameShape, "shardId": shardIdShape,
		"hashKey": hashKeyShape, "sequenceNumber": sequenceNumberShape,
	}
	inputs := []string{"", "0", "00", "01", "1", "9", "10", "-1", "+1", "1 ", " 1", "1\n", "a", "A-z_0.9", "a b", "a/b",
		"é", "a\xff", "\x00", "a\nb", "١٢٣", strings.Repeat("9", 39), strings.Repeat("9", 40),
		"1" + strings.Repeat("0", 128), "1" + strings.Repeat("0", 129), "shardId-000000000000", "stream.name_1-2"}
	const alphabet = "0123456789az AZ_.-/\n\xff\xc3\xa9"
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, r.IntN(8))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	for name, s := range shapes {
		require.NotNil(t, s.match, "%s: no fast matcher", name)
		for _, in := range inputs {
			got, want := s.match(in), s.pattern.MatchString(in)
			assert.Equal(t, want, got, "%s: %q: fast %v, regexp %v", name, in, got, want)
		}
	}
}
