// Package constraint holds the constraint texts of Kinesis'
// ValidationException messages ("Value 'x' at 'path' failed to satisfy
// constraint: <text>"), shared by the engine's own validation and the wire
// handler's validation of the service model.
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
