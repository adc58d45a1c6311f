package constraint

import "strings"

// Patterns of the model's ARN shapes, as Kinesis prints them in
// ValidationException messages.
const (
	PatternStreamARN   = `arn:aws.*:kinesis:.*:\d{12}:stream/\S+`
	PatternResourceARN = `arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+`
	PatternConsumerARN = `^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+$`
)

// The matchers below answer exactly as the model's patterns, anchored at
// both ends, answer with Go's regexp package (the tests compare them on
// generated and fuzzed inputs), without a regular expression: requests
// carry these members on every call. In those patterns '.' matches any
// character but a newline, and no other part of them matches a newline, so
// a value holding one never matches.

// MatchStreamARN reports whether s matches PatternStreamARN.
func MatchStreamARN(s string) bool {
	from, ok := afterKinesis(s)
	if !ok {
		return false
	}
	// .*:\d{12}:stream/\S+ : any account field at or after from whose
	// remainder is stream/ and a non-empty run of non-space characters.
	for j := from; j+21 < len(s); j++ {
		if isAccount(s, j) && strings.HasPrefix(s[j+14:], "stream/") && nonSpace(s[j+21:]) {
			return true
		}
	}
	return false
}

// MatchResourceARN reports whether s matches PatternResourceARN.
func MatchResourceARN(s string) bool {
	from, ok := afterKinesis(s)
	if !ok {
		return false
	}
	j := firstAccount(s, from)
	if j < 0 {
		return false
	}
	// .*stream/\S+ after the account field.
	for m := j + 14; m+7 < len(s); m++ {
		if strings.HasPrefix(s[m:], "stream/") && nonSpace(s[m+7:]) {
			return true
		}
	}
	return false
}

// MatchConsumerARN reports whether s matches PatternConsumerARN.
func MatchConsumerARN(s string) bool {
	from, ok := afterKinesis(s)
	if !ok {
		return false
	}
	// From the end: ":" and digits, a consumer name after "/consumer/", a
	// stream name after "stream/". Names hold neither ':' nor '/', so each
	// part ends where the next one is found going backwards.
	colon := strings.LastIndexByte(s, ':')
	if colon < 0 || !digits(s[colon+1:]) {
		return false
	}
	slash := strings.LastIndexByte(s[:colon], '/')
	if slash < 0 || !IsName(s[slash+1:colon]) || !strings.HasSuffix(s[:slash+1], "/consumer/") {
		return false
	}
	end := slash + 1 - len("/consumer/")
	slash = strings.LastIndexByte(s[:end], '/')
	if slash < 0 || !IsName(s[slash+1:end]) || !strings.HasSuffix(s[:slash+1], "stream/") {
		return false
	}
	// .*:\d{12}:.* between ":kinesis:" and "stream/".
	j := firstAccount(s, from)
	return j >= 0 && j+14 <= slash+1-len("stream/")
}

// afterKinesis checks the "arn:aws.*:kinesis:" head of an ARN pattern and
// returns the earliest position after it (the earliest leaves the most room
// for the rest). It also refuses values holding a newline.
func afterKinesis(s string) (int, bool) {
	if !strings.HasPrefix(s, "arn:aws") || strings.IndexByte(s, '\n') >= 0 {
		return 0, false
	}
	k := strings.Index(s[len("arn:aws"):], ":kinesis:")
	if k < 0 {
		return 0, false
	}
	return len("arn:aws") + k + len(":kinesis:"), true
}

// isAccount reports whether s[j:] starts with ":" twelve digits ":".
func isAccount(s string, j int) bool {
	if j+14 > len(s) || s[j] != ':' || s[j+13] != ':' {
		return false
	}
	return digits(s[j+1 : j+13])
}

// firstAccount returns the first j >= from where isAccount holds, or -1.
func firstAccount(s string, from int) int {
	for j := from; j+14 <= len(s); j++ {
		if isAccount(s, j) {
			return j
		}
	}
	return -1
}

// digits reports whether s is a non-empty run of ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// nonSpace reports whether s is non-empty and holds none of the characters
// of \s (space, \t, \n, \f, \r).
func nonSpace(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\f', '\r':
			return false
		}
	}
	return true
}
