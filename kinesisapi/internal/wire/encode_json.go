package wire

import (
	"strconv"
	"unicode/utf8"
)

// jsonEmitter writes AWS JSON 1.1.
type jsonEmitter struct {
	buf []byte
}

func (e *jsonEmitter) beginMap(int)  { e.buf = append(e.buf, '{') }
func (e *jsonEmitter) endMap()       { e.buf = append(e.buf, '}') }
func (e *jsonEmitter) beginList(int) { e.buf = append(e.buf, '[') }
func (e *jsonEmitter) endList()      { e.buf = append(e.buf, ']') }
func (e *jsonEmitter) bytes() []byte { return e.buf }

func (e *jsonEmitter) key(i int, name string) {
	if i > 0 {
		e.buf = append(e.buf, ',')
	}
	e.str(name)
	e.buf = append(e.buf, ':')
}

func (e *jsonEmitter) elem(i int) {
	if i > 0 {
		e.buf = append(e.buf, ',')
	}
}

func (e *jsonEmitter) str(s string) { e.buf = appendJSONString(e.buf, s) }

func (e *jsonEmitter) integer(i int64) { e.buf = strconv.AppendInt(e.buf, i, 10) }

func (e *jsonEmitter) boolean(b bool) { e.buf = strconv.AppendBool(e.buf, b) }

func (e *jsonEmitter) blob(b []byte) {
	e.buf = append(e.buf, '"')
	e.buf = appendBase64(e.buf, b)
	e.buf = append(e.buf, '"')
}

func (e *jsonEmitter) timestamp(ms int64) { e.buf = appendEpochSeconds(e.buf, ms) }

// appendJSONString appends s as a JSON string. Control characters, quotes
// and backslashes are escaped, as are U+2028 and U+2029 (which JavaScript
// clients cannot take raw); invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	// Most strings need no escaping: copy the longest prefix that does not
	// in one go.
	i := safePrefix(s)
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// jsonSafe reports the bytes appendJSONString copies as they are: printable
// ASCII but the quote and the backslash.
var jsonSafe = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// safePrefix returns the length of the longest prefix of s whose bytes are
// all jsonSafe, testing eight bytes at a time.
func safePrefix[S string | []byte](s S) int {
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
	)
	i := 0
	for ; len(s)-i >= 8; i += 8 {
		t := s[i : i+8]
		x := uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
			uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
		quote, backslash := x^(ones*'"'), x^(ones*'\\')
		// A byte has its high bit set in the mask if it is below 0x20,
		// a quote or a backslash (each test is exact as to whether some
		// byte matches), or not ASCII.
		if ((x-ones*0x20)&^x|(quote-ones)&^quote|(backslash-ones)&^backslash|x)&high != 0 {
			break
		}
	}
	for i < len(s) && jsonSafe[s[i]] {
		i++
	}
	return i
}
