package constraint

import (
	"strconv"
	"strings"
)

// Violation is one failed constraint of a request, as a
// ValidationException lists it.
type Violation struct {
	// Value is the offending value as Kinesis renders it; ignored when
	// Null is set.
	Value string
	// Null reports that a required member is missing.
	Null bool
	// Path is the lowerCamelCase member path, such as
	// "records.1.member.partitionKey".
	Path string
	// Constraint is the violated constraint's text.
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

// MaxListed is how many violations a ValidationException lists (and
// counts).
const MaxListed = 10

// Message returns the message of a ValidationException listing vs, as
// Kinesis writes it: "2 validation errors detected: Value ...; Value ...".
// Like Kinesis, it lists at most the first MaxListed violations and counts
// only those listed. It returns "" when vs is empty.
func Message(vs []Violation) string {
	if len(vs) == 0 {
		return ""
	}
	if len(vs) > MaxListed {
		vs = vs[:MaxListed]
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
	return b.String()
}
