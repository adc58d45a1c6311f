// Package uuid formats random (version 4) UUIDs, the form of Kinesis
// request ids and of freshet's audit event ids.
package uuid

import "encoding/hex"

// Put writes the UUID made of the 16 random bytes b, with the version 4
// and RFC 4122 variant bits set, into dst[:36] in its canonical form
// (8-4-4-4-12 hexadecimal digits). b is modified.
func Put(dst []byte, b []byte) {
	_ = dst[35]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	hex.Encode(dst[0:8], b[0:4])
	dst[8] = '-'
	hex.Encode(dst[9:13], b[4:6])
	dst[13] = '-'
	hex.Encode(dst[14:18], b[6:8])
	dst[18] = '-'
	hex.Encode(dst[19:23], b[8:10])
	dst[23] = '-'
	hex.Encode(dst[24:36], b[10:16])
}
