// Package constraint is the one source of truth for the model constraints
// of Kinesis requests, checked by both faces of freshet: the engine checks
// its typed inputs (package freshet, validation.go) and the wire server
// checks decoded requests (kinesisapi/internal/wire, validate_requests.go)
// against the same tables, so that a bad input gets the same
// ValidationException in process and over HTTP.
//
// It holds:
//   - the model's shapes (shape.go): patterns with hand-written matchers
//     (no regular expression on the request path), lengths in UTF-16 code
//     units, integer ranges, enumerations;
//   - one table per operation (operations.go): its members in the order
//     Kinesis reports their violations, with their paths, shapes and
//     whether they are required; nested structures and PutRecords' entries;
//   - the Checker (check.go), which walks a table over the Values a face
//     hands it (value.go), and renders violations as Kinesis does
//     ("N validation errors detected: Value 'x' at 'path' failed to satisfy
//     constraint: <text>", message.go), listing at most ten;
//   - the constraint texts (this file).
//
// A face's only job is to give the value of each member, in table order,
// with its own rule for absence (nil on the wire, the zero value in the
// engine). Tests in kinesisapi break every member of every table through
// both faces and feed the same bad inputs to both.
package constraint

import (
	"strconv"
	"strings"
)

// NotNull is the constraint of a missing required member.
const NotNull = "Member must not be null"

// MinLength is the constraint of a string, list or map shorter than n.
func MinLength(n int) string {
	return "Member must have length greater than or equal to " + strconv.Itoa(n)
}

// MaxLength is the constraint of a string, list or map longer than n.
func MaxLength(n int) string {
	return "Member must have length less than or equal to " + strconv.Itoa(n)
}

// MinValue is the constraint of a number below n.
func MinValue(n int64) string {
	return "Member must have value greater than or equal to " + strconv.FormatInt(n, 10)
}

// MaxValue is the constraint of a number above n.
func MaxValue(n int64) string {
	return "Member must have value less than or equal to " + strconv.FormatInt(n, 10)
}

// Pattern is the constraint of a string that does not match the regular
// expression p, as the model writes it.
func Pattern(p string) string {
	return "Member must satisfy regular expression pattern: " + p
}

// Enum is the constraint of a value outside an enumeration.
func Enum(values ...string) string {
	return "Member must satisfy enum value set: [" + strings.Join(values, ", ") + "]"
}
