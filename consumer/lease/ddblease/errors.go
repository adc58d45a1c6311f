package ddblease

import (
	"errors"
	"fmt"
)

// ErrCorruptLease is wrapped by every *CorruptLeaseError.
var ErrCorruptLease = errors.New("ddblease: corrupt lease")

// CorruptLeaseError reports a lease item that cannot be read: an attribute
// of the wrong DynamoDB type, or a value no KCL worker writes (a checkpoint
// that is neither a sequence number nor a sentinel, a counter that is not
// an integer). Get and List fail with this error, naming the item, until
// an operator repairs or deletes it. The store does not overwrite such an
// item blindly: every write but Delete is conditioned on the counter (and
// owner) the caller read, and a corrupt item cannot be read; a counter or
// owner of the wrong type fails the condition whatever the caller passes.
// errors.Is(err, ErrCorruptLease) reports it.
type CorruptLeaseError struct {
	// Key is the item's leaseKey.
	Key string
	// Attribute is the attribute at fault.
	Attribute string
	// Reason says what is wrong with it.
	Reason string
}

func (e *CorruptLeaseError) Error() string {
	return fmt.Sprintf("ddblease: corrupt lease %q: attribute %s %s", e.Key, e.Attribute, e.Reason)
}

// Unwrap returns ErrCorruptLease.
func (e *CorruptLeaseError) Unwrap() error { return ErrCorruptLease }

// ErrTableNotCreatable reports that the lease table does not exist and
// the caller is not allowed to create it (CreateTable was denied).
var ErrTableNotCreatable = errors.New("ddblease: the lease table does not exist and may not be created")

// errInvalid reports an invalid argument: it wraps neither
// lease.ErrConflict nor lease.ErrNotFound.
func errInvalid(format string, args ...any) error {
	return fmt.Errorf("ddblease: "+format, args...)
}
