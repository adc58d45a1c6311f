package lease

import (
	"slices"
	"strings"
)

// Lease is the row of the lease table for one shard.
//
// A Lease is a value: the store returns copies, and changing one changes
// nothing until it is passed to a Store method.
type Lease struct {
	// Key identifies the lease, normally the shard ID. A worker that reads
	// several streams prefixes it, as in "stream:shardId-000000000000".
	Key string
	// Owner is the worker that holds the lease, or "" if none does.
	Owner string
	// Counter is the version of the lease. Every successful mutation
	// increments it, and succeeds only if the caller's Counter matches the
	// stored one. A worker also watches it to detect expired leases.
	Counter int64
	// Checkpoint is the position in the shard up to which records have been
	// processed.
	Checkpoint Checkpoint
	// PendingCheckpoint is the prepared, not yet committed checkpoint of a
	// two-phase checkpoint, or nil if there is none.
	PendingCheckpoint *Checkpoint
	// OwnerSwitchesSinceCheckpoint counts the times the lease was taken from
	// one owner by another since the last committed checkpoint. A lease that
	// changes hands often without progress points at a record that crashes
	// its processors.
	OwnerSwitchesSinceCheckpoint int64
	// ParentShardIDs are the shards this shard was split or merged from. A
	// worker processes a shard only once its parents have been read to
	// their end (ShardEnd) or have expired.
	ParentShardIDs []string
	// ChildShardIDs are the shards this shard was split or merged into,
	// written when the shard is read to its end (as the KCL's
	// childShardIds), and empty before.
	ChildShardIDs []string
	// HashKeyRange is the hash key range of the shard, used to filter
	// de-aggregated KPL records (see kpl.ParseHashKeyRange).
	HashKeyRange HashKeyRange
}

// clone returns a deep copy of l.
func (l Lease) clone() Lease {
	if l.PendingCheckpoint != nil {
		p := *l.PendingCheckpoint
		l.PendingCheckpoint = &p
	}
	l.ParentShardIDs = slices.Clone(l.ParentShardIDs)
	l.ChildShardIDs = slices.Clone(l.ChildShardIDs)
	return l
}

// HashKeyRange is a shard's inclusive range of hash keys, written in
// decimal as Kinesis writes StartingHashKey and EndingHashKey.
type HashKeyRange struct {
	StartingHashKey string
	EndingHashKey   string
}

// Sentinel values of Checkpoint.SequenceNumber, as in the KCL. The first
// three say where to start reading a shard that has no checkpoint yet; the
// position named by AtTimestamp is configured by the application, not
// stored. ShardEnd says that the shard is closed and has been read to the
// end.
const (
	TrimHorizon = "TRIM_HORIZON"
	Latest      = "LATEST"
	AtTimestamp = "AT_TIMESTAMP"
	ShardEnd    = "SHARD_END"
)

// Checkpoint is a position in a shard: a Kinesis sequence number and, for
// records de-aggregated from a KPL aggregate, the sub-sequence number of a
// user record within that Kinesis record. It is the KCL's
// ExtendedSequenceNumber.
type Checkpoint struct {
	// SequenceNumber is a decimal Kinesis sequence number or one of the
	// sentinels TrimHorizon, Latest, AtTimestamp and ShardEnd.
	SequenceNumber string
	// SubSequenceNumber is the 0-based index of the user record within an
	// aggregated record, and 0 otherwise.
	SubSequenceNumber int64
}

// IsSentinel reports whether c.SequenceNumber is one of the sentinels.
func (c Checkpoint) IsSentinel() bool {
	return sentinelRank(c.SequenceNumber) != 0
}

// Compare returns -1, 0 or +1 as c is before, at or after o, ordering
// checkpoints as the KCL does: AtTimestamp < TrimHorizon < Latest < every
// sequence number < ShardEnd, sequence numbers by numeric value, and equal
// sequence numbers by SubSequenceNumber. Compare is meaningful only for
// sentinels and decimal sequence numbers.
func (c Checkpoint) Compare(o Checkpoint) int {
	if r := compareSequence(c.SequenceNumber, o.SequenceNumber); r != 0 {
		return r
	}
	switch {
	case c.SubSequenceNumber < o.SubSequenceNumber:
		return -1
	case c.SubSequenceNumber > o.SubSequenceNumber:
		return 1
	}
	return 0
}

// sentinelRank places sentinels around sequence numbers, which rank 0.
func sentinelRank(s string) int {
	switch s {
	case AtTimestamp:
		return -3
	case TrimHorizon:
		return -2
	case Latest:
		return -1
	case ShardEnd:
		return 1
	}
	return 0
}

// compareSequence compares two sequence numbers or sentinels.
func compareSequence(a, b string) int {
	ra, rb := sentinelRank(a), sentinelRank(b)
	if ra != 0 || rb != 0 {
		switch {
		case ra < rb:
			return -1
		case ra > rb:
			return 1
		}
		return 0
	}
	// Decimal strings without leading zeros: the longer is larger.
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return strings.Compare(a, b)
}
