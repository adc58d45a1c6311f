package uuid

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPut(t *testing.T) {
	canonical := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, fill := range []byte{0x00, 0xff, 0x5a} {
		b := make([]byte, 16)
		for i := range b {
			b[i] = fill
		}
		var dst [36]byte
		Put(dst[:], b)
		assert.Regexp(t, canonical, string(dst[:]), "bytes of %#x gave %s, not a version 4 UUID", fill, dst[:])
	}
	var dst [36]byte
	Put(dst[:], []byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0})
	assert.Equal(t, "12345678-9abc-4ef0-9234-56789abcdef0", string(dst[:]))
}
