package policy

import "strings"

// match reports whether s matches pattern. In pattern, '*' matches any
// sequence of bytes (including none) and '?' matches exactly one byte; every
// other byte matches itself. Callers fold case beforehand when they want a
// case-insensitive match.
//
// The pattern is split at its stars into a prefix, a suffix and middle
// segments; the prefix and suffix are anchored and each middle segment is
// matched at its leftmost occurrence. Because every segment has a fixed
// length, the leftmost occurrence is always the best choice, so there is no
// backtracking: the cost is at most len(pattern)*len(s) byte comparisons and
// O(len(pattern)+len(s)) for segments without '?'. It never panics.
func match(pattern, s string) bool {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return len(pattern) == len(s) && matchFixed(pattern, s)
	}
	prefix := pattern[:star]
	if len(s) < len(prefix) || !matchFixed(prefix, s[:len(prefix)]) {
		return false
	}
	s = s[len(prefix):]
	rest := pattern[star+1:]

	var suffix string
	if last := strings.LastIndexByte(rest, '*'); last >= 0 {
		rest, suffix = rest[:last], rest[last+1:]
	} else {
		rest, suffix = "", rest
	}
	if len(s) < len(suffix) || !matchFixed(suffix, s[len(s)-len(suffix):]) {
		return false
	}
	s = s[:len(s)-len(suffix)]

	for rest != "" {
		var seg string
		if i := strings.IndexByte(rest, '*'); i >= 0 {
			seg, rest = rest[:i], rest[i+1:]
		} else {
			seg, rest = rest, ""
		}
		if seg == "" {
			continue
		}
		i := indexFixed(s, seg)
		if i < 0 {
			return false
		}
		s = s[i+len(seg):]
	}
	return true
}

// matchFixed reports whether s matches the star-free pattern p, which must
// have the same length as s.
func matchFixed(p, s string) bool {
	for i := 0; i < len(p); i++ {
		if p[i] != '?' && p[i] != s[i] {
			return false
		}
	}
	return true
}

// indexFixed returns the index of the leftmost occurrence of the star-free
// pattern seg in s, or -1.
func indexFixed(s, seg string) int {
	if strings.IndexByte(seg, '?') < 0 {
		return strings.Index(s, seg)
	}
	for i := 0; i+len(seg) <= len(s); i++ {
		if matchFixed(seg, s[i:i+len(seg)]) {
			return i
		}
	}
	return -1
}

// lowerASCII returns s with ASCII letters folded to lower case. Actions are
// ASCII, and folding bytewise keeps the pattern and the subject aligned
// byte for byte whatever they contain.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// matchAny reports whether s matches at least one of patterns.
func matchAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if match(p, s) {
			return true
		}
	}
	return false
}
