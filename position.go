package freshet

import "time"

// Constructors of starting positions, for code that holds a SequenceNumber
// or a time rather than the strings of the Kinesis-shaped field.

// StartAt returns the position of the record with sequence number sn
// (AT_SEQUENCE_NUMBER).
func StartAt(sn SequenceNumber) StartingPosition {
	return StartingPosition{Type: AtSequenceNumber, SequenceNumber: sn.String()}
}

// StartAfter returns the position just after sequence number sn
// (AFTER_SEQUENCE_NUMBER): where a reader that processed the record sn
// resumes.
func StartAfter(sn SequenceNumber) StartingPosition {
	return StartingPosition{Type: AfterSequenceNumber, SequenceNumber: sn.String()}
}

// StartAtTimestamp returns the position of the first record that arrived at
// or after t (AT_TIMESTAMP).
func StartAtTimestamp(t time.Time) StartingPosition {
	return StartingPosition{Type: AtTimestamp, Timestamp: t}
}
