package wire

import (
	"github.com/freshet-io/freshet"
	"github.com/freshet-io/freshet/internal/constraint"
)

// Request is implemented by every request struct. Validate checks the model
// constraints of the request and returns a *freshet.Error with Code
// ValidationException listing every violation, or nil.
//
// The constraints are the tables of internal/constraint, which the engine
// checks its own inputs against too: a request fails here with the message
// the engine gives for the same input.
type Request interface {
	Validate() error
}

// check checks vals, the values of op's members in table order, and
// returns the ValidationException, or a nil error (not a nil *Error).
func check(op *constraint.Operation, vals ...constraint.Value) error {
	return checkWith(nil, op, vals...)
}

// checkWith is check for an operation with a list or map member, whose
// contents ext holds (see constraint.Checker.Check).
func checkWith(ext any, op *constraint.Operation, vals ...constraint.Value) error {
	var c constraint.Checker
	c.Check(op, ext, vals)
	if c.Failed() {
		return &freshet.Error{Code: freshet.ErrValidation.Code, Message: c.Message()}
	}
	return nil
}

// Shorthands for the values of the members of wire structs: absent when
// nil.
func str(p *string) constraint.Value { return constraint.StringPtr(p) }
func num(p *int32) constraint.Value  { return constraint.IntPtr(p) }

// entries are PutRecords' entries as the checker walks them.
type entries []PutRecordsRequestEntry

func (l *entries) Len() int { return len(*l) }

// Field returns the value of member j of entry i, in the order of
// constraint.PutRecordsEntry: data, explicitHashKey, partitionKey.
func (l *entries) Field(i, j int) constraint.Value {
	e := &(*l)[i]
	switch j {
	case 0:
		return constraint.Blob(e.Data)
	case 1:
		return str(e.ExplicitHashKey)
	default:
		return str(e.PartitionKey)
	}
}

// javaLength is the length of s as Java counts it: in UTF-16 code units.
func javaLength(s string) int { return constraint.JavaLength(s) }
