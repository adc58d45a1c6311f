// Package seqnum holds the check that the consumer and the lease stores
// share on the sequence numbers they are given to store.
package seqnum

// Valid reports whether s is written as a Kinesis sequence number: 1 to
// 128 decimal digits.
func Valid(s string) bool {
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
