package freshet

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/freshet-io/freshet/internal/constraint"
)

// Violation is one failed model constraint of a request, as listed in a
// Kinesis ValidationException.
type Violation struct {
	// Value is the offending value as Kinesis renders it (strings verbatim,
	// numbers in decimal). Null marks a missing required member.
	Value string
	// Null reports that the member was missing; Value is then ignored.
	Null bool
	// Path is the lowerCamelCase member path, such as "shardCount" or
	// "records.1.member.partitionKey".
	Path string
	// Constraint is the violated constraint, such as
	// "Member must have value greater than or equal to 1".
	Constraint string
}

// String renders the violation as Kinesis does:
// "Value '0' at 'shardCount' failed to satisfy constraint: ...".
func (v Violation) String() string {
	val := "null"
	if !v.Null {
		val = "'" + v.Value + "'"
	}
	return "Value " + val + " at '" + v.Path + "' failed to satisfy constraint: " + v.Constraint
}

// maxViolationsListed is how many violations Kinesis lists (and counts) in
// one message.
const maxViolationsListed = 10

// NewValidationError returns a ValidationException listing the violations in
// Kinesis' format: "2 validation errors detected: Value ...; Value ...". Like
// Kinesis, it lists at most the first 10 violations and counts only those
// listed. It returns nil when there are no violations.
func NewValidationError(vs ...Violation) *Error {
	if len(vs) == 0 {
		return nil
	}
	if len(vs) > maxViolationsListed {
		vs = vs[:maxViolationsListed]
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(vs)))
	if len(vs) == 1 {
		b.WriteString(" validation error detected: ")
	} else {
		b.WriteString(" validation errors detected: ")
	}
	for i, v := range vs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	return &Error{Code: codeValidation, Message: b.String()}
}

// validator accumulates violations for one request, in member order.
type validator struct {
	vs []Violation
}

func (v *validator) add(value, path, constraint string) {
	v.vs = append(v.vs, Violation{Value: value, Path: path, Constraint: constraint})
}

func (v *validator) null(path string) {
	v.vs = append(v.vs, Violation{Null: true, Path: path, Constraint: constraint.NotNull})
}

func (v *validator) err() error {
	if e := NewValidationError(v.vs...); e != nil {
		return e
	}
	return nil
}

// Model patterns, printed as the Kinesis model prints them.
const (
	patternName      = "[a-zA-Z0-9_.-]+"
	patternHashKey   = `0|([1-9]\d{0,38})`
	patternSeqNumber = `0|([1-9]\d{0,128})`
)

// arnShape is an ARN member's model pattern: its text for messages and a
// hand-written matcher (no regular expression on the request path).
type arnShape struct {
	pattern string
	match   func(string) bool
}

var (
	streamARNShape   = arnShape{constraint.PatternStreamARN, constraint.MatchStreamARN}
	consumerARNShape = arnShape{constraint.PatternConsumerARN, constraint.MatchConsumerARN}
	resourceARNShape = arnShape{constraint.PatternResourceARN, constraint.MatchResourceARN}
)

func itoa(n int) string { return strconv.Itoa(n) }

// isName reports whether s matches [a-zA-Z0-9_.-]+.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// name checks a member of the StreamName / ConsumerName / ShardId shape:
// 1 to max characters of [a-zA-Z0-9_.-]. An empty string is "absent".
func (v *validator) name(path, s string, max int, required bool) {
	if s == "" {
		if required {
			v.null(path)
		}
		return
	}
	if !isName(s) {
		v.add(s, path, constraint.Pattern(patternName))
	}
	if n := utf8.RuneCountInString(s); n > max {
		v.add(s, path, constraint.MaxLength(max))
	}
}

func (v *validator) streamName(path, s string, required bool) { v.name(path, s, 128, required) }
func (v *validator) shardID(path, s string, required bool)    { v.name(path, s, 128, required) }

// arn checks an ARN member against its model pattern and length.
func (v *validator) arn(path, s string, shape arnShape, required bool) {
	if s == "" {
		if required {
			v.null(path)
		}
		return
	}
	if !shape.match(s) {
		v.add(s, path, constraint.Pattern(shape.pattern))
	}
	if len(s) > 2048 {
		v.add(s, path, constraint.MaxLength(2048))
	}
}

// streamRef checks the optional StreamName and StreamARN members.
func (v *validator) streamRef(name, arn string) {
	v.streamName("streamName", name, false)
	v.arn("streamARN", arn, streamARNShape, false)
}

// intRange checks lo <= n <= hi.
func (v *validator) intRange(path string, n, lo, hi int) {
	switch {
	case n < lo:
		v.add(itoa(n), path, constraint.MinValue(int64(lo)))
	case n > hi:
		v.add(itoa(n), path, constraint.MaxValue(int64(hi)))
	}
}

// enum checks that s is one of the comma-separated values.
func (v *validator) enum(path, s string, required bool, values string) {
	if s == "" {
		if required {
			v.null(path)
		}
		return
	}
	for _, allowed := range strings.Split(values, ", ") {
		if s == allowed {
			return
		}
	}
	v.add(s, path, constraint.Enum(values))
}

// tagMap checks the model constraints of a tag map: keys 1-128 and values
// 0-256 characters. The count rule (at most 50 per resource) is a business
// rule checked by validateTags.
func (v *validator) tagMap(path string, tags map[string]string) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 {
			v.add(k, path, "Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]")
		}
		if utf8.RuneCountInString(tags[k]) > 256 {
			v.add(tags[k], path+"."+k, "Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]")
		}
	}
}
