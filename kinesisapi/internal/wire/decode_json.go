package wire

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file decodes AWS JSON 1.1 in a single pass over the body, guided by
// the Go type being filled: members the type does not know are checked for
// well-formedness and skipped without allocating, known ones are decoded
// straight into their fields. What it accepts, and the errors it reports,
// are exactly those of decoding each level with encoding/json, which is how
// the decoder was first written:
//
//   - any syntax error anywhere, or nesting deeper than 10000 levels,
//     makes the whole body malformed, whatever else is wrong with it;
//   - otherwise the first type error in member order (field order in
//     structures, index order in lists, key order in maps) wins;
//   - a list, map or structure in a known member that holds more than
//     maxElements elements is malformed in its own place in that order,
//     ahead of any error inside it, and is not built past the limit;
//     unknown members are not counted;
//   - of duplicate members, only the last one counts: a member met again
//     is reset to its zero value before it is decoded again;
//   - strings are unescaped as encoding/json unescapes them: invalid UTF-8
//     and unpaired surrogates become U+FFFD.

// maxJSONDepth is the deepest nesting encoding/json accepts.
const maxJSONDepth = 10000

var errMalformed = serializationError("")

// decodeJSON decodes body, which holds something other than blanks, into
// the struct v.
func decodeJSON(body []byte, v reflect.Value) error {
	return decodeJSONWith(jsonDecoder{data: body}, v)
}

// decodeJSONWith decodes d's body into the struct v.
func decodeJSONWith(d jsonDecoder, v reflect.Value) error {
	d.skipBlanks()
	if d.pos >= len(d.data) || d.data[d.pos] != '{' {
		return serializationError("")
	}
	err := d.structure(v, fieldsOf(v.Type()))
	d.skipBlanks()
	if d.failed || d.pos != len(d.data) {
		return serializationError("")
	}
	return err
}

// jsonDecoder is the state of one decoding. A syntax error sets failed;
// every method then returns at once, and the body is malformed.
type jsonDecoder struct {
	data   []byte
	pos    int
	depth  int // containers open around pos
	failed bool
	// buf holds unescaped strings while they are built.
	buf []byte
	// blobs is the unused part of the allocation decoded blobs are carved
	// from (blobSpace), and blobsMade whether it was made.
	blobs     []byte
	blobsMade bool
	// scratch, when not nil, provides the memory of blobs and PutRecords
	// entries.
	scratch *Scratch
	// generic turns the fast paths off, for the tests that compare them
	// with the generic decoder.
	generic bool
}

// fail records a syntax error.
func (d *jsonDecoder) fail() error {
	d.failed = true
	return errMalformed
}

func (d *jsonDecoder) skipBlanks() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\r', '\n':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the byte at pos after blanks, or 0 at the end.
func (d *jsonDecoder) peek() byte {
	d.skipBlanks()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

// consume moves past c, which must come next after blanks.
func (d *jsonDecoder) consume(c byte) bool {
	if d.peek() != c {
		d.failed = true
		return false
	}
	d.pos++
	return true
}

// member decodes the value at pos into the member v. Null leaves v
// untouched; a pointer is allocated only for a value that decodes.
func (d *jsonDecoder) member(v reflect.Value) error {
	switch d.peek() {
	case 'n':
		if !d.literal("null") {
			return d.fail()
		}
		return nil
	case 0:
		return d.fail()
	}
	if v.Kind() == reflect.Pointer {
		target := reflect.New(v.Type().Elem())
		err := d.value(target.Elem())
		if err == nil && !d.failed {
			v.Set(target)
		}
		return err
	}
	return d.value(v)
}

// value decodes the non-null value at pos (blanks skipped) into v.
func (d *jsonDecoder) value(v reflect.Value) error {
	t := v.Type()
	c := d.data[d.pos]
	switch t {
	case timestampType:
		if !isNumberStart(c) {
			return d.mismatch("milliseconds since epoch")
		}
		n, ok := d.number()
		if !ok {
			return d.fail()
		}
		v.Set(reflect.ValueOf(TimestampFromMillis(jsonMillis(n))))
		return nil
	case bytesType:
		if c != '"' {
			return d.mismatch("a Blob")
		}
		return d.blob(v)
	}
	switch t.Kind() {
	case reflect.Struct:
		switch c {
		case '{':
			return d.structure(v, fieldsOf(t))
		case '[':
			return d.misplacedContainer(msgUnexpectedList)
		}
		return d.skipWith(serializationError("Expected null"))
	case reflect.Slice:
		switch c {
		case '[':
			return d.list(v)
		case '{':
			return d.misplacedContainer(msgUnexpectedMap)
		}
		return d.skipWith(serializationError("Expected list or null"))
	case reflect.Map:
		switch c {
		case '{':
			return d.stringMap(v)
		case '[':
			return d.misplacedContainer(msgUnexpectedList)
		}
		return d.skipWith(serializationError("Expected map or null"))
	case reflect.String:
		if c != '"' {
			return d.mismatch("an String")
		}
		s, ok := d.str()
		if !ok {
			return d.fail()
		}
		v.SetString(s)
		return nil
	case reflect.Int32, reflect.Int64:
		if !isNumberStart(c) {
			if t.Kind() == reflect.Int32 {
				return d.mismatch("an Integer")
			}
			return d.mismatch("an Long")
		}
		n, ok := d.number()
		if !ok {
			return d.fail()
		}
		if t.Kind() == reflect.Int32 {
			v.SetInt(n.clamp(math.MinInt32, math.MaxInt32))
		} else {
			v.SetInt(n.clamp(math.MinInt64, math.MaxInt64))
		}
		return nil
	case reflect.Bool:
		switch c {
		case 't', 'f':
			b := c == 't'
			lit := "false"
			if b {
				lit = "true"
			}
			if !d.literal(lit) {
				return d.fail()
			}
			v.SetBool(b)
			return nil
		case '"':
			s, ok := d.str()
			if !ok {
				return d.fail()
			}
			return serializationError("'" + strings.ToUpper(s) + "' can not be converted to an Boolean")
		}
		return d.mismatch("an Boolean")
	}
	return d.skipWith(errors.New("wire: cannot decode into " + t.String()))
}

// skipWith skips the value at pos and returns err, or the syntax error.
func (d *jsonDecoder) skipWith(err error) error {
	if _, ok := d.skip(); !ok {
		return d.fail()
	}
	return err
}

// misplacedContainer skips a list or map found where another type was
// expected, and returns message, or a malformed error if the container is
// over the element limit.
func (d *jsonDecoder) misplacedContainer(message string) error {
	n, ok := d.skip()
	switch {
	case !ok:
		return d.fail()
	case n > maxElements:
		return errMalformed
	}
	return serializationError(message)
}

// mismatch skips a value of the wrong type for target and returns Coral's
// error for it.
func (d *jsonDecoder) mismatch(target string) error {
	var k kind
	switch c := d.data[d.pos]; {
	case c == '[':
		return d.misplacedContainer(msgUnexpectedList)
	case c == '{':
		return d.misplacedContainer(msgUnexpectedMap)
	case c == '"':
		k = kindString
	case c == 't' || c == 'f':
		k = kindBool
	case isNumberStart(c):
		k = kindNumber
	default:
		return d.fail()
	}
	return d.skipWith(serializationError("class " + javaClass(k) + " can not be converted to " + target))
}

// structure decodes the object at pos into the struct v, whose members are
// fields.
func (d *jsonDecoder) structure(v reflect.Value, fields []field) error {
	d.pos++ // '{'
	if d.depth++; d.depth > maxJSONDepth {
		return d.fail()
	}
	// errs holds the error of each field's last occurrence; seen marks the
	// fields met so far, to reset them when they are met again.
	var errsBuf [16]error
	var seenBuf [16]bool
	errs, seen := errsBuf[:], seenBuf[:]
	if len(fields) > len(errs) {
		errs, seen = make([]error, len(fields)), make([]bool, len(fields))
	}
	n := 0
	if d.peek() == '}' {
		d.pos++
	} else {
		for {
			name, escaped, ok := d.key()
			if !ok {
				return d.fail()
			}
			n++
			if escaped {
				name = d.unescape(name)
			}
			i := lookupField(fields, name)
			if i < 0 {
				if _, ok := d.skip(); !ok {
					return d.fail()
				}
			} else {
				fv := v.Field(fields[i].index)
				if seen[i] {
					fv.SetZero()
				}
				seen[i] = true
				errs[i] = d.member(fv)
				if d.failed {
					return errMalformed
				}
			}
			if !d.endOfElement('}') {
				break
			}
		}
		if d.failed {
			return errMalformed
		}
	}
	d.depth--
	if n > maxElements {
		return errMalformed
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// lookupField returns the position in fields of the member named name, or
// -1. Names are case-sensitive.
func lookupField(fields []field, name []byte) int {
	for i := range fields {
		if fields[i].name == string(name) {
			return i
		}
	}
	return -1
}

// key reads an object key and its colon. The key is returned as it is
// written; escaped reports whether it needs unescaping.
func (d *jsonDecoder) key() (name []byte, escaped, ok bool) {
	if d.peek() != '"' {
		return nil, false, false
	}
	start := d.pos + 1
	if escaped, ok = d.skipString(); !ok {
		return nil, false, false
	}
	end := d.pos - 1
	if !d.consume(':') {
		return nil, false, false
	}
	return d.data[start:end], escaped, true
}

// endOfElement consumes the comma or the closing byte after an element. It
// reports whether another element follows; on the closing byte it returns
// false, on anything else it fails.
func (d *jsonDecoder) endOfElement(closing byte) bool {
	switch d.peek() {
	case ',':
		d.pos++
		return true
	case closing:
		d.pos++
		return false
	}
	d.failed = true
	return false
}

// list decodes the array at pos into the slice v.
func (d *jsonDecoder) list(v reflect.Value) error {
	if v.Type() == putRecordsEntriesType && !d.generic {
		if entries, ok := d.putRecordsEntries(); ok {
			v.Set(reflect.ValueOf(entries))
			return nil
		}
	}
	d.pos++ // '['
	if d.depth++; d.depth > maxJSONDepth {
		return d.fail()
	}
	t := v.Type()
	list := reflect.New(t).Elem()
	var first error
	n := 0
	if d.peek() == ']' {
		d.pos++
	} else {
		var fields []field
		if et := t.Elem(); et.Kind() == reflect.Struct && et != timestampType {
			fields = fieldsOf(et)
		}
		for {
			n++
			if n > maxElements || first != nil {
				// Past the limit, or past an error: only check the syntax.
				if _, ok := d.skip(); !ok {
					return d.fail()
				}
			} else {
				list.Grow(1)
				list.SetLen(n)
				elem := list.Index(n - 1)
				var err error
				if fields != nil && d.peek() == '{' {
					err = d.structure(elem, fields)
				} else {
					err = d.member(elem)
				}
				if d.failed {
					return errMalformed
				}
				first = err
			}
			if !d.endOfElement(']') {
				break
			}
		}
		if d.failed {
			return errMalformed
		}
	}
	d.depth--
	switch {
	case n > maxElements:
		return errMalformed
	case first != nil:
		return first
	}
	if n == 0 {
		list = reflect.MakeSlice(t, 0, 0)
	}
	v.Set(list)
	return nil
}

// stringMap decodes the object at pos into the map v. Its values are bound
// in key order, so that the first error is always the same one.
func (d *jsonDecoder) stringMap(v reflect.Value) error {
	d.pos++ // '{'
	if d.depth++; d.depth > maxJSONDepth {
		return d.fail()
	}
	t := v.Type()
	m := reflect.MakeMap(t)
	elem := reflect.New(t.Elem()).Elem()
	var errs map[string]error // of the keys whose last value failed
	n := 0
	if d.peek() == '}' {
		d.pos++
	} else {
		for {
			name, escaped, ok := d.key()
			if !ok {
				return d.fail()
			}
			n++
			if n > maxElements {
				if _, ok := d.skip(); !ok {
					return d.fail()
				}
			} else {
				k := string(name)
				if escaped {
					k = string(d.unescape(name))
				}
				elem.SetZero()
				err := d.member(elem)
				switch {
				case d.failed:
					return errMalformed
				case err != nil:
					if errs == nil {
						errs = make(map[string]error)
					}
					errs[k] = err
				default:
					delete(errs, k)
					m.SetMapIndex(reflect.ValueOf(k), elem)
				}
			}
			if !d.endOfElement('}') {
				break
			}
		}
		if d.failed {
			return errMalformed
		}
	}
	d.depth--
	if n > maxElements {
		return errMalformed
	}
	if len(errs) > 0 {
		var first string
		found := false
		for k := range errs {
			if !found || k < first {
				first, found = k, true
			}
		}
		return errs[first]
	}
	v.Set(m)
	return nil
}

// literal consumes lit, which must come next.
func (d *jsonDecoder) literal(lit string) bool {
	if len(d.data)-d.pos < len(lit) || string(d.data[d.pos:d.pos+len(lit)]) != lit {
		return false
	}
	d.pos += len(lit)
	return true
}

func isNumberStart(c byte) bool {
	return c == '-' || ('0' <= c && c <= '9')
}

// number reads the number at pos.
func (d *jsonDecoder) number() (number, bool) {
	start := d.pos
	if !d.skipNumber() {
		return number{}, false
	}
	s := d.data[start:d.pos]
	// Integers of up to 18 digits fit an int64: the common case, parsed
	// here without a string.
	neg := s[0] == '-'
	digits := s
	if neg {
		digits = s[1:]
	}
	if len(digits) <= 18 {
		var i int64
		for _, c := range digits {
			if c < '0' || c > '9' {
				return parseNumber(string(s)), true
			}
			i = i*10 + int64(c-'0')
		}
		if neg {
			i = -i
		}
		return number{i: i, exact: true}, true
	}
	return parseNumber(string(s)), true
}

// skipNumber moves past a number, as JSON spells them:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *jsonDecoder) skipNumber() bool {
	data, i := d.data, d.pos
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && '1' <= data[i] && data[i] <= '9':
		i = skipDigits(data, i)
	default:
		return false
	}
	if i < len(data) && data[i] == '.' {
		j := skipDigits(data, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := skipDigits(data, i)
		if j == i {
			return false
		}
		i = j
	}
	d.pos = i
	return true
}

func skipDigits(data []byte, i int) int {
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		i++
	}
	return i
}

// jsonMillis converts epoch seconds, possibly fractional, to milliseconds.
func jsonMillis(n number) int64 {
	if n.exact {
		const limit = math.MaxInt64 / 1000
		return min(max(n.i, -limit), limit) * 1000
	}
	return millisFromFloat(n.f * 1000)
}

// skipString moves past the string whose opening quote is at pos. It
// reports whether the string holds escapes or bytes that are not valid
// UTF-8, which unescape must deal with.
func (d *jsonDecoder) skipString() (escaped, ok bool) {
	data := d.data
	i := d.pos + 1
	for i < len(data) {
		i += safePrefix(data[i:])
		if i == len(data) {
			break
		}
		c := data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return escaped, true
		case c == '\\':
			escaped = true
			if i+1 >= len(data) {
				return false, false
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) {
					return false, false
				}
				for _, h := range data[i+2 : i+6] {
					if !isHex(h) {
						return false, false
					}
				}
				i += 6
			default:
				return false, false
			}
		case c < 0x20:
			return false, false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				escaped = true
			}
			i += size
		}
	}
	return false, false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// strBytes reads the string at pos and returns its content, unescaped. The
// bytes are valid until the next call.
func (d *jsonDecoder) strBytes() ([]byte, bool) {
	start := d.pos + 1
	escaped, ok := d.skipString()
	if !ok {
		return nil, false
	}
	raw := d.data[start : d.pos-1]
	if escaped {
		return d.unescape(raw), true
	}
	return raw, true
}

// str reads the string at pos.
func (d *jsonDecoder) str() (string, bool) {
	b, ok := d.strBytes()
	return string(b), ok
}

// unescape returns the content of a well-formed string unescaped, in d.buf,
// as encoding/json unescapes it.
func (d *jsonDecoder) unescape(s []byte) []byte {
	b := d.buf[:0]
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			switch s[i+1] {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(s[i+2:])
				i += 6
				if utf16.IsSurrogate(r) {
					r = utf8.RuneError
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if dec := utf16.DecodeRune(hex4(s[i-4:]), hex4(s[i+2:])); dec != utf8.RuneError {
							r = dec
							i += 6
						}
					}
				}
				b = utf8.AppendRune(b, r)
				continue
			default: // '"', '\\', '/'
				b = append(b, s[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
		}
	}
	d.buf = b
	return b
}

// hex4 decodes the four hex digits s starts with.
func hex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// blob decodes the base64 string at pos into the []byte v.
func (d *jsonDecoder) blob(v reflect.Value) error {
	// Nearly every blob is canonical base64 up to the next quote: it then
	// holds no escape, so that quote ends the string, and it is decoded
	// in one pass. Anything else takes the general path.
	if end := bytes.IndexByte(d.data[d.pos+1:], '"'); end >= 0 {
		if b, ok := d.decodeBase64Fast(d.data[d.pos+1 : d.pos+1+end]); ok {
			d.pos += end + 2
			v.SetBytes(b)
			return nil
		}
	}
	s, ok := d.strBytes()
	if !ok {
		return d.fail()
	}
	if b, ok := d.decodeBase64Fast(s); ok {
		v.SetBytes(b)
		return nil
	}
	b, err := decodeBase64(string(s))
	if err != nil {
		return err
	}
	v.SetBytes(b)
	return nil
}

// decodeBase64Fast decodes s when it is canonical, padded base64, the only
// form decodeBase64 accepts; anything else is left to decodeBase64, which
// words the error.
func (d *jsonDecoder) decodeBase64Fast(s []byte) ([]byte, bool) {
	switch {
	case len(s)%4 != 0:
		return nil, false
	case len(s) == 0:
		return []byte{}, true // empty, not absent
	}
	b := d.blobSpace(len(s) / 4 * 3)
	n, ok := decodeBase64Strict(b, s)
	if !ok {
		return nil, false
	}
	d.blobs = d.blobs[n:]
	return b[:n:n], true
}

// blobSpace returns room for n decoded bytes, carved from one allocation
// for all the blobs of the body (a PutRecords request holds up to 500):
// base64 takes 4 bytes for every 3 it encodes, so the blobs of a body fit
// in three quarters of it. The caller takes what it uses off d.blobs.
func (d *jsonDecoder) blobSpace(n int) []byte {
	if n > len(d.blobs) {
		size := n
		if !d.blobsMade {
			size = max(n, len(d.data)/4*3)
			d.blobsMade = true
			if b := d.scratch.blobsFor(size); b != nil {
				d.blobs = b
				return d.blobs[:n]
			}
		}
		d.blobs = make([]byte, size)
	}
	return d.blobs[:n]
}

// skip moves past the value at pos, checking its syntax without building
// anything. It returns the number of elements (or members) when the value
// is a list (or map), counted as tooManyElements counts them.
func (d *jsonDecoder) skip() (elems int, ok bool) {
	switch c := d.peek(); c {
	case '{', '[':
	case '"':
		_, ok := d.skipString()
		return 0, ok
	case 't':
		return 0, d.literal("true")
	case 'f':
		return 0, d.literal("false")
	case 'n':
		return 0, d.literal("null")
	default:
		return 0, d.skipNumber()
	}
	// A container, walked without recursion: stack records whether each
	// open container is an object.
	var stackBuf [64]bool
	stack := stackBuf[:0]
	for {
		// Here a value starts.
		switch c := d.peek(); c {
		case '{', '[':
			d.pos++
			stack = append(stack, c == '{')
			if d.depth+len(stack) > maxJSONDepth {
				return 0, false
			}
			closing := byte(']')
			if c == '{' {
				closing = '}'
			}
			if d.peek() == closing {
				d.pos++
				stack = stack[:len(stack)-1]
				break
			}
			if len(stack) == 1 {
				elems++
			}
			if c == '{' && !d.skipKey() {
				return 0, false
			}
			continue
		case '"':
			if _, ok := d.skipString(); !ok {
				return 0, false
			}
		case 't':
			if !d.literal("true") {
				return 0, false
			}
		case 'f':
			if !d.literal("false") {
				return 0, false
			}
		case 'n':
			if !d.literal("null") {
				return 0, false
			}
		default:
			if !d.skipNumber() {
				return 0, false
			}
		}
		// Here a value has ended: close containers until another value
		// is due.
		for {
			if len(stack) == 0 {
				return elems, true
			}
			object := stack[len(stack)-1]
			closing := byte(']')
			if object {
				closing = '}'
			}
			c := d.peek()
			if c == ',' {
				d.pos++
				if len(stack) == 1 {
					elems++
				}
				if object && !d.skipKey() {
					return 0, false
				}
				break
			}
			if c != closing {
				return 0, false
			}
			d.pos++
			stack = stack[:len(stack)-1]
		}
	}
}

// skipKey moves past an object key and its colon.
func (d *jsonDecoder) skipKey() bool {
	if d.peek() != '"' {
		return false
	}
	if _, ok := d.skipString(); !ok {
		return false
	}
	return d.consume(':')
}

// parseNumber parses a well-formed JSON number, exactly if it is an integer
// that fits an int64. Numbers beyond the float64 range become ±Inf.
func parseNumber(s string) number {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return number{i: i, exact: true}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return number{f: math.NaN()}
	}
	return number{f: f}
}

// tooManyElements reports whether the JSON array or object that data starts
// with has more than maxElements elements or members. It counts the commas
// at the first level of nesting, before anything is allocated, and is safe
// on malformed input. The decoder counts elements the same way as it goes.
func tooManyElements(data []byte) bool {
	depth, commas := 0, 0
	inString, escaped := false, false
	for _, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
			if depth == 0 {
				return false
			}
		case c == ',' && depth == 1:
			commas++
			if commas >= maxElements {
				return true
			}
		}
	}
	return false
}
