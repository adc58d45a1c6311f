package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
)

// jsonParser parses AWS JSON 1.1. Containers are split into raw values,
// so each level of a body is scanned again when bound;
// the model is at most four levels deep.
type jsonParser struct{}

var errMalformed = serializationError("")

func (jsonParser) parse(data []byte) (value, error) {
	data = bytes.TrimLeft(data, " \t\r\n")
	if len(data) == 0 {
		return value{}, errMalformed
	}
	switch data[0] {
	case '{', '[':
		if tooManyElements(data) {
			return value{}, errMalformed
		}
	}
	switch data[0] {
	case '{':
		var m map[string]raw
		if err := json.Unmarshal(data, &m); err != nil || len(m) > maxElements {
			return value{}, errMalformed
		}
		return value{kind: kindMap, members: m}, nil
	case '[':
		var l []raw
		if err := json.Unmarshal(data, &l); err != nil || len(l) > maxElements {
			return value{}, errMalformed
		}
		return value{kind: kindList, elems: l}, nil
	case '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return value{}, errMalformed
		}
		return value{kind: kindString, str: s}, nil
	case 't', 'f', 'n':
		var b *bool
		if err := json.Unmarshal(data, &b); err != nil {
			return value{}, errMalformed
		}
		if b == nil {
			return value{kind: kindNull}, nil
		}
		return value{kind: kindBool, boolean: *b}, nil
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		return value{}, errMalformed
	}
	return value{kind: kindNumber, num: parseNumber(n.String())}, nil
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

// millis converts epoch seconds, possibly fractional, to milliseconds.
func (jsonParser) millis(n number) int64 {
	if n.exact {
		const limit = math.MaxInt64 / 1000
		return min(max(n.i, -limit), limit) * 1000
	}
	return millisFromFloat(n.f * 1000)
}

// tooManyElements reports whether the JSON array or object that data starts
// with has more than maxElements elements or members. It counts the commas
// at the first level of nesting, before anything is allocated, and is safe
// on malformed input (which json.Unmarshal rejects afterwards).
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
