package freshet

import (
	"errors"
	"time"
)

// SequenceNumber is a Kinesis sequence number: a decimal integer, unique
// within a stream and strictly increasing within a shard.
//
// freshet issues sequence numbers in the 56-digit "version 2" layout of
// current production Kinesis (188 bits; from the most significant end: the
// constant 2, the shard's creation time in epoch seconds, the low nibble of
// the shard index, a 64-bit per-shard counter, a zero byte, the record's
// arrival time in epoch seconds, the 32-bit shard index and the version
// nibble 2). The accessors below decode those fields, which is how the
// engine tells that a sequence number belongs to another shard or stream.
//
// The zero value means "no sequence number". SequenceNumber is comparable;
// Cmp orders it numerically, which within one shard is write order. String
// formats it lazily, so carrying sequence numbers around costs no
// allocation.
type SequenceNumber struct {
	top, hi, lo uint64 // bits 128-191, 64-127, 0-63
}

var errBadSequenceNumber = errors.New("freshet: invalid sequence number")

// maxSequenceCounter is the per-shard counter of a closed shard's
// EndingSequenceNumber, as production encodes it.
const maxSequenceCounter = 1<<63 - 1

// makeSequenceNumber encodes the version-2 layout.
func makeSequenceNumber(shardCreated int64, shardIndex uint32, counter uint64, recordSec int64) SequenceNumber {
	idx := uint64(shardIndex)
	rec := uint64(recordSec) & (1<<36 - 1)
	created := uint64(shardCreated) & (1<<36 - 1)
	return SequenceNumber{
		lo:  2 | idx<<4 | (rec&(1<<28-1))<<36,
		hi:  rec>>28 | (counter&(1<<48-1))<<16,
		top: counter>>48 | (idx&0xf)<<16 | created<<20 | 2<<56,
	}
}

// ParseSequenceNumber parses a sequence number in decimal, as Kinesis prints
// it. It accepts any canonical decimal below 2^192; whether the value is a
// sequence number of a given shard is checked by the engine when it is used.
func ParseSequenceNumber(s string) (SequenceNumber, error) {
	top, hi, lo, ok := parseDecimal192(s)
	if !ok {
		return SequenceNumber{}, errBadSequenceNumber
	}
	return SequenceNumber{top: top, hi: hi, lo: lo}, nil
}

// String returns the sequence number in decimal ("" for the zero value).
func (s SequenceNumber) String() string {
	if s.IsZero() {
		return ""
	}
	return formatDecimal192(s.top, s.hi, s.lo)
}

// IsZero reports whether s is the zero value.
func (s SequenceNumber) IsZero() bool {
	return s == SequenceNumber{}
}

// Cmp compares two sequence numbers numerically and returns -1, 0 or +1.
// Only sequence numbers of the same shard are ordered by write order.
func (s SequenceNumber) Cmp(o SequenceNumber) int {
	switch {
	case s.top != o.top:
		return cmpUint64(s.top, o.top)
	case s.hi != o.hi:
		return cmpUint64(s.hi, o.hi)
	}
	return cmpUint64(s.lo, o.lo)
}

func cmpUint64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Valid reports whether s has the version-2 layout that freshet (and current
// production Kinesis) issues.
func (s SequenceNumber) Valid() bool {
	return s.top>>56 == 2 && s.lo&0xf == 2 &&
		(s.hi>>8)&0xff == 0 && // the unused byte
		s.Counter() <= maxSequenceCounter &&
		(s.top>>16)&0xf == (s.lo>>4)&0xf // the shard index nibble agrees
}

// ShardIndex returns the index of the shard that issued s (900 for
// shardId-000000000900). Meaningful only when Valid.
func (s SequenceNumber) ShardIndex() int {
	return int((s.lo >> 4) & (1<<32 - 1))
}

// ShardId returns the id of the shard that issued s, such as
// "shardId-000000000900". Meaningful only when Valid.
func (s SequenceNumber) ShardId() string {
	return shardID(s.ShardIndex())
}

// ShardCreated returns the creation time of the shard that issued s, to the
// second. Meaningful only when Valid.
func (s SequenceNumber) ShardCreated() time.Time {
	return time.Unix(s.shardCreatedSec(), 0).UTC()
}

func (s SequenceNumber) shardCreatedSec() int64 {
	return int64((s.top >> 20) & (1<<36 - 1))
}

// Counter returns the per-shard counter of s: 0 for a shard's
// StartingSequenceNumber, 1, 2, ... for its records in write order, and
// 2^63-1 for a closed shard's EndingSequenceNumber. Meaningful only when
// Valid.
func (s SequenceNumber) Counter() uint64 {
	return s.hi>>16 | (s.top&0xffff)<<48
}

// Time returns the time, to the second, at which s was assigned. Meaningful
// only when Valid.
func (s SequenceNumber) Time() time.Time {
	sec := s.lo>>36 | (s.hi&0xff)<<28
	return time.Unix(int64(sec), 0).UTC()
}
