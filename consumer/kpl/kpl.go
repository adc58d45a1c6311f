package kpl

import (
	"bytes"
	"crypto/md5"
	"errors"
	"fmt"
	"strings"

	"github.com/freshet-io/freshet"
)

// magic is the prefix of every KPL aggregated record.
var magic = [4]byte{0xF3, 0x89, 0x9A, 0xC2}

// minLen is the length of an aggregate with an empty protobuf body.
const minLen = len(magic) + md5.Size

// Field numbers of AggregatedRecord, Record and Tag.
const (
	fieldPartitionKeyTable    = 1
	fieldExplicitHashKeyTable = 2
	fieldRecords              = 3

	fieldPartitionKeyIndex    = 1
	fieldExplicitHashKeyIndex = 2
	fieldData                 = 3
	fieldTags                 = 4

	fieldTagKey = 1
)

// ErrNotAggregated reports that a record is not a well-formed KPL aggregate
// and must be delivered as one ordinary record. Deaggregate returns it
// unwrapped when IsAggregated is false, and wrapped with the reason
// otherwise; test for it with errors.Is.
var ErrNotAggregated = errors.New("kpl: not an aggregated record")

var errDigest = errors.New("MD5 digest mismatch")

// SubRecord is one user record of an aggregate.
type SubRecord struct {
	// PartitionKey is the user record's partition key.
	PartitionKey string
	// ExplicitHashKey is the user record's explicit hash key as a decimal
	// string, or "" if it has none.
	ExplicitHashKey string
	// Data is the user record's payload. Deaggregate returns slices that
	// alias its input, capped so that appending to one cannot overwrite its
	// neighbours.
	Data []byte
	// SubSequenceNumber is the 0-based position of the record in the
	// aggregate. Aggregate ignores it.
	SubSequenceNumber int64
}

// HashKey returns the record's effective hash key: its explicit hash key if
// it has one, else the MD5 of its partition key. It fails only if the
// explicit hash key is not a decimal integer in [0, 2^128-1].
func (r SubRecord) HashKey() (freshet.HashKey, error) {
	if r.ExplicitHashKey != "" {
		return parseExplicitHashKey(r.ExplicitHashKey)
	}
	return freshet.HashPartitionKey(r.PartitionKey), nil
}

// IsAggregated reports whether data starts with the KPL magic bytes and is
// long enough to hold the MD5 digest. It is a cheap prefix check: Deaggregate
// may still find that data is not a well-formed aggregate.
func IsAggregated(data []byte) bool {
	return len(data) >= minLen && bytes.Equal(data[:len(magic)], magic[:])
}

// Deaggregate splits a KPL aggregated record into its user records, numbered
// 0, 1, ... by position. If data is not a well-formed aggregate (see the
// package documentation for the exact rule), it returns nil and an error
// matching ErrNotAggregated, and the caller should deliver data as one
// ordinary record. It never returns any other error.
//
// The returned Data slices alias data.
func Deaggregate(data []byte) ([]SubRecord, error) {
	if !IsAggregated(data) {
		return nil, ErrNotAggregated
	}
	body := data[len(magic) : len(data)-md5.Size]
	if sum := md5.Sum(body); !bytes.Equal(sum[:], data[len(data)-md5.Size:]) {
		return nil, notAggregated(errDigest)
	}
	subs, err := decode(body)
	if err != nil {
		return nil, notAggregated(err)
	}
	return subs, nil
}

func notAggregated(reason error) error {
	return fmt.Errorf("%w: %w", ErrNotAggregated, reason)
}

// decode parses an AggregatedRecord protobuf. Fields may appear in any order,
// so it makes three passes over the top-level fields: count, copy the key
// tables, then decode the records against the complete tables.
func decode(body []byte) ([]SubRecord, error) {
	var nPK, nEHK, nRec, keyBytes int
	for b := body; len(b) > 0; {
		f, rest, err := nextField(b)
		if err != nil {
			return nil, err
		}
		b = rest
		if f.wire != wireBytes {
			continue
		}
		switch f.num {
		case fieldPartitionKeyTable:
			nPK++
			keyBytes += len(f.bytes)
		case fieldExplicitHashKeyTable:
			nEHK++
			keyBytes += len(f.bytes)
		case fieldRecords:
			nRec++
		}
	}

	// All keys share one buffer. A strings.Builder only ever appends, so a
	// string taken from it stays valid while more keys are written; Grow
	// makes sure it never reallocates.
	var keys strings.Builder
	keys.Grow(keyBytes)
	pks := make([]string, 0, nPK)
	ehks := make([]string, 0, nEHK)
	for b := body; len(b) > 0; {
		f, rest, _ := nextField(b) // validated by the first pass
		b = rest
		if f.wire != wireBytes || (f.num != fieldPartitionKeyTable && f.num != fieldExplicitHashKeyTable) {
			continue
		}
		start := keys.Len()
		keys.Write(f.bytes)
		key := keys.String()[start:]
		if f.num == fieldPartitionKeyTable {
			pks = append(pks, key)
		} else {
			ehks = append(ehks, key)
		}
	}

	subs := make([]SubRecord, 0, nRec)
	for b := body; len(b) > 0; {
		f, rest, _ := nextField(b)
		b = rest
		if f.wire != wireBytes || f.num != fieldRecords {
			continue
		}
		r, err := decodeRecord(f.bytes, pks, ehks)
		if err != nil {
			return nil, err
		}
		r.SubSequenceNumber = int64(len(subs))
		subs = append(subs, r)
	}
	return subs, nil
}

// decodeRecord parses a Record protobuf and resolves its key indices.
func decodeRecord(b []byte, pks, ehks []string) (SubRecord, error) {
	var (
		r                      SubRecord
		pkIndex, ehkIndex      uint64
		hasPK, hasEHK, hasData bool
	)
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return SubRecord{}, err
		}
		b = rest
		switch {
		case f.num == fieldPartitionKeyIndex && f.wire == wireVarint:
			pkIndex, hasPK = f.varint, true
		case f.num == fieldExplicitHashKeyIndex && f.wire == wireVarint:
			ehkIndex, hasEHK = f.varint, true
		case f.num == fieldData && f.wire == wireBytes:
			r.Data, hasData = f.bytes, true
		case f.num == fieldTags && f.wire == wireBytes:
			if err := checkTag(f.bytes); err != nil {
				return SubRecord{}, err
			}
		}
	}
	if !hasPK || !hasData {
		return SubRecord{}, errMissingField
	}
	if pkIndex >= uint64(len(pks)) {
		return SubRecord{}, errBadIndex
	}
	r.PartitionKey = pks[pkIndex]
	if hasEHK {
		if ehkIndex >= uint64(len(ehks)) {
			return SubRecord{}, errBadIndex
		}
		r.ExplicitHashKey = ehks[ehkIndex]
	}
	return r, nil
}

// checkTag validates a Tag protobuf: it must parse and carry a key.
func checkTag(b []byte) error {
	hasKey := false
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return err
		}
		b = rest
		if f.num == fieldTagKey && f.wire == wireBytes {
			hasKey = true
		}
	}
	if !hasKey {
		return errMissingField
	}
	return nil
}

// Aggregate builds a KPL aggregated record holding records in order, so that
// Deaggregate returns them with sub-sequence numbers 0, 1, .... Partition
// keys and explicit hash keys are stored once each in the key tables, and a
// record's ExplicitHashKey is written only if it is not "".
//
// Aggregate does not validate keys or sizes. To be read as the KPL intends,
// the aggregate should be put with a partition key or explicit hash key that
// routes it to the shard owning every record's hash key (the KPL uses the
// first record's), and must fit the Kinesis record size limit.
func Aggregate(records []SubRecord) []byte {
	pkIndex := make(map[string]uint64)
	ehkIndex := make(map[string]uint64)
	var pks, ehks []string
	size := minLen
	for _, r := range records {
		if _, ok := pkIndex[r.PartitionKey]; !ok {
			pkIndex[r.PartitionKey] = uint64(len(pks))
			pks = append(pks, r.PartitionKey)
			size += bytesFieldLen(len(r.PartitionKey))
		}
		if _, ok := ehkIndex[r.ExplicitHashKey]; !ok && r.ExplicitHashKey != "" {
			ehkIndex[r.ExplicitHashKey] = uint64(len(ehks))
			ehks = append(ehks, r.ExplicitHashKey)
			size += bytesFieldLen(len(r.ExplicitHashKey))
		}
		size += bytesFieldLen(recordLen(r, pkIndex, ehkIndex))
	}

	b := make([]byte, 0, size)
	b = append(b, magic[:]...)
	for _, k := range pks {
		b = appendStringField(b, fieldPartitionKeyTable, k)
	}
	for _, k := range ehks {
		b = appendStringField(b, fieldExplicitHashKeyTable, k)
	}
	for _, r := range records {
		b = appendVarint(b, fieldRecords<<3|wireBytes)
		b = appendVarint(b, uint64(recordLen(r, pkIndex, ehkIndex)))
		b = appendVarintField(b, fieldPartitionKeyIndex, pkIndex[r.PartitionKey])
		if r.ExplicitHashKey != "" {
			b = appendVarintField(b, fieldExplicitHashKeyIndex, ehkIndex[r.ExplicitHashKey])
		}
		b = appendBytesField(b, fieldData, r.Data)
	}
	sum := md5.Sum(b[len(magic):])
	return append(b, sum[:]...)
}

// recordLen is the encoded length of r's Record message.
func recordLen(r SubRecord, pkIndex, ehkIndex map[string]uint64) int {
	n := 1 + varintLen(pkIndex[r.PartitionKey]) + bytesFieldLen(len(r.Data))
	if r.ExplicitHashKey != "" {
		n += 1 + varintLen(ehkIndex[r.ExplicitHashKey])
	}
	return n
}
