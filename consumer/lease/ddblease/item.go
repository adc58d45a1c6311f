package ddblease

import (
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/freshet-io/freshet/consumer/internal/seqnum"
	"github.com/freshet-io/freshet/consumer/lease"
)

// The attribute names of a lease item, as the Java KCL's lease serializer
// writes them (see the KCL documentation on the lease table).
const (
	attrLeaseKey            = "leaseKey"
	attrLeaseOwner          = "leaseOwner"
	attrLeaseCounter        = "leaseCounter"
	attrCheckpoint          = "checkpoint"
	attrCheckpointSubSeq    = "checkpointSubSequenceNumber"
	attrPendingCheckpoint   = "pendingCheckpoint"
	attrPendingSubSeq       = "pendingCheckpointSubSequenceNumber"
	attrPendingState        = "pendingCheckpointState"
	attrOwnerSwitches       = "ownerSwitchesSinceCheckpoint"
	attrParentShardIDs      = "parentShardId"
	attrChildShardIDs       = "childShardIds"
	attrChildShardIDsLegacy = "childShardId" // written by old KCL 2.x releases; read only
	attrStartingHashKey     = "startingHashKey"
	attrEndingHashKey       = "endingHashKey"
	attrCheckpointOwner     = "checkpointOwner" // KCL 3.x graceful handoff; removed on take and evict
	attrEntityType          = "entityType"      // KCL 3.x: marks items that are not leases
	attrStreamName          = "streamName"      // multi-stream mode: the stream identifier
	attrShardID             = "shardId"         // multi-stream mode: the shard id
)

// entityLease is the entityType value of an item that is a lease. An item
// with any other entityType is not a lease and is ignored.
const entityLease = "LEASE"

// isLease reports whether item is a lease: it has no entityType, or
// entityType LEASE.
func isLease(item map[string]types.AttributeValue) bool {
	v, ok := item[attrEntityType]
	if !ok {
		return true
	}
	s, ok := v.(*types.AttributeValueMemberS)
	return ok && strings.EqualFold(s.Value, entityLease)
}

// encode returns the item of a new lease, written whole by
// CreateIfNotExists. Absent values (no owner, no pending checkpoint, no
// parents or children, no hash key range) are left out, as the KCL leaves
// them out: DynamoDB has no empty sets.
func (s *Store) encode(l lease.Lease) map[string]types.AttributeValue {
	item := map[string]types.AttributeValue{
		attrLeaseKey:         str(s.tableKey(l.Key)),
		attrLeaseCounter:     num(l.Counter),
		attrOwnerSwitches:    num(l.OwnerSwitchesSinceCheckpoint),
		attrCheckpointSubSeq: num(l.Checkpoint.SubSequenceNumber),
	}
	if l.Checkpoint.SequenceNumber != "" {
		item[attrCheckpoint] = str(l.Checkpoint.SequenceNumber)
	}
	if l.Owner != "" {
		item[attrLeaseOwner] = str(l.Owner)
	}
	if p := l.PendingCheckpoint; p != nil {
		item[attrPendingCheckpoint] = str(p.SequenceNumber)
		item[attrPendingSubSeq] = num(p.SubSequenceNumber)
	}
	if ids := stringSet(l.ParentShardIDs); ids != nil {
		item[attrParentShardIDs] = ids
	}
	if ids := stringSet(l.ChildShardIDs); ids != nil {
		item[attrChildShardIDs] = ids
	}
	if l.HashKeyRange.StartingHashKey != "" {
		item[attrStartingHashKey] = str(l.HashKeyRange.StartingHashKey)
	}
	if l.HashKeyRange.EndingHashKey != "" {
		item[attrEndingHashKey] = str(l.HashKeyRange.EndingHashKey)
	}
	if s.stream != "" {
		item[attrStreamName] = str(s.stream)
		item[attrShardID] = str(l.Key)
	}
	return item
}

// decode reads a lease item. It returns a *CorruptLeaseError if an
// attribute has the wrong type or an impossible value. The caller has
// checked that item is a lease (isLease).
func (s *Store) decode(item map[string]types.AttributeValue) (lease.Lease, error) {
	d := decoder{item: item}
	key := d.str(attrLeaseKey, true)
	d.key = key
	var l lease.Lease
	l.Key = key
	if s.stream != "" {
		stream := d.str(attrStreamName, true)
		shard := d.str(attrShardID, true)
		if d.err == nil && (stream != s.stream || key != stream+":"+shard) {
			d.fail(attrShardID, "the lease key is not "+strconv.Quote(s.stream+":"+shard))
		}
		l.Key = shard
	} else if _, ok := item[attrStreamName]; ok {
		d.fail(attrStreamName, "a multi-stream lease in a table used in single-stream mode (use WithMultiStream)")
	}
	l.Owner = d.str(attrLeaseOwner, false)
	l.Counter = d.num(attrLeaseCounter, true)
	l.Checkpoint = lease.Checkpoint{
		SequenceNumber:    d.checkpoint(attrCheckpoint),
		SubSequenceNumber: d.num(attrCheckpointSubSeq, false),
	}
	if _, ok := item[attrPendingCheckpoint]; ok {
		l.PendingCheckpoint = &lease.Checkpoint{
			SequenceNumber:    d.checkpoint(attrPendingCheckpoint),
			SubSequenceNumber: d.num(attrPendingSubSeq, false),
		}
	}
	l.OwnerSwitchesSinceCheckpoint = d.num(attrOwnerSwitches, false)
	l.ParentShardIDs = d.set(attrParentShardIDs)
	l.ChildShardIDs = d.set(attrChildShardIDs)
	if l.ChildShardIDs == nil {
		l.ChildShardIDs = d.legacyChildren()
	}
	l.HashKeyRange = lease.HashKeyRange{
		StartingHashKey: d.str(attrStartingHashKey, false),
		EndingHashKey:   d.str(attrEndingHashKey, false),
	}
	if d.err != nil {
		return lease.Lease{}, d.err
	}
	return l, nil
}

// decoder reads the attributes of one item and keeps the first error.
type decoder struct {
	item map[string]types.AttributeValue
	key  string
	err  *CorruptLeaseError
}

func (d *decoder) fail(attr, reason string) {
	if d.err == nil {
		d.err = &CorruptLeaseError{Key: d.key, Attribute: attr, Reason: reason}
	}
}

func (d *decoder) str(attr string, required bool) string {
	v, ok := d.item[attr]
	if !ok {
		if required {
			d.fail(attr, "missing")
		}
		return ""
	}
	s, ok := v.(*types.AttributeValueMemberS)
	if !ok {
		d.fail(attr, "is "+typeName(v)+", not S")
		return ""
	}
	return s.Value
}

func (d *decoder) num(attr string, required bool) int64 {
	v, ok := d.item[attr]
	if !ok {
		if required {
			d.fail(attr, "missing")
		}
		return 0
	}
	n, ok := v.(*types.AttributeValueMemberN)
	if !ok {
		d.fail(attr, "is "+typeName(v)+", not N")
		return 0
	}
	i, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		d.fail(attr, strconv.Quote(n.Value)+" is not a 64-bit integer")
	}
	return i
}

// checkpoint reads a sequence number or sentinel; absent is "".
func (d *decoder) checkpoint(attr string) string {
	s := d.str(attr, false)
	if _, ok := d.item[attr]; ok && !validCheckpoint(s) {
		d.fail(attr, strconv.Quote(s)+" is neither a sequence number nor one of TRIM_HORIZON, LATEST, AT_TIMESTAMP, SHARD_END")
	}
	return s
}

// set reads a string set, sorted; absent is nil.
func (d *decoder) set(attr string) []string {
	v, ok := d.item[attr]
	if !ok {
		return nil
	}
	ss, ok := v.(*types.AttributeValueMemberSS)
	if !ok {
		d.fail(attr, "is "+typeName(v)+", not SS")
		return nil
	}
	if len(ss.Value) == 0 {
		return nil
	}
	out := slices.Clone(ss.Value)
	slices.Sort(out)
	return out
}

// legacyChildren reads childShardId, written by old KCL releases as a
// string set (or a single string).
func (d *decoder) legacyChildren() []string {
	v, ok := d.item[attrChildShardIDsLegacy]
	if !ok {
		return nil
	}
	if s, ok := v.(*types.AttributeValueMemberS); ok {
		if s.Value == "" {
			return nil
		}
		return []string{s.Value}
	}
	return d.set(attrChildShardIDsLegacy)
}

// validCheckpoint reports whether s is a decimal sequence number or one of
// the KCL's sentinels.
func validCheckpoint(s string) bool {
	switch s {
	case lease.TrimHorizon, lease.Latest, lease.AtTimestamp, lease.ShardEnd:
		return true
	}
	return seqnum.Valid(s)
}

func typeName(v types.AttributeValue) string {
	switch v.(type) {
	case *types.AttributeValueMemberS:
		return "S"
	case *types.AttributeValueMemberN:
		return "N"
	case *types.AttributeValueMemberB:
		return "B"
	case *types.AttributeValueMemberSS:
		return "SS"
	case *types.AttributeValueMemberNS:
		return "NS"
	case *types.AttributeValueMemberBS:
		return "BS"
	case *types.AttributeValueMemberM:
		return "M"
	case *types.AttributeValueMemberL:
		return "L"
	case *types.AttributeValueMemberNULL:
		return "NULL"
	case *types.AttributeValueMemberBOOL:
		return "BOOL"
	}
	return "of an unknown type"
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

// stringSet returns ids as a string set without duplicates, or nil if ids
// is empty: DynamoDB has no empty sets.
func stringSet(ids []string) types.AttributeValue {
	if len(ids) == 0 {
		return nil
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return &types.AttributeValueMemberSS{Value: slices.Compact(out)}
}
