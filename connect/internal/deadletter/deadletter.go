// Package deadletter holds what the sinks that write dead letters through
// their own emitter share: a call's letters as a batch for that emitter.
package deadletter

import "github.com/freshet-io/freshet/connect"

// Batch returns letters as a batch whose entries are the letters, each at
// the position, partition key, arrival time and size of its record. The
// batch is of the first letter's stream and shard; letters must not be
// empty.
func Batch(letters []connect.Letter) *connect.Batch[connect.Letter] {
	b := &connect.Batch[connect.Letter]{StreamName: letters[0].StreamName, ShardID: letters[0].ShardID,
		Entries: make([]connect.Entry[connect.Letter], len(letters))}
	for i, l := range letters {
		b.Entries[i] = connect.Entry[connect.Letter]{Item: l, ShardID: l.ShardID, SequenceNumber: connect.NewSequenceNumber(l.SequenceNumber),
			SubSequenceNumber: l.SubSequenceNumber, PartitionKey: l.PartitionKey, ArrivalTime: l.ArrivalTime, Size: len(l.Data)}
	}
	return b
}
