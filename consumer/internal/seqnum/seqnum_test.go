package seqnum

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValid(t *testing.T) {
	for s, want := range map[string]bool{
		"0": true,
		"49590338271490256608559692538361571095921575989136588898": true,
		strings.Repeat("9", 128):                                   true,
		strings.Repeat("9", 129):                                   false,
		"":                                                         false,
		"-1":                                                       false,
		"1e3":                                                      false,
		" 1":                                                       false,
		"TRIM_HORIZON":                                             false,
	} {
		assert.Equal(t, want, Valid(s), "%q", s)
	}
}
