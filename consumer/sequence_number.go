package consumer

import "github.com/freshet-io/freshet"

// SequenceNumber is the Kinesis sequence number of a record: a decimal
// integer of up to 128 digits. Records read from a freshet engine carry
// the engine's binary form and format it only when String is called, which
// saves the consumer most of its per-record cost; records read from AWS
// carry the decimal string. The zero value is "no sequence number".
type SequenceNumber struct {
	s string
	n freshet.SequenceNumber
}

// NewSequenceNumber returns the sequence number written s in decimal, for
// example to build records in tests of a RecordProcessor.
func NewSequenceNumber(s string) SequenceNumber { return SequenceNumber{s: s} }

// String returns the sequence number in decimal.
func (s SequenceNumber) String() string {
	if s.s != "" || s.n.IsZero() {
		return s.s
	}
	return s.n.String()
}

// IsZero reports whether s is the zero value.
func (s SequenceNumber) IsZero() bool { return s == SequenceNumber{} }

// Compare returns -1, 0 or +1 as s is numerically less than, equal to or
// greater than o. Within a shard, that is write order.
func (s SequenceNumber) Compare(o SequenceNumber) int {
	if s.s == "" && o.s == "" {
		return s.n.Cmp(o.n)
	}
	return compareDecimal(s.String(), o.String())
}

// compareDecimal compares two decimal integers without leading zeros.
func compareDecimal(a, b string) int {
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return +1
	case a < b:
		return -1
	case a > b:
		return +1
	}
	return 0
}
