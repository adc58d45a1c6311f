package pgsink

import "strings"

// position is a record's place in its shard: a Kinesis sequence number (a
// decimal string of up to 128 digits) and a subsequence number.
type position struct {
	seq string
	sub int64
}

// validSequenceNumber reports whether s is a decimal sequence number.
func validSequenceNumber(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// compare orders positions by sequence number as a number, then by
// subsequence number. Both sequence numbers must be valid.
func (p position) compare(q position) int {
	a, b := strings.TrimLeft(p.seq, "0"), strings.TrimLeft(q.seq, "0")
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	case a < b:
		return -1
	case a > b:
		return 1
	case p.sub < q.sub:
		return -1
	case p.sub > q.sub:
		return 1
	}
	return 0
}
