package s3sink

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// prefix is a parsed key prefix: literal text and timestamp expressions.
type prefix struct {
	parts []part
}

type part struct {
	literal string
	layout  []token // a timestamp expression if non-nil
}

// token is one element of a timestamp pattern: a field or literal text.
type token struct {
	field   string // "yyyy", "yy", "MM", "dd", "HH", "mm", "ss", or "" for text
	literal string
}

// DefaultTimePrefix is what a prefix without any expression is followed
// by, as in Firehose: the hour of the oldest record, in UTC by default.
const DefaultTimePrefix = "!{timestamp:yyyy/MM/dd/HH}/"

// parsePrefix parses a Firehose-style prefix: text with !{timestamp:PATTERN}
// expressions, where PATTERN uses the letters of Java's DateTimeFormatter
// (yyyy, yy, MM, dd, HH, mm, ss; other letters are rejected) and any other
// characters literally, with 'quoted' text for letters. A prefix with no
// expression gets DefaultTimePrefix appended, as Firehose does.
func parsePrefix(s string) (prefix, error) {
	var p prefix
	rest := s
	hasExpr := false
	for {
		i := strings.Index(rest, "!{")
		if i < 0 {
			if rest != "" {
				p.parts = append(p.parts, part{literal: rest})
			}
			break
		}
		if i > 0 {
			p.parts = append(p.parts, part{literal: rest[:i]})
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return prefix{}, fmt.Errorf("s3sink: prefix %q: unterminated !{", s)
		}
		expr := rest[i+2 : i+j]
		rest = rest[i+j+1:]
		ns, arg, ok := strings.Cut(expr, ":")
		if !ok || ns != "timestamp" {
			return prefix{}, fmt.Errorf("s3sink: prefix %q: unsupported expression !{%s} (only !{timestamp:PATTERN})", s, expr)
		}
		layout, err := parsePattern(arg)
		if err != nil {
			return prefix{}, fmt.Errorf("s3sink: prefix %q: %w", s, err)
		}
		p.parts = append(p.parts, part{layout: layout})
		hasExpr = true
	}
	if !hasExpr {
		d, err := parsePrefix(DefaultTimePrefix)
		if err != nil {
			return prefix{}, err
		}
		p.parts = append(p.parts, d.parts...)
	}
	return p, nil
}

func parsePattern(s string) ([]token, error) {
	if s == "" {
		return nil, fmt.Errorf("empty timestamp pattern")
	}
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("timestamp pattern %q: unterminated quote", s)
			}
			if j == 0 {
				out = append(out, token{literal: "'"})
			} else {
				out = append(out, token{literal: s[i+1 : i+1+j]})
			}
			i += j + 2
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && s[j] == c {
				j++
			}
			f := s[i:j]
			switch f {
			case "yyyy", "yy", "MM", "dd", "HH", "mm", "ss":
			default:
				return nil, fmt.Errorf("timestamp pattern %q: unsupported field %q (use yyyy, yy, MM, dd, HH, mm, ss)", s, f)
			}
			out = append(out, token{field: f})
			i = j
		default:
			out = append(out, token{literal: string(c)})
			i++
		}
	}
	return out, nil
}

// expand writes the prefix for time t.
func (p prefix) expand(sb *strings.Builder, t time.Time) {
	for _, pt := range p.parts {
		if pt.layout == nil {
			sb.WriteString(pt.literal)
			continue
		}
		for _, tk := range pt.layout {
			switch tk.field {
			case "":
				sb.WriteString(tk.literal)
			case "yyyy":
				pad(sb, t.Year(), 4)
			case "yy":
				pad(sb, t.Year()%100, 2)
			case "MM":
				pad(sb, int(t.Month()), 2)
			case "dd":
				pad(sb, t.Day(), 2)
			case "HH":
				pad(sb, t.Hour(), 2)
			case "mm":
				pad(sb, t.Minute(), 2)
			case "ss":
				pad(sb, t.Second(), 2)
			}
		}
	}
}

func pad(sb *strings.Builder, n, width int) {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		sb.WriteByte('0')
	}
	sb.WriteString(s)
}
