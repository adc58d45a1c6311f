package constraint

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stringShapes are the shapes of string members that carry a pattern.
var patternShapes = []*Shape{StreamName, ConsumerName, ShardID, StreamARN, ResourceARN, ConsumerARN, StreamID,
	HashKey, SequenceNumber}

// TestMatchersAgreeWithPatterns checks the hand-written matchers against
// the regular expressions they stand for.
func TestMatchersAgreeWithPatterns(t *testing.T) {
	inputs := []string{"", "0", "00", "01", "1", "9", "10", "-1", "+1", "1 ", " 1", "1\n", "a", "A-z_0.9", "a b", "a/b",
		"é", "a\xff", "\x00", "a\nb", "١٢٣", strings.Repeat("9", 39), strings.Repeat("9", 40),
		"1" + strings.Repeat("0", 128), "1" + strings.Repeat("0", 129), "shardId-000000000000", "stream.name_1-2",
		"abcdefghij0123456789-abc", "abcdefghij0123456789-ab", "abcdefghij0123456789_abc", "Abcdefghij0123456789-abc",
		"abcdefghij0123456789-abcd", "abcdefghij0123456789-ab\n"}
	const alphabet = "0123456789az AZ_.-/\n\xff\xc3\xa9"
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, r.IntN(8))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	// Stream ids: 24 characters near the pattern.
	const idAlphabet = "az09-_A"
	for range 20000 {
		b := make([]byte, 22+r.IntN(4))
		for i := range b {
			b[i] = idAlphabet[r.IntN(len(idAlphabet)-3)]
			if r.IntN(30) == 0 || i == 20 && r.IntN(2) == 0 {
				b[i] = idAlphabet[r.IntN(len(idAlphabet))]
			}
		}
		inputs = append(inputs, string(b))
	}
	for _, s := range patternShapes {
		require.NotNil(t, s.Match, "%s: no matcher", s.Name)
		re := anchored(s.Pattern)
		for _, in := range inputs {
			got, want := s.Match(in), re.MatchString(in)
			assert.Equal(t, want, got, "%s: %q: matcher %v, regexp %v", s.Name, in, got, want)
		}
	}
}

// TestEveryPatternHasAMatcher checks the shapes of every table: a pattern
// is always matched by hand, and bounds make sense for the kind.
func TestEveryPatternHasAMatcher(t *testing.T) {
	var walk func(op string, ms []Member)
	walk = func(op string, ms []Member) {
		for _, m := range ms {
			s := m.Shape
			require.NotNil(t, s, "%s.%s", op, m.Path)
			assert.Equal(t, s.Pattern != "", s.Match != nil, "%s.%s: pattern and matcher go together", op, m.Path)
			switch s.Kind {
			case KindStruct, KindList:
				assert.NotEmpty(t, m.Fields, "%s.%s", op, m.Path)
				walk(op, m.Fields)
			case KindStrings, KindMap:
				assert.NotNil(t, s.Elem, "%s.%s", op, m.Path)
			}
			if s.Kind == KindList {
				assert.NotEmpty(t, s.Entry, "%s.%s", op, m.Path)
			}
		}
	}
	require.Len(t, Operations, 39)
	for name, op := range Operations {
		assert.Equal(t, name, op.Name)
		walk(name, op.Members)
	}
}
