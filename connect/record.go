package connect

import "github.com/freshet-io/freshet/consumer"

// Record is a record of the stream, as the consumer library delivers it.
type Record = consumer.Record

// SequenceNumber is a record's sequence number. It is formatted in
// decimal only when String is called, so that an emitter that names a
// batch by its first and last records does not pay for formatting the
// others.
type SequenceNumber = consumer.SequenceNumber

// NewSequenceNumber returns the sequence number written s in decimal.
func NewSequenceNumber(s string) SequenceNumber { return consumer.NewSequenceNumber(s) }
