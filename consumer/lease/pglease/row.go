package pglease

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/freshet-io/freshet/consumer/lease"
)

// ErrCorruptLease is wrapped by every *CorruptLeaseError.
var ErrCorruptLease = errors.New("pglease: corrupt lease row")

// CorruptLeaseError reports a row of the lease table that is not a valid
// lease, such as a checkpoint that is neither a sequence number nor a
// sentinel. The Store neither uses nor overwrites such a row; fix it by
// hand (and increment its lease_counter).
type CorruptLeaseError struct {
	Table  string // the table, as given to New
	Key    string // the row's lease_key
	Column string // the offending column
	Value  string // its value, as text
	Reason string
}

func (e *CorruptLeaseError) Error() string {
	return fmt.Sprintf("pglease: corrupt lease row %q in table %s: column %s = %s: %s",
		e.Key, e.Table, e.Column, e.Value, e.Reason)
}

// Unwrap returns ErrCorruptLease.
func (e *CorruptLeaseError) Unwrap() error { return ErrCorruptLease }

// scanOne reads one row selected with columns and checks it.
func (s *Store) scanOne(row pgx.Row) (lease.Lease, error) {
	var (
		l                 lease.Lease
		pending           *string
		pendingSub        *int64
		parents, children []*string
	)
	err := row.Scan(&l.Key, &l.Owner, &l.Counter,
		&l.Checkpoint.SequenceNumber, &l.Checkpoint.SubSequenceNumber,
		&pending, &pendingSub, &l.OwnerSwitchesSinceCheckpoint, &parents, &children,
		&l.HashKeyRange.StartingHashKey, &l.HashKeyRange.EndingHashKey)
	if err != nil {
		return lease.Lease{}, err
	}
	corrupt := func(column, value, reason string) error {
		return &CorruptLeaseError{Table: s.table, Key: l.Key, Column: column, Value: value, Reason: reason}
	}
	if reason := checkpointProblem(l.Checkpoint); reason != "" {
		return lease.Lease{}, corrupt("checkpoint", fmt.Sprintf("%q/%d", l.Checkpoint.SequenceNumber, l.Checkpoint.SubSequenceNumber), reason)
	}
	switch {
	case pending == nil && pendingSub != nil:
		return lease.Lease{}, corrupt("pending_checkpoint_sub_sequence_number", fmt.Sprint(*pendingSub), "set without a pending_checkpoint")
	case pending != nil && pendingSub == nil:
		return lease.Lease{}, corrupt("pending_checkpoint_sub_sequence_number", "NULL", "NULL with a pending_checkpoint")
	case pending != nil:
		p := lease.Checkpoint{SequenceNumber: *pending, SubSequenceNumber: *pendingSub}
		if reason := checkpointProblem(p); reason != "" {
			return lease.Lease{}, corrupt("pending_checkpoint", fmt.Sprintf("%q/%d", p.SequenceNumber, p.SubSequenceNumber), reason)
		}
		l.PendingCheckpoint = &p
	}
	if l.OwnerSwitchesSinceCheckpoint < 0 {
		return lease.Lease{}, corrupt("owner_switches_since_checkpoint", fmt.Sprint(l.OwnerSwitchesSinceCheckpoint), "negative")
	}
	if l.ParentShardIDs, err = shardIDs(parents); err != nil {
		return lease.Lease{}, corrupt("parent_shard_ids", "{...}", err.Error())
	}
	if l.ChildShardIDs, err = shardIDs(children); err != nil {
		return lease.Lease{}, corrupt("child_shard_ids", "{...}", err.Error())
	}
	return l, nil
}

// shardIDs converts an array column; an empty array is nil, as in a
// lease.Lease made without them.
func shardIDs(a []*string) ([]string, error) {
	if len(a) == 0 {
		return nil, nil
	}
	out := make([]string, len(a))
	for i, p := range a {
		if p == nil {
			return nil, fmt.Errorf("element %d is NULL", i+1)
		}
		out[i] = *p
	}
	return out, nil
}

// checkpointProblem says what is wrong with a stored checkpoint, or "".
// The empty sequence number of a lease created without a checkpoint is
// allowed.
func checkpointProblem(c lease.Checkpoint) string {
	if c.SubSequenceNumber < 0 {
		return "negative sub-sequence number"
	}
	switch c.SequenceNumber {
	case "", lease.TrimHorizon, lease.Latest, lease.AtTimestamp, lease.ShardEnd:
		return ""
	}
	if len(c.SequenceNumber) > 128 {
		return "sequence number longer than 128 digits"
	}
	for i := 0; i < len(c.SequenceNumber); i++ {
		if c.SequenceNumber[i] < '0' || c.SequenceNumber[i] > '9' {
			return "neither a decimal sequence number nor TRIM_HORIZON, LATEST, AT_TIMESTAMP or SHARD_END"
		}
	}
	return ""
}

// ErrInvalidLease reports an argument that the Store refuses to write,
// because it would read it back as a corrupt row.
var ErrInvalidLease = errors.New("pglease: invalid lease")

func checkCheckpoint(what string, c lease.Checkpoint) error {
	if reason := checkpointProblem(c); reason != "" {
		return fmt.Errorf("%w: %s %q/%d: %s", ErrInvalidLease, what, c.SequenceNumber, c.SubSequenceNumber, reason)
	}
	return nil
}

// checkLease checks a lease to be created.
func checkLease(l lease.Lease) error {
	if err := checkCheckpoint("checkpoint", l.Checkpoint); err != nil {
		return err
	}
	if l.PendingCheckpoint != nil {
		if err := checkCheckpoint("pending checkpoint", *l.PendingCheckpoint); err != nil {
			return err
		}
	}
	if l.OwnerSwitchesSinceCheckpoint < 0 {
		return fmt.Errorf("%w: negative OwnerSwitchesSinceCheckpoint %d", ErrInvalidLease, l.OwnerSwitchesSinceCheckpoint)
	}
	return nil
}
